#!/usr/bin/env python3
"""Process tests for build/mock-firmware.

Each test drives the firmware binary as a process, exactly as an operator
would, and asserts exact exit codes and exact event lines. Licenses come from
build/firmware-test/mint (the core's encoder plus libsodium signing), and PEM
keys from openssl, so nothing here encodes or signs the wire format itself.

The last line printed is "N passed, M failed"; the exit status is 0 only when
M is 0.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import traceback

NOW = 1_800_000_000  # a fixed trusted time, so runs are reproducible


class Fail(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise Fail(msg)


def expect_eq(got, want, what):
    if got != want:
        raise Fail(f"{what}: got {got!r}, want {want!r}")


def parse_text_line(line):
    """'name k=v k="quoted v"' -> dict with 'event'."""
    name, _, rest = line.partition(" ")
    ev = {"event": name}
    i = 0
    while i < len(rest):
        eq = rest.index("=", i)
        key = rest[i:eq]
        if rest[eq + 1:eq + 2] == '"':
            dec = json.JSONDecoder()
            val, end = dec.raw_decode(rest, eq + 1)
        else:
            end = rest.find(" ", eq + 1)
            end = len(rest) if end < 0 else end
            raw = rest[eq + 1:end]
            val = int(raw) if raw.isdigit() else raw
        ev[key] = val
        i = end + 1 if end < len(rest) and rest[end] == " " else end
    return ev


class Result:
    def __init__(self, args, proc, json_mode, elapsed):
        self.args = args
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed
        self.lines = [l for l in proc.stdout.splitlines()]
        self.events = []
        for l in self.lines:
            try:
                self.events.append(json.loads(l) if json_mode else parse_text_line(l))
            except Exception as e:  # noqa: BLE001
                raise Fail(f"unparseable event line {l!r}: {e}")

    def of(self, name):
        return [e for e in self.events if e["event"] == name]

    def one(self, name):
        evs = self.of(name)
        expect(len(evs) == 1, f"expected one {name} event, got {len(evs)}:\n{self.stdout}")
        return evs[0]

    @property
    def summary(self):
        return self.events[-1]

    def describe(self):
        return f"args {self.args}\nexit {self.code}\nstdout:\n{self.stdout}stderr:\n{self.stderr}"


def check_common(r):
    """Holds for every run: the summary is the last line and matches the exit code."""
    expect(r.events, f"no output\n{r.describe()}")
    s = r.summary
    expect_eq(s["event"], "summary", "last line's event\n" + r.describe())
    expect_eq(s["exit_code"], r.code, "summary exit_code vs process exit code\n" + r.describe())
    for k in ("work_done", "remaining", "consumed_total", "last_license_id"):
        expect(k in s, f"summary lacks {k}")
    expect_eq(len(r.of("summary")), 1, "summary lines")


class Ctx:
    """Paths and tools shared by the tests."""

    def __init__(self, firmware, mint, work_dir):
        self.firmware = os.path.abspath(firmware)
        self.mint_bin = os.path.abspath(mint)
        self.work_dir = os.path.abspath(work_dir)

    def mint(self, *args, check=True):
        p = subprocess.run([self.mint_bin, *map(str, args)], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise Fail(f"mint {args} failed: {p.stderr}")
        return p


def blake2b32(b):
    return hashlib.blake2b(b, digest_size=32).hexdigest()


class Chip:
    """One simulated device: regulator key, device key, NVM file, mailbox."""

    def __init__(self, ctx, name):
        self.ctx = ctx
        self.dir = os.path.join(ctx.work_dir, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.mailbox = self.path("mailbox")
        os.makedirs(self.mailbox)
        self.nvm = self.path("chip.nvm")
        self.reg = self.keygen("regulator")
        self.dev = self.keygen("device")
        self.device_id = blake2b32(bytes.fromhex(open(self.dev + ".pk").read()))
        self.trusted = [self.reg + ".pk"]
        self.device_key = self.dev + ".sk"

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def keygen(self, name):
        prefix = self.path(name)
        self.ctx.mint("keygen", prefix)
        return prefix

    def license(self, name, license_id, allowance, *opts, device=None, key=None, mailbox=None):
        out = os.path.join(mailbox or self.mailbox, name)
        tmp = out + ".part"  # not *.olic: a half-written file is never a candidate
        self.ctx.mint("license", (key or self.reg) + ".sk", device or self.device_id,
                      license_id, allowance, tmp, *opts)
        os.rename(tmp, out)
        return out

    def renew(self, name, allowance):
        out = os.path.join(self.mailbox, name)
        self.ctx.mint("renew", self.reg + ".sk", os.path.join(self.mailbox, "request.olic"),
                      allowance, out + ".part")
        os.rename(out + ".part", out)
        return out

    def args(self, *extra, provision=False, now=NOW, mailbox=None):
        a = ["--nvm", self.nvm, "--device-key", self.device_key,
             "--mailbox", mailbox or self.mailbox]
        for t in self.trusted:
            a += ["--trusted-key", t]
        if provision:
            a.append("--provision")
        if now is not None:
            a += ["--now", str(now)]
        return a + [str(x) for x in extra]

    def run(self, *extra, provision=False, now=NOW, mailbox=None, json_mode=False, timeout=30):
        a = self.args(*extra, provision=provision, now=now, mailbox=mailbox)
        if json_mode:
            a.append("--json")
        return run_fw(self.ctx, a, None, timeout)


def run_fw(ctx, args, json_mode=None, timeout=30):
    if json_mode is None:
        json_mode = "--json" in args
    t0 = time.monotonic()
    p = subprocess.run([ctx.firmware, *args], capture_output=True, text=True, timeout=timeout)
    if "--help" in args:
        return Result(args, subprocess.CompletedProcess(args, p.returncode, "", p.stderr), False,
                      0), p.stdout
    r = Result(args, p, json_mode, time.monotonic() - t0)
    check_common(r)
    return r


def expect_exit(r, code):
    expect_eq(r.code, code, "exit code\n" + r.describe())


def install_lines(r):
    return [(e["file"], e["status"]) for e in r.of("install")]


# --------------------------------------------------------------------------- tests

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def usage_errors(ctx):
    chip = Chip(ctx, "usage")
    base = chip.args()
    cases = [
        ([], "--nvm: required"),
        (base + ["--bogus"], "--bogus: unknown option"),
        (base + ["--work", "12abc"], "--work 12abc: not a decimal integer"),
        (base + ["--work", "-5"], "--work -5: not a decimal integer"),
        (base + ["--work", "18446744073709551616"], "not a decimal integer"),
        (base + ["--chunk", "0"], "--chunk 0: not a decimal integer in 1.."),
        (base + ["--work"], "--work: needs a value"),
        (base + ["--on-exhausted", "nap"], "--on-exhausted nap: must be halt or throttle"),
        (base + ["--on-exhausted", "throttle"], "--baseline-permille: required with"),
        (base + ["--on-exhausted", "throttle", "--baseline-permille", "1001"], "in 1..1000"),
        (base + ["--baseline-permille", "500"], "only with --on-exhausted throttle"),
        (base + ["--torn-bytes", "3"], "--torn-bytes: only with --power-cut-after-writes"),
        (base + ["--no-clock"], "--no-clock: conflicts with --now"),
        (base + ["--firmware-version", "4294967296"], "--firmware-version 4294967296"),
        (base + ["--wait-seconds", "86401"], "--wait-seconds 86401"),
        (base + ["--nvm", "x"], "--nvm: given twice"),
        (base + ["--trusted-key", chip.trusted[0]] * 8, "at most 8 trusted keys"),
    ]
    for args, msg in cases:
        r = run_fw(ctx, args)
        expect_exit(r, 2)
        expect(msg in r.stderr, f"stderr lacks {msg!r}\n{r.describe()}")
        expect_eq(r.summary["reason"], "usage", "reason")
        expect_eq(len(r.events), 1, "only the summary is printed on a usage error")
    r, help_text = run_fw(ctx, ["--help"])
    expect_exit(r, 0)
    expect(help_text.startswith("usage: mock-firmware"), "help text")
    # 8 distinct keys are fine
    extra = []
    for i in range(7):
        extra += ["--trusted-key", chip.keygen(f"extra{i}") + ".pk"]
    r = run_fw(ctx, chip.args("--provision") + extra)
    expect_exit(r, 0)
    expect_eq(r.one("boot")["trusted_keys"], 8, "trusted_keys")
    # the same key twice is refused by olic_init (a threshold counts distinct keys)
    r = run_fw(ctx, chip.args() + ["--trusted-key", chip.trusted[0]])
    expect_exit(r, 5)
    expect_eq(r.one("boot")["status"], "OLIC_ERR_ARGUMENT", "boot status with a repeated key")


def openssl(*args):
    p = subprocess.run(["openssl", *args], capture_output=True)
    if p.returncode != 0:
        raise Fail(f"openssl {args}: {p.stderr.decode()}")
    return p.stdout


def write_pem(path, label, der):
    import base64
    b64 = base64.b64encode(der).decode()
    with open(path, "w") as f:
        f.write(f"-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")


def make_pem_pair(ctx, chip, name, alg):
    """name.pem (PKCS#8) and name.pub.pem (SPKI), from openssl when it is
    installed; otherwise the same bytes built here from a mint key pair."""
    if shutil.which("openssl"):
        openssl("genpkey", "-algorithm", alg, "-out", chip.path(name + ".pem"))
        openssl("pkey", "-in", chip.path(name + ".pem"), "-pubout", "-out",
                chip.path(name + ".pub.pem"))
        return
    prefix = chip.keygen(name + "-raw")
    sk = bytes.fromhex(open(prefix + ".sk").read())
    oid = b"\x2b\x65\x70" if alg == "ed25519" else b"\x2b\x65\x6e"
    write_pem(chip.path(name + ".pem"), "PRIVATE KEY",
              b"\x30\x2e\x02\x01\x00\x30\x05\x06\x03" + oid + b"\x04\x22\x04\x20" + sk[:32])
    write_pem(chip.path(name + ".pub.pem"), "PUBLIC KEY",
              b"\x30\x2a\x30\x05\x06\x03" + oid + b"\x03\x21\x00" + sk[32:])


def pem_body(path):
    import base64
    lines = open(path).read().strip().splitlines()
    return base64.b64decode("".join(lines[1:-1]))


@test
def key_formats(ctx):
    chip = Chip(ctx, "keys")
    # Regulator and device keys made by openssl, in the PEM forms it writes.
    for name in ("reg", "dev", "x"):
        make_pem_pair(ctx, chip, name, "x25519" if name == "x" else "ed25519")
    reg_seed = pem_body(chip.path("reg.pem"))[16:]
    reg_pk = pem_body(chip.path("reg.pub.pem"))[12:]
    dev_pk = pem_body(chip.path("dev.pub.pem"))[12:]
    with open(chip.path("reg-from-pem.sk"), "w") as f:
        f.write((reg_seed + reg_pk).hex())
    chip.trusted = [chip.path("reg.pub.pem")]
    chip.device_key = chip.path("dev.pem")
    device_id = blake2b32(dev_pk)
    chip.license("one.olic", 1, 100, device=device_id, key=chip.path("reg-from-pem"))
    r = chip.run("--work", 100, provision=True)
    expect_exit(r, 0)
    expect_eq(r.one("boot")["device_id"], device_id, "device_id = BLAKE2b-256(public key)")
    expect_eq(install_lines(r), [("one.olic", "OLIC_OK")], "install with PEM keys")
    expect_eq(r.summary["work_done"], 100, "work_done")

    # Hex forms of the same keys are equivalent.
    with open(chip.path("reg.hex"), "w") as f:
        f.write(reg_pk.hex() + "\n")
    with open(chip.path("dev.hex"), "w") as f:
        f.write((pem_body(chip.path("dev.pem"))[16:] + dev_pk).hex() + "\n")
    r = run_fw(ctx, ["--nvm", chip.nvm, "--trusted-key", chip.path("reg.hex"), "--device-key",
                     chip.path("dev.hex"), "--mailbox", chip.mailbox, "--now", str(NOW)])
    expect_exit(r, 0)
    expect_eq(r.one("boot")["device_id"], device_id, "hex device key gives the same id")

    # Everything else is refused with exit 2 and a message naming the file.
    def bad(path, flag, msg, content=None):
        if content is not None:
            with open(path, "w") as f:
                f.write(content)
        args = ["--nvm", chip.nvm, "--mailbox", chip.mailbox,
                "--trusted-key", path if flag == "--trusted-key" else chip.path("reg.hex"),
                "--device-key", path if flag == "--device-key" else chip.path("dev.hex")]
        r = run_fw(ctx, args)
        expect_exit(r, 2)
        want = f"mock-firmware: {flag} {path}: {msg}"
        expect(want in r.stderr, f"stderr lacks {want!r}\n{r.describe()}")
        expect(reg_seed.hex() not in r.stdout + r.stderr, "secret printed")

    bad(chip.path("x.pub.pem"), "--trusted-key", "not an Ed25519 public key")
    bad(chip.path("x.pem"), "--device-key", "not an Ed25519 private key")
    bad(chip.path("reg.pem"), "--trusted-key", "is a private key")
    bad(chip.path("reg.pub.pem"), "--device-key", "is a public key")
    bad(chip.path("nope"), "--trusted-key", "cannot open")
    bad(chip.path("short.hex"), "--trusted-key", "not PEM, and 63 characters where 64 hex characters were expected", "a" * 63)
    bad(chip.path("nothex.hex"), "--trusted-key", "not PEM, and not valid hex", "g" * 64)
    bad(chip.path("sk-as-pk.hex"), "--trusted-key", "not PEM, and 128 characters where 64",
        open(chip.path("dev.hex")).read())
    other_pk = open(chip.reg + ".pk").read()
    bad(chip.path("mismatch.hex"), "--device-key", "second half of the hex key is not the public key",
        pem_body(chip.path("dev.pem"))[16:].hex() + other_pk)
    bad(chip.path("badb64.pem"), "--trusted-key", "PEM body is not valid base64",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA!!!!\n-----END PUBLIC KEY-----\n")
    bad(chip.path("twokeys.pem"), "--trusted-key", "more than one PEM block",
        open(chip.path("reg.pub.pem")).read().strip() + "\n" + open(chip.path("reg.pub.pem")).read())
    bad(chip.path("cert.pem"), "--trusted-key", 'PEM header is "-----BEGIN CERTIFICATE-----"',
        "-----BEGIN CERTIFICATE-----\nMCowBQYDK2VwAyEA\n-----END CERTIFICATE-----\n")
    # PKCS#8 with a different inner layout (e.g. v2 with the public key) is refused, not guessed at.
    body = pem_body(chip.path("reg.pem"))
    import base64
    longer = bytes([0x30, 0x2f]) + body[2:] + b"\x00"
    bad(chip.path("long.pem"), "--device-key", "not an Ed25519 private key",
        "-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(longer).decode() + "\n-----END PRIVATE KEY-----\n")


@test
def no_valid_state(ctx):
    chip = Chip(ctx, "nostate")
    r = chip.run()
    expect_exit(r, 5)
    expect_eq(r.summary["reason"], "no-state", "reason")
    expect(f"--nvm {chip.nvm}: missing or empty" in r.stderr, r.describe())
    expect(not os.path.exists(chip.nvm), "the NVM file must not be created without --provision")
    for label, content in [("empty", b""), ("erased", b"\xff" * 256), ("zeros", b"\x00" * 256),
                           ("garbage", bytes((i * 37 + 11) % 256 for i in range(256)))]:
        with open(chip.nvm, "wb") as f:
            f.write(content)
        r = chip.run("--work", 10)
        expect_exit(r, 5)
        expect_eq(r.summary["work_done"], 0, "work_done")
        if content:
            expect_eq(r.one("boot")["status"], "OLIC_ERR_STATE", f"{label} NVM boot status")
    with open(chip.nvm, "wb") as f:
        f.write(b"\xff" * 100)
    r = chip.run(provision=True)
    expect_exit(r, 5)
    expect("100 bytes, expected 256" in r.stderr, r.describe())
    # Erased NVM plus --provision: the factory step.
    with open(chip.nvm, "wb") as f:
        f.write(b"\xff" * 256)
    r = chip.run(provision=True)
    expect_exit(r, 0)
    expect_eq(r.one("provision")["status"], "OLIC_OK", "provision")
    expect_eq(r.one("boot")["status"], "OLIC_OK", "boot")


@test
def provision_once(ctx):
    chip = Chip(ctx, "provision")
    chip.license("a.olic", 1, 700)
    r = chip.run("--work", 200, provision=True)
    expect_exit(r, 0)
    expect_eq(r.lines[0], "provision status=OLIC_OK", "first line")
    expect_eq(os.path.getsize(chip.nvm), 256, "NVM size")
    r = chip.run(provision=True)
    expect_exit(r, 0)
    expect_eq(r.lines[0], "provision status=OLIC_ERR_PROVISIONED", "second provision")
    expect_eq(r.one("boot")["remaining"], 500, "provisioning again must not wipe the state")
    expect_eq(r.summary["nvm_writes"], 0, "a refused provision and a replay write nothing")


@test
def mailbox_order(ctx):
    chip = Chip(ctx, "order")
    chip.license("z-first.olic", 1, 100)
    chip.license("a-third.olic", 3, 300)
    chip.license("m-second.olic", 2, 200)
    with open(os.path.join(chip.mailbox, "junk.olic"), "wb") as f:
        f.write(b"OLIC\x01\x01")
    with open(os.path.join(chip.mailbox, "notes.txt"), "w") as f:
        f.write("not a license")
    with open(os.path.join(chip.mailbox, "request.olic"), "wb") as f:
        f.write(b"OLIC\x01\x02" + b"\x00" * 178)
    os.makedirs(os.path.join(chip.mailbox, "dir.olic"))
    r = chip.run(provision=True)
    expect_exit(r, 0)
    expect_eq(r.lines[2:6], [
        "install file=z-first.olic license_id=1 status=OLIC_OK remaining=100",
        "install file=m-second.olic license_id=2 status=OLIC_OK remaining=300",
        "install file=a-third.olic license_id=3 status=OLIC_OK remaining=600",
        "install file=junk.olic status=OLIC_ERR_MALFORMED",
    ], "install lines")
    expect_eq(len(r.of("install")), 4, "request.olic, notes.txt and dir.olic are not candidates")
    expect_eq(r.summary["last_license_id"], 3, "last_license_id")


@test
def rejections(ctx):
    chip = Chip(ctx, "reject")
    chip.license("base.olic", 1, 1000)
    r = chip.run(provision=True)
    expect_exit(r, 0)
    os.remove(os.path.join(chip.mailbox, "base.olic"))
    stranger = chip.keygen("stranger")
    other_dev = blake2b32(b"another device")

    def lic(name, lid, *opts, **kw):
        return chip.license(name, lid, 50, *opts, **kw)

    def tamper(path, offset, xor):
        b = bytearray(open(path, "rb").read())
        b[offset] ^= xor
        open(path, "wb").write(bytes(b))

    cases = []
    cases.append(("replay", lambda: lic("replay.olic", 1), "OLIC_ERR_REPLAY", []))

    def tampered():
        p = lic("tampered.olic", 2)
        tamper(p, 63, 0x01)  # allowance high byte: 2^56 more units, if it were accepted
    cases.append(("tampered", tampered, "OLIC_ERR_SIGNATURE", []))

    def bad_sig():
        p = lic("badsig.olic", 2)
        tamper(p, os.path.getsize(p) - 1, 0x80)
    cases.append(("signature", bad_sig, "OLIC_ERR_SIGNATURE", []))
    cases.append(("device", lambda: lic("other.olic", 2, device=other_dev), "OLIC_ERR_DEVICE", []))
    cases.append(("key", lambda: lic("stranger.olic", 2, key=stranger), "OLIC_ERR_UNKNOWN_KEY", []))
    cases.append(("firmware", lambda: lic("fw.olic", 2, "min_fw=5"), "OLIC_ERR_FIRMWARE", []))
    cases.append(("firmware-ok", lambda: lic("fw.olic", 2, "min_fw=5"), "OLIC_OK",
                  ["--firmware-version", 5]))
    cases.append(("no-time", lambda: lic("v.olic", 2, f"validity={NOW - 10}:{NOW + 10}"),
                  "OLIC_ERR_NO_TIME", ["--no-clock"]))
    cases.append(("expired", lambda: lic("v.olic", 2, f"validity={NOW - 100}:{NOW - 1}"),
                  "OLIC_ERR_EXPIRED", []))
    cases.append(("not-yet", lambda: lic("v.olic", 2, f"validity={NOW + 1}:{NOW + 100}"),
                  "OLIC_ERR_NOT_YET_VALID", []))
    cases.append(("valid-now", lambda: lic("v.olic", 2, f"validity={NOW}:{NOW}"), "OLIC_OK", []))
    cases.append(("binding", lambda: lic("b.olic", 2, "bind=7"), "OLIC_ERR_BINDING", []))
    cases.append(("critical", lambda: lic("c.olic", 2, "ext=8fff:00"),
                  "OLIC_ERR_UNSUPPORTED_EXTENSION", []))
    cases.append(("noncritical", lambda: lic("n.olic", 2, "ext=0007:abcd"), "OLIC_OK", []))

    def version():
        p = lic("ver.olic", 2)
        tamper(p, 4, 0x02)  # version 3 (2 is the threshold format)
    cases.append(("version", version, "OLIC_ERR_VERSION", []))

    def truncated():
        p = lic("trunc.olic", 2)
        b = open(p, "rb").read()
        open(p, "wb").write(b[:-1])
    cases.append(("truncated", truncated, "OLIC_ERR_MALFORMED", []))

    def oversize():
        with open(os.path.join(chip.mailbox, "big.olic"), "wb") as f:
            f.write(b"OLIC\x01\x01" + b"\x00" * 1100)
    cases.append(("oversize", oversize, "OLIC_ERR_MALFORMED", []))

    snapshot = open(chip.nvm, "rb").read()
    for label, make, status, extra in cases:
        for f in os.listdir(chip.mailbox):
            os.remove(os.path.join(chip.mailbox, f))
        open(chip.nvm, "wb").write(snapshot)  # each case starts at license 1 installed
        make()
        now = None if "--no-clock" in extra else NOW
        r = chip.run(*extra, now=now)
        expect_exit(r, 0)
        got = [s for _, s in install_lines(r)]
        expect_eq(got, [status], f"{label}: install status\n{r.describe()}")
        if status != "OLIC_OK":
            expect_eq(r.summary["nvm_writes"], 0, f"{label}: a refused license writes nothing")
            expect_eq(r.summary["remaining"], 1000, f"{label}: remaining")
            expect_eq(r.summary["last_license_id"], 1, f"{label}: last_license_id")
        else:
            expect_eq(r.summary["remaining"], 1050, f"{label}: remaining")


@test
def threshold(ctx):
    """A 2-of-3 device: two of its keys install, one signature is THRESHOLD,
    a forged second signature is SIGNATURE, an untrusted signer UNKNOWN_KEY, a
    v1 license THRESHOLD; --threshold above the key count is a usage error."""
    chip = Chip(ctx, "threshold")
    keys = [chip.reg, chip.keygen("reg2"), chip.keygen("reg3")]
    stranger = chip.keygen("stranger")
    chip.trusted = [k + ".pk" for k in keys]
    chip.license("base.olic", 1, 1000)  # a v1 license: refused at k = 2
    r = chip.run("--threshold", 2, provision=True)
    expect_exit(r, 0)
    expect_eq(install_lines(r), [("base.olic", "OLIC_ERR_THRESHOLD")], "v1 on k = 2\n" + r.describe())
    boot = r.of("boot")[0]
    expect_eq(boot["threshold"], 2, "boot threshold")
    expect_eq(boot["trusted_keys"], 3, "boot trusted_keys")
    os.remove(os.path.join(chip.mailbox, "base.olic"))

    def v2(name, lid, n, signers):
        out = os.path.join(chip.mailbox, name)
        ctx.mint("v2", n, chip.device_id, lid, 50, out + ".part", *[k + ".sk" for k in signers])
        os.rename(out + ".part", out)
        return out

    def forge_last_entry(path):
        b = bytearray(open(path, "rb").read())
        b[len(b) - 1] ^= 0x01  # last byte of the last entry's signature
        open(path, "wb").write(bytes(b))

    snapshot = open(chip.nvm, "rb").read()
    cases = [
        ("two-of-three", lambda: v2("ok.olic", 2, 2, keys[1:]), "OLIC_OK"),
        ("three-of-three", lambda: v2("ok3.olic", 2, 3, keys), "OLIC_OK"),
        ("one-signature", lambda: v2("one.olic", 2, 1, keys[:1]), "OLIC_ERR_THRESHOLD"),
        ("forged-second", lambda: forge_last_entry(v2("forged.olic", 2, 2, keys[:2])), "OLIC_ERR_SIGNATURE"),
        ("stranger", lambda: v2("stranger.olic", 2, 2, [keys[0], stranger]), "OLIC_ERR_UNKNOWN_KEY"),
        ("partly-signed", lambda: v2("part.olic", 2, 2, keys[:1]), "OLIC_ERR_MALFORMED"),
    ]
    for label, make, status in cases:
        for f in os.listdir(chip.mailbox):
            os.remove(os.path.join(chip.mailbox, f))
        open(chip.nvm, "wb").write(snapshot)
        make()
        r = chip.run("--threshold", 2)
        expect_exit(r, 0)
        expect_eq([s for _, s in install_lines(r)], [status], f"{label}\n{r.describe()}")
        expect_eq(r.summary["nvm_writes"], 1 if status == "OLIC_OK" else 0, f"{label}: writes")
        expect_eq(r.summary["remaining"], 50 if status == "OLIC_OK" else 0, f"{label}: remaining")
    r = run_fw(ctx, chip.args("--threshold", 4))
    expect_exit(r, 2)
    expect("mock-firmware: --threshold: more than the number of --trusted-key" in r.stderr, r.describe())


@test
def halt_and_request(ctx):
    chip = Chip(ctx, "halt")
    chip.license("lic-1.olic", 1, 2500)
    r = chip.run("--work", 4000, "--chunk", 1000, provision=True)
    expect_exit(r, 3)
    req = os.path.join(chip.mailbox, "request.olic")
    expect_eq(r.lines[3:], [
        "reserve want=1000 granted=1000 remaining=1500 consumed_total=1000",
        "reserve want=1000 granted=1000 remaining=500 consumed_total=2000",
        "reserve want=1000 granted=500 remaining=0 consumed_total=2500",
        "exhausted work_done=2500 work_left=1500",
        f"request file={req} request_sequence=1 status=OLIC_OK",
        "halt work_left=1500",
        "summary exit_code=3 reason=halted work_done=2500 throttled_work=0 sim_time=2500 "
        "remaining=0 consumed_total=2500 last_license_id=1 request_sequence=1 nvm_writes=6",
    ], "event lines")
    info = ctx.mint("request-info", req).stdout.strip()
    expect_eq(info, f"status=OLIC_OK device_id={chip.device_id} last_license_id=1 remaining=0 "
              f"consumed_total=2500 request_sequence=1 firmware_version=1 time_high_water={NOW}",
              "request fields")
    expect_eq(os.path.getsize(req), 184, "request size")
    # Booting the halted chip again re-announces the same request: no NVM write,
    # and a renewal already being fetched for request 1 stays valid.
    r = chip.run("--work", 1500)
    expect_exit(r, 3)
    expect_eq(r.lines[-3:-1], [f"request-pending file={req} request_sequence=1",
                               "halt work_left=1500"], "pending request")
    expect_eq(r.summary["nvm_writes"], 0, "re-announcing writes nothing")
    # A request file that is not this device's current one is not reused.
    # A bit flip, never a fixed value: byte 150 is in a signature made with a fresh
    # random key, so writing a constant there leaves it unchanged 1 run in 256.
    with open(req, "r+b") as f:
        f.seek(150)
        byte = f.read(1)[0]
        f.seek(150)
        f.write(bytes([byte ^ 0x01]))
    r = chip.run("--work", 1500)
    expect_eq(r.lines[-3], f"request file={req} request_sequence=2 status=OLIC_OK",
              "a corrupted request file is replaced by a new request")
    # The renewal, bound to that request, installs and finishes the work.
    chip.renew("lic-2.olic", 3000)
    r = chip.run("--work", 1500, "--chunk", 1000)
    expect_exit(r, 0)
    expect_eq(install_lines(r), [("lic-1.olic", "OLIC_ERR_REPLAY"), ("lic-2.olic", "OLIC_OK")],
              "installs")
    expect_eq((r.summary["work_done"], r.summary["remaining"], r.summary["consumed_total"]),
              (1500, 1500, 4000), "after renewal")
    # A renewal bound to an older request is refused once the device asked again.
    r = chip.run("--work", 5000)
    expect_exit(r, 3)
    expect_eq(r.summary["request_sequence"], 3, "a new request after the renewal changed the state")
    req1_bound = chip.license("stale.olic", 3, 10, "bind=1")
    r = chip.run()
    expect_eq(install_lines(r)[-1], ("stale.olic", "OLIC_ERR_BINDING"), "stale binding")
    os.remove(req1_bound)


@test
def chunk_larger_than_allowance(ctx):
    chip = Chip(ctx, "bigchunk")
    chip.license("l.olic", 1, 500)
    r = chip.run("--work", 700, "--chunk", 100000, provision=True)
    expect_exit(r, 3)
    expect_eq(r.of("reserve"), [{"event": "reserve", "want": 700, "granted": 500,
                                 "remaining": 0, "consumed_total": 500}], "reserve")
    expect_eq(r.summary["work_done"], 500, "work_done")
    r = chip.run("--work", 0)
    expect_exit(r, 0)
    expect_eq(r.summary["nvm_writes"], 0, "no work, no writes")


@test
def throttle(ctx):
    chip = Chip(ctx, "throttle")
    chip.license("l.olic", 1, 1000)
    r = chip.run("--work", 3000, "--chunk", 400, "--on-exhausted", "throttle",
                 "--baseline-permille", 250, provision=True)
    expect_exit(r, 0)
    expect_eq([e["granted"] for e in r.of("reserve")], [400, 400, 200], "reservations")
    expect_eq(r.lines[-3:], [
        f"request file={chip.mailbox}/request.olic request_sequence=1 status=OLIC_OK",
        "throttle baseline_permille=250 units=2000 sim_time=8000",
        "summary exit_code=0 reason=done work_done=1000 throttled_work=2000 sim_time=9000 "
        "remaining=0 consumed_total=1000 last_license_id=1 request_sequence=1 nvm_writes=6",
    ], "throttle lines")
    r = chip.run("--work", 7, "--on-exhausted", "throttle", "--baseline-permille", 3)
    expect_exit(r, 0)
    expect_eq(r.one("throttle")["sim_time"], 2334, "ceil(7 * 1000 / 3)")


@test
def wait_for_renewal(ctx):
    chip = Chip(ctx, "wait")
    chip.license("lic-1.olic", 1, 1000)
    args = chip.args("--work", 2500, "--chunk", 500, "--wait-seconds", 20, "--json", provision=True)
    proc = subprocess.Popen([ctx.firmware, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    req = os.path.join(chip.mailbox, "request.olic")
    deadline = time.monotonic() + 10
    while not os.path.exists(req) and time.monotonic() < deadline:
        time.sleep(0.02)
    expect(os.path.exists(req), "no request appeared while waiting")
    time.sleep(0.3)  # let it poll at least once with nothing new
    chip.renew("lic-2.olic", 2000)
    t0 = time.monotonic()
    out, err = proc.communicate(timeout=15)
    expect(time.monotonic() - t0 < 5, "the renewal was not picked up promptly")
    r = Result(args, subprocess.CompletedProcess(args, proc.returncode, out, err), True, 0)
    check_common(r)
    expect_exit(r, 0)
    expect_eq([(e["event"], e.get("status")) for e in r.events[5:]], [
        ("exhausted", None), ("request", "OLIC_OK"), ("wait", None), ("install", "OLIC_OK"),
        ("reserve", None), ("reserve", None), ("reserve", None), ("summary", None)], "event sequence\n" + r.describe())
    expect_eq(r.of("install")[-1]["license_id"], 2, "the renewal's id")
    expect_eq((r.summary["work_done"], r.summary["remaining"]), (2500, 500), "summary")


@test
def wait_timeout(ctx):
    chip = Chip(ctx, "waittimeout")
    chip.license("lic-1.olic", 1, 100)
    # A stale file that never becomes valid must not be reported on every poll.
    chip.license("stale.olic", 9, 100, "bind=5")
    r = chip.run("--work", 200, "--wait-seconds", 1, provision=True)
    expect_exit(r, 3)
    expect(r.elapsed >= 1.0, f"returned after {r.elapsed:.2f}s")
    expect_eq([l.split()[0] for l in r.lines], [
        "provision", "boot", "install", "install", "reserve", "exhausted", "request", "wait",
        "install", "wait-timeout", "halt", "summary"], "event sequence\n" + r.describe())
    expect_eq(r.lines[-4], "install file=stale.olic license_id=9 status=OLIC_ERR_BINDING",
              "after the request, the stale license is offered once more")


@test
def power_cut_basics(ctx):
    chip = Chip(ctx, "cut")
    chip.license("l.olic", 1, 1000)
    # Write 1 is provisioning: a cut there leaves no state at all.
    r = chip.run("--power-cut-after-writes", 1, provision=True)
    expect_exit(r, 4)
    expect_eq(r.lines, [
        f"power-cut write=1 landed_bytes={r.of('power-cut')[0]['write_bytes'] // 2} "
        f"write_bytes={r.of('power-cut')[0]['write_bytes']}",
        "summary exit_code=4 reason=power-cut work_done=0 throttled_work=0 sim_time=0 remaining=0 "
        "consumed_total=0 last_license_id=0 request_sequence=0 nvm_writes=1"], "cut at provision")
    r = chip.run()
    expect_exit(r, 5)
    expect_eq(r.one("boot")["status"], "OLIC_ERR_STATE", "torn provisioning is no state")
    r = chip.run(provision=True)
    expect_exit(r, 0)
    expect_eq(r.one("provision")["status"], "OLIC_OK", "provisioning again after a torn one")
    # A cut during the install: the license installs on the next boot.
    os.remove(chip.nvm)
    r = chip.run("--power-cut-after-writes", 2, "--torn-bytes", 0, "--json", provision=True)
    expect_exit(r, 4)
    expect_eq(r.events[-2], {"event": "power-cut", "write": 2, "landed_bytes": 0,
                             "write_bytes": r.events[-2]["write_bytes"]}, "power-cut event")
    expect_eq(r.summary["reason"], "power-cut", "summary reason")
    r = chip.run("--work", 300)
    expect_exit(r, 0)
    expect_eq(install_lines(r), [("l.olic", "OLIC_OK")], "install after the cut")
    # A cut after the whole record landed (torn bytes beyond the length): the
    # reservation is durable, its work is lost, the allowance is not created.
    r = chip.run("--work", 300, "--chunk", 100, "--power-cut-after-writes", 2,
                 "--torn-bytes", 100000)
    expect_exit(r, 4)
    expect_eq(r.summary["work_done"], 100, "one chunk ran before the cut")
    r = chip.run()
    expect_eq((r.summary["remaining"], r.summary["consumed_total"]), (500, 500),
              "the cut reservation is spent")


def state_tuple(e):
    return (e["last_license_id"], e["remaining"], e["consumed_total"], e["request_sequence"])


def reference_states(r):
    """States after each NVM write of a full run, from its events."""
    st = {"last_license_id": 0, "remaining": 0, "consumed_total": 0, "request_sequence": 0}
    states = []
    for e in r.events:
        if e["event"] == "provision" and e["status"] == "OLIC_OK":
            pass
        elif e["event"] == "install" and e["status"] == "OLIC_OK":
            st["last_license_id"], st["remaining"] = e["license_id"], e["remaining"]
        elif e["event"] == "reserve":
            st["remaining"], st["consumed_total"] = e["remaining"], e["consumed_total"]
        elif e["event"] == "request" and e["status"] == "OLIC_OK":
            st["request_sequence"] = e["request_sequence"]
        else:
            continue
        states.append(state_tuple(st))
    return states


def sweep(ctx, name, allowance, work_args, chunk):
    chip = Chip(ctx, name)
    os.makedirs(chip.path("clean"))
    chip.license("l.olic", 1, allowance, mailbox=chip.path("clean"))

    def fresh():
        if os.path.exists(chip.nvm):
            os.remove(chip.nvm)
        shutil.rmtree(chip.mailbox)
        shutil.copytree(chip.path("clean"), chip.mailbox)

    fresh()
    args = list(work_args) + ["--chunk", chunk, "--json"]
    ref = chip.run(*args, provision=True)
    expect(ref.code in (0, 3), "reference run\n" + ref.describe())
    n = ref.summary["nvm_writes"]
    states = reference_states(ref)
    expect_eq(len(states), n, "one state per write in the reference run\n" + ref.describe())
    runs = 0
    for k in range(1, n + 1):
        for torn in (None, 0, 1, 10**6):
            fresh()
            extra = ["--power-cut-after-writes", k] + ([] if torn is None else ["--torn-bytes", torn])
            cut = chip.run(*args, *extra, provision=True)
            where = f"cut at write {k}, torn {torn}"
            expect_exit(cut, 4)
            expect_eq(cut.one("power-cut")["write"], k, where)
            reboot = chip.run(*args, provision=True)
            runs += 2
            expect(reboot.code in (0, 3), f"{where}: reboot\n{reboot.describe()}")
            boot = state_tuple(reboot.one("boot"))
            before = states[k - 2] if k >= 2 else states[0]  # before provisioning: it reruns
            after = states[k - 1]
            expect(boot in (before, after),
                   f"{where}: boot state {boot} is neither {before} nor {after}")
            final = chip.run(*args)  # a third boot sees what the second committed
            runs += 1
            fs = final.summary
            work = cut.summary["work_done"] + reboot.summary["work_done"] + fs["work_done"]
            expect(work <= allowance, f"{where}: work {work} > allowance {allowance}")
            expect(fs["remaining"] + fs["consumed_total"] == allowance,
                   f"{where}: remaining {fs['remaining']} + consumed {fs['consumed_total']} "
                   f"!= allowance {allowance}")
            expect(work <= fs["consumed_total"], f"{where}: ran unreserved units")
            expect(fs["consumed_total"] - work <= chunk,
                   f"{where}: lost {fs['consumed_total'] - work} units, more than one chunk")
            expect_eq(fs["last_license_id"], 1, f"{where}: last_license_id")
    expect_eq(runs, n * 4 * 3, "runs")
    print(f"  {name}: {n} writes, each cut 4 ways, {runs} runs")
    return n


@test
def power_cut_sweep_halt(ctx):
    # 12000 units of work against 10000 of allowance: provision, install, four
    # reservations, then exhaustion and a request. Every write is cut, four ways.
    sweep(ctx, "sweep-halt", 10000, ["--work", 12000], 3000)


@test
def power_cut_sweep_throttle(ctx):
    sweep(ctx, "sweep-throttle", 5000, ["--work", 6000, "--on-exhausted", "throttle",
                                        "--baseline-permille", 500], 1500)


@test
def json_lines(ctx):
    chip = Chip(ctx, "json")
    chip.license("q\"uote d.olic", 1, 10)
    r = chip.run("--work", 20, provision=True, json_mode=True)
    expect_exit(r, 3)
    expect_eq([e["event"] for e in r.events],
              ["provision", "boot", "install", "reserve", "exhausted", "request", "halt", "summary"],
              "events")
    expect_eq(r.of("install")[0]["file"], "q\"uote d.olic", "file name round-trips through JSON")
    expect(all(isinstance(r.summary[k], int) for k in
               ("work_done", "remaining", "consumed_total", "last_license_id")), "integers")
    # The same name in text mode is quoted, so the line stays one event.
    r = chip.run()
    expect_eq(r.lines[1], 'install file="q\\"uote d.olic" license_id=1 status=OLIC_ERR_REPLAY',
              "quoted text value")
    # No secret key material in any output.
    sk = open(chip.device_key).read().strip()
    for run in (r, chip.run(json_mode=True)):
        expect(sk[:64] not in run.stdout + run.stderr, "device seed printed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--mint", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("-k", default="", help="run only tests whose name contains this")
    a = ap.parse_args()
    ctx = Ctx(a.firmware, a.mint, a.work_dir)
    os.makedirs(ctx.work_dir, exist_ok=True)
    passed = failed = 0
    t0 = time.monotonic()
    for fn in TESTS:
        if a.k not in fn.__name__:
            continue
        t = time.monotonic()
        try:
            fn(ctx)
            passed += 1
            print(f"PASS {fn.__name__} ({time.monotonic() - t:.1f}s)")
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {fn.__name__}: {e}")
            if not isinstance(e, Fail):
                traceback.print_exc()
        sys.stdout.flush()
    print(f"firmware tests took {time.monotonic() - t0:.1f}s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
