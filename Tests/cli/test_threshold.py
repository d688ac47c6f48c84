#!/usr/bin/env python3
"""Process tests for threshold licenses (wire v2) in build/olic: `issue
--signers`, `cosign`, `inspect` of entries, `verify --threshold`, every key
source on the signing paths, and the ledger (co-signatures by digest, the
schema-1 migration).

Licenses are judged by build/libolic.a from C (Tests/cli/device.c, install-k:
a device with several trusted keys and a threshold), and every entry is checked
independently with Python's `cryptography` (Ed25519 over [0, body_end)). The
last line is "N passed, M failed"; exit 1 on any failure.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from run_tests import Suite, device_harness  # noqa: E402

FIXTURE = os.path.join(HERE, "fixtures", "ledger-v1")
ZERO_ID = "00" * 8
ENTRY = 72


def blake2b256(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def key_id(public_hex):
    return blake2b256(bytes.fromhex(public_hex))[:8].hex()


def entries(blob):
    """(body_end, [(key_id hex, signature bytes)]) read by the spec's table, independently of olic."""
    assert blob[4] == 2, "a v2 license"
    n = blob[8]
    body_end = len(blob) - ENTRY * n
    return body_end, [(blob[body_end + ENTRY * i:body_end + ENTRY * i + 8].hex(),
                       blob[body_end + ENTRY * i + 8:body_end + ENTRY * (i + 1)]) for i in range(n)]


class Party:
    """One signer: its key files, public key and key_id."""

    def __init__(self, s, name, encrypted=False):
        args = ["keygen", "--out", name]
        if encrypted:
            args += ["--encrypt", "--passphrase-file", "pass.txt"]
        s.ok(args)
        self.name = name
        self.pem = f"{name}.pem"
        self.pub = f"{name}.pub.pem"
        self.public = s.ok(["pubkey", self.pub]).strip()
        self.key_id = key_id(self.public)
        self.key = ["--key", self.pem] + (["--passphrase-file", "pass.txt"] if encrypted else [])


class T:
    def __init__(self, s, device_binary):
        self.s = s
        self.device_binary = device_binary
        self.count = 0

    def device(self):
        """A fresh C device: (seed, device_id, nvm path)."""
        self.count += 1
        seed = os.urandom(32).hex()
        device_id = self.s.tool(self.device_binary, "id", seed).split()[0]
        nvm = self.s.path(f"d{self.count}.nvm")
        self.s.equal(self.s.tool(self.device_binary, "provision", nvm).strip(), "OLIC_OK", "device provision")
        return seed, device_id, nvm

    def install(self, k, parties, license_name, seed):
        """The status a k-of-len(parties) C device with this seed, on fresh NVM, gives to installing the license."""
        self.count += 1
        nvm = self.s.path(f"k{self.count}.nvm")
        self.s.equal(self.s.tool(self.device_binary, "provision", nvm).strip(), "OLIC_OK", "device provision")
        keys = ",".join(p.public for p in parties)
        return self.s.tool(self.device_binary, "install-k", nvm, str(k), keys, seed, "0", "0",
                           self.s.path(license_name)).strip()

    def propose(self, party, device_id, n, out, license_id=1, extra=()):
        return self.s.ok(["issue", *party.key, "--device", device_id, "--license-id", str(license_id),
                          "--allowance", "1000", "--signers", str(n), "--out", out, *extra])

    def inspect(self, name, *keys):
        args = ["inspect", name, "--json"]
        for k in keys:
            args += ["--trusted-key", k.pub]
        rc, out, err = self.s.run(*args)
        return rc, (json.loads(out) if out else {}), err

    def verify_entries(self, name, parties, what):
        """Every filled entry verifies with `cryptography` under its party's key, over [0, body_end)."""
        blob = self.s.read(name)
        body_end, ents = entries(blob)
        by_id = {p.key_id: p for p in parties}
        for kid, sig in ents:
            if kid == ZERO_ID:
                continue
            party = by_id.get(kid)
            self.s.check(party is not None, f"{what}: entry key_id {kid} is one of the signers")
            if party is None:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(bytes.fromhex(party.public)).verify(sig, blob[:body_end])
                ok = True
            except InvalidSignature:
                ok = False
            self.s.check(ok, f"{what}: cryptography verifies entry {kid} over [0, body_end)")
        return blob, body_end, ents


def cosign(t, party, name, trusted=(), extra=()):
    args = ["cosign", *party.key, name, *extra]
    for p in trusted:
        args += ["--trusted-key", p.pub]
    return t.s.run(*args, codes=(0, 1, 2, 3, 4, 5, 6))


# ---------------------------------------------------------------------------


def test_propose(s, t, a, b, c):
    s.current = "issue --signers"
    seed, device_id, _ = t.device()
    out = t.propose(a, device_id, 2, "p2.olic")
    blob = s.read("p2.olic")
    digest = blake2b256(blob[:len(blob) - 2 * ENTRY]).hex()
    s.equal(out, f"wrote p2.olic: license_id 1, allowance 1000, device {device_id}, {len(blob)} bytes; v2, 2 signature "
            f"entries, 1 signed, empty entries left for olic cosign: 1; digest {digest}\n", "issue --signers 2 stdout")
    s.equal((blob[4], blob[8], len(blob)), (2, 2, 72 + 2 * ENTRY), "version 2, n = 2, 216 bytes")
    body_end, ents = entries(blob)
    s.equal(ents[0][0], a.key_id, "entry 0 is the proposer's key_id")
    s.equal(blob[body_end + ENTRY:], bytes(ENTRY), "entry 1 is empty: 72 zero bytes")
    t.verify_entries("p2.olic", [a], "proposal")

    rc, doc, err = t.inspect("p2.olic")
    s.equal(rc, 0, "inspect of a proposal exits 0")
    s.equal(err, "olic: FILE p2.olic: partly signed (INCOMPLETE): every device refuses it until olic cosign fills "
            "every entry\n", "inspect of a proposal warns on one stderr line")
    s.equal((doc.get("status"), doc.get("version"), doc.get("signature_count"), doc.get("complete"), doc.get("digest")),
            ("INCOMPLETE", 2, 2, False, digest), "inspect --json of a proposal")
    s.equal([(e["key_id"], e["empty"]) for e in doc.get("signatures", [])], [(a.key_id, False), (ZERO_ID, True)],
            "inspect --json lists the entries")
    text = s.run("inspect", "p2.olic")[1]
    s.check("signatures[1]: signer=empty key_id=0000000000000000 empty=yes signature_status=EMPTY" in text.splitlines(),
            f"inspect text shows the empty entry: {text!r}")
    s.check("complete: no" in text.splitlines(), "inspect text says complete: no")

    # A device refuses a partly signed license, with the status the docs give.
    s.equal(t.install(1, [a, b], "p2.olic", seed), "OLIC_ERR_MALFORMED", "C device (k = 1) refuses a 1-of-2 proposal")
    s.equal(t.install(2, [a, b], "p2.olic", seed), "OLIC_ERR_MALFORMED", "C device (k = 2) refuses a 1-of-2 proposal")
    rc, out, err = s.run("verify", "--trusted-key", a.pub, "--trusted-key", b.pub, "--device", device_id, "p2.olic")
    s.equal((rc, out), (1, "OLIC_ERR_MALFORMED\n"), "olic verify of a proposal: OLIC_ERR_MALFORMED")

    # n = 1: complete at once; with its only entry emptied, UNKNOWN_KEY.
    t.propose(a, device_id, 1, "p1.olic")
    one = s.read("p1.olic")
    s.equal((one[4], one[8], len(one)), (2, 1, 144), "issue --signers 1: a complete v2 license of 144 bytes")
    rc, doc, _ = t.inspect("p1.olic", a)
    s.equal((rc, doc.get("status"), doc.get("complete")), (0, "OLIC_OK", True), "inspect of a 1-of-1 license")
    s.equal(t.install(1, [a], "p1.olic", seed), "OLIC_OK", "C device (k = 1) installs a v2 n = 1 license")
    s.write("p1-empty.olic", one[:72] + bytes(ENTRY))
    s.equal(t.install(1, [a], "p1-empty.olic", seed), "OLIC_ERR_UNKNOWN_KEY", "C device refuses an n = 1 license with an empty entry")

    # n = 8, the most: entry 0 the proposer's, seven empty ones of 72 zero bytes.
    t.propose(a, device_id, 8, "p8.olic")
    eight = s.read("p8.olic")
    body_end, ents = entries(eight)
    s.equal((eight[4], eight[8], len(eight)), (2, 8, 72 + 8 * ENTRY), "issue --signers 8: n = 8, 648 bytes")
    s.equal(ents[0][0], a.key_id, "--signers 8: entry 0 is the proposer's")
    s.equal(eight[body_end + ENTRY:], bytes(7 * ENTRY), "--signers 8: entries 1 to 7 all zero")
    t.verify_entries("p8.olic", [a], "--signers 8")

    # Bad --signers values: one line, exit 1, nothing written.
    for bad in ("0", "9", "x"):
        s.bad_input(["issue", *a.key, "--device", device_id, "--license-id", "1", "--allowance", "1", "--signers", bad,
                     "--out", "bad.olic"], "--signers", bad if bad == "x" else "")
    s.check(not os.path.exists(s.path("bad.olic")), "a bad --signers writes nothing")
    return seed, device_id


def test_cosign(s, t, a, b, c, seed, device_id):
    s.current = "cosign"
    t.propose(a, device_id, 2, "ab.olic", license_id=5)
    before = s.read("ab.olic")
    digest = blake2b256(before[:len(before) - 2 * ENTRY]).hex()
    rc, out, err = cosign(t, b, "ab.olic", [a])
    s.equal((rc, err), (0, ""), "cosign exit and stderr")
    lines = out.splitlines()
    s.equal(lines[0] if lines else "", f"about to sign, as key_id {b.key_id}, this license:", "cosign says what it signs")
    for want in (f"  digest: {digest}", f"  device_id: {device_id}", "  license_id: 5", "  allowance: 1000",
                 "  signature_count: 2", f"  signatures[0]: key_id {a.key_id} (verified)", "  signatures[1]: empty"):
        s.check(want in lines, f"cosign shows {want!r}: {out!r}")
    s.equal(lines[-1] if lines else "", f"wrote ab.olic: signed by key_id {b.key_id}, 2 of 2 entries signed, complete",
            "cosign's last line")
    blob, body_end, ents = t.verify_entries("ab.olic", [a, b], "cosigned a+b")
    s.equal(blob[:body_end], before[:body_end], "cosign leaves the signed bytes as they were")
    s.equal([e[0] for e in ents], sorted([a.key_id, b.key_id]), "entries in ascending key_id order after cosigning")
    rc, doc, _ = t.inspect("ab.olic", a, b)
    s.equal((rc, doc.get("status"), doc.get("complete"), doc.get("digest")), (0, "OLIC_OK", True, digest),
            "inspect of the complete license")

    # Every extension is shown before signing, with its value, not only the decoded ones.
    t.propose(a, device_id, 2, "ext.olic", license_id=8,
              extra=["--not-before", "1767225600", "--not-after", "1798761600", "--bind-request", "4",
                     "--extension", "0x0020:aabb", "--extension", "0x7fff:01"])
    rc, out, err = cosign(t, b, "ext.olic", [a])
    s.equal((rc, err), (0, ""), "cosign of a license with extensions")
    lines = out.splitlines()
    for want in ("  validity: 1767225600 (2026-01-01T00:00:00Z) .. 1798761600 (2027-01-01T00:00:00Z)",
                 "  bind_request: 4", "  extension_count: 4",
                 "  extensions[0]: type=0x0020 critical=no length=2 value=aabb",
                 "  extensions[1]: type=0x7fff critical=no length=1 value=01",
                 "  extensions[2]: type=0x8001 critical=yes length=16 value=00b955690000000080ec366b00000000",
                 "  extensions[3]: type=0x8002 critical=yes length=8 value=0400000000000000"):
        s.check(want in lines, f"cosign shows {want!r}: {out!r}")

    # An unknown critical type: no device and no cosigner reads it, so not proposed.
    refused_exactly(s, ["issue", *a.key, "--device", device_id, "--license-id", "8", "--allowance", "1", "--signers", "2",
                        "--extension", "0x9000:01", "--allow-unknown-critical", "--out", "crit.olic"], 1,
                    "olic: --extension: type 0x9000 is critical and unknown: a threshold license (--signers) cannot "
                    "carry one, since olic cosign and every device refuse it", "issue --signers with an unknown critical type")
    s.check(not os.path.exists(s.path("crit.olic")), "and writes nothing")

    # The other order: b proposes, a cosigns; the same bytes come out.
    t.propose(b, device_id, 2, "ba.olic", license_id=5)
    rc, _, err = cosign(t, a, "ba.olic", [b])
    s.equal((rc, err), (0, ""), "cosign in the other order")
    s.equal(s.read("ba.olic"), blob, "both orders assemble the same blob")

    # Three entries, cosigned out of order: ascending, empty last, at every step.
    t.propose(b, device_id, 3, "abc.olic", license_id=6)
    s.equal(cosign(t, c, "abc.olic", [b])[0], 0, "cosign 2 of 3")
    _, _, ents = t.verify_entries("abc.olic", [b, c], "2 of 3")
    s.equal([e[0] for e in ents], sorted([b.key_id, c.key_id]) + [ZERO_ID], "2 of 3: ascending, empty last")
    s.equal(t.install(2, [a, b, c], "abc.olic", seed), "OLIC_ERR_MALFORMED", "a 2-of-3-signed n = 3 license is refused")
    rc, out, _ = cosign(t, a, "abc.olic", [c, b], extra=["--out", "abc-full.olic"])
    s.equal(rc, 0, "cosign --out")
    half, full = s.read("abc.olic"), s.read("abc-full.olic")
    s.equal(entries(half)[1][2][0], ZERO_ID, "cosign --out leaves FILE as it was")
    s.equal(half[:len(half) - 3 * ENTRY], full[:len(full) - 3 * ENTRY], "the same signed bytes in both")
    _, _, ents = t.verify_entries("abc-full.olic", [a, b, c], "3 of 3")
    s.equal([e[0] for e in ents], sorted([a.key_id, b.key_id, c.key_id]), "3 of 3: ascending")

    s.current = "device thresholds"
    s.equal(t.install(2, [a, b, c], "ab.olic", seed), "OLIC_OK", "C device 2-of-3 installs the 2-signed license")
    s.equal(t.install(2, [a, b], "ab.olic", seed), "OLIC_OK", "C device 2-of-2 installs it")
    s.equal(t.install(3, [a, b, c], "ab.olic", seed), "OLIC_ERR_THRESHOLD", "C device 3-of-3 refuses it: THRESHOLD")
    s.equal(t.install(3, [a, b, c], "abc-full.olic", seed), "OLIC_OK", "C device 3-of-3 installs the 3-signed license")
    s.equal(t.install(1, [a, c], "ab.olic", seed), "OLIC_ERR_UNKNOWN_KEY", "a device without b's key: UNKNOWN_KEY")
    keys = ["--trusted-key", a.pub, "--trusted-key", b.pub, "--trusted-key", c.pub]
    rc, out, _ = s.run("verify", "--threshold", "2", *keys, "--device", device_id, "ab.olic")
    s.equal((rc, out), (0, "OLIC_OK\n"), "olic verify --threshold 2")
    rc, out, _ = s.run("verify", "--threshold", "3", *keys, "--device", device_id, "ab.olic")
    s.equal((rc, out), (1, "OLIC_ERR_THRESHOLD\n"), "olic verify --threshold 3: THRESHOLD")
    rc, out, _ = s.run("verify", *keys, "--device", device_id, "ab.olic")
    s.equal((rc, out), (0, "OLIC_OK\n"), "olic verify without --threshold is k = 1")
    s.bad_input(["verify", "--threshold", "3", "--trusted-key", a.pub, "--trusted-key", b.pub, "--device", device_id,
                 "ab.olic"], "--threshold", "more than the 2 --trusted-key")
    s.bad_input(["verify", "--threshold", "0", *keys, "--device", device_id, "ab.olic"], "--threshold", "")
    t.propose(a, device_id, 1, "v2-1.olic", license_id=7)
    rc, out, _ = s.run("verify", "--threshold", "2", *keys, "--device", device_id, "v2-1.olic")
    s.equal((rc, out), (1, "OLIC_ERR_THRESHOLD\n"), "a 1-signer license on a k = 2 device: THRESHOLD")
    s.ok(["issue", *a.key, "--device", device_id, "--license-id", "7", "--allowance", "1", "--out", "v1.olic"])
    rc, out, _ = s.run("verify", "--threshold", "2", *keys, "--device", device_id, "v1.olic")
    s.equal((rc, out), (1, "OLIC_ERR_THRESHOLD\n"), "a v1 license on a k = 2 device: THRESHOLD")
    return blob


# cosign's refusal exit codes (docs/cli.md): each its own, so a script tells them apart.
ALREADY_SIGNED, NO_EMPTY_ENTRY, SIGNATURE_FAILS, UNKNOWN_SIGNER = 3, 4, 5, 6
COSIGN_CODES = (0, 1, 2, 3, 4, 5, 6)


def refused_exactly(s, args, code, line, what, unchanged=()):
    """Exit `code`, nothing on stdout, exactly `line` on stderr, and the named files unchanged."""
    before = {name: s.read(name) for name in unchanged}
    rc, out, err = s.run(*args, codes=COSIGN_CODES)
    s.equal((rc, out, err), (code, "", line + "\n"), f"{what}: exit {code}, the stderr line, no stdout")
    for name, blob in before.items():
        s.equal(s.read(name), blob, f"{what}: {name} unchanged")


def test_refusals(s, t, a, b, c, device_id, complete):
    s.current = "cosign refusals"

    def refused(party, name, trusted, code, line, what):
        args = ["cosign", *party.key, name, *sum((["--trusted-key", p.pub] for p in trusted), [])]
        refused_exactly(s, args, code, f"olic: FILE {name}: {line}", what, unchanged=[name])

    t.propose(a, device_id, 2, "r.olic", license_id=9)
    mine = f"already signed by --key (key_id {a.key_id}); a key counts once"
    refused(a, "r.olic", [], ALREADY_SIGNED, mine, "the proposer cosigns its own proposal")
    refused(a, "r.olic", [a], ALREADY_SIGNED, mine, "the proposer cosigns, trusting itself")
    s.write("full.olic", complete)
    refused(b, "full.olic", [a], ALREADY_SIGNED, f"already signed by --key (key_id {b.key_id}); a key counts once",
            "a second signature by the same key")
    refused(c, "full.olic", [a, b], NO_EMPTY_ENTRY, "no empty signature entry: all 2 are signed", "a complete license")
    refused(c, "full.olic", [], NO_EMPTY_ENTRY, "no empty signature entry: all 2 are signed",
            "a complete license, no --trusted-key: refused before any verification")
    unknown = f"entry 0 is signed by key_id {a.key_id}, which no --trusted-key has: it cannot be verified"
    refused(b, "r.olic", [], UNKNOWN_SIGNER, unknown, "an entry no --trusted-key can verify")
    refused(b, "r.olic", [c], UNKNOWN_SIGNER, unknown, "an entry whose key is not among --trusted-key")
    forged = f"entry 0 (key_id {a.key_id}) does not verify: the license was altered or the signature forged"
    # Tampered body: one allowance byte; a's signature no longer verifies.
    blob = bytearray(s.read("r.olic"))
    blob[63] ^= 1
    s.write("tampered.olic", bytes(blob))
    refused(b, "tampered.olic", [a], SIGNATURE_FAILS, forged, "a tampered body")
    # A forged entry: a's key_id with another signature.
    blob = bytearray(s.read("r.olic"))
    body_end = len(blob) - 2 * ENTRY
    blob[body_end + 8:body_end + ENTRY] = os.urandom(64)
    s.write("forged.olic", bytes(blob))
    refused(b, "forged.olic", [a], SIGNATURE_FAILS, forged, "a forged signature")
    # The same with --ledger: refused before the ledger records anything.
    s.ok(["ledger", "init", "refusals.db"])
    refused_exactly(s, ["cosign", *b.key, "--trusted-key", a.pub, "--ledger", "refusals.db", "forged.olic"],
                    SIGNATURE_FAILS, f"olic: FILE forged.olic: {forged}", "a forged signature, --ledger",
                    unchanged=["forged.olic"])
    with sqlite3.connect(s.path("refusals.db")) as db:
        s.equal(db.execute("SELECT count(*) FROM cosignatures").fetchone()[0], 0, "a refused cosign records nothing")
    # Three entries, one of them bad: refused though the other verifies.
    t.propose(a, device_id, 3, "r3.olic", license_id=9)
    s.equal(cosign(t, b, "r3.olic", [a])[0], 0, "cosign 2 of 3")
    blob = bytearray(s.read("r3.olic"))
    _, ents = entries(bytes(blob))
    second = len(blob) - 3 * ENTRY + ENTRY
    blob[second + 8] ^= 0xFF
    s.write("r3-bad.olic", bytes(blob))
    refused(c, "r3-bad.olic", [a, b], SIGNATURE_FAILS,
            f"entry 1 (key_id {ents[1][0]}) does not verify: the license was altered or the signature forged",
            "the second entry fails")
    # v1 and not-a-license: ordinary bad input, exit 1.
    s.ok(["issue", *a.key, "--device", device_id, "--license-id", "9", "--allowance", "1", "--out", "v1.olic"])
    refused(b, "v1.olic", [a], 1,
            "a v1 license has one signature and no entry to cosign (propose with olic issue --signers N)", "a v1 license")
    s.write("junk.olic", b"not a license")
    refused(b, "junk.olic", [a], 1, "not a threshold license that can be cosigned (OLIC_ERR_MALFORMED)",
            "a file that is not olic")


def test_inspect_entries(s, t, a, b, c, seed, device_id):
    s.current = "inspect entries"
    t.propose(a, device_id, 3, "i3.olic", license_id=40)
    s.equal(cosign(t, c, "i3.olic", [a])[0], 0, "cosign 2 of 3")
    blob = s.read("i3.olic")
    digest = blake2b256(blob[:len(blob) - 3 * ENTRY]).hex()
    signed = sorted([a.key_id, c.key_id])
    # JSON: signatures[] of {signer, key_id, empty, signature_status}, complete, digest.
    rc, doc, err = t.inspect("i3.olic", a, c)
    s.equal((rc, doc.get("status"), doc.get("complete"), doc.get("signature_count"), doc.get("digest")),
            (0, "INCOMPLETE", False, 3, digest), "inspect --json of a 2-of-3-signed license")
    s.equal(doc.get("signatures"),
            [{"signer": signed[0], "key_id": signed[0], "empty": False, "signature_status": "OLIC_OK"},
             {"signer": signed[1], "key_id": signed[1], "empty": False, "signature_status": "OLIC_OK"},
             {"signer": "empty", "key_id": ZERO_ID, "empty": True, "signature_status": "EMPTY"}],
            "inspect --json: every entry, the empty one last")
    rc, doc, _ = t.inspect("i3.olic")
    s.equal([e.get("signature_status") for e in doc.get("signatures", [])], ["NOT_CHECKED", "NOT_CHECKED", "EMPTY"],
            "without --trusted-key the filled entries are NOT_CHECKED")
    rc, doc, err = t.inspect("i3.olic", a)
    who = {e["key_id"]: e["signature_status"] for e in doc.get("signatures", [])}
    s.equal((rc, doc.get("status"), who.get(a.key_id), who.get(c.key_id)),
            (1, "OLIC_ERR_UNKNOWN_KEY", "OLIC_OK", "OLIC_ERR_UNKNOWN_KEY"), "an entry no --trusted-key has")
    s.equal(err, f"olic: FILE i3.olic: OLIC_ERR_UNKNOWN_KEY: entry {signed.index(c.key_id)} is signed by key_id {c.key_id}, which no --trusted-key has\n",
            "and says which on stderr")
    bad = bytearray(blob)
    bad[len(bad) - 3 * ENTRY + 8] ^= 1
    s.write("i3-bad.olic", bytes(bad))
    rc, doc, _ = t.inspect("i3-bad.olic", a, c)
    s.equal((rc, doc.get("status"), doc["signatures"][0]["signature_status"] if doc.get("signatures") else None),
            (1, "OLIC_ERR_SIGNATURE", "OLIC_ERR_SIGNATURE"), "an entry that does not verify")
    # Text: one line per entry and complete: yes/no.
    rc, text, _ = s.run("inspect", "i3.olic", "--trusted-key", a.pub, "--trusted-key", c.pub)
    lines = text.splitlines()
    for i, kid in enumerate(signed):
        want = f"signatures[{i}]: signer={kid} key_id={kid} empty=no signature_status=OLIC_OK"
        s.check(want in lines, f"inspect text shows {want!r}: {text!r}")
    s.check("signatures[2]: signer=empty key_id=0000000000000000 empty=yes signature_status=EMPTY" in lines,
            f"inspect text shows the empty entry: {text!r}")
    s.check("complete: no" in lines and "status: INCOMPLETE" in lines, f"inspect text: complete: no, INCOMPLETE: {text!r}")
    s.equal(cosign(t, b, "i3.olic", [a, c])[0], 0, "cosign 3 of 3")
    rc, text, err = s.run("inspect", "i3.olic", "--trusted-key", a.pub, "--trusted-key", b.pub, "--trusted-key", c.pub)
    lines = text.splitlines()
    s.check(rc == 0 and err == "" and "complete: yes" in lines and "status: OLIC_OK" in lines,
            f"inspect text of the complete license: complete: yes, OLIC_OK: {rc} {text!r} {err!r}")
    rc, doc, err = t.inspect("i3.olic")
    s.equal((rc, doc.get("status"), doc.get("complete")), (0, "UNVERIFIED", True), "complete, no --trusted-key: UNVERIFIED")

    s.current = "verify: partly signed"
    # The device refuses a partly signed license: n >= 2 MALFORMED (zero key_ids
    # break the order), n = 1 UNKNOWN_KEY (a zero key_id names no trusted key).
    keys = ["--trusted-key", a.pub, "--trusted-key", b.pub, "--trusted-key", c.pub]
    t.propose(a, device_id, 3, "v3.olic", license_id=41)
    s.equal(cosign(t, b, "v3.olic", [a])[0], 0, "cosign 2 of 3")
    for k in ("1", "2"):
        rc, out, err = s.run("verify", "--threshold", k, *keys, "--device", device_id, "v3.olic")
        s.equal((rc, out, err), (1, "OLIC_ERR_MALFORMED\n", ""), f"olic verify --threshold {k} of a 2-of-3-signed n = 3 license")
    one = s.read("p1.olic")
    s.write("p1-empty.olic", one[:len(one) - ENTRY] + bytes(ENTRY))
    rc, out, err = s.run("verify", *keys, "--device", device_id, "p1-empty.olic")
    s.equal((rc, out, err), (1, "OLIC_ERR_UNKNOWN_KEY\n", ""), "olic verify of an n = 1 license with its entry empty")
    # A forged second signature, and a signer the device does not trust.
    ab = bytearray(s.read("ab.olic"))
    ab[len(ab) - ENTRY + 8] ^= 1
    s.write("ab-forged.olic", bytes(ab))
    rc, out, err = s.run("verify", "--threshold", "2", *keys, "--device", device_id, "ab-forged.olic")
    s.equal((rc, out, err), (1, "OLIC_ERR_SIGNATURE\n", ""), "olic verify --threshold 2 of a forged second signature")
    rc, out, err = s.run("verify", "--threshold", "2", "--trusted-key", a.pub, "--trusted-key", c.pub, "--device", device_id,
                         "ab.olic")
    s.equal((rc, out, err), (1, "OLIC_ERR_UNKNOWN_KEY\n", ""), "olic verify --threshold 2 without b's key: UNKNOWN_KEY")
    rc, out, err = s.run("verify", "--threshold", "4", *keys, "--device", device_id, "v3.olic")
    s.equal((rc, out, err), (1, "", "olic: --threshold: 4 is more than the 3 --trusted-key given; a device refuses that table\n"),
            "olic verify --threshold above the keys given is refused")


def test_help(s):
    s.current = "help and did-you-mean"
    for args in (["help", "cosign"], ["cosign", "--help"]):
        rc, out, err = s.run(*args)
        s.equal((rc, err), (0, ""), f"olic {' '.join(args)}")
        flat = " ".join(out.split())
        for want in ("A: olic issue --key a.pem", "--signers 2", "B: olic cosign --key b.pem --trusted-key a.pub.pem",
                     "ascending key_id order, the empty ones last", "printed on stdout", "3 a license --key already signed",
                     "4 a license with no empty entry", "5 a signed entry that does not verify",
                     "6 a signed entry whose key_id no --trusted-key has", "--ledger", "PKCS#11", "OLIC_ERR_MALFORMED",
                     "olic verify --threshold 2"):
            s.check(want in flat, f"olic {' '.join(args)} teaches {want!r}")
    for args in (["help", "issue"], ["issue", "--help"]):
        rc, out, err = s.run(*args)
        flat = " ".join(out.split())
        for want in ("--signers N (1 to 8)", "all-zero key_id and signature", "olic cosign --key reg-b.pem",
                     "OLIC_ERR_MALFORMED", "olic help cosign"):
            s.check(want in flat, f"olic {' '.join(args)} teaches {want!r}")
    for args, line in (
            (["cosign", "--trusted-keys", "a.pub.pem", "x.olic"],
             "olic: unknown option '--trusted-keys' for 'olic cosign'; did you mean '--trusted-key'? (see 'olic help cosign')"),
            (["cosign", "--leger", "b.db", "x.olic"],
             "olic: unknown option '--leger' for 'olic cosign'; did you mean '--ledger'? (see 'olic help cosign')"),
            (["issue", "--signer", "2", "--key", "a.pem"],
             "olic: unknown option '--signer' for 'olic issue'; did you mean '--signers'? (see 'olic help issue')"),
            (["verify", "--treshold", "2", "x.olic"],
             "olic: unknown option '--treshold' for 'olic verify'; did you mean '--threshold'? (see 'olic help verify')"),
            (["cosgn"], "olic: unknown subcommand 'cosgn' for 'olic'; did you mean 'cosign'? (see 'olic help')")):
        rc, out, err = s.run(*args)
        s.equal((rc, out, err), (2, "", line + "\n"), f"olic {' '.join(args)}: did-you-mean, exit 2")
    rc, out, err = s.run("cosign", "--key", "a.pem")
    s.equal((rc, out), (2, ""), "cosign without FILE is a usage error")


def both_ways(s, t, a, x, device_id, seed, stem, license_id, what):
    """x proposes and plain-PEM a cosigns STEM.olic; then a proposes and x
    cosigns STEM2.olic, which a 2-of-n device installs."""
    t.propose(x, device_id, 2, f"{stem}.olic", license_id=license_id)
    s.equal(cosign(t, a, f"{stem}.olic", [x])[0], 0, f"cosign of the proposal of {what}")
    t.verify_entries(f"{stem}.olic", [a, x], f"{what} as proposer")
    t.propose(a, device_id, 2, f"{stem}2.olic", license_id=license_id + 1)
    rc, _, err = cosign(t, x, f"{stem}2.olic", [a])
    s.equal((rc, err), (0, ""), f"cosign with {what}")
    t.verify_entries(f"{stem}2.olic", [a, x], f"{what} as cosigner")
    s.equal(t.install(2, [a, x], f"{stem}2.olic", seed), "OLIC_OK", f"a device installs what {what} cosigned")


def test_key_sources(s, t, a, b, e, seed, device_id, module):
    s.current = "key sources"
    # Encrypted PEM proposes and cosigns; plain PEM cosigns.
    both_ways(s, t, a, e, device_id, seed, "enc", 20, "an encrypted key")
    t.propose(a, device_id, 2, "enc3.olic", license_id=22)
    s.bad_input(["cosign", "--key", e.pem, "--passphrase-file", "wrong.txt", "--trusted-key", a.pub, "enc3.olic"],
                ["--key"], "wrong passphrase", what="cosign with a wrong passphrase")
    s.equal(entries(s.read("enc3.olic"))[1][1][0], ZERO_ID, "a wrong passphrase fills nothing")

    if not module or not shutil.which("softhsm2-util"):
        s.check(False, "SoftHSM2 is installed (make test-threshold installs it)")
        return
    s.current = "key sources: PKCS#11"
    tokens = s.path("softhsm-tokens")
    os.makedirs(tokens, exist_ok=True)
    conf = s.path("softhsm2.conf")
    s.write("softhsm2.conf", f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = conf
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "olic-threshold", "--pin", "123456",
                    "--so-pin", "12345678"], check=True, capture_output=True)
    s.write("pin.txt", "123456\n")
    uri = "pkcs11:token=olic-threshold;object=signer-t"
    tok = ["--pkcs11-module", module, "--pin-file", "pin.txt"]
    s.ok(["keygen", "--pkcs11", uri, *tok, "--out", "tok"])
    token = Party.__new__(Party)
    token.name, token.pem, token.pub = "tok", uri, "tok.pub.pem"
    token.public = s.ok(["pubkey", "tok.pub.pem"]).strip()
    token.key_id = key_id(token.public)
    token.key = ["--key", uri, *tok]
    both_ways(s, t, a, token, device_id, seed, "tok", 30, "a PKCS#11 token key")


def test_ledger(s, t, a, b, c):
    s.current = "ledger: propose and cosign"
    seed, device_id, nvm = t.device()
    public = s.tool(t.device_binary, "id", seed).split()[1]
    s.ok(["ledger", "init", "a.db"])
    s.ok(["ledger", "add-device", "a.db", "--device", device_id, "--public-key", public])
    out = s.ok(["issue", "--ledger", "a.db", *a.key, "--device", device_id, "--allowance", "500", "--signers", "2",
                "--out", "led.olic"])
    proposal = s.read("led.olic")
    digest = blake2b256(proposal[:len(proposal) - 2 * ENTRY]).hex()
    s.equal(out, f"wrote led.olic: license_id 1, allowance 500, device {device_id}, {len(proposal)} bytes; v2, 2 signature "
            f"entries, 1 signed, empty entries left for olic cosign: 1; digest {digest}; recorded in a.db\n",
            "issue --signers --ledger stdout")
    shown = json.loads(s.ok(["ledger", "show", "a.db", "--json"]))["devices"][0]["licenses"]
    s.equal([(x["license_id"], x["digest"], x["key_id"], x["sha256"]) for x in shown],
            [(1, digest, a.key_id, hashlib.sha256(proposal).hexdigest())], "ledger show lists the proposal by digest")

    s.ok(["ledger", "init", "b.db"])
    rc, out, err = cosign(t, b, "led.olic", [a], extra=["--ledger", "b.db"])
    s.equal((rc, err), (0, ""), "cosign --ledger")
    s.check(out.splitlines()[-1].endswith("complete; recorded in b.db"), f"cosign --ledger says so: {out!r}")
    cosigned = s.read("led.olic")
    b_dev = json.loads(s.ok(["ledger", "show", "b.db", "--json"]))["devices"]
    s.equal(len(b_dev), 1, "the cosigner's ledger lists the device it signed for")
    rows = b_dev[0].get("cosignatures", []) if b_dev else []
    s.equal([(x["digest"], x["key_id"], x["license_id"], x["allowance"], x["signature_count"], x["sha256"])
             for x in rows], [(digest, b.key_id, 1, 500, 2, hashlib.sha256(cosigned).hexdigest())],
            "the cosigner's ledger records what it signed, by digest")
    s.equal(b_dev[0].get("registered") if b_dev else None, False, "the device is not registered in the cosigner's ledger")
    with sqlite3.connect(s.path("b.db")) as db:
        stored = db.execute("SELECT signature, blob FROM cosignatures").fetchall()
    mine = [sig for kid, sig in entries(cosigned)[1] if kid == b.key_id]
    s.equal(stored, [(mine[0] if mine else None, cosigned)], "b.db holds B's own signature and the blob it wrote")
    s.ok(["ledger", "export", "b.db", "--digest", digest, "--out", "b-export.olic"])
    s.equal(s.read("b-export.olic"), cosigned, "ledger export --digest gives the cosigned bytes back")
    s.ok(["ledger", "export", "a.db", "--digest", digest, "--out", "a-export.olic"])
    s.equal(s.read("a-export.olic"), proposal, "the proposer's ledger gives back the proposal")
    s.ok(["ledger", "export", "a.db", "--device", device_id, "--license-id", "1", "--out", "a-export2.olic"])
    s.equal(s.read("a-export2.olic"), proposal, "ledger export --device --license-id still works")
    s.check(s.ok(["ledger", "verify", "b.db"]).startswith("ledger b.db: 1 events, chain intact"), "ledger verify b.db")
    s.check(s.ok(["ledger", "verify", "a.db"]).startswith("ledger a.db: 2 events, chain intact"), "ledger verify a.db")
    s.equal(t.install(2, [a, b], "led.olic", seed), "OLIC_OK", "the device installs it")

    # A second cosignature by the same key of the same license (a re-proposal
    # with the proposer's entry only): refused by the ledger, file unchanged.
    s.write("again.olic", proposal)
    repeat = f"olic: --ledger: b.db already records a signature by key_id {b.key_id} of license digest {digest}"
    refused_exactly(s, ["cosign", *b.key, "--trusted-key", a.pub, "again.olic", "--ledger", "b.db"], ALREADY_SIGNED,
                    repeat, "the same key cosigns the same license twice (ledger)", unchanged=["again.olic"])

    s.current = "ledger: one license, two blobs, one record"
    # n = 3: A proposes; B and C each cosign their own copy, in parallel. The two
    # copies are different blobs (a+b+empty, a+c+empty) of one license: one digest.
    out = s.ok(["issue", "--ledger", "a.db", *a.key, "--device", device_id, "--allowance", "700", "--signers", "3",
                "--out", "three.olic"])
    three = s.read("three.olic")
    d3 = blake2b256(three[:len(three) - 3 * ENTRY]).hex()
    shutil.copy(s.path("three.olic"), s.path("three-b.olic"))
    shutil.copy(s.path("three.olic"), s.path("three-c.olic"))
    s.equal(cosign(t, b, "three-b.olic", [a], extra=["--ledger", "b.db"])[0], 0, "B cosigns its copy, --ledger b.db")
    s.equal(cosign(t, c, "three-c.olic", [a])[0], 0, "C cosigns its copy")
    blob_b, blob_c = s.read("three-b.olic"), s.read("three-c.olic")
    s.check(blob_b != blob_c, "the two copies are different blobs")
    s.equal(blake2b256(blob_c[:len(blob_c) - 3 * ENTRY]).hex(), d3, "of one license (one digest)")
    # C's copy reaches B: the ledger knows it by its digest, whatever the blob.
    refused_exactly(s, ["cosign", *b.key, "--trusted-key", a.pub, "--trusted-key", c.pub, "three-c.olic",
                        "--ledger", "b.db"], ALREADY_SIGNED,
                    f"olic: --ledger: b.db already records a signature by key_id {b.key_id} of license digest {d3}",
                    "B is handed another blob of a license it signed", unchanged=["three-c.olic"])
    with sqlite3.connect(s.path("b.db")) as db:
        rows = db.execute("SELECT hex(digest), hex(sha256) FROM cosignatures WHERE digest = ?",
                          (bytes.fromhex(d3),)).fetchall()
    s.equal([(x.lower(), y.lower()) for x, y in rows], [(d3, hashlib.sha256(blob_b).hexdigest())],
            "b.db: one cosignature record for the license, the blob B wrote")
    # Either blob leads to the same record in A's ledger.
    with sqlite3.connect(s.path("a.db")) as db:
        s.equal(db.execute("SELECT count(*) FROM licenses WHERE digest = ?", (bytes.fromhex(d3),)).fetchone()[0], 1,
                "a.db: one license record for the digest")
    s.ok(["ledger", "export", "a.db", "--digest", d3, "--out", "three-export.olic"])
    s.equal(s.read("three-export.olic"), three, "a.db exports the license by digest: the proposal it recorded")
    s.bad_input(["ledger", "export", "b.db", "--digest", "11" * 32, "--out", "none.olic"], "--digest", "holds no license")

    s.current = "ledger: issue --signers --from-request"
    # A proposal answers a device's request as a v1 license does: checked against
    # the registered key, recorded, and the same request gets the same bytes back.
    s.equal(s.tool(t.device_binary, "request", nvm, a.public, seed, "0", s.path("dev.req")).strip(), "OLIC_OK",
            "the device makes a request")
    answer = ["issue", "--ledger", "a.db", *a.key, "--from-request", "dev.req", "--allowance", "300", "--signers", "2"]
    out = s.ok([*answer, "--out", "req.olic"])
    req = s.read("req.olic")
    s.check(out.startswith("wrote req.olic: license_id 3, allowance 300") and
            out.endswith(f", answers request_sequence 1, {len(req)} bytes; v2, 2 signature entries, 1 signed, empty entries "
                         f"left for olic cosign: 1; digest {blake2b256(req[:len(req) - 2 * ENTRY]).hex()}; recorded in a.db\n"),
            f"issue --signers --from-request --ledger: license_id 3 (1 + the two recorded): {out!r}")
    s.equal((req[4], req[8]), (2, 2), "the answer is a v2 proposal with 2 entries")
    s.equal(entries(req)[1][0][0], a.key_id, "signed by the proposer")
    again = s.ok([*answer, "--out", "req-again.olic"])
    s.check(again.endswith("; the license already issued for this request, byte for byte\n"), f"says so: {again!r}")
    s.equal(s.read("req-again.olic"), req, "the same request again: the proposal already recorded, byte for byte")
    with sqlite3.connect(s.path("a.db")) as db:
        s.equal(db.execute("SELECT count(*), hex(digest) FROM licenses WHERE license_id = 3").fetchone(),
                (1, blake2b256(req[:len(req) - 2 * ENTRY]).hex().upper()), "recorded once, with its digest")
    rc, doc, _ = t.inspect("req.olic")
    bind = [x for x in doc.get("extensions", []) if x.get("name") == "BIND_REQUEST"]
    s.equal(len(bind), 1, f"the answer carries BIND_REQUEST as issue --from-request's does: {doc.get('extensions')!r}")

    s.current = "ledger: tampered digests"
    shutil.copy(s.path("b.db"), s.path("b-edit.db"))
    with sqlite3.connect(s.path("b-edit.db")) as db:
        db.execute("UPDATE cosignatures SET digest = ? WHERE id = (SELECT min(id) FROM cosignatures)", (bytes(32),))
    rc, _, err = s.run("ledger", "verify", "b-edit.db")
    s.equal(rc, 1, "an edited cosignature is refused by ledger verify")
    shutil.copy(s.path("a.db"), s.path("a-edit.db"))
    with sqlite3.connect(s.path("a-edit.db")) as db:
        db.execute("UPDATE licenses SET digest = ? WHERE id = (SELECT min(id) FROM licenses)", (bytes(32),))
    rc, _, err = s.run("ledger", "verify", "a-edit.db")
    s.equal(rc, 1, "an edited license digest is refused by ledger verify")
    s.check("digest is not the digest of its license" in err, f"and says so: {err!r}")


def test_migration(s):
    s.current = "ledger: schema 1 migration"
    shutil.copy(os.path.join(FIXTURE, "v1.db"), s.path("v1.db"))
    with sqlite3.connect(s.path("v1.db")) as db:
        s.equal(db.execute("PRAGMA user_version").fetchone()[0], 1, "the fixture is a schema-1 ledger")
    out = s.ok(["ledger", "verify", "v1.db"])
    s.equal(out, "ledger v1.db: 3 events, chain intact, "
            "head e060a90cda6ec5838eac59cba56eed5dcc7ef19e224fc40bccb5c169a7d82f04\n",
            "the migrated ledger verifies, its past events unchanged")
    with sqlite3.connect(s.path("v1.db")) as db:
        s.equal(db.execute("PRAGMA user_version").fetchone()[0], 2, "opening migrated it to schema 2")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    s.check("cosignatures" in tables, "schema 2 has the cosignatures table")
    device = "8fde2143c5ff03ed4d5cccab9a67da42d30b468f2ed316fd32d835878288e1e0"
    shown = json.loads(s.ok(["ledger", "show", "v1.db", "--json"]))["devices"][0]["licenses"]
    for i, name in ((1, "l1.olic"), (2, "l2.olic")):
        with open(os.path.join(FIXTURE, name), "rb") as f:
            blob = f.read()
        row = shown[i - 1]
        s.equal((row["license_id"], row["sha256"], row["digest"]),
                (i, hashlib.sha256(blob).hexdigest(), blake2b256(blob[:-64]).hex()),
                f"license {i}: sha256 kept, digest backfilled")
        s.ok(["ledger", "export", "v1.db", "--device", device, "--license-id", str(i), "--out", f"m{i}.olic"])
        s.equal(s.read(f"m{i}.olic"), blob, f"license {i} exported byte for byte after migration")
        s.ok(["ledger", "export", "v1.db", "--digest", blake2b256(blob[:-64]).hex(), "--out", f"d{i}.olic"])
        s.equal(s.read(f"d{i}.olic"), blob, f"license {i} exported by digest")
    # A newer schema is still refused.
    with sqlite3.connect(s.path("v1.db")) as db:
        db.execute("PRAGMA user_version = 3")
    s.bad_input(["ledger", "verify", "v1.db"], "v1.db", "schema version 3")


def main():
    args, olic, runs, device_binary = device_harness(__doc__, [("--module", "")])
    s = Suite(olic, runs)
    t = T(s, device_binary)
    s.write("pass.txt", "correct horse\n")
    s.write("wrong.txt", "battery staple\n")
    state = {}
    step = s.timed

    started = time.monotonic()
    a, b, c = Party(s, "a"), Party(s, "b"), Party(s, "c")
    e = Party(s, "e", encrypted=True)
    state["device"] = step(lambda: test_propose(s, t, a, b, c)) or ("00" * 32, "00" * 32)
    state["complete"] = step(lambda: test_cosign(s, t, a, b, c, *state["device"]))
    if state["complete"]:
        step(lambda: test_refusals(s, t, a, b, c, state["device"][1], state["complete"]))
    else:
        s.failed += 1
        print("FAIL [cosign refusals] skipped: the cosign group failed")
    step(lambda: test_inspect_entries(s, t, a, b, c, *state["device"]))
    step(lambda: test_help(s))
    step(lambda: test_key_sources(s, t, a, b, e, *state["device"], args.module))
    step(lambda: test_ledger(s, t, a, b, c))
    step(lambda: test_migration(s))
    print(f"threshold tests took {time.monotonic() - started:.1f} s")
    print(f"{s.passed} passed, {s.failed} failed")
    sys.exit(1 if s.failed else 0)


if __name__ == "__main__":
    main()
