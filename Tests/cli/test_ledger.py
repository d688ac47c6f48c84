#!/usr/bin/env python3
"""Process tests for the regulator's ledger: `olic ledger`, `issue --ledger` and
`batch --ledger --requests`.

Requests come from the C device (Tests/cli/device.c over build/libolic.a), and
licenses go back to it, so every request and license crosses the real core.
Crash tests stop the CLI at each named step with the test-only hooks
OLIC_TEST_KILL_AT (SIGKILL itself there) and OLIC_TEST_PAUSE_AT (wait there for a
signal), and add timed SIGKILLs spread over whole runs. Edits use the sqlite3
shell. The last line is "N passed, M failed"; exit 1 on any failure.
"""

import concurrent.futures
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from run_tests import Device, Suite, device_harness  # noqa: E402

ANOMALIES = ["unregistered_device", "key_mismatch", "sequence_regressed", "sequence_reused",
             "consumed_regressed", "firmware_regressed", "unknown_license", "allowance_created"]


class Ledger:
    """Helpers over one suite: devices, requests, ledger reads."""

    def __init__(self, s, device_binary, trusted):
        self.s = s
        self.binary = device_binary
        self.trusted = trusted
        self.count = 0

    def device(self, name=None, firmware=0):
        self.count += 1
        d = Device(self.s, self.binary, name or f"dev{self.count}", self.trusted, firmware)
        self.s.equal(d.provision(), "OLIC_OK", "device provision")
        return d

    def request(self, dev, name):
        self.s.equal(dev.request(self.s.path(name)), "OLIC_OK", f"device request {name}")
        return name

    def show(self, db, device_id):
        rc, out, err = self.s.run("ledger", "show", db, "--device", device_id, "--json")
        self.s.equal(rc, 0, f"ledger show --device exit code ({err!r})")
        devices = json.loads(out)["devices"] if rc == 0 else []
        self.s.equal(len(devices), 1, "ledger show --device lists one device")
        return devices[0] if devices else {}

    def sql(self, db, statement):
        return subprocess.run(["sqlite3", self.s.path(db), statement], capture_output=True, text=True,
                              check=True).stdout

    def license_hashes(self, db):
        return set(self.sql(db, "SELECT lower(hex(sha256)) FROM licenses").split())


def issue_req(db, req, out, allowance=100, key="reg.pem"):
    return ["issue", "--ledger", db, "--key", key, "--from-request", req, "--allowance", str(allowance), "--out", out]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---------------------------------------------------------------------------


def test_help_and_usage(s):
    s.current = "ledger help and usage"
    text = s.ok(["help", "ledger"])
    for word in ["init", "add-device", "import", "show", "export", "verify", "checkpoint", "WAL", *ANOMALIES]:
        s.check(word in text, f"olic help ledger mentions {word!r}")
    s.check("ledger" in s.ok(["help"]), "olic help lists ledger")
    for command, words in {
        "init": ["refuses a file that exists"],
        "show": ["allowance_issued", "latest_request", "anomalies", "--json"],
        "verify": ["--checkpoint", "--trusted-key", "first event"],
        "checkpoint": ["Ed25519", "olic-ledger-checkpoint v1"],
        "import": ["nothing is imported"],
    }.items():
        out = s.ok(["help", "ledger", command])
        for word in words:
            s.check(word in out, f"olic help ledger {command} mentions {word!r}")
    s.check("--ledger" in s.ok(["help", "issue"]) and "--trust-request-key" in s.ok(["help", "issue"]),
            "olic help issue shows --ledger and --trust-request-key")
    s.check("--requests" in s.ok(["help", "batch"]), "olic help batch shows --requests")

    # No unrecorded path: --from-request needs --ledger or --registry, or the explicit opt-out.
    for args in (["issue", "--key", "reg.pem", "--from-request", "x.req", "--allowance", "1", "--out", "x.olic"],
                 ["batch", "--key", "reg.pem", "--requests", "inbox", "--allowance", "1", "--out-dir", "o"]):
        rc, out, err = s.run(*args)
        s.equal(rc, 2, f"exit code of {args[0]} without --ledger or --registry")
        s.check("--ledger" in err and "--registry" in err, f"{args[0]} usage error names --ledger and --registry: {err!r}")
        s.check("--trust-request-key" in err, f"{args[0]} usage error names the opt-out: {err!r}")
    s.usage(["issue", "--key", "reg.pem", "--from-request", "x.req", "--ledger", "l.db", "--registry", "r.csv",
             "--allowance", "1", "--out", "x.olic"], "--ledger and --registry")
    s.usage(["issue", "--key", "reg.pem", "--from-request", "x.req", "--ledger", "l.db", "--trust-request-key",
             "--allowance", "1", "--out", "x.olic"], "--trust-request-key cannot be used with --ledger")
    s.usage(["batch", "--key", "reg.pem", "--requests", "inbox", "--ledger", "l.db", "--out-dir", "o"], "Missing --allowance")
    s.usage(["batch", "--key", "reg.pem", "--devices", "d.csv", "--ledger", "l.db", "--out-dir", "o"],
            "--ledger goes with --requests")
    s.usage(["ledger", "verify", "l.db", "--checkpoint", "c"], "--checkpoint and --trusted-key go together")


def test_init_and_devices(s, L):
    s.current = "ledger init, add-device, import"
    s.ok(["ledger", "init", "a.db"], stdout="created ledger a.db (schema version 2)\n")
    s.equal(L.sql("a.db", "PRAGMA journal_mode"), "wal\n", "the ledger is in WAL mode")
    s.equal(L.sql("a.db", "PRAGMA user_version"), "2\n", "schema version 2")
    s.bad_input(["ledger", "init", "a.db"], ["DB", "a.db"], "already exists")
    s.write("plain.txt", "not a database\n")
    s.bad_input(["ledger", "init", "plain.txt"], ["DB", "plain.txt"], "already exists")
    s.bad_input(["ledger", "show", "missing.db"], ["DB", "missing.db"], "no ledger at")
    subprocess.run(["sqlite3", s.path("other.db"), "CREATE TABLE t(x)"], check=True)
    s.bad_input(["ledger", "show", "other.db"], ["DB", "other.db"], "is not an olic ledger")
    s.ok(["ledger", "init", "future.db"])
    L.sql("future.db", "PRAGMA user_version = 99")
    s.bad_input(["ledger", "show", "future.db"], ["DB", "future.db"], "has schema version 99; this olic knows up to 2")
    s.equal(L.sql("a.db", "PRAGMA application_id"), "1330399555\n", "application_id 'OLIC'")

    d1, d2 = "11" * 32, "22" * 32
    s.ok(["ledger", "add-device", "a.db", "--device", d1, "--public-key", "aa" * 32, "--note", "rack 4"],
         stdout=f"added device {d1} to a.db\n")
    s.bad_input(["ledger", "add-device", "a.db", "--device", d1, "--public-key", "aa" * 32], ["--device", d1], "already registered")
    s.bad_input(["ledger", "add-device", "a.db", "--device", "12", "--public-key", "aa" * 32], ["--device"], "a device id is 32 bytes")
    s.bad_input(["ledger", "add-device", "a.db", "--device", d2, "--public-key", "nope"], ["--public-key", "nope"],
                "neither 64 hex digits nor a file")
    s.tool("openssl", "genpkey", "-algorithm", "ed25519", "-out", "devkey.pem")
    s.tool("openssl", "pkey", "-in", "devkey.pem", "-pubout", "-out", "devkey.pub.pem")
    s.ok(["ledger", "add-device", "a.db", "--device", d2, "--public-key", "devkey.pub.pem"])
    der = subprocess.run(["openssl", "pkey", "-in", "devkey.pem", "-pubout", "-outform", "DER"], capture_output=True,
                         check=True, cwd=s.work).stdout
    entry = L.show("a.db", d2)
    s.equal(entry.get("public_key"), der[12:].hex(), "a PEM public key is registered as its 32 bytes")
    entry = L.show("a.db", d1)
    s.equal((entry.get("device_id"), entry.get("public_key"), entry.get("note"), entry.get("allowance_issued"),
             entry.get("licenses"), entry.get("latest_request"), entry.get("anomalies")),
            (d1, "aa" * 32, "rack 4", 0, [], None, []), "ledger show --json of a new device")

    # import: all rows or none, every bad row reported.
    d3, d4 = "33" * 32, "44" * 32
    s.write("bad.csv", f"device_id,public_key\n{d3},{'cc' * 32}\nzz,{'cc' * 32}\n{d1},{'bb' * 32}\n{d4},{'dd' * 31}\n")
    rc, out, err = s.run("ledger", "import", "a.db", "--registry", "bad.csv")
    lines = err.splitlines()
    s.equal(rc, 1, "import with bad rows exits 1")
    s.equal(out, "", "import with bad rows prints nothing on stdout")
    s.equal(len(lines), 4, f"three bad rows and a summary on stderr: {err!r}")
    s.check(any("bad.csv:3" in l and "device_id" in l for l in lines), "bad row 3 reported")
    s.check(any("bad.csv:4" in l and "already registered" in l for l in lines), "row 4 (another key) reported")
    s.check(any("bad.csv:5" in l and "public_key" in l for l in lines), "bad row 5 reported")
    s.check(lines[-1].endswith("3 bad rows, nothing imported") if lines else False, f"summary line: {lines[-1:]}")
    rc, out, _ = s.run("ledger", "show", "a.db", "--device", d3)
    s.equal(rc, 1, "the good row of a refused import was not imported")
    s.write("good.csv", f"device_id,public_key\n{d3},{'cc' * 32}\n{d1},{'aa' * 32}\n")
    s.ok(["ledger", "import", "a.db", "--registry", "good.csv"],
         stdout="imported 1 device into a.db (1 already registered)\n")
    s.equal(L.show("a.db", d3).get("public_key"), "cc" * 32, "imported device registered")
    s.ok(["ledger", "verify", "a.db"])


def test_issue_and_reanswer(s, L):
    s.current = "issue --ledger and the idempotent re-answer"
    s.ok(["ledger", "init", "i.db"])
    dev = L.device()
    s.ok(["ledger", "add-device", "i.db", "--device", dev.device_id, "--public-key", dev.public_key])
    req = L.request(dev, "i1.req")
    out = s.ok(issue_req("i.db", req, "i1.olic", allowance=500))
    s.check(out.startswith(f"wrote i1.olic: license_id 1, allowance 500, device {dev.device_id}, answers request_sequence 1"),
            f"issue --ledger stdout: {out!r}")
    s.equal(dev.install(s.path("i1.olic")), "OLIC_OK", "the device installs the ledger's license")
    first = s.read("i1.olic")
    for again in ("i1-again.olic", "i1-third.olic"):
        out = s.ok(issue_req("i.db", req, again, allowance=999))
        s.equal(s.read(again), first, f"re-answering gives the stored license byte for byte ({again})")
        s.check("already issued" in out, f"re-answer says so: {out!r}")
    entry = L.show("i.db", dev.device_id)
    s.equal([(l["license_id"], l["allowance"], l["request_sequence"], l["sha256"]) for l in entry.get("licenses", [])],
            [(1, 500, 1, hashlib.sha256(first).hexdigest())], "one license on record after three answers")
    s.equal(entry.get("allowance_issued"), 500, "allowance_issued")
    lr = entry.get("latest_request") or {}
    s.equal((lr.get("device_id"), lr.get("device_public_key"), lr.get("request_sequence"), lr.get("last_license_id"),
             lr.get("remaining"), lr.get("consumed_total"), lr.get("firmware_version"), lr.get("time_high_water")),
            (dev.device_id, dev.public_key, 1, 0, 0, 0, 0, 0), "latest_request has every request field")
    s.check(isinstance(lr.get("signature"), str) and len(lr.get("signature", "")) == 128, "latest_request.signature")
    # export writes the very bytes again.
    s.ok(["ledger", "export", "i.db", "--device", dev.device_id, "--license-id", "1", "--out", "exported.olic"])
    s.equal(s.read("exported.olic"), first, "ledger export gives the issued bytes")
    s.bad_input(["ledger", "export", "i.db", "--device", dev.device_id, "--license-id", "2", "--out", "x.olic"],
                ["--license-id"], "holds no license 2")
    # The next request: license_id 2, recorded; --device issuing takes the id from the ledger.
    req2 = L.request(dev, "i2.req")
    s.ok(issue_req("i.db", req2, "i2.olic", allowance=50))
    s.equal(dev.install(s.path("i2.olic")), "OLIC_OK", "second license installs")
    out = s.ok(["issue", "--ledger", "i.db", "--key", "reg.pem", "--device", dev.device_id, "--allowance", "7", "--out", "d3.olic"])
    s.check(out.startswith("wrote d3.olic: license_id 3, allowance 7"), f"--device --ledger takes license_id 3: {out!r}")
    s.bad_input(["issue", "--ledger", "i.db", "--key", "reg.pem", "--device", dev.device_id, "--license-id", "2",
                 "--allowance", "7", "--out", "d4.olic"], ["--license-id"], "is not above 3")
    s.check(not os.path.exists(s.path("d4.olic")), "a refused --license-id writes nothing")
    s.bad_input(["issue", "--ledger", "i.db", "--key", "reg.pem", "--device", "55" * 32, "--allowance", "7", "--out", "d5.olic"],
                ["--device"], "is not registered")
    entry = L.show("i.db", dev.device_id)
    s.equal([(l["license_id"], l["request_sequence"]) for l in entry.get("licenses", [])], [(1, 1), (2, 2), (3, None)],
            "licenses on record with the request each answers")
    s.equal(entry.get("allowance_issued"), 557, "allowance_issued sums every license")
    s.ok(["ledger", "verify", "i.db"])
    text = s.ok(["ledger", "show", "i.db"])
    s.check("license[2]: license_id=3 allowance=7" in text and "allowance_issued: 557" in text, "ledger show text form")


def refused(s, args, anomaly, out_file, what):
    rc, out, err = s.run(*args)
    lines = err.splitlines()
    s.equal(rc, 1, f"exit code of {what}")
    s.equal(out, "", f"stdout of {what}")
    s.equal(len(lines), 1, f"one stderr line for {what}: {err!r}")
    s.check(bool(lines) and lines[0].startswith("olic: ") and f"refused, {anomaly}:" in lines[0],
            f"{what} names {anomaly}: {lines[:1]}")
    s.check(not os.path.exists(s.path(out_file)), f"{what} wrote no license")
    return lines[0] if lines else ""


def anomaly_names(entry):
    return [(a["name"], a["request_sequence"]) for a in entry.get("anomalies", [])]


def test_anomalies(s, L):
    s.current = "anomalies"
    s.ok(["ledger", "init", "x.db"])

    # unregistered_device, then the forged request (a real device's id, another key): key_mismatch.
    dev = L.device()
    req = L.request(dev, "u1.req")
    refused(s, issue_req("x.db", req, "u1.olic"), "unregistered_device", "u1.olic", "an unregistered device")
    entry = L.show("x.db", dev.device_id)
    s.equal(anomaly_names(entry), [("unregistered_device", 1)], "unregistered_device recorded and shown")
    s.equal(entry.get("public_key"), None, "an unregistered device shows no key")
    s.ok(["ledger", "add-device", "x.db", "--device", dev.device_id, "--public-key", dev.public_key])
    forger = L.device("forger")
    s.equal(forger.call("request-as", forger.nvm, forger.trusted, forger.seed, "0", s.path("forged.req"), dev.device_id),
            "OLIC_OK", "forger makes a request for the real device's id")
    s.ok(["verify-request", "forged.req"], stdout="OLIC_OK\n", what="the forged request verifies under the key it carries")
    line = refused(s, issue_req("x.db", "forged.req", "forged.olic"), "key_mismatch", "forged.olic", "the forged request")
    s.check(forger.public_key in line and dev.public_key in line, "key_mismatch names both keys")
    s.equal(anomaly_names(L.show("x.db", dev.device_id)), [("unregistered_device", 1), ("key_mismatch", 1)],
            "key_mismatch recorded")
    s.equal(L.show("x.db", dev.device_id).get("latest_request"), None, "a forged request is not recorded as a report")

    # sequence_regressed: request 1 kept back, request 2 answered, then request 1.
    a = L.device()
    s.ok(["ledger", "add-device", "x.db", "--device", a.device_id, "--public-key", a.public_key])
    L.request(a, "a1.req")
    L.request(a, "a2.req")
    s.ok(issue_req("x.db", "a2.req", "a2.olic"))
    refused(s, issue_req("x.db", "a1.req", "a1.olic"), "sequence_regressed", "a1.olic", "an older request")
    s.equal(anomaly_names(L.show("x.db", a.device_id)), [("sequence_regressed", 1)], "sequence_regressed recorded")

    # sequence_reused: the NVM rolled back, the same sequence with other bytes (another firmware version).
    b = L.device()
    s.ok(["ledger", "add-device", "x.db", "--device", b.device_id, "--public-key", b.public_key])
    shutil.copy(b.nvm, b.nvm + ".saved")
    L.request(b, "b1.req")
    s.ok(issue_req("x.db", "b1.req", "b1.olic"))
    shutil.copy(b.nvm + ".saved", b.nvm)
    b.firmware = "1"
    L.request(b, "b1-clone.req")
    refused(s, issue_req("x.db", "b1-clone.req", "b1c.olic"), "sequence_reused", "b1c.olic", "a reused sequence")
    s.equal(anomaly_names(L.show("x.db", b.device_id)), [("sequence_reused", 1)], "sequence_reused recorded")

    # consumed_regressed: a report with consumption, then the NVM from before it.
    c = L.device()
    s.ok(["ledger", "add-device", "x.db", "--device", c.device_id, "--public-key", c.public_key])
    s.ok(["issue", "--ledger", "x.db", "--key", "reg.pem", "--device", c.device_id, "--allowance", "100", "--out", "c1.olic"])
    s.equal(c.install(s.path("c1.olic")), "OLIC_OK", "install c1")
    shutil.copy(c.nvm, c.nvm + ".saved")
    s.equal(c.call("reserve", c.nvm, c.trusted, c.seed, c.firmware, "40"), "OLIC_OK 40", "reserve 40")
    L.request(c, "c-used.req")
    s.ok(issue_req("x.db", "c-used.req", "c2.olic"))
    shutil.copy(c.nvm + ".saved", c.nvm)
    L.request(c, "c-rolled1.req")  # sequence 1 again: reused, not what this test is after
    L.request(c, "c-rolled2.req")  # sequence 2 > 1, consumed 0 < 40
    refused(s, issue_req("x.db", "c-rolled2.req", "c3.olic"), "consumed_regressed", "c3.olic", "consumption gone down")
    s.equal(anomaly_names(L.show("x.db", c.device_id)), [("consumed_regressed", 2)], "consumed_regressed recorded")

    # firmware_regressed: firmware 5, then firmware 3.
    f = L.device(firmware=5)
    s.ok(["ledger", "add-device", "x.db", "--device", f.device_id, "--public-key", f.public_key])
    L.request(f, "f1.req")
    s.ok(issue_req("x.db", "f1.req", "f1.olic"))
    f.firmware = "3"
    L.request(f, "f2.req")
    refused(s, issue_req("x.db", "f2.req", "f2.olic"), "firmware_regressed", "f2.olic", "a firmware downgrade")
    s.equal(anomaly_names(L.show("x.db", f.device_id)), [("firmware_regressed", 2)], "firmware_regressed recorded")

    # unknown_license: the device holds a license the ledger never issued.
    g = L.device()
    s.ok(["ledger", "add-device", "x.db", "--device", g.device_id, "--public-key", g.public_key])
    s.ok(["issue", "--key", "reg.pem", "--device", g.device_id, "--license-id", "5", "--allowance", "1", "--out", "g5.olic"])
    s.equal(g.install(s.path("g5.olic")), "OLIC_OK", "install an off-ledger license 5")
    L.request(g, "g1.req")
    line = refused(s, issue_req("x.db", "g1.req", "g1.olic"), "unknown_license", "g1.olic", "an unknown license id")
    s.check("also allowance_created" in line, f"the off-ledger allowance is named too: {line!r}")
    s.equal(anomaly_names(L.show("x.db", g.device_id)), [("unknown_license", 1), ("allowance_created", 1)],
            "unknown_license (and allowance_created) recorded")

    # allowance_created alone: the ledger issued license 1 of 100; the chip holds license 1 of 1000.
    h = L.device()
    s.ok(["ledger", "add-device", "x.db", "--device", h.device_id, "--public-key", h.public_key])
    s.ok(["issue", "--ledger", "x.db", "--key", "reg.pem", "--device", h.device_id, "--allowance", "100", "--out", "h1.olic"])
    s.ok(["issue", "--key", "reg.pem", "--device", h.device_id, "--license-id", "1", "--allowance", "1000", "--out", "h-fake.olic"])
    s.equal(h.install(s.path("h-fake.olic")), "OLIC_OK", "install the off-ledger license 1 of 1000")
    L.request(h, "h1.req")
    line = refused(s, issue_req("x.db", "h1.req", "h2.olic"), "allowance_created", "h2.olic", "allowance from nowhere")
    s.check("1000" in line and "100 the ledger issued" in line, f"allowance_created says how much: {line!r}")
    s.equal(anomaly_names(L.show("x.db", h.device_id)), [("allowance_created", 1)], "allowance_created recorded")

    # Every name was seen; a refused request stays refused, and all of it is on the chain.
    seen = set(L.sql("x.db", "SELECT DISTINCT name FROM anomalies").split())
    s.equal(sorted(seen), sorted(ANOMALIES), "all eight anomalies recorded")
    refused(s, issue_req("x.db", "h1.req", "h3.olic"), "allowance_created", "h3.olic", "the same refused request again")
    s.ok(["ledger", "verify", "x.db"])
    return "x.db"


def test_batch(s, L):
    s.current = "batch --ledger --requests"
    s.ok(["ledger", "init", "b.db"])
    os.makedirs(s.path("inbox"))
    devices = []
    for i in range(12):
        d = L.device(f"batch{i}")
        devices.append(d)
        L.request(d, f"inbox/r{i:02}.olic")
        if i != 11:  # r11: an unregistered device
            s.ok(["ledger", "add-device", "b.db", "--device", d.device_id, "--public-key", d.public_key])
    L.request(devices[0], "inbox/r00-later.olic")  # the same device twice: only the later one is answered
    s.write("inbox/junk.olic", b"\x00" * 100)
    s.write("inbox/notes.txt", "ignored\n")
    rc, out, err = s.run("batch", "--ledger", "b.db", "--key", "reg.pem", "--requests", "inbox", "--allowance", "300",
                         "--out-dir", "licenses")
    lines = err.splitlines()
    s.equal(rc, 1, "a batch with refused rows exits 1")
    s.equal(out, "wrote 11 licenses to licenses; refused 3\n", "batch summary")
    s.equal(len(lines), 3, f"one stderr line per refusal: {err!r}")
    s.check(any("junk.olic" in l and "not an olic request" in l for l in lines), "the junk file is refused")
    s.check(any("r00.olic" in l and "later request" in l for l in lines), "the superseded request is refused")
    s.check(any("r11.olic" in l and "unregistered_device" in l for l in lines), "the unregistered device is refused")
    names = sorted(os.listdir(s.path("licenses")))
    s.equal(names, sorted(d.device_id + ".olic" for d in devices[:11]), "one license per answered device, by device_id")
    for d in (devices[0], devices[5], devices[10]):
        s.equal(d.install(s.path(f"licenses/{d.device_id}.olic")), "OLIC_OK", "a batch license installs")
    s.equal(L.show("b.db", devices[0].device_id)["licenses"][0]["request_sequence"], 2, "device 0's later request answered")
    hashes = {n: sha(s.path(f"licenses/{n}")) for n in names}
    s.equal(set(hashes.values()), L.license_hashes("b.db"), "every file the batch wrote is in the ledger, and nothing else")
    # Again: every answer is the stored license, byte for byte; nothing new is signed.
    rc, out, err = s.run("batch", "--ledger", "b.db", "--key", "reg.pem", "--requests", "inbox", "--allowance", "999",
                         "--out-dir", "licenses2")
    s.equal((rc, out), (1, "wrote 11 licenses to licenses2 (11 already answered, given back as issued); refused 3\n"),
            f"batch again ({err!r})")
    s.equal({n: sha(s.path(f"licenses2/{n}")) for n in sorted(os.listdir(s.path("licenses2")))}, hashes,
            "the second batch gives the same bytes")
    s.equal(L.sql("b.db", "SELECT count(*) FROM licenses"), "11\n", "no license signed twice")
    # Without a ledger: --registry, off the record.
    s.write("reg-b.csv", "".join(f"{d.device_id},{d.public_key}\n" for d in devices[:11]))
    rc, out, err = s.run("batch", "--registry", "reg-b.csv", "--key", "reg.pem", "--requests", "inbox", "--allowance", "5",
                         "--out-dir", "offrecord")
    s.equal((rc, out), (1, "wrote 11 licenses to offrecord; refused 3\n"), f"batch --registry ({err!r})")
    s.check("is not in the registry" in err, "the registry refuses the unregistered device")
    rc, out, err = s.run("batch", "--trust-request-key", "--key", "reg.pem", "--requests", "inbox", "--allowance", "5",
                         "--out-dir", "trusted")
    s.equal((rc, out), (1, "wrote 12 licenses to trusted; refused 2\n"),
            f"batch --trust-request-key answers the unregistered device too ({err!r})")
    s.equal(L.sql("b.db", "SELECT count(*) FROM licenses"), "11\n", "nothing off the record reached the ledger")
    s.ok(["ledger", "verify", "b.db"])


def staging_dirs(s):
    """Every batch staging directory under the work dir (they are hidden)."""
    found = []
    for root, dirs, _ in os.walk(s.work):
        found += [os.path.join(root, d) for d in dirs if ".olic-batch-" in d]
    return sorted(found)


def test_batch_signals(s, L):
    s.current = "batch: SIGINT, SIGTERM, leftovers of SIGKILL"
    s.ok(["ledger", "init", "sig.db"])
    os.makedirs(s.path("sig-inbox"))
    rows = []
    for i in range(6):
        d = L.device(f"sig{i}")
        L.request(d, f"sig-inbox/{i}.olic")
        s.ok(["ledger", "add-device", "sig.db", "--device", d.device_id, "--public-key", d.public_key])
        rows.append(f"{d.device_id},{d.public_key}\n")
    s.write("sig-registry.csv", "".join(rows))
    batch = ["batch", "--ledger", "sig.db", "--key", "reg.pem", "--requests", "sig-inbox", "--allowance", "10"]
    for step, sig, existing in (("after-chunk-commit", signal.SIGINT, False), ("before-place", signal.SIGINT, False),
                                ("before-place", signal.SIGTERM, True), ("after-chunk-commit", signal.SIGTERM, True)):
        out_dir = f"sig-out-{step}-{sig.name}"
        if existing:
            os.makedirs(s.path(out_dir))
        env = dict(os.environ, OLIC_TEST_PAUSE_AT=step)
        p = subprocess.Popen([s.olic, *batch, "--out-dir", out_dir], cwd=s.work, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        first = p.stderr.readline().decode()
        s.equal(first, f"olic: test pause at {step}\n", "the batch reached the pause")
        s.check(len(staging_dirs(s)) == 1, f"a staging directory exists while paused at {step}")
        p.send_signal(sig)
        rest = p.stderr.read().decode()
        p.wait(timeout=60)
        s.equal(p.returncode, 1, f"{sig.name} at {step}: exit code")
        s.check(f"interrupted by {sig.name}" in rest and "staging directory was removed" in rest,
                f"{sig.name} at {step}: says so: {rest!r}")
        s.equal(staging_dirs(s), [], f"{sig.name} at {step}: no staging directory left")
        left = os.listdir(s.path(out_dir)) if os.path.exists(s.path(out_dir)) else []
        s.equal(left, [], f"{sig.name} at {step}: no license file written")
    s.ok(["ledger", "verify", "sig.db"])

    # The plain CSV batch too: the complaint was signed licenses left behind by Ctrl-C.
    s.write("sig.csv", "device_id,license_id,allowance\n" + "".join(f"{i:064x},1,5\n" for i in range(1, 301)))
    for existing in (False, True):
        out_dir = f"csv-sig-{existing}"
        if existing:
            os.makedirs(s.path(out_dir))
        env = dict(os.environ, OLIC_TEST_PAUSE_AT="before-place")
        p = subprocess.Popen([s.olic, "batch", "--key", "reg.pem", "--devices", "sig.csv", "--out-dir", out_dir],
                             cwd=s.work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        s.equal(p.stderr.readline().decode(), "olic: test pause at before-place\n", "the CSV batch reached the pause")
        staged = staging_dirs(s)
        s.check(len(staged) == 1 and len(os.listdir(staged[0])) == 301, "300 signed licenses (and the lock) are staged")
        p.send_signal(signal.SIGINT)
        rest = p.stderr.read().decode()
        p.wait(timeout=60)
        s.equal(p.returncode, 1, "SIGINT during a CSV batch: exit code")
        s.check("interrupted by SIGINT" in rest, f"the CSV batch says so: {rest!r}")
        s.equal(staging_dirs(s), [], "SIGINT during a CSV batch: no staging directory left")
        s.equal(os.listdir(s.path(out_dir)) if existing else os.path.exists(s.path(out_dir)), [] if existing else False,
                "SIGINT during a CSV batch: no license written")

    # SIGKILL leaves staging behind; the next batch into that directory removes it.
    for existing in (False, True):
        out_dir = f"killed-{existing}"
        if existing:
            os.makedirs(s.path(out_dir))
        env = dict(os.environ, OLIC_TEST_KILL_AT="before-place")
        p = subprocess.run([s.olic, *batch, "--out-dir", out_dir], cwd=s.work, env=env, capture_output=True)
        s.equal(p.returncode, -signal.SIGKILL, "the batch killed itself before placing the files")
        left = staging_dirs(s)
        s.equal(len(left), 1, f"SIGKILL left one staging directory: {left}")
        staged = [n for n in os.listdir(left[0]) if n.endswith(".olic")] if left else []
        s.equal(len(staged), 6, "it holds the six staged licenses")
        s.check({sha(os.path.join(left[0], n)) for n in staged} <= L.license_hashes("sig.db"),
                "every staged license is one the ledger holds")
        rc, out, err = s.run(*batch, "--out-dir", out_dir)
        s.equal(rc, 0, f"the next batch succeeds ({err!r})")
        s.check("removed" in err and "left by a batch that was killed (6 staged files)" in err, f"and reports the leftover: {err!r}")
        s.equal(staging_dirs(s), [], "the leftover is gone")
        s.equal(len(os.listdir(s.path(out_dir))), 6, "the batch wrote its six licenses")
    # SIGKILL at every step of a batch: no license file anywhere that the ledger
    # does not hold, the chain intact, and the next batch finishes the job.
    for step in ("after-begin", "after-report", "after-sign", "after-record", "after-chunk-commit", "before-place"):
        out_dir, db = f"batch-killed-{step}", f"killed-{step}.db"
        s.ok(["ledger", "init", db])
        s.ok(["ledger", "import", db, "--registry", "sig-registry.csv"])
        fresh = [db if a == "sig.db" else a for a in batch]
        env = dict(os.environ, OLIC_TEST_KILL_AT=step)
        p = subprocess.run([s.olic, *fresh, "--out-dir", out_dir], cwd=s.work, env=env, capture_output=True)
        s.equal(p.returncode, -signal.SIGKILL, f"batch killed at {step}")
        committed = L.sql(db, "SELECT count(*) FROM licenses").strip()
        s.equal(committed, "6" if step in ("after-chunk-commit", "before-place") else "0",
                f"batch killed at {step}: the chunk is in the ledger exactly when it was committed")
        held = L.license_hashes(db)
        files = [os.path.join(d, n) for d in staging_dirs(s) + ([s.path(out_dir)] if os.path.isdir(s.path(out_dir)) else [])
                 for n in os.listdir(d) if n.endswith(".olic")]
        s.check(all(sha(f) in held for f in files), f"batch killed at {step}: every license file is in the ledger")
        rc, _, err = s.run("ledger", "verify", db)
        s.equal(rc, 0, f"batch killed at {step}: ledger verify ({err!r})")
        rc, out, err = s.run(*fresh, "--out-dir", out_dir)
        s.equal((rc, out.split(" (")[0].strip()), (0, f"wrote 6 licenses to {out_dir}"), f"batch after a kill at {step} ({err!r})")
        s.equal({sha(s.path(f"{out_dir}/{n}")) for n in os.listdir(s.path(out_dir))}, L.license_hashes(db),
                f"batch after a kill at {step}: its files are the ledger's six")
        s.equal(staging_dirs(s), [], f"batch after a kill at {step}: no staging directory left")

    # A live batch's staging directory is never taken for a leftover.
    env = dict(os.environ, OLIC_TEST_PAUSE_AT="before-place")
    p = subprocess.Popen([s.olic, *batch, "--out-dir", "live"], cwd=s.work, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    s.equal(p.stderr.readline().decode(), "olic: test pause at before-place\n", "first batch paused")
    rc, out, err = s.run(*batch, "--out-dir", "live")
    s.equal(rc, 0, f"a second batch into the same new directory ({err!r})")
    s.check("removed" not in err, "the live batch's staging was left alone")
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=60)
    s.equal(staging_dirs(s), [], "the interrupted live batch removed its own staging")


def test_sigkill_sweep(s, L):
    s.current = "SIGKILL sweep over issue --ledger"
    s.ok(["ledger", "init", "k.db"])
    dev = L.device("killed")
    s.ok(["ledger", "add-device", "k.db", "--device", dev.device_id, "--public-key", dev.public_key])
    steps = ["after-begin", "after-report", "after-sign", "after-record", "after-commit", "after-stage", "after-rename"]
    outs = []

    def invariant(out, what):
        """No license file the ledger does not hold; the ledger still verifies."""
        held = L.license_hashes("k.db")
        for path in [out] + glob.glob(s.path(".k-*")):
            if os.path.exists(s.path(path)):
                s.check(sha(s.path(path)) in held, f"{what}: {path} is a license the ledger holds")
        rc, _, err = s.run("ledger", "verify", "k.db")
        s.equal(rc, 0, f"{what}: ledger verify after the kill ({err!r})")

    # Each named step, for a request and for --device issuing.
    for n, step in enumerate(steps):
        req = L.request(dev, f"k{n}.req")
        out = f"k-{n}.olic"
        env = dict(os.environ, OLIC_TEST_KILL_AT=step)
        p = subprocess.run([s.olic, *issue_req("k.db", req, out)], cwd=s.work, env=env, capture_output=True)
        s.equal(p.returncode, -signal.SIGKILL, f"killed at {step}")
        invariant(out, f"request, killed at {step}")
        committed = steps.index(step) >= steps.index("after-commit")
        s.equal(os.path.exists(s.path(out)), step == "after-rename", f"killed at {step}: license file exists only after rename")
        # Run again: answered now (or again, byte for byte, if it was committed).
        again = s.ok(issue_req("k.db", req, out))
        s.equal("already issued" in again, committed, f"killed at {step}: the rerun re-answers exactly when it was committed")
        s.equal(dev.install(s.path(out)), "OLIC_OK", f"killed at {step}: the license from the rerun installs")
        outs.append(out)
        if step in ("after-begin", "after-report"):
            continue
        env = dict(os.environ, OLIC_TEST_KILL_AT=step)
        p = subprocess.run([s.olic, "issue", "--ledger", "k.db", "--key", "reg.pem", "--device", dev.device_id,
                            "--allowance", "1", "--out", f"kd-{n}.olic"], cwd=s.work, env=env, capture_output=True)
        s.equal(p.returncode, -signal.SIGKILL, f"--device killed at {step}")
        invariant(f"kd-{n}.olic", f"--device, killed at {step}")

    # Timed kills spread over whole runs (start-up, SQLite, signing, the file).
    started = time.monotonic()
    s.ok(issue_req("k.db", L.request(dev, "kt.req"), "kt.olic"))
    duration = max(time.monotonic() - started, 0.005)
    rng = random.Random(10)
    for k in range(30):
        req = L.request(dev, f"kt{k}.req")
        out = f"kt{k}.olic"
        p = subprocess.Popen([s.olic, *issue_req("k.db", req, out)], cwd=s.work, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration * 1.2))
        p.send_signal(signal.SIGKILL)
        p.wait()
        invariant(out, f"timed kill {k}")
        s.ok(issue_req("k.db", req, out))
        s.equal(dev.install(s.path(out)), "OLIC_OK", f"timed kill {k}: the rerun's license installs")
    ids = L.sql("k.db", "SELECT license_id FROM licenses ORDER BY license_id").split()
    s.equal(len(ids), len(set(ids)), "no license_id issued twice")


def test_concurrency(s, L):
    s.current = "concurrent issuers"
    s.ok(["ledger", "init", "c.db"])
    dev = L.device("busy")
    s.ok(["ledger", "add-device", "c.db", "--device", dev.device_id, "--public-key", dev.public_key])
    n = 8

    def run(args):
        return subprocess.run([s.olic, *args], cwd=s.work, capture_output=True, timeout=120)

    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(run, [["issue", "--ledger", "c.db", "--key", "reg.pem", "--device", dev.device_id,
                                       "--allowance", "1", "--out", f"par{i}.olic"] for i in range(n)]))
    s.equal([r.returncode for r in results], [0] * n, f"{n} parallel --device issuers all succeed: "
            f"{[r.stderr for r in results if r.returncode]}")
    ids = sorted(int(L.sql("c.db", f"SELECT license_id FROM licenses WHERE lower(hex(sha256)) = '{sha(s.path(f'par{i}.olic'))}'"))
                 for i in range(n))
    s.equal(ids, list(range(1, n + 1)), "parallel issuers got license ids 1..n, each once")
    # The same request answered by n processes at once: one license, the same bytes for all.
    req = L.request(dev, "same.req")
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(run, [issue_req("c.db", req, f"same{i}.olic") for i in range(n)]))
    s.equal([r.returncode for r in results], [0] * n, "parallel answers to one request all succeed")
    s.equal(len({s.read(f"same{i}.olic") for i in range(n)}), 1, "and all got the same bytes")
    s.equal(L.sql("c.db", "SELECT count(*) FROM licenses WHERE request_sequence = 1 AND request_id IS NOT NULL"), "1\n",
            "one license on record for that request")
    s.equal(dev.install(s.path("same0.olic")), "OLIC_OK", "it installs")
    # Requests of several devices at once, against one database.
    devs = [L.device(f"busy{i}") for i in range(n)]
    for d in devs:
        s.ok(["ledger", "add-device", "c.db", "--device", d.device_id, "--public-key", d.public_key])
    reqs = [L.request(d, f"busy{i}.req") for i, d in enumerate(devs)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(run, [issue_req("c.db", r, f"busy{i}.olic") for i, r in enumerate(reqs)]))
    s.equal([r.returncode for r in results], [0] * n, "parallel answers for several devices")
    s.equal(L.sql("c.db", "SELECT count(*) FROM (SELECT device_id, license_id FROM licenses GROUP BY 1, 2 HAVING count(*) > 1)"),
            "0\n", "no device has two licenses with one id")
    s.ok(["ledger", "verify", "c.db"])


def test_tamper_and_checkpoint(s, L, db):
    s.current = "ledger verify and checkpoints"
    out = s.ok(["ledger", "verify", db])
    events = int(L.sql(db, "SELECT count(*) FROM events"))
    s.check(out.startswith(f"ledger {db}: {events} events, chain intact, head "), f"verify stdout: {out!r}")
    s.ok(["ledger", "checkpoint", db, "--key", "reg.pem", "--out", "c1.ckpt"])
    s.bad_input(["ledger", "checkpoint", db, "--key", "reg.pem", "--out", "c1.ckpt"], ["--out", "c1.ckpt"], "already exists")
    s.ok(["ledger", "verify", db, "--checkpoint", "c1.ckpt", "--trusted-key", "reg.pub.pem"])
    text = s.read("c1.ckpt").decode()
    s.check(text.startswith("olic-ledger-checkpoint v1\n") and f"\nevents {events}\n" in text, f"checkpoint text: {text!r}")
    # Later events still extend the checkpoint.
    extra = L.device("late")
    s.ok(["ledger", "add-device", db, "--device", extra.device_id, "--public-key", extra.public_key])
    s.ok(["issue", "--ledger", db, "--key", "reg.pem", "--device", extra.device_id, "--allowance", "9", "--out", "late.olic"])
    out = s.ok(["ledger", "verify", db, "--checkpoint", "c1.ckpt", "--trusted-key", "reg.pub.pem"])
    s.check(f"extends the checkpoint at event {events}" in out, f"verify --checkpoint stdout: {out!r}")
    # Through the CLI's key sources: an encrypted PKCS#8 key and its passphrase file.
    s.tool("openssl", "genpkey", "-algorithm", "ed25519", "-aes256", "-pass", "pass:ledger secret", "-out", "enc.pem")
    s.tool("openssl", "pkey", "-in", "enc.pem", "-passin", "pass:ledger secret", "-pubout", "-out", "enc.pub.pem")
    s.write("enc.pass", "ledger secret\n")
    s.ok(["ledger", "checkpoint", db, "--key", "enc.pem", "--passphrase-file", "enc.pass", "--out", "enc.ckpt"])
    s.ok(["ledger", "verify", db, "--checkpoint", "enc.ckpt", "--trusted-key", "enc.pub.pem"])
    s.bad_input(["ledger", "verify", db, "--checkpoint", "enc.ckpt", "--trusted-key", "reg.pub.pem"],
                ["--checkpoint", "enc.ckpt"], "not by --trusted-key")
    # A wrong key, a forged checkpoint.
    s.ok(["keygen", "--out", "other"])
    s.bad_input(["ledger", "verify", db, "--checkpoint", "c1.ckpt", "--trusted-key", "other.pub.pem"],
                ["--checkpoint", "c1.ckpt"], "not by --trusted-key")
    s.write("forged.ckpt", text.replace(f"events {events}\n", f"events {events - 1}\n"))
    s.bad_input(["ledger", "verify", db, "--checkpoint", "forged.ckpt", "--trusted-key", "reg.pub.pem"],
                ["--checkpoint", "forged.ckpt"], "signature does not verify")
    # A ledger cut back to before the checkpoint (a restored old copy).
    shutil.copy(s.path(db), s.path("old.db"))
    s.ok(["ledger", "checkpoint", db, "--key", "reg.pem", "--out", "c2.ckpt"])
    late2 = L.device("late2")
    s.ok(["ledger", "add-device", db, "--device", late2.device_id, "--public-key", late2.public_key])
    s.ok(["ledger", "checkpoint", db, "--key", "reg.pem", "--out", "c3.ckpt"])
    s.bad_input(["ledger", "verify", "old.db", "--checkpoint", "c3.ckpt", "--trusted-key", "reg.pub.pem"],
                ["--checkpoint", "c3.ckpt"], "events were removed")
    # A forked history: the same number of events, other content.
    fork = L.device("fork")
    s.ok(["ledger", "add-device", "old.db", "--device", fork.device_id, "--public-key", fork.public_key])
    s.ok(["ledger", "verify", "old.db"], what="the fork's own chain is intact")
    s.bad_input(["ledger", "verify", "old.db", "--checkpoint", "c3.ckpt", "--trusted-key", "reg.pub.pem"],
                ["--checkpoint", "c3.ckpt"], "history was rewritten")

    # Edits with the sqlite3 shell, each on a fresh copy: verify names the first bad event.
    def edited(name, statement):
        shutil.copy(s.path(db), s.path(name))
        L.sql(name, statement)
        rc, out, err = s.run("ledger", "verify", name)
        s.equal((rc, out), (1, ""), f"verify after {statement!r}")
        s.equal(len(err.splitlines()), 1, f"one stderr line after {statement!r}: {err!r}")
        return err

    lic = L.sql(db, "SELECT e.seq, l.id FROM events e JOIN licenses l ON e.kind = 'license_issued' AND e.row_id = l.id "
                    "ORDER BY e.seq LIMIT 1").strip().split("|")
    err = edited("e1.db", f"UPDATE licenses SET allowance = allowance + 1 WHERE id = {lic[1]}")
    s.check(f"event {lic[0]} (license_issued, licenses row {lic[1]})" in err, f"an edited allowance is named: {err!r}")
    dev_event = L.sql(db, "SELECT seq, row_id FROM events WHERE kind = 'device_added' ORDER BY seq LIMIT 1").strip().split("|")
    err = edited("e2.db", f"UPDATE devices SET public_key = zeroblob(32) WHERE id = {dev_event[1]}")
    s.check(f"event {dev_event[0]} (device_added" in err, f"an edited device key is named: {err!r}")
    err = edited("e3.db", "UPDATE anomalies SET detail = 'nothing to see' WHERE id = 1")
    s.check("(anomaly, anomalies row 1)" in err, f"an edited anomaly is named: {err!r}")
    err = edited("e4.db", "DELETE FROM anomalies WHERE id = 2")
    s.check("anomalies row 2, which is gone" in err, f"a deleted anomaly is named: {err!r}")
    err = edited("e5.db", "DELETE FROM events WHERE seq = 3")
    s.check("event 3 is missing" in err, f"a deleted event is named: {err!r}")
    err = edited("e6.db", "UPDATE events SET hash = zeroblob(32) WHERE seq = 2")
    s.check("event 2 (" in err, f"an edited hash is named: {err!r}")
    err = edited("e7.db", "INSERT INTO anomalies(device_id, name, detail, at) VALUES (zeroblob(32), 'x', 'y', 0)")
    s.check("is on no event: it was inserted outside olic" in err, f"an inserted row is named: {err!r}")
    err = edited("e8.db", "UPDATE requests SET firmware_version = CAST(firmware_version AS BLOB) WHERE id = 1")
    s.check("requests row 1" in err, f"a value changed only in type is named: {err!r}")


def main():
    args, olic, runs, device_binary = device_harness(__doc__)
    s = Suite(olic, runs)
    s.ok(["keygen", "--out", "reg"])
    trusted = s.ok(["pubkey", "reg.pem"]).strip()
    L = Ledger(s, device_binary, trusted)
    state = {}
    step = s.timed

    started = time.monotonic()
    step(lambda: test_help_and_usage(s))
    step(lambda: test_init_and_devices(s, L))
    step(lambda: test_issue_and_reanswer(s, L))
    state["anomalies"] = step(lambda: test_anomalies(s, L))
    step(lambda: test_batch(s, L))
    step(lambda: test_batch_signals(s, L))
    step(lambda: test_sigkill_sweep(s, L))
    step(lambda: test_concurrency(s, L))
    if state["anomalies"]:
        step(lambda: test_tamper_and_checkpoint(s, L, state["anomalies"]))
    else:
        s.failed += 1
        print("FAIL [ledger verify and checkpoints] skipped: the anomalies group failed")
    print(f"ledger tests took {time.monotonic() - started:.1f} s")
    print(f"{s.passed} passed, {s.failed} failed")
    sys.exit(1 if s.failed else 0)


if __name__ == "__main__":
    main()
