#!/usr/bin/env python3
"""Key custody tests for build/olic: encrypted PKCS#8 key files, the permission
refusal, and PKCS#11 tokens through SoftHSM2 (a token initialised in a temporary
directory through SOFTHSM2_CONF).

Licenses signed through every key source are checked by `olic verify` and by an
independent Ed25519 (Python's `cryptography`); key files are cross-checked with
openssl in both directions; the token's key attributes are read back through
the PKCS#11 C API by ctypes, not through olic. The last line is
"N passed, M failed"; exit 1 on any failure.
"""

import argparse
import ctypes
import hashlib
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_tests import Suite  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402

TOKEN = "olic-test"
PIN = "314159"
SO_PIN = "271828"


def independent_verify(public_hex, blob):
    """Ed25519 over every byte before the 64-byte signature, by `cryptography`."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(blob[-64:], blob[:-64])
        return True
    except InvalidSignature:
        return False


def device_id(i):
    return hashlib.blake2b(i.to_bytes(4, "little"), digest_size=32).hexdigest()


class Keys:
    """The suite plus the environment the key tests share."""

    def __init__(self, s, module):
        self.s = s
        self.module = module
        self.env = dict(os.environ)
        for name in ("OLIC_PASSPHRASE_FILE", "OLIC_PKCS11_MODULE", "OLIC_PKCS11_PIN_FILE"):
            self.env.pop(name, None)

    def run(self, args, env=None, umask=None):
        """Like Suite.run, with an environment of our own."""
        e = dict(self.env)
        e.update(env or {})
        proc = subprocess.run([self.s.olic, *args], capture_output=True, cwd=self.s.work, env=e,
                              stdin=subprocess.DEVNULL, timeout=300,
                              preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)
        out, err = proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
        self.s.check(proc.returncode in (0, 1, 2), f"exit code {proc.returncode} is 0, 1 or 2 for {args}")
        for marker in ("Fatal error", "Stack dump", "Segmentation", "backtrace"):
            self.s.check(marker not in err, f"no '{marker}' on stderr for {args}: {err!r}")
        return proc.returncode, out, err

    def ok(self, args, env=None, stdout=None, what=None, umask=None):
        rc, out, err = self.run(args, env, umask)
        self.s.equal(rc, 0, f"exit code of {what or args} (stderr {err!r})")
        self.s.equal(err, "", f"stderr of {what or args}")
        if stdout is not None:
            self.s.equal(out, stdout, f"stdout of {what or args}")
        return out

    def bad(self, args, names, reason, env=None, what=None):
        """Exit 1, nothing on stdout, exactly one stderr line naming the thing and the reason."""
        rc, out, err = self.run(args, env)
        label = what or " ".join(args)
        self.s.equal(rc, 1, f"exit code of {label}")
        self.s.equal(out, "", f"stdout of {label}")
        lines = err.splitlines()
        self.s.equal(len(lines), 1, f"stderr line count of {label} ({err!r})")
        line = lines[0] if lines else ""
        self.s.check(line.startswith("olic: "), f"stderr of {label} starts with 'olic: ': {line!r}")
        for name in names:
            self.s.check(name in line, f"stderr of {label} names {name!r}: {line!r}")
        self.s.check(reason in line, f"stderr of {label} says {reason!r}: {line!r}")
        return line

    def usage(self, args, message):
        rc, out, err = self.run(args)
        self.s.equal(rc, 2, f"exit code of usage error {args}")
        self.s.check(message in err, f"usage error {args} says {message!r}: {err!r}")

    def on_terminal(self, args, answers, env=None):
        """Runs olic with stdin a terminal, typing each answer after each prompt."""
        e = dict(self.env)
        e.update(env or {})
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(self.s.work)
            os.execve(self.s.olic, [self.s.olic, *args], e)
        output = b""
        pending = list(answers)
        deadline = time.time() + 120
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
            if pending and output.rstrip().endswith(b":"):
                time.sleep(0.05)
                os.write(fd, pending.pop(0).encode() + b"\n")
                output += b"\n"
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")

    def pubkey(self, key, *extra, env=None):
        return self.ok(["pubkey", key, *extra], env=env).strip()

    def openssl_pub_hex(self, args):
        der = subprocess.run(["openssl", "pkey", *args, "-pubout", "-outform", "DER"], cwd=self.s.work,
                             capture_output=True, check=True).stdout
        return der[12:].hex()

    def issue(self, key_args, device, license_id, out, env=None):
        return self.ok(["issue", *key_args, "--device", device, "--license-id", str(license_id),
                        "--allowance", "1000", "--out", out], env=env)

    def judged(self, public_pem, public_hex, device, name, what):
        """`olic verify` and `cryptography` both accept the license."""
        self.ok(["verify", "--trusted-key", public_pem, "--device", device, name], stdout="OLIC_OK\n",
                what=f"olic verify of {what}")
        self.s.check(independent_verify(public_hex, self.s.read(name)), f"cryptography verifies {what}")


# --- encrypted key files -----------------------------------------------------


def test_encrypted_files(k):
    s = k.s
    s.current = "encrypted key files"
    s.write("pass.txt", "correct horse\n")
    s.write("wrong.txt", "battery staple\n")
    s.write("crlf-pass.txt", "correct horse\r\n")
    s.write("empty.txt", "")
    d = device_id(1)

    # openssl -> olic: genpkey -aes-256-cbc, pkcs8 -topk8 -v2 aes-256-cbc (PBKDF2) and -scrypt.
    s.tool("openssl", "genpkey", "-algorithm", "ed25519", "-out", "plain.pem")
    s.tool("openssl", "pkey", "-in", "plain.pem", "-pubout", "-out", "plain.pub.pem")
    plain_hex = k.openssl_pub_hex(["-in", "plain.pem"])
    s.tool("openssl", "genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "file:pass.txt",
           "-out", "gen-enc.pem")
    gen_hex = k.openssl_pub_hex(["-in", "gen-enc.pem", "-passin", "file:pass.txt"])
    s.tool("openssl", "pkey", "-in", "gen-enc.pem", "-passin", "file:pass.txt", "-pubout", "-out", "gen-enc.pub.pem")
    s.tool("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "plain.pem", "-passout", "file:pass.txt",
           "-out", "pbkdf2.pem")
    s.tool("openssl", "pkcs8", "-topk8", "-scrypt", "-in", "plain.pem", "-passout", "file:pass.txt",
           "-out", "scrypt.pem")
    for name in ("gen-enc.pem", "pbkdf2.pem", "scrypt.pem"):
        s.check(s.read(name).startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), f"{name} is encrypted PKCS#8")
    s.check("PBKDF2" in s.tool("openssl", "asn1parse", "-in", "pbkdf2.pem"), "pbkdf2.pem uses PBKDF2")
    s.check(":scrypt" in s.tool("openssl", "asn1parse", "-in", "scrypt.pem"), "scrypt.pem uses scrypt")

    k.ok(["pubkey", "gen-enc.pem", "--passphrase-file", "pass.txt"], stdout=gen_hex + "\n")
    k.ok(["pubkey", "pbkdf2.pem", "--passphrase-file", "pass.txt"], stdout=plain_hex + "\n")
    k.ok(["pubkey", "scrypt.pem", "--passphrase-file", "pass.txt"], stdout=plain_hex + "\n")
    k.ok(["pubkey", "pbkdf2.pem", "--passphrase-file", "crlf-pass.txt"], stdout=plain_hex + "\n",
         what="a passphrase file ending in CRLF")
    env = {"OLIC_PASSPHRASE_FILE": s.path("pass.txt")}
    k.ok(["pubkey", "scrypt.pem"], env=env, stdout=plain_hex + "\n", what="OLIC_PASSPHRASE_FILE")
    # The option wins over the environment.
    k.ok(["pubkey", "scrypt.pem", "--passphrase-file", "pass.txt"], env={"OLIC_PASSPHRASE_FILE": s.path("wrong.txt")},
         stdout=plain_hex + "\n", what="--passphrase-file over OLIC_PASSPHRASE_FILE")

    # Signing with each: verified by olic and by cryptography.
    for i, name in enumerate(("gen-enc.pem", "pbkdf2.pem", "scrypt.pem")):
        k.issue(["--key", name, "--passphrase-file", "pass.txt"], d, i + 1, f"enc{i}.olic")
        pub_pem, pub_hex = ("gen-enc.pub.pem", gen_hex) if name == "gen-enc.pem" else ("plain.pub.pem", plain_hex)
        k.judged(pub_pem, pub_hex, d, f"enc{i}.olic", f"a license signed with {name}")
    s.write("enc-fleet.csv", "device_id,license_id,allowance\n" + "".join(
        f"{device_id(100 + i)},{i + 1},5\n" for i in range(20)))
    k.ok(["batch", "--key", "scrypt.pem", "--devices", "enc-fleet.csv", "--out-dir", "enc-fleet"], env=env,
         stdout="wrote 20 licenses to enc-fleet\n")
    s.check(all(independent_verify(plain_hex, s.read(f"enc-fleet/{device_id(100 + i)}.olic")) for i in range(20)),
            "cryptography verifies every license of a batch signed with an encrypted key")

    # A wrong passphrase: one line, exit 1, nothing written.
    for name in ("gen-enc.pem", "pbkdf2.pem", "scrypt.pem"):
        k.bad(["pubkey", name, "--passphrase-file", "wrong.txt"], ["KEY", name], "wrong passphrase")
    k.bad(["issue", "--key", "pbkdf2.pem", "--device", d, "--license-id", "9", "--allowance", "1", "--out", "no.olic"],
          ["--key", "pbkdf2.pem"], "wrong passphrase", env={"OLIC_PASSPHRASE_FILE": s.path("wrong.txt")})
    s.check(not os.path.exists(s.path("no.olic")), "a wrong passphrase writes no license")
    k.bad(["batch", "--key", "scrypt.pem", "--passphrase-file", "empty.txt", "--devices", "enc-fleet.csv",
           "--out-dir", "no-fleet"], ["--key", "scrypt.pem"], "wrong passphrase")
    s.check(not os.path.exists(s.path("no-fleet")), "a wrong passphrase makes no batch directory")
    # No passphrase and no terminal: said so, never a hang.
    k.bad(["pubkey", "pbkdf2.pem"], ["KEY", "pbkdf2.pem"], "no passphrase was given")
    k.bad(["pubkey", "pbkdf2.pem", "--passphrase-file", "missing.txt"], ["--passphrase-file", "missing.txt"],
          "cannot open")
    # Never from argv: there is no option that takes the passphrase itself.
    k.usage(["pubkey", "pbkdf2.pem", "--passphrase", "correct horse"], "olic: unknown option '--passphrase' for 'olic pubkey'")
    # An encrypted key may be readable by others: it is the ciphertext.
    os.chmod(s.path("pbkdf2.pem"), 0o644)
    k.ok(["pubkey", "pbkdf2.pem", "--passphrase-file", "pass.txt"], stdout=plain_hex + "\n",
         what="an encrypted key file of mode 0644")

    # A prompt when stdin is a terminal.
    rc, out = k.on_terminal(["pubkey", "scrypt.pem"], ["correct horse"])
    s.equal(rc, 0, f"pubkey asks for the passphrase on a terminal ({out!r})")
    s.check("Passphrase for scrypt.pem:" in out and out.rstrip().endswith(plain_hex),
            f"the prompt names the file and the key follows: {out!r}")
    s.check("correct horse" not in out, f"the typed passphrase is not echoed: {out!r}")
    rc, out = k.on_terminal(["pubkey", "scrypt.pem"], ["battery staple"])
    s.equal(rc, 1, "a wrong passphrase typed at the prompt exits 1")
    s.check("wrong passphrase" in out, f"and says so: {out!r}")

    # olic -> openssl: keygen --encrypt.
    out = k.ok(["keygen", "--out", "mine", "--encrypt", "--passphrase-file", "pass.txt"], umask=0)
    s.check(out.startswith("wrote mine.pem and mine.pub.pem, key_id "), f"keygen --encrypt stdout: {out!r}")
    s.equal(stat.S_IMODE(os.stat(s.path("mine.pem")).st_mode), 0o600, "keygen --encrypt key mode, even under umask 0")
    s.check(s.read("mine.pem").startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), "keygen --encrypt writes encrypted PKCS#8")
    mine_hex = k.openssl_pub_hex(["-in", "mine.pem", "-passin", "file:pass.txt"])
    s.equal(mine_hex, k.pubkey("mine.pub.pem"), "openssl decrypts keygen --encrypt's key to the same public key")
    asn1 = s.tool("openssl", "asn1parse", "-in", "mine.pem")
    for word in ("PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"):
        s.check(word in asn1, f"keygen --encrypt uses {word}")
    s.check("INTEGER:0927C0" in asn1.replace(" ", ""), "keygen --encrypt uses 600000 PBKDF2 iterations (0x0927C0)")
    bad = subprocess.run(["openssl", "pkey", "-in", "mine.pem", "-passin", "file:wrong.txt", "-noout"],
                         cwd=s.work, capture_output=True)
    s.check(bad.returncode != 0, "openssl refuses keygen --encrypt's key with the wrong passphrase")
    k.issue(["--key", "mine.pem", "--passphrase-file", "pass.txt"], d, 1, "mine.olic")
    k.judged("mine.pub.pem", mine_hex, d, "mine.olic", "a license signed with keygen --encrypt's key")
    k.bad(["keygen", "--out", "none", "--encrypt"], ["--encrypt"], "no passphrase")
    k.bad(["keygen", "--out", "none", "--encrypt", "--passphrase-file", "empty.txt"], ["--encrypt"], "empty")
    s.check(not os.path.exists(s.path("none.pem")), "a refused keygen --encrypt writes nothing")
    k.usage(["keygen", "--out", "none", "--passphrase-file", "pass.txt"], "only with --encrypt")
    rc, out = k.on_terminal(["keygen", "--out", "typed", "--encrypt"], ["tty secret", "tty secret"])
    s.equal(rc, 0, f"keygen --encrypt asks twice on a terminal ({out!r})")
    s.write("tty.txt", "tty secret\n")
    s.equal(k.openssl_pub_hex(["-in", "typed.pem", "-passin", "file:tty.txt"]), k.pubkey("typed.pub.pem"),
            "openssl decrypts the key encrypted with the typed passphrase")


# --- file permissions --------------------------------------------------------


def test_permissions(k):
    s = k.s
    s.current = "file permissions"
    d = device_id(2)
    k.ok(["keygen", "--out", "perm"], umask=0)
    s.equal(stat.S_IMODE(os.stat(s.path("perm.pem")).st_mode), 0o600, "keygen's key is 0600 even under umask 0")
    pub_hex = k.pubkey("perm.pub.pem")
    s.write("perm-fleet.csv", f"device_id,license_id,allowance\n{d},1,5\n")
    for mode in (0o644, 0o640, 0o604, 0o660):
        os.chmod(s.path("perm.pem"), mode)
        octal = "0" + format(mode, "o")
        k.bad(["issue", "--key", "perm.pem", "--device", d, "--license-id", "1", "--allowance", "1", "--out", "p.olic"],
              ["--key", "perm.pem", octal, "--allow-insecure-key-file"], "accessible by group or others")
        k.bad(["batch", "--key", "perm.pem", "--devices", "perm-fleet.csv", "--out-dir", "perm-out"],
              ["--key", "perm.pem"], "accessible by group or others")
        k.bad(["pubkey", "perm.pem"], ["KEY", "perm.pem"], "accessible by group or others")
    s.check(not os.path.exists(s.path("p.olic")) and not os.path.exists(s.path("perm-out")),
            "a refused key file signs nothing")
    os.chmod(s.path("perm.pem"), 0o644)
    k.ok(["pubkey", "perm.pem", "--allow-insecure-key-file"], stdout=pub_hex + "\n")
    k.issue(["--key", "perm.pem", "--allow-insecure-key-file"], d, 1, "p.olic")
    k.judged("perm.pub.pem", pub_hex, d, "p.olic", "a license signed with --allow-insecure-key-file")
    k.ok(["batch", "--key", "perm.pem", "--allow-insecure-key-file", "--devices", "perm-fleet.csv",
          "--out-dir", "perm-out"], stdout="wrote 1 license to perm-out\n")
    # verify and inspect need only the public key, so they point at the public file.
    k.bad(["verify", "--trusted-key", "perm.pem", "--device", d, "p.olic"], ["--trusted-key", "perm.pem", "0644"],
          "give its public key file")
    k.bad(["inspect", "p.olic", "--trusted-key", "perm.pem"], ["--trusted-key", "perm.pem"], "accessible by group or others")
    for mode in (0o600, 0o400):
        os.chmod(s.path("perm.pem"), mode)
        k.ok(["pubkey", "perm.pem"], stdout=pub_hex + "\n", what=f"a key file of mode {mode:o}")
    # Public keys are public.
    os.chmod(s.path("perm.pub.pem"), 0o644)
    k.ok(["verify", "--trusted-key", "perm.pub.pem", "--device", d, "p.olic"], stdout="OLIC_OK\n")


# --- PKCS#11 through SoftHSM2 ------------------------------------------------


class P11:
    """Just enough of the PKCS#11 C API, by ctypes, to read a key's attributes
    without olic: an independent look at what keygen --pkcs11 made."""

    CKA_CLASS, CKA_LABEL, CKA_VALUE, CKA_KEY_TYPE = 0x0, 0x3, 0x11, 0x100
    CKA_SENSITIVE, CKA_SIGN, CKA_EXTRACTABLE = 0x103, 0x108, 0x162
    CKA_NEVER_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_EC_PARAMS, CKA_EC_POINT = 0x164, 0x165, 0x180, 0x181
    CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKK_EC_EDWARDS = 2, 3, 0x40
    CKR_ATTRIBUTE_SENSITIVE = 0x11

    class Attribute(ctypes.Structure):
        _fields_ = [("type", ctypes.c_ulong), ("value", ctypes.c_void_p), ("length", ctypes.c_ulong)]

    def __init__(self, module):
        self.lib = ctypes.CDLL(module)
        table = ctypes.c_void_p()
        assert self.lib.C_GetFunctionList(ctypes.byref(table)) == 0
        # CK_FUNCTION_LIST: a 2-byte version, then function pointers in the standard's order.
        pointers = ctypes.cast(table.value + 8, ctypes.POINTER(ctypes.c_void_p))
        names = ["Initialize", "Finalize", "GetInfo", "GetFunctionList", "GetSlotList", "GetSlotInfo",
                 "GetTokenInfo", "GetMechanismList", "GetMechanismInfo", "InitToken", "InitPIN", "SetPIN",
                 "OpenSession", "CloseSession", "CloseAllSessions", "GetSessionInfo", "GetOperationState",
                 "SetOperationState", "Login", "Logout", "CreateObject", "CopyObject", "DestroyObject",
                 "GetObjectSize", "GetAttributeValue", "SetAttributeValue", "FindObjectsInit", "FindObjects",
                 "FindObjectsFinal"]
        self.raw = {n: pointers[i] for i, n in enumerate(names)}

    def call(self, name, argtypes, *args):
        fn = ctypes.CFUNCTYPE(ctypes.c_ulong, *argtypes)(self.raw[name])
        return fn(*args)

    def open(self, label, pin):
        U, P = ctypes.c_ulong, ctypes.c_void_p
        assert self.call("Initialize", [P], None) == 0
        count = U(0)
        self.call("GetSlotList", [ctypes.c_ubyte, P, P], 1, None, ctypes.byref(count))
        slots = (U * count.value)()
        self.call("GetSlotList", [ctypes.c_ubyte, P, P], 1, slots, ctypes.byref(count))
        for slot in slots:
            info = (ctypes.c_ubyte * 256)()
            self.call("GetTokenInfo", [U, P], slot, info)
            if bytes(info[:32]).rstrip(b" ") == label.encode():
                session = U(0)
                assert self.call("OpenSession", [U, U, P, P, P], slot, 4, None, None, ctypes.byref(session)) == 0
                self.session = session.value
                pin_bytes = pin.encode()
                assert self.call("Login", [U, U, ctypes.c_char_p, U], self.session, 1, pin_bytes, len(pin_bytes)) == 0
                return
        raise RuntimeError(f"no token {label}")

    def find(self, key_class, label):
        U, P = ctypes.c_ulong, ctypes.c_void_p
        cls = U(key_class)
        name = ctypes.create_string_buffer(label.encode(), len(label))
        template = (self.Attribute * 2)(self.Attribute(self.CKA_CLASS, ctypes.cast(ctypes.byref(cls), P), 8),
                                        self.Attribute(self.CKA_LABEL, ctypes.cast(name, P), len(label)))
        assert self.call("FindObjectsInit", [U, P, U], self.session, template, 2) == 0
        found, n = (U * 8)(), U(0)
        self.call("FindObjects", [U, P, U, P], self.session, found, 8, ctypes.byref(n))
        self.call("FindObjectsFinal", [U], self.session)
        return list(found[:n.value])

    def attribute(self, handle, kind):
        """(CK_RV, bytes or None)."""
        U, P = ctypes.c_ulong, ctypes.c_void_p
        probe = self.Attribute(kind, None, 0)
        rv = self.call("GetAttributeValue", [U, U, P, U], self.session, handle, ctypes.byref(probe), 1)
        if rv != 0:
            return rv, None
        buffer = ctypes.create_string_buffer(probe.length)
        attribute = self.Attribute(kind, ctypes.cast(buffer, P), probe.length)
        rv = self.call("GetAttributeValue", [U, U, P, U], self.session, handle, ctypes.byref(attribute), 1)
        return rv, buffer.raw[:attribute.length] if rv == 0 else None

    def close(self):
        self.call("Finalize", [ctypes.c_void_p], None)


def softhsm_token(s, work):
    """A SoftHSM2 token in a temporary directory: the config SOFTHSM2_CONF names."""
    tokens = os.path.join(work, "softhsm-tokens")
    os.makedirs(tokens)
    conf = os.path.join(work, "softhsm2.conf")
    with open(conf, "w") as f:
        f.write(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = conf
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN],
                   check=True, capture_output=True, env=dict(os.environ))
    s.write("pin.txt", PIN + "\n")
    s.write("bad-pin.txt", "000000\n")
    return conf


def test_pkcs11(k, conf):
    s = k.s
    s.current = "pkcs11 keygen"
    k.env["SOFTHSM2_CONF"] = conf
    m = ["--pkcs11-module", k.module]
    pin = ["--pin-file", "pin.txt"]
    uri = f"pkcs11:token={TOKEN};object=regulator-1"
    out = k.ok(["keygen", "--pkcs11", uri, *m, *pin, "--out", "tok"])
    pub_hex = k.pubkey("tok.pub.pem")
    key_id = k.pubkey("tok.pub.pem", "--key-id")
    s.equal(out, f"generated Ed25519 key 'regulator-1' in token '{TOKEN}', key_id {key_id}; wrote tok.pub.pem\n",
            "keygen --pkcs11 stdout")
    s.equal(k.openssl_pub_hex(["-pubin", "-in", "tok.pub.pem"]), pub_hex, "openssl reads the token key's public PEM")
    # The same label twice is refused, as keygen never overwrites a file.
    k.bad(["keygen", "--pkcs11", uri, *m, *pin], ["--pkcs11", "regulator-1"], "already has an object labelled")
    # Without --out only the line is printed.
    out = k.ok(["keygen", "--pkcs11", f"pkcs11:token={TOKEN};object=regulator-2", *m, *pin])
    s.check(out.startswith(f"generated Ed25519 key 'regulator-2' in token '{TOKEN}', key_id ") and "wrote" not in out,
            f"keygen --pkcs11 without --out: {out!r}")
    k.usage(["keygen", "--pkcs11", uri, "--encrypt"], "--encrypt is for key files")
    k.usage(["keygen"], "Missing expected argument '--out <PREFIX>'")

    # What the token holds, read without olic: a non-extractable, sensitive Ed25519 private key.
    p11 = P11(k.module)
    p11.open(TOKEN, PIN)
    private = p11.find(P11.CKO_PRIVATE_KEY, "regulator-1")
    public = p11.find(P11.CKO_PUBLIC_KEY, "regulator-1")
    s.equal((len(private), len(public)), (1, 1), "one private and one public object labelled regulator-1")
    if private and public:
        h = private[0]
        s.equal(p11.attribute(h, P11.CKA_KEY_TYPE), (0, P11.CKK_EC_EDWARDS.to_bytes(8, "little")), "CKK_EC_EDWARDS")
        s.equal(p11.attribute(h, P11.CKA_EXTRACTABLE), (0, b"\x00"), "CKA_EXTRACTABLE is false")
        s.equal(p11.attribute(h, P11.CKA_NEVER_EXTRACTABLE), (0, b"\x01"), "CKA_NEVER_EXTRACTABLE is true")
        s.equal(p11.attribute(h, P11.CKA_SENSITIVE), (0, b"\x01"), "CKA_SENSITIVE is true")
        s.equal(p11.attribute(h, P11.CKA_ALWAYS_SENSITIVE), (0, b"\x01"), "CKA_ALWAYS_SENSITIVE is true")
        s.equal(p11.attribute(h, P11.CKA_VALUE)[0], P11.CKR_ATTRIBUTE_SENSITIVE,
                "the private key's value cannot be read (CKR_ATTRIBUTE_SENSITIVE)")
        s.equal(p11.attribute(public[0], P11.CKA_EC_PARAMS), (0, bytes.fromhex("06032b6570")), "CKA_EC_PARAMS is id-Ed25519")
        point = p11.attribute(public[0], P11.CKA_EC_POINT)[1] or b""
        s.equal(point[-32:].hex(), pub_hex, "CKA_EC_POINT is the key olic wrote to tok.pub.pem")
    p11.close()

    s.current = "pkcs11 pubkey"
    # A public key object needs no PIN.
    k.ok(["pubkey", uri, *m], stdout=pub_hex + "\n")
    k.ok(["pubkey", uri, *m, "--key-id"], stdout=key_id + "\n")
    k.ok(["pubkey", uri, *m, "--c-array"], stdout=k.ok(["pubkey", "tok.pub.pem", "--c-array"]))
    k.ok(["pubkey", uri], env={"OLIC_PKCS11_MODULE": k.module}, stdout=pub_hex + "\n", what="OLIC_PKCS11_MODULE")

    s.current = "pkcs11 issue"
    d = device_id(3)
    out = k.issue(["--key", uri, *m, *pin], d, 1, "tok1.olic")
    s.check(out.startswith("wrote tok1.olic: license_id 1, allowance 1000"), f"issue through the token: {out!r}")
    k.judged("tok.pub.pem", pub_hex, d, "tok1.olic", "a license signed in the token")
    # Each PIN source and module source on its own.
    k.issue(["--key", uri + f"?pin-source=file:{s.path('pin.txt')}", *m], d, 2, "tok2.olic")
    k.judged("tok.pub.pem", pub_hex, d, "tok2.olic", "a license signed with the URI's pin-source")
    k.issue(["--key", uri], d, 3, "tok3.olic",
            env={"OLIC_PKCS11_MODULE": k.module, "OLIC_PKCS11_PIN_FILE": s.path("pin.txt")})
    k.judged("tok.pub.pem", pub_hex, d, "tok3.olic", "a license signed with both environment variables")
    k.issue(["--key", uri, *m, *pin], d, 4, "tok4.olic", env={"OLIC_PKCS11_PIN_FILE": s.path("bad-pin.txt")})
    k.judged("tok.pub.pem", pub_hex, d, "tok4.olic", "a license signed with --pin-file over OLIC_PKCS11_PIN_FILE")
    s.check(s.read("tok1.olic")[:-64] != s.read("tok2.olic")[:-64], "licenses 1 and 2 differ (license_id)")

    s.current = "pkcs11 batch"
    rows = 64
    s.write("tok-fleet.csv", "device_id,license_id,allowance\n" + "".join(
        f"{device_id(1000 + i)},{i + 1},{100 + i}\n" for i in range(rows)))
    for jobs in ("1", "2", "4"):
        out_dir = f"tok-fleet-{jobs}"
        k.ok(["batch", "--key", uri, *m, *pin, "--devices", "tok-fleet.csv", "--out-dir", out_dir, "--jobs", jobs],
             stdout=f"wrote {rows} licenses to {out_dir}\n")
        blobs = [s.read(f"{out_dir}/{device_id(1000 + i)}.olic") for i in range(rows)]
        s.check(all(independent_verify(pub_hex, b) for b in blobs),
                f"cryptography verifies all {rows} licenses of a token batch on {jobs} sessions")
        for i in (0, rows // 2, rows - 1):
            k.ok(["verify", "--trusted-key", "tok.pub.pem", "--device", device_id(1000 + i),
                  f"{out_dir}/{device_id(1000 + i)}.olic"], stdout="OLIC_OK\n")
    s.equal([s.read(f"tok-fleet-1/{device_id(1000 + i)}.olic") for i in range(rows)],
            [s.read(f"tok-fleet-4/{device_id(1000 + i)}.olic") for i in range(rows)],
            "one session or four: the same bytes (Ed25519 is deterministic)")

    s.current = "pkcs11 ledger checkpoint"
    k.ok(["ledger", "init", "tok.db"])
    out = k.ok(["ledger", "checkpoint", "tok.db", "--key", uri, *m, *pin, "--out", "tok.ckpt"])
    s.check(out.startswith("wrote tok.ckpt: checkpoint at event 0") and out.rstrip().endswith(f"key_id {key_id}"),
            f"ledger checkpoint signed in the token: {out!r}")
    k.ok(["ledger", "verify", "tok.db", "--checkpoint", "tok.ckpt", "--trusted-key", "tok.pub.pem"])
    k.bad(["ledger", "checkpoint", "tok.db", "--key", uri, *m, "--pin-file", "bad-pin.txt", "--out", "bad.ckpt"],
          ["--key", uri], "refused the PIN")
    s.check(not os.path.exists(s.path("bad.ckpt")), "a refused PIN writes no checkpoint")

    s.current = "pkcs11 errors"
    issue = ["issue", "--device", d, "--license-id", "9", "--allowance", "1", "--out", "never.olic"]
    # A wrong PIN, from each source.
    k.bad([*issue, "--key", uri, *m, "--pin-file", "bad-pin.txt"], ["--key", uri], "refused the PIN (CKR_PIN_INCORRECT)")
    k.bad([*issue, "--key", uri, *m], ["--key", uri], "refused the PIN",
          env={"OLIC_PKCS11_PIN_FILE": s.path("bad-pin.txt")})
    k.bad([*issue, "--key", uri + f"?pin-source=file:{s.path('bad-pin.txt')}", *m], ["--key"], "refused the PIN")
    k.bad(["batch", "--key", uri, *m, "--pin-file", "bad-pin.txt", "--devices", "tok-fleet.csv",
           "--out-dir", "never-fleet"], ["--key", uri], "refused the PIN")
    # A missing object, token, module.
    missing = f"pkcs11:token={TOKEN};object=no-such-key"
    k.bad([*issue, "--key", missing, *m, *pin], ["--key", missing],
          f"no Ed25519 private key 'no-such-key' in token '{TOKEN}'")
    k.bad(["pubkey", missing, *m], ["KEY", missing], "no Ed25519 public key 'no-such-key'")
    k.bad([*issue, "--key", "pkcs11:token=no-such-token;object=regulator-1", *m, *pin], ["no-such-token"],
          f"no such token (tokens present: '{TOKEN}')")
    k.bad([*issue, "--key", uri, "--pkcs11-module", "/nonexistent/libpkcs11.so", *pin],
          ["--pkcs11-module", "/nonexistent/libpkcs11.so"], "cannot load the PKCS#11 module")
    k.bad([*issue, "--key", uri], ["OLIC_PKCS11_MODULE", "/nonexistent/x.so"], "cannot load the PKCS#11 module",
          env={"OLIC_PKCS11_MODULE": "/nonexistent/x.so"})
    k.bad([*issue, "--key", uri, *pin], ["--key", uri], "needs a PKCS#11 module")
    s.write("not-a-module.so", "text\n")
    k.bad([*issue, "--key", uri, "--pkcs11-module", "not-a-module.so", *pin], ["not-a-module.so"],
          "cannot load the PKCS#11 module")
    # No PIN and no terminal; a PIN in the URI itself; a URI olic cannot read.
    k.bad([*issue, "--key", uri, *m], ["--key", uri], "the token needs a PIN")
    k.bad([*issue, "--key", uri + "?pin-value=" + PIN, *m], ["--key"], "pin-value puts the PIN on the command line")
    k.bad([*issue, "--key", f"pkcs11:token={TOKEN};objet=regulator-1", *m, *pin], ["--key"],
          "does not know the attribute 'objet'")
    k.bad([*issue, "--key", f"pkcs11:token={TOKEN}", *m, *pin], ["--key"], "names no key")
    k.bad([*issue, "--key", f"pkcs11:token={TOKEN};object=regulator-1;type=public", *m, *pin], ["--key"],
          "signing needs the private key")
    k.bad([*issue, "--key", f"pkcs11:token={TOKEN};object=bad%zz", *m, *pin], ["--key"], "bad %-escape")
    s.check(not os.path.exists(s.path("never.olic")) and not os.path.exists(s.path("never-fleet")),
            "no refused token run wrote anything")
    # Percent-encoding in the URI (RFC 7512): %2D is '-'.
    k.ok(["pubkey", f"pkcs11:token=olic%2Dtest;object=regulator%2D1", *m], stdout=pub_hex + "\n",
         what="a percent-encoded URI")
    # The module from the URI's module-path query attribute.
    k.ok(["pubkey", f"{uri}?module-path={k.module}"], stdout=pub_hex + "\n", what="module-path in the URI")
    # A key made with id= is found by its CKA_ID alone, and its label is not reused.
    out = k.ok(["keygen", "--pkcs11", f"pkcs11:token={TOKEN};object=by-id;id=%01%02", *m, *pin, "--out", "byid"])
    byid_hex = k.pubkey("byid.pub.pem")
    k.ok(["pubkey", f"pkcs11:token={TOKEN};id=%01%02", *m], stdout=byid_hex + "\n", what="a key selected by id")
    k.issue(["--key", f"pkcs11:token={TOKEN};id=%01%02", *m, *pin], d, 5, "byid.olic")
    k.judged("byid.pub.pem", byid_hex, d, "byid.olic", "a license signed by a key selected by id")
    k.bad(["pubkey", f"pkcs11:token={TOKEN};object=by-id;id=%09", *m], ["KEY"], "no Ed25519 public key 'by-id' with id 09")

    s.current = "pkcs11 prompt"
    rc, out = k.on_terminal([*issue[:-1], "prompted.olic", "--key", uri, *m], [PIN])
    s.equal(rc, 0, f"issue asks for the PIN on a terminal ({out!r})")
    s.check(f"PIN for token '{TOKEN}':" in out and PIN not in out, f"the PIN prompt, no echo: {out!r}")
    if rc == 0:
        k.judged("tok.pub.pem", pub_hex, d, "prompted.olic", "a license signed after a typed PIN")


def test_no_module_needed(k, olic):
    s = k.s
    s.current = "no module needed"
    needed = subprocess.run(["readelf", "-d", olic], capture_output=True, text=True).stdout
    s.check("libp11-kit" not in needed and "softhsm" not in needed,
            "build/olic links no PKCS#11 library; the module is dlopen'ed")
    s.check("libcrypto" in needed, "build/olic links libcrypto")
    # With no module reachable, file keys work as before.
    k.ok(["keygen", "--out", "nomod"])
    k.ok(["pubkey", "nomod.pem"], env={"OLIC_PKCS11_MODULE": "/nonexistent/x.so"})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--olic", required=True)
    parser.add_argument("--module", required=True, help="SoftHSM2's PKCS#11 module")
    parser.add_argument("--work-dir", required=True)
    args = parser.parse_args()
    olic = os.path.abspath(args.olic)
    work = os.path.abspath(args.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    runs = os.path.join(work, "runs")
    os.makedirs(runs)
    s = Suite(olic, runs)
    k = Keys(s, os.path.abspath(args.module))

    step = s.guarded

    step(test_encrypted_files, k)
    step(test_permissions, k)
    conf = None
    try:
        conf = softhsm_token(s, work)
    except Exception as error:
        s.failed += 1
        print(f"FAIL cannot initialise a SoftHSM2 token: {error!r}")
    if conf:
        step(test_pkcs11, k, conf)
    step(test_no_module_needed, k, olic)
    print(f"{s.passed} passed, {s.failed} failed")
    sys.exit(1 if s.failed else 0)


if __name__ == "__main__":
    main()
