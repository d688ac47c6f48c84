#!/usr/bin/env python3
"""Process tests for build/olic.

Every test runs the real binary and asserts its exact exit code and output.
Licenses are judged by build/libolic.a from C (Tests/cli/device.c), signatures
by openssl, and keys cross-checked with openssl in both directions. Python 3.11
standard library only. The last line is "N passed, M failed"; exit 1 on any
failure.
"""

import argparse
import hashlib
import json
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

UINT64_MAX = 2**64 - 1
NOW_2026 = 1767225600  # 2026-01-01T00:00:00Z


class Suite:
    def __init__(self, olic, work):
        self.olic = olic
        self.work = work
        self.passed = 0
        self.failed = 0
        self.current = ""

    # --- running -----------------------------------------------------------

    def guarded(self, function, *args):
        """One test group: a harness error (any exception) fails it, and the
        groups after it still run. Returns what the group returned, or None."""
        try:
            return function(*args)
        except Exception as error:  # a harness error is a failure, never a silent pass
            self.failed += 1
            print(f"FAIL [{self.current}] harness error in {getattr(function, '__name__', 'step')}: {error!r}")
            return None

    def timed(self, function):
        """guarded, then the group's name and how long it took."""
        began = time.monotonic()
        try:
            return self.guarded(function)
        finally:
            print(f"  [{self.current}] {time.monotonic() - began:.1f} s")

    def run(self, *args, cwd=None, binary=True, codes=(0, 1, 2)):
        """codes: the exit codes the command may give (cosign's refusals add 3 to 6)."""
        proc = subprocess.run([self.olic, *args], capture_output=True, cwd=cwd or self.work,
                              stdin=subprocess.DEVNULL, timeout=120)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        # Never a crash: no signal, no Swift runtime trap, no stack dump.
        self.check(proc.returncode in codes, f"exit code {proc.returncode} is one of {codes} for {args}")
        for marker in ("Fatal error", "Stack dump", "Segmentation", "Illegal instruction", "backtrace"):
            self.check(marker not in err, f"no '{marker}' on stderr for {args}: {err!r}")
        return proc.returncode, out, err

    def tool(self, *args, check=True):
        proc = subprocess.run(list(args), capture_output=True, cwd=self.work, timeout=120)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{args} failed: {proc.stderr.decode()}")
        return proc.stdout.decode("utf-8", "replace")

    # --- asserting -----------------------------------------------------------

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL [{self.current}] {what}")

    def equal(self, actual, expected, what):
        self.check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")

    def ok(self, args, stdout=None, what=None):
        """A run that must succeed with empty stderr; returns stdout."""
        rc, out, err = self.run(*args)
        self.equal(rc, 0, f"exit code of {what or args} (stderr {err!r})")
        self.equal(err, "", f"stderr of {what or args}")
        if stdout is not None:
            self.equal(out, stdout, f"stdout of {what or args}")
        return out

    def bad_input(self, args, names, reason, what=None, stdout=""):
        """Exit 1 with exactly one stderr line that names the argument or file and the reason."""
        rc, out, err = self.run(*args)
        label = what or " ".join(args)
        self.equal(rc, 1, f"exit code of {label}")
        self.equal(out, stdout, f"stdout of {label}")
        lines = err.splitlines()
        self.equal(len(lines), 1, f"stderr line count of {label} ({err!r})")
        line = lines[0] if lines else ""
        self.check(line.startswith("olic: "), f"stderr of {label} starts with 'olic: ': {line!r}")
        for name in names if isinstance(names, list) else [names]:
            self.check(name in line, f"stderr of {label} names {name!r}: {line!r}")
        self.check(reason in line, f"stderr of {label} says {reason!r}: {line!r}")
        return line

    def usage(self, args, message):
        rc, out, err = self.run(*args)
        self.equal(rc, 2, f"exit code of usage error {args}")
        self.equal(out, "", f"stdout of usage error {args}")
        self.check(message in err, f"usage error {args} says {message!r}: {err!r}")
        self.check("Usage: olic" in err, f"usage error {args} shows usage: {err!r}")

    # --- helpers ---------------------------------------------------------------

    def path(self, name):
        return os.path.join(self.work, name)

    def write(self, name, data):
        with open(self.path(name), "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return self.path(name)

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()


def blake2b256(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def le(data, offset, size):
    return int.from_bytes(data[offset:offset + size], "little")


# ---------------------------------------------------------------------------


class Device:
    """The C device (Tests/cli/device.c over build/libolic.a), NVM in a file."""

    def __init__(self, suite, binary, name, trusted_hex, firmware=0):
        self.s = suite
        self.binary = binary
        self.seed = os.urandom(32).hex()
        self.nvm = suite.path(f"{name}.nvm")
        self.trusted = trusted_hex
        self.firmware = str(firmware)
        ids = self.call("id", self.seed).split()
        self.device_id, self.public_key = ids[0], ids[1]

    def call(self, *args):
        return self.s.tool(self.binary, *args).strip()

    def provision(self):
        return self.call("provision", self.nvm)

    def install(self, license_path, now=0):
        return self.call("install", self.nvm, self.trusted, self.seed, self.firmware, str(now), license_path)

    def request(self, out_path):
        return self.call("request", self.nvm, self.trusted, self.seed, self.firmware, out_path)

    def state(self):
        return self.call("state", self.nvm, self.trusted, self.seed, self.firmware)


# ---------------------------------------------------------------------------


def test_help(s):
    s.current = "help"
    out = s.ok(["help"])
    for word in ("keygen", "pubkey", "issue", "inspect", "verify", "verify-request", "batch",
                 "key_id", "BIND_REQUEST", "RFC 3339", "PKCS#8", "SPKI", "184-byte", "critical"):
        s.check(word in out, f"olic help mentions {word!r}")
    s.equal(s.ok(["--help"]), out, "olic --help is olic help")
    for command, words in {
        "keygen": ["0600", "openssl genpkey", "overwritten"],
        "pubkey": ["--c-array", "--key-id", "BLAKE2b-256", "--device-id", "not a device id"],
        "secret-key": ["seed", "0600", "--c-array", "--raw"],
        "issue": ["--from-request", "--registry", "last_license_id + 1", "ascending type order"],
        "inspect": ["--json", "signature_status", "olic_parse"],
        "verify": ["olic_check", "OLIC_ERR_NO_TIME", "--last-license-id", "--request-sequence"],
        "verify-request": ["184 bytes", "olic_verify_request"],
        "batch": ["device_id,license_id,allowance", "min_firmware", "progress bar", "terminal", "RFC 4180",
                  "--not-before", "--max-errors"],
    }.items():
        text = " ".join(s.ok(["help", command]).split())  # as read, whatever the line wrapping
        for word in words:
            s.check(word in text, f"olic help {command} mentions {word!r}")
    rc, out, err = s.run("frobnicate")
    s.equal((rc, out), (2, ""), "an unknown subcommand is a usage error")
    s.equal(err, "olic: unknown subcommand 'frobnicate' for 'olic'; the subcommands are keygen, pubkey, "
            "secret-key, issue, cosign, inspect, verify, verify-request, batch, ledger\n", "an unknown subcommand is named in one line")
    s.usage(["issue"], "Missing expected argument")


def test_keygen(s):
    s.current = "keygen"
    out = s.ok(["keygen", "--out", "reg"])
    priv, pub = s.read("reg.pem"), s.read("reg.pub.pem")
    s.equal(stat.S_IMODE(os.stat(s.path("reg.pem")).st_mode), 0o600, "private key mode")
    s.check(not stat.S_IMODE(os.stat(s.path("reg.pub.pem")).st_mode) & 0o022, "public key not group/world writable")
    lines = priv.decode().splitlines()
    s.equal((lines[0], lines[-1], len(lines)), ("-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", 3),
            "private PEM framing")
    import base64
    der = base64.b64decode(lines[1])
    s.equal(der[:16].hex(), "302e020100300506032b657004220420", "PKCS#8 Ed25519 prefix")
    s.equal(len(der), 48, "PKCS#8 DER length")
    pub_lines = pub.decode().splitlines()
    s.equal((pub_lines[0], pub_lines[-1]), ("-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"), "SPKI framing")
    spki = base64.b64decode(pub_lines[1])
    s.equal(spki[:12].hex(), "302a300506032b6570032100", "SPKI Ed25519 prefix")
    key_id = blake2b256(spki[12:])[:8].hex()
    s.equal(out, f"wrote reg.pem and reg.pub.pem, key_id {key_id}\n", "keygen stdout")

    # openssl reads both files and writes exactly the same bytes back.
    s.equal(s.tool("openssl", "pkey", "-in", "reg.pem").encode(), priv, "openssl pkey re-encodes the private key identically")
    s.equal(s.tool("openssl", "pkey", "-in", "reg.pem", "-pubout").encode(), pub, "openssl derives the same SPKI PEM")
    s.equal(s.tool("openssl", "pkey", "-pubin", "-in", "reg.pub.pem").encode(), pub, "openssl reads the SPKI PEM")
    s.check("ED25519 Private-Key" in s.tool("openssl", "pkey", "-in", "reg.pem", "-noout", "-text"),
            "openssl sees an Ed25519 private key")

    # Never overwrites, and a refused run changes nothing.
    s.bad_input(["keygen", "--out", "reg"], ["--out", "reg.pem"], "already exists")
    s.equal((s.read("reg.pem"), s.read("reg.pub.pem")), (priv, pub), "refused keygen left both files alone")
    s.write("half.pub.pem", "occupied\n")
    s.bad_input(["keygen", "--out", "half"], ["--out", "half.pub.pem"], "already exists")
    s.check(not os.path.exists(s.path("half.pem")), "refused keygen wrote no private key")
    s.bad_input(["keygen", "--out", "no/such/dir/k"], ["--out", "no/such/dir"], "cannot create")
    s.check(not os.path.exists(s.path("no")), "failed keygen left nothing")
    s.equal(sorted(f for f in os.listdir(s.work) if f.startswith(".")), [], "no temporary files left in the work dir")
    s.usage(["keygen"], "Missing expected argument '--out <PREFIX>'")
    s.usage(["keygen", "--out", ""], "--out needs a file name prefix")


def test_pubkey(s, c_array_source, cc):
    s.current = "pubkey"
    der = subprocess.run(["openssl", "pkey", "-in", "reg.pem", "-pubout", "-outform", "DER"],
                         capture_output=True, check=True, cwd=s.work).stdout
    pk = der[12:].hex()
    key_id = blake2b256(der[12:])[:8].hex()
    s.ok(["pubkey", "reg.pem"], stdout=pk + "\n")
    s.ok(["pubkey", "reg.pem", "--hex"], stdout=pk + "\n")
    s.ok(["pubkey", "reg.pub.pem"], stdout=pk + "\n", what="pubkey of the public key file")
    s.ok(["pubkey", "reg.pub.pem", "--key-id"], stdout=key_id + "\n")
    c_array = s.ok(["pubkey", "reg.pem", "--c-array"])
    s.check(c_array.startswith("{ /* Ed25519 public key, key_id " + key_id + " */\n"), "c-array header comment")
    s.check(c_array.rstrip().endswith("}"), "c-array closes its brace")
    s.equal(s.ok(["pubkey", "reg.pub.pem", "--c-array"]), c_array, "c-array from the public key file")
    s.write("trusted_key.inc", c_array)
    exe = s.path("c_array")
    subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", s.work, c_array_source, "-o", exe], check=True)
    s.equal(s.tool(exe).strip(), pk, "the C initializer compiles to the same 32 bytes")
    s.usage(["pubkey", "reg.pem", "--hex", "--key-id"], "--key-id")


def test_bad_keys(s):
    s.current = "bad keys"
    s.tool("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "rsa.pem")
    s.tool("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem")
    s.tool("openssl", "genpkey", "-algorithm", "X25519", "-out", "x25519.pem")
    s.tool("openssl", "genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:secret", "-out", "encrypted.pem")
    s.tool("openssl", "pkey", "-in", "rsa.pem", "-pubout", "-out", "rsa.pub.pem")
    s.write("notpem.txt", "just some text\n")
    s.write("badb64.pem", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")
    s.write("noend.pem", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n")
    s.bad_input(["pubkey", "rsa.pem"], ["KEY", "rsa.pem"], "not an Ed25519 private key (it is RSA)")
    s.bad_input(["pubkey", "rsa.pub.pem"], ["KEY", "rsa.pub.pem"], "not an Ed25519 public key (it is RSA)")
    s.bad_input(["pubkey", "ec.pem"], ["KEY", "ec.pem"], "not an Ed25519 private key (it is EC)")
    s.bad_input(["pubkey", "x25519.pem"], ["KEY", "x25519.pem"], "not an Ed25519 private key (it is X25519)")
    s.bad_input(["pubkey", "encrypted.pem"], ["KEY", "encrypted.pem"], "the key is encrypted and no passphrase was given")
    s.bad_input(["pubkey", "notpem.txt"], ["KEY", "notpem.txt"], "not a PEM key file")
    s.bad_input(["pubkey", "badb64.pem"], ["KEY", "badb64.pem"], "not valid base64")
    s.bad_input(["pubkey", "noend.pem"], ["KEY", "noend.pem"], "has no END line")
    s.write("crlf.pem", s.read("reg.pem").replace(b"\n", b"\r\n"))
    os.chmod(s.path("crlf.pem"), 0o600)
    s.ok(["pubkey", "crlf.pem"], stdout=s.ok(["pubkey", "reg.pem"]), what="pubkey of a CRLF PEM file")
    s.bad_input(["pubkey", "missing.pem"], ["KEY", "missing.pem"], "cannot open")
    s.bad_input(["pubkey", s.work], ["KEY"], "is a directory")
    os.chmod(s.path("rsa.pem"), 0o000)
    if os.geteuid() != 0:  # root reads anything; the case is only testable as a user
        s.bad_input(["pubkey", "rsa.pem"], ["KEY", "rsa.pem"], "Permission denied")
    os.chmod(s.path("rsa.pem"), 0o600)


def issue_args(device, license_id=1, allowance=1000, out="l.olic", key="reg.pem", extra=()):
    return ["issue", "--key", key, "--device", device, "--license-id", str(license_id),
            "--allowance" + str(allowance) if str(allowance).startswith("=") else "--allowance",
            *([] if str(allowance).startswith("=") else [str(allowance)]), *extra, "--out", out]


def openssl_verifies(s, license_name, pub="reg.pub.pem"):
    blob = s.read(license_name)
    s.write("msg.bin", blob[:-64])
    s.write("sig.bin", blob[-64:])
    proc = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", s.path(pub), "-rawin",
                           "-in", s.path("msg.bin"), "-sigfile", s.path("sig.bin")], capture_output=True)
    return proc.returncode == 0


def test_issue_and_inspect(s, device_binary):
    s.current = "issue"
    trusted = s.ok(["pubkey", "reg.pub.pem"]).strip()
    key_id = s.ok(["pubkey", "reg.pub.pem", "--key-id"]).strip()
    dev = Device(s, device_binary, "dev1", trusted, firmware=4)
    out = s.ok(issue_args(dev.device_id, 7, 5000, extra=["--min-firmware", "3"]))
    s.equal(out, f"wrote l.olic: license_id 7, allowance 5000, device {dev.device_id}, 136 bytes\n", "issue stdout")
    blob = s.read("l.olic")
    # The bytes, read independently of the core (docs/format.md), and openssl's verdict.
    s.equal(blob[:8].hex(), "4f4c494301018800", "header: OLIC, v1, license, 136 bytes")
    s.equal(blob[8:16].hex(), key_id, "key_id field")
    s.equal(blob[16:48].hex(), dev.device_id, "device_id field")
    s.equal((le(blob, 48, 8), le(blob, 56, 8), le(blob, 64, 4), le(blob, 68, 4)), (7, 5000, 3, 0),
            "license_id, allowance, min_firmware_version, flags")
    s.check(openssl_verifies(s, "l.olic"), "openssl verifies the Ed25519 signature over [0, len-64)")
    s.equal(stat.S_IMODE(os.stat(s.path("l.olic")).st_mode) & 0o600, 0o600, "license file readable and writable by owner")

    # Accepted by build/libolic.a from C, then a replay refused.
    s.current = "issue -> C device"
    s.equal(dev.provision(), "OLIC_OK", "C device provisions")
    s.equal(dev.install(s.path("l.olic")), "OLIC_OK", "C device installs the CLI's license")
    s.equal(dev.state(), "last_license_id=7 remaining=5000 request_sequence=0", "C device state after install")
    s.equal(dev.install(s.path("l.olic")), "OLIC_ERR_REPLAY", "C device refuses it a second time")

    s.current = "inspect"
    text = s.ok(["inspect", "l.olic", "--trusted-key", "reg.pub.pem"])
    s.equal(text, "\n".join([
        "type: license", "status: OLIC_OK", "total_length: 136", f"key_id: {key_id}",
        f"device_id: {dev.device_id}", "license_id: 7", "allowance: 5000", "min_firmware_version: 3",
        "flags: 0", "extension_count: 0", f"signature: {blob[-64:].hex()}", "signature_status: OLIC_OK"]) + "\n",
        "inspect text of a plain license")

    # Every extension kind, written in ascending type order whatever the argument order.
    s.current = "issue extensions"
    s.ok(issue_args(dev.device_id, 8, UINT64_MAX, out="x.olic", extra=[
        "--extension", "0x0020:aabb", "--not-before", "2026-01-01T00:00:00Z", "--not-after", "1800000000",
        "--bind-request", "5", "--extension", "16:", "--extension", "0x7fff:00ff"]))
    x = s.read("x.olic")
    s.equal(len(x), 136 + 4 + 4 + 2 + 4 + 2 + 4 + 16 + 4 + 8, "length with five extensions")
    tlv_types, offset = [], 72
    while offset < len(x) - 64:
        tlv_types.append(le(x, offset, 2))
        offset += 4 + le(x, offset + 2, 2)
    s.equal(tlv_types, [0x0010, 0x0020, 0x7FFF, 0x8001, 0x8002], "TLV types in ascending order")
    rc, out, err = s.run("inspect", "x.olic", "--json", "--trusted-key", "reg.pem")
    s.equal((rc, err), (0, ""), "inspect --json exit and stderr")
    s.equal(out.count("\n"), 1, "inspect --json prints one line")
    doc = json.loads(out)
    s.equal(doc, {
        "type": "license", "status": "OLIC_OK", "total_length": len(x), "key_id": key_id,
        "device_id": dev.device_id, "license_id": 8, "allowance": UINT64_MAX, "min_firmware_version": 0,
        "flags": 0, "extension_count": 5,
        "extensions": [
            {"type": 16, "name": "unknown", "critical": False, "length": 0, "value": ""},
            {"type": 32, "name": "unknown", "critical": False, "length": 2, "value": "aabb"},
            {"type": 0x7FFF, "name": "unknown", "critical": False, "length": 2, "value": "00ff"},
            {"type": 0x8001, "name": "VALIDITY", "critical": True, "length": 16, "not_before": NOW_2026,
             "not_after": 1800000000,
             "value": NOW_2026.to_bytes(8, "little").hex() + (1800000000).to_bytes(8, "little").hex()},
            {"type": 0x8002, "name": "BIND_REQUEST", "critical": True, "length": 8, "request_sequence": 5,
             "value": (5).to_bytes(8, "little").hex()},
        ],
        "signature": x[-64:].hex(), "signature_status": "OLIC_OK"}, "inspect --json of every extension kind")
    s.check('"allowance":18446744073709551615' in out, "u64 max is a JSON number, digit for digit")
    rc, text, err = s.run("inspect", "x.olic")
    s.equal((rc, err), (0, "olic: FILE x.olic: the signature was not checked (no --trusted-key given): UNVERIFIED, "
                           "not OLIC_OK\n"), "inspect without a key: exit 0 and one warning line")
    for line in ["extensions[0]: type=0x0010 name=unknown critical=no length=0 value=(empty)",
                 "extensions[3]: type=0x8001 name=VALIDITY critical=yes length=16 "
                 "not_before=1767225600 (2026-01-01T00:00:00Z) not_after=1800000000 (2027-01-15T08:00:00Z) "
                 "value=00b955690000000000d2496b00000000",
                 "extensions[4]: type=0x8002 name=BIND_REQUEST critical=yes length=8 request_sequence=5 "
                 "value=0500000000000000"]:
        s.check(line in text.splitlines(), f"inspect text has {line!r}")
    s.check("signature_status: NOT_CHECKED" in text.splitlines(), "without --trusted-key the signature is not checked")
    s.equal(text.splitlines()[1:3], ["status: UNVERIFIED", "reason: the signature was not checked (no --trusted-key given)"],
            "without --trusted-key a license is never OLIC_OK")

    # RFC 3339 with an offset equals the Unix time it names.
    s.ok(issue_args(dev.device_id, 9, 1, out="t.olic", extra=[
        "--not-before", "2026-01-01T01:00:00+01:00", "--not-after", "2026-01-01T00:00:00.000Z"]))
    s.equal(json.loads(s.ok(["inspect", "t.olic", "--json", "--trusted-key", "reg.pub.pem"]))["extensions"][0]["not_before"], NOW_2026,
            "RFC 3339 with +01:00 offset")

    # A critical type v1 does not know: refused unless asked for, and then every device refuses it.
    s.current = "unknown critical"
    s.bad_input(issue_args(dev.device_id, 9, out="c.olic", extra=["--extension", "0x9000:01"]),
                ["--extension 0x9000:01"], "critical and unknown to v1 devices")
    s.check(not os.path.exists(s.path("c.olic")), "refused issue wrote nothing")
    s.ok(issue_args(dev.device_id, 9, out="c.olic", extra=["--extension", "0x9000:01", "--allow-unknown-critical"]))
    rc, out, err = s.run("inspect", "c.olic", "--json")
    doc = json.loads(out)
    s.equal((rc, doc["status"], doc["license_id"], doc["extensions"][0]["type"], doc["extensions"][0]["critical"]),
            (1, "OLIC_ERR_UNSUPPORTED_EXTENSION", 9, 0x9000, True),
            "inspect shows the fields of a license every v1 device refuses")
    s.equal(dev.install(s.path("c.olic")), "OLIC_ERR_UNSUPPORTED_EXTENSION", "the C device refuses it")
    return dev, trusted, key_id


def test_issue_bad_input(s, dev):
    s.current = "issue bad input"
    d = dev.device_id
    s.write("keep.olic", b"previous contents")
    cases = [
        (issue_args(d, key="missing.pem", out="keep.olic"), ["--key", "missing.pem"], "cannot open"),
        (issue_args(d, key="rsa.pem", out="keep.olic"), ["--key", "rsa.pem"], "not an Ed25519 private key (it is RSA)"),
        (issue_args(d, key="reg.pub.pem", out="keep.olic"), ["--key", "reg.pub.pem"], "signing needs the private key"),
        (issue_args("zz" * 32, out="keep.olic"), ["--device"], "not hex"),
        (issue_args(d[:-2], out="keep.olic"), ["--device"], "a device id is 32 bytes (64 hex digits), got 31 bytes"),
        (issue_args(d + "0", out="keep.olic"), ["--device"], "odd number of hex digits"),
        (issue_args(d, license_id=0, out="keep.olic"), ["--license-id"], "0 is out of range (1...18446744073709551615)"),
        (issue_args(d, license_id=2**64, out="keep.olic"), ["--license-id"], "18446744073709551616 is out of range"),
        (issue_args(d, license_id="seven", out="keep.olic"), ["--license-id"], "not a number: 'seven'"),
        (issue_args(d, allowance=0, out="keep.olic"), ["--allowance"], "0 is out of range"),
        (issue_args(d, allowance="=-5", out="keep.olic"), ["--allowance"], "not a number: '-5'"),
        (issue_args(d, out="keep.olic", extra=["--min-firmware", str(2**32)]), ["--min-firmware"],
         "4294967296 is out of range (0...4294967295)"),
        (issue_args(d, out="keep.olic", extra=["--not-before", "2027-01-01T00:00:00Z", "--not-after", "2026-01-01T00:00:00Z"]),
         ["--not-before", "--not-after"], "the window is empty"),
        (issue_args(d, out="keep.olic", extra=["--not-before", "yesterday", "--not-after", "1"]), ["--not-before"],
         "not a time: 'yesterday'"),
        (issue_args(d, out="keep.olic", extra=["--not-before", "2026-02-30T00:00:00Z", "--not-after", "1"]),
         ["--not-before"], "not a time"),
        (issue_args(d, out="keep.olic", extra=["--not-before", "1969-12-31T23:59:59Z", "--not-after", "1"]),
         ["--not-before"], "before 1970"),
        (issue_args(d, out="keep.olic", extra=["--not-before", "2026-01-01T00:00:00.5Z", "--not-after", "1"]),
         ["--not-before"], "not a time"),
        (issue_args(d, out="keep.olic", extra=["--bind-request", "0"]), ["--bind-request"], "0 is out of range"),
        (issue_args(d, out="keep.olic", extra=["--extension", "0x8001:00"]), ["--extension 0x8001:00"],
         "VALIDITY is set with --not-before and --not-after"),
        (issue_args(d, out="keep.olic", extra=["--extension", "0x8002:00"]), ["--extension 0x8002:00"],
         "BIND_REQUEST is set with --bind-request"),
        (issue_args(d, out="keep.olic", extra=["--extension", "abcd"]), ["--extension abcd"], "expected TYPE:HEX"),
        (issue_args(d, out="keep.olic", extra=["--extension", "0x10000:00"]), ["--extension 0x10000:00"],
         "out of range (0...65535)"),
        (issue_args(d, out="keep.olic", extra=["--extension", "0x10:xyz"]), ["--extension 0x10:xyz"], "not hex"),
        (issue_args(d, out="keep.olic", extra=["--extension", "1:00", "--extension", "1:01"]), ["--extension 1:01"],
         "given twice"),
        (issue_args(d, out="keep.olic", extra=["--extension", "1:" + "00" * 900]), ["--extension"],
         "the license would be 1040 bytes; a license is at most 1024"),
        (issue_args(d, out="no/such/dir/l.olic"), ["--out", "no/such/dir"], "cannot create"),
    ]
    for args, names, reason in cases:
        s.bad_input(args, names, reason)
    s.equal(s.read("keep.olic"), b"previous contents", "failed issues left the existing output untouched")
    s.equal(sorted(f for f in os.listdir(s.work) if f.startswith(".")), [], "no temporary files left behind")
    # Usage errors: exit 2.
    s.usage(["issue", "--key", "reg.pem", "--device", d, "--license-id", "1", "--out", "u.olic"],
            "Missing expected argument '--allowance <N>'")
    s.usage(issue_args(d, out="u.olic", extra=["--not-before", "1"]), "--not-before and --not-after go together")
    s.usage(["issue", "--key", "reg.pem", "--allowance", "1", "--out", "u.olic"], "Missing --device")
    s.usage(["issue", "--key", "reg.pem", "--device", d, "--allowance", "1", "--out", "u.olic"], "Missing --license-id")
    s.usage(["issue", "--key", "reg.pem", "--from-request", "r.req", "--device", d, "--allowance", "1", "--out", "u.olic"],
            "--device cannot be used with --from-request")
    s.usage(issue_args(d, out="u.olic", extra=["--registry", "r.csv"]), "--registry is used only with --from-request")
    s.check(not os.path.exists(s.path("u.olic")), "usage errors wrote nothing")


def test_openssl_key_issue(s, device_binary):
    s.current = "openssl key -> olic issue"
    s.tool("openssl", "genpkey", "-algorithm", "ed25519", "-out", "ossl.pem")
    s.tool("openssl", "pkey", "-in", "ossl.pem", "-pubout", "-out", "ossl.pub.pem")
    der = subprocess.run(["openssl", "pkey", "-in", "ossl.pem", "-pubout", "-outform", "DER"],
                         capture_output=True, check=True, cwd=s.work).stdout
    s.ok(["pubkey", "ossl.pem"], stdout=der[12:].hex() + "\n", what="pubkey of an openssl key")
    dev = Device(s, device_binary, "dev-ossl", der[12:].hex())
    s.ok(issue_args(dev.device_id, 1, 42, key="ossl.pem", out="ossl.olic"))
    s.check(openssl_verifies(s, "ossl.olic", pub="ossl.pub.pem"), "openssl verifies the license signed with its key")
    s.equal(dev.provision(), "OLIC_OK", "provision")
    s.equal(dev.install(s.path("ossl.olic")), "OLIC_OK", "C device installs a license signed with an openssl key")
    s.ok(["verify", "--trusted-key", "ossl.pub.pem", "--device", dev.device_id, "ossl.olic"], stdout="OLIC_OK\n")


def test_verify(s, dev, trusted):
    s.current = "verify"
    d = dev.device_id
    other = "11" * 32
    s.ok(issue_args(d, 10, 100, out="v.olic", extra=[
        "--min-firmware", "4", "--bind-request", "3", "--not-before", "1000", "--not-after", "2000"]))
    base = ["verify", "--trusted-key", "reg.pub.pem", "--device", d, "--last-license-id", "9",
            "--request-sequence", "3", "--firmware-version", "4"]

    def verdict(extra, file, expected):
        rc, out, err = s.run(*base[:1], *extra, file)
        s.equal((rc, out, err), (0 if expected == "OLIC_OK" else 1, expected + "\n", ""),
                f"verify {' '.join(extra)} {file}")

    ok = base[1:] + ["--now", "1500"]
    verdict(ok, "v.olic", "OLIC_OK")
    verdict(["--trusted-key", "ossl.pub.pem"] + ok[2:], "v.olic", "OLIC_ERR_UNKNOWN_KEY")
    verdict(["--trusted-key", "ossl.pub.pem", "--trusted-key", "reg.pem"] + ok[2:], "v.olic", "OLIC_OK")
    verdict(ok[:2] + ["--device", other] + ok[4:], "v.olic", "OLIC_ERR_DEVICE")
    verdict(ok[:4] + ["--last-license-id", "10"] + ok[6:], "v.olic", "OLIC_ERR_REPLAY")
    verdict(ok[:6] + ["--request-sequence", "4"] + ok[8:], "v.olic", "OLIC_ERR_BINDING")
    verdict(ok[:8] + ["--firmware-version", "3"] + ok[10:], "v.olic", "OLIC_ERR_FIRMWARE")
    verdict(base[1:], "v.olic", "OLIC_ERR_NO_TIME")
    verdict(base[1:] + ["--now", "999"], "v.olic", "OLIC_ERR_NOT_YET_VALID")
    verdict(base[1:] + ["--now", "2001"], "v.olic", "OLIC_ERR_EXPIRED")
    verdict(base[1:] + ["--now", "1970-01-01T00:33:20Z"], "v.olic", "OLIC_OK")
    verdict(base[1:] + ["--now", "1500", "--time-high-water", "2001"], "v.olic", "OLIC_ERR_EXPIRED")
    blob = bytearray(s.read("v.olic"))
    blob[-1] ^= 1
    s.write("v-sig.olic", bytes(blob))
    verdict(ok, "v-sig.olic", "OLIC_ERR_SIGNATURE")
    s.write("v-short.olic", bytes(blob[:100]))
    verdict(ok, "v-short.olic", "OLIC_ERR_MALFORMED")
    v2 = bytearray(s.read("v.olic"))
    v2[4] = 3  # 2 is now the threshold layout: a v1 body under it is malformed
    s.write("v-version.olic", bytes(v2))
    verdict(ok, "v-version.olic", "OLIC_ERR_VERSION")
    v2[4] = 2
    s.write("v-as-v2.olic", bytes(v2))
    verdict(ok, "v-as-v2.olic", "OLIC_ERR_MALFORMED")
    verdict(["--trusted-key", "reg.pub.pem", "--device", d], "c.olic", "OLIC_ERR_UNSUPPORTED_EXTENSION")

    # The first failing check wins: replay and a bad signature together say replay.
    verdict(ok[:4] + ["--last-license-id", "10"] + ok[6:], "v-sig.olic", "OLIC_ERR_REPLAY")

    s.bad_input(base + ["missing.olic"], ["FILE", "missing.olic"], "cannot open")
    s.bad_input(["verify", "--trusted-key", "rsa.pub.pem", "--device", d, "v.olic"], ["--trusted-key", "rsa.pub.pem"],
                "not an Ed25519 public key")
    s.bad_input(["verify", "--trusted-key", "reg.pub.pem", "--device", "abc", "v.olic"], ["--device"],
                "odd number of hex digits (3)")
    s.bad_input(["verify", "--trusted-key", "reg.pub.pem", "--device", "0x" + d, "v.olic"], ["--device"], "not hex")
    s.bad_input(["verify", "--trusted-key", "reg.pub.pem", "--device", d, "--now", "soon", "v.olic"], ["--now"],
                "not a time")
    s.bad_input(["verify", "--trusted-key", "reg.pub.pem", "--device", d, "--last-license-id=-1", "v.olic"],
                ["--last-license-id"], "not a number")
    s.bad_input(["verify", "--trusted-key", "reg.pub.pem", "--device", d, "--firmware-version", "4294967296", "v.olic"],
                ["--firmware-version"], "out of range")
    s.usage(["verify", "--device", d, "v.olic"], "Missing --trusted-key")
    s.usage(["verify", *sum([["--trusted-key", "reg.pub.pem"] for _ in range(9)], []), "--device", d, "v.olic"],
            "at most 8 keys; 9 --trusted-key given")
    s.usage(["verify", "--trusted-key", "reg.pub.pem", "v.olic"], "Missing expected argument '--device <HEX>'")


def test_request_flow(s, device_binary, trusted):
    s.current = "request -> issue --from-request -> C device"
    dev = Device(s, device_binary, "dev-req", trusted, firmware=2)
    s.equal(dev.provision(), "OLIC_OK", "provision")
    s.ok(issue_args(dev.device_id, 4, 1000, out="first.olic"))
    s.equal(dev.install(s.path("first.olic"), now=NOW_2026), "OLIC_OK", "first license installed")
    s.equal(dev.request(s.path("dev.req")), "OLIC_OK", "the C library makes a request")
    req = s.read("dev.req")
    s.equal(len(req), 184, "request size")

    s.ok(["verify-request", "dev.req"], stdout="OLIC_OK\n")
    text = s.ok(["inspect", "dev.req"])
    s.equal(text.splitlines()[:12], [
        "type: request", "status: OLIC_OK", "total_length: 184", f"device_id: {dev.device_id}",
        f"device_public_key: {dev.public_key}", "last_license_id: 4", "remaining: 1000", "consumed_total: 0",
        "request_sequence: 1", "firmware_version: 2", "reserved: 0",
        f"time_high_water: {NOW_2026} (2026-01-01T00:00:00Z)"], "inspect of the device's request")
    doc = json.loads(s.ok(["inspect", "dev.req", "--json"]))
    s.equal((doc["request_sequence"], doc["last_license_id"], doc["time_high_water"], doc["device_public_key"]),
            (1, 4, NOW_2026, dev.public_key), "inspect --json of the request")

    s.write("registry.csv", f"device_id,public_key\n{'22' * 32},{'33' * 32}\n{dev.device_id},{dev.public_key}\n")
    out = s.ok(["issue", "--key", "reg.pem", "--from-request", "dev.req", "--registry", "registry.csv",
                "--allowance", "500", "--out", "bound.olic"])
    s.equal(out, f"wrote bound.olic: license_id 5, allowance 500, device {dev.device_id}, 148 bytes\n",
            "issue --from-request stdout")
    doc = json.loads(s.ok(["inspect", "bound.olic", "--json", "--trusted-key", "reg.pub.pem"]))
    s.equal((doc["license_id"], doc["device_id"], doc["extensions"][0]["name"], doc["extensions"][0]["request_sequence"]),
            (5, dev.device_id, "BIND_REQUEST", 1), "bound license: last_license_id + 1, bound to sequence 1")
    s.equal(dev.install(s.path("bound.olic"), now=NOW_2026), "OLIC_OK", "the C device installs the bound license")
    s.equal(dev.state(), "last_license_id=5 remaining=1500 request_sequence=1", "device state after the bound license")

    # A bound license answers one request only: after a newer request it is refused.
    s.ok(["issue", "--key", "reg.pem", "--from-request", "dev.req", "--registry", "registry.csv", "--allowance", "1",
          "--out", "stale.olic"])
    s.equal(dev.request(s.path("dev2.req")), "OLIC_OK", "second request")
    s.equal(dev.install(s.path("stale.olic")), "OLIC_ERR_REPLAY", "the old answer is a replay now")
    s.ok(["issue", "--key", "reg.pem", "--from-request", "dev2.req", "--trust-request-key", "--allowance", "1",
          "--out", "b2.olic"])
    s.equal(dev.install(s.path("b2.olic")), "OLIC_OK", "the answer to the second request installs")

    s.current = "request bad input"
    s.write("wrong-registry.csv", f"{dev.device_id},{'44' * 32}\n")
    from_req = ["issue", "--key", "reg.pem", "--allowance", "1", "--out", "r.olic", "--from-request"]
    s.bad_input(from_req + ["dev.req", "--registry", "wrong-registry.csv"], ["--from-request dev.req", "wrong-registry.csv"],
                "but the registry wrong-registry.csv holds " + "44" * 32)
    s.write("other-registry.csv", f"{'55' * 32},{dev.public_key}\n")
    s.bad_input(from_req + ["dev.req", "--registry", "other-registry.csv"], ["--from-request dev.req"],
                f"device {dev.device_id} is not in the registry other-registry.csv")
    s.write("bad-registry.csv", "device_id,public_key\nxyz,00\n")
    s.bad_input(from_req + ["dev.req", "--registry", "bad-registry.csv"], ["--registry bad-registry.csv:2: device_id"],
                "not hex")
    s.bad_input(from_req + ["dev.req", "--registry", "missing.csv"], ["--registry", "missing.csv"], "cannot open")
    s.write("short.req", req[:100])
    s.bad_input(from_req + ["short.req", "--trust-request-key"], ["--from-request short.req"], "truncated request, 100 bytes of 184")
    tampered = bytearray(req)
    tampered[80] ^= 0xFF  # remaining: the report no longer matches the device's signature
    s.write("tampered.req", bytes(tampered))
    s.bad_input(from_req + ["tampered.req", "--trust-request-key"], ["--from-request tampered.req"],
                "OLIC_ERR_SIGNATURE: the device's signature does not verify")
    s.bad_input(from_req + ["missing.req", "--trust-request-key"], ["--from-request", "missing.req"], "cannot open")
    s.check(not os.path.exists(s.path("r.olic")), "refused requests produced no license")

    s.current = "verify-request"
    rc, out, err = s.run("verify-request", "short.req")
    s.equal((rc, out), (1, "OLIC_ERR_MALFORMED\n"), "verify-request of a truncated request")
    s.equal(err, "olic: FILE short.req: OLIC_ERR_MALFORMED: truncated request, 100 bytes of 184\n",
            "verify-request names the truncation")
    rc, out, err = s.run("verify-request", "tampered.req")
    s.equal((rc, out), (1, "OLIC_ERR_SIGNATURE\n"), "verify-request of a tampered request")
    s.equal(err.count("\n"), 1, "one stderr line for a tampered request")
    rc, out, err = s.run("verify-request", "bound.olic")
    s.equal((rc, out), (1, "OLIC_ERR_MALFORMED\n"), "verify-request of a license")
    s.equal(err, "olic: FILE bound.olic: OLIC_ERR_MALFORMED: this is an olic license, not a request "
            "('olic verify' checks a license, 'olic inspect' shows it)\n", "verify-request says it is a license")
    s.bad_input(["verify-request", "missing.req"], ["FILE", "missing.req"], "cannot open")
    s.usage(["verify-request"], "Missing expected argument '<FILE>'")

    s.current = "inspect bad input"
    rc, out, err = s.run("inspect", "tampered.req")
    s.equal((rc, out.splitlines()[:5], out.splitlines()[7], err), (1, [
        "type: request", "status: OLIC_ERR_SIGNATURE", "reason: the device's signature does not verify",
        "total_length: 184", f"device_id: {dev.device_id}"], f"remaining: {le(tampered, 80, 8)}",
        "olic: FILE tampered.req: OLIC_ERR_SIGNATURE: the device's signature does not verify\n"),
        "inspect of a tampered request: the reason, and the fields it claims")
    rc, out, err = s.run("inspect", "v-short.olic")
    s.equal((rc, out.splitlines()[:4], err), (1, [
        "type: license", "status: OLIC_ERR_MALFORMED", "reason: truncated license, 100 bytes of the 168 its header gives",
        "file_length: 100"], "olic: FILE v-short.olic: OLIC_ERR_MALFORMED: truncated license, 100 bytes of the 168 its "
        "header gives\n"), "inspect of a truncated license")
    rc, out, err = s.run("inspect", "v-sig.olic", "--trusted-key", "reg.pub.pem")
    s.equal((rc, out.splitlines()[1], out.splitlines()[-1]), (1, "status: OLIC_ERR_SIGNATURE", "signature_status: OLIC_ERR_SIGNATURE"),
            "inspect of a license with a bad signature")
    rc, out, err = s.run("inspect", "v.olic", "--trusted-key", "ossl.pub.pem")
    s.equal((rc, out.splitlines()[-1]), (1, "signature_status: OLIC_ERR_UNKNOWN_KEY"), "inspect with another key")
    s.bad_input(["inspect", "registry.csv"], ["FILE", "registry.csv"], "neither an olic license nor a request")
    s.bad_input(["inspect", "missing.olic"], ["FILE", "missing.olic"], "cannot open")
    s.bad_input(["inspect", "v.olic", "--trusted-key", "ec.pem"], ["--trusted-key", "ec.pem"], "not an Ed25519")


def test_batch(s):
    s.current = "batch"
    devices = [blake2b256(bytes([i])).hex() for i in range(3)]
    s.write("fleet.csv", "device_id,license_id,allowance,min_firmware\n"
            f"{devices[0]},1,100,\n\n# a comment\n{devices[1].upper()},2,200,7\r\n  {devices[2]} , 0x3 , 300 , 0\n")
    out = s.ok(["batch", "--key", "reg.pem", "--devices", "fleet.csv", "--out-dir", "fleet"])
    s.equal(out, "wrote 3 licenses to fleet\n", "batch stdout (no progress bar off a terminal)")
    s.equal(sorted(os.listdir(s.path("fleet"))), sorted(d + ".olic" for d in devices), "one file per device, no leftovers")
    for device, (lid, allowance, fw) in zip(devices, [(1, 100, 0), (2, 200, 7), (3, 300, 0)]):
        doc = json.loads(s.ok(["inspect", f"fleet/{device}.olic", "--json", "--trusted-key", "reg.pub.pem"]))
        s.equal((doc["device_id"], doc["license_id"], doc["allowance"], doc["min_firmware_version"], doc["signature_status"]),
                (device, lid, allowance, fw, "OLIC_OK"), f"batch license for row {lid}")
    s.ok(["verify", "--trusted-key", "reg.pub.pem", "--device", devices[1], "--firmware-version", "7",
          f"fleet/{devices[1]}.olic"], stdout="OLIC_OK\n")

    # Into an existing directory: files replaced, others kept, no staging left.
    s.write("fleet/unrelated.txt", "keep me")
    s.write("fleet3.csv", f"device_id,license_id,allowance\n{devices[0]},9,900\n")
    s.ok(["batch", "--key", "reg.pem", "--devices", "fleet3.csv", "--out-dir", "fleet", "--jobs", "1"],
         stdout="wrote 1 license to fleet\n")
    s.equal(json.loads(s.ok(["inspect", f"fleet/{devices[0]}.olic", "--json", "--trusted-key", "reg.pub.pem"]))["license_id"], 9, "existing file replaced")
    s.equal(sorted(os.listdir(s.path("fleet"))), sorted([d + ".olic" for d in devices] + ["unrelated.txt"]),
            "existing directory: no staging directory left")

    s.current = "batch bad input"
    good_row = f"{devices[0]},1,1"
    cases = [
        ("empty.csv", "", ["--devices empty.csv"], "empty, expected the header line"),
        ("nohead.csv", f"{good_row}\n", ["--devices nohead.csv:1"], "expected the header line"),
        ("onlyhead.csv", "device_id,license_id,allowance\n", ["--devices onlyhead.csv"], "no device rows"),
        ("hex.csv", f"device_id,license_id,allowance\n{good_row}\n{'g' * 64},2,2\n",
         ["--devices hex.csv:3: device_id"], "not hex"),
        ("short.csv", f"device_id,license_id,allowance\n{devices[0][:62]},1,1\n", ["--devices short.csv:2: device_id"],
         "a device id is 32 bytes (64 hex digits), got 31 bytes"),
        ("zero.csv", f"device_id,license_id,allowance\n{devices[0]},0,1\n", ["--devices zero.csv:2: license_id"],
         "0 is out of range"),
        ("big.csv", f"device_id,license_id,allowance\n{devices[0]},1,{2**64}\n", ["--devices big.csv:2: allowance"],
         "out of range"),
        ("fw.csv", f"device_id,license_id,allowance,min_firmware\n{devices[0]},1,1,{2**32}\n",
         ["--devices fw.csv:2: min_firmware"], "out of range"),
        ("cols.csv", f"device_id,license_id,allowance\n{devices[0]},1\n", ["--devices cols.csv:2"],
         "expected 3 fields (device_id,license_id,allowance), got 2"),
        ("dup.csv", f"device_id,license_id,allowance\n{good_row}\n{devices[1]},2,2\n{devices[0].upper()},3,3\n",
         ["--devices dup.csv:4"], f"device {devices[0]} is already on line 2"),
    ]
    for name, content, names, reason in cases:
        s.write(name, content)
        s.bad_input(["batch", "--key", "reg.pem", "--devices", name, "--out-dir", "failed"], names, reason)
        s.check(not os.path.exists(s.path("failed")), f"batch with {name} created no output directory")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "missing.csv", "--out-dir", "failed"],
                ["--devices", "missing.csv"], "cannot open")
    s.bad_input(["batch", "--key", "rsa.pem", "--devices", "fleet.csv", "--out-dir", "failed"], ["--key", "rsa.pem"],
                "not an Ed25519")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "fleet.csv", "--out-dir", "fleet.csv"], ["--out-dir", "fleet.csv"],
                "is not a directory")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "fleet.csv", "--out-dir", "no/such/dir"], ["--out-dir", "no/such/dir"],
                "cannot create a staging directory")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "fleet.csv", "--out-dir", "failed", "--jobs", "0"], ["--jobs"],
                "out of range")
    s.equal([f for f in os.listdir(s.work) if f.startswith(".")], [], "failed batches left no staging directories")
    s.usage(["batch", "--key", "reg.pem", "--devices", "fleet.csv"], "Missing expected argument '--out-dir <DIR>'")

    # A write failure halfway: a read-only existing directory (as a non-root user) or,
    # for root, a file in the way of one license: nothing appears, staging is removed.
    s.write("fleet4.csv", f"device_id,license_id,allowance\n{devices[0]},1,1\n{devices[1]},2,2\n")
    os.makedirs(s.path("blocked"))
    os.makedirs(s.path(f"blocked/{devices[1]}.olic"))  # a directory where a license must go
    rc, out, err = s.run("batch", "--key", "reg.pem", "--devices", "fleet4.csv", "--out-dir", "blocked")
    s.equal(rc, 1, "batch that cannot place a file fails")
    s.equal(err, f"olic: --out-dir: cannot replace 'blocked/{devices[1]}.olic': it is not a regular file\n",
            "one line naming the file in the way")
    s.equal(sorted(os.listdir(s.path("blocked"))), [f"{devices[1]}.olic"], "nothing placed, no staging directory left")


def test_batch_progress(s):
    s.current = "batch progress on a terminal"
    rows = "".join(f"{blake2b256(i.to_bytes(4, 'little')).hex()},{i + 1},1\n" for i in range(300))
    s.write("tty.csv", "device_id,license_id,allowance\n" + rows)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(s.work)
        os.execv(s.olic, [s.olic, "batch", "--key", "reg.pem", "--devices", "tty.csv", "--out-dir", "tty"])
    output = b""
    deadline = time.time() + 60
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    s.equal(os.waitstatus_to_exitcode(status), 0, "batch on a terminal exits 0")
    s.check("\r[##############################] 100% 300/300" in text, f"progress bar reaches 100%: {text[-200:]!r}")
    s.check("wrote 300 licenses to tty" in text, "summary line on a terminal")
    s.equal(len(os.listdir(s.path("tty"))), 300, "300 licenses written")


def device_harness(description, options=()):
    """The arguments every device-backed CLI suite takes (and `options`, more
    (flag, default) pairs of its own), a fresh work directory, and
    Tests/cli/device.c linked against libolic.a as a vendor links it.
    Returns (args, olic, runs, device_binary)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--olic", required=True)
    parser.add_argument("--lib", required=True)
    for flag, default in options:
        parser.add_argument(flag, default=default)
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--sodium-libs", default="-lsodium")
    parser.add_argument("--work-dir", required=True)
    args = parser.parse_args()

    work = os.path.abspath(args.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    runs = os.path.join(work, "runs")
    os.makedirs(runs)
    device_binary = os.path.join(work, "device")
    subprocess.run([args.cc, "-std=c11", "-Wall", "-Wextra", "-Werror", os.path.join(HERE, "device.c"),
                    "-I", os.path.join(REPO, "include"), os.path.abspath(args.lib), *args.sodium_libs.split(),
                    "-o", device_binary], check=True)
    return args, os.path.abspath(args.olic), runs, device_binary


def main():
    args, olic, runs, device_binary = device_harness(__doc__)

    s = Suite(olic, runs)
    state = {}

    def step(function, *needs):
        """One test group, which fails (and is not run) without what it needs."""
        def group():
            if any(n not in state for n in needs):
                raise RuntimeError(f"skipped: needs {needs} from an earlier group that failed")
            return function()
        group.__name__ = function.__name__
        return s.guarded(group)

    def issue_group():
        state["dev"], state["trusted"], _ = test_issue_and_inspect(s, device_binary)

    step(lambda: test_help(s))
    step(lambda: test_keygen(s))
    step(lambda: test_pubkey(s, os.path.join(HERE, "c_array.c"), args.cc))
    step(lambda: test_bad_keys(s))
    step(issue_group)
    step(lambda: test_issue_bad_input(s, state["dev"]), "dev")
    step(lambda: test_openssl_key_issue(s, device_binary))
    step(lambda: test_verify(s, state["dev"], state["trusted"]), "dev")
    step(lambda: test_request_flow(s, device_binary, state["trusted"]), "trusted")
    step(lambda: test_batch(s))
    step(lambda: test_batch_progress(s))
    print(f"{s.passed} passed, {s.failed} failed")
    sys.exit(1 if s.failed else 0)


if __name__ == "__main__":
    main()
