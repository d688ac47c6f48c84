#!/usr/bin/env python3
"""Process tests for what a new user meets first (issue 13): misspelt options and
subcommands, the wrong kind of file, inspect's verdicts, the device's key
material, and batch CSV as spreadsheets write it.

Reuses the Suite of run_tests.py: real binary, exact exit codes, exact stderr.
The last line is "N passed, M failed"; exit 1 on any failure.
"""

import argparse
import base64
import csv
import io
import json
import os
import random
import shutil
import stat
import subprocess
import sys

from run_tests import HERE, REPO, Device, Suite, device_harness, blake2b256, issue_args, le

PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def one_line(s, args, rc, line, what, stdout=""):
    """Exit `rc`, stdout `stdout`, and exactly the one stderr line `line`."""
    got_rc, out, err = s.run(*args)
    s.equal((got_rc, out, err), (rc, stdout, line + "\n"), what)


def pem_of_seed(seed):
    body = base64.b64encode(PKCS8_PREFIX + seed).decode()
    return f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"


def test_unknown_names(s):
    s.current = "unknown options and subcommands"
    s.ok(["keygen", "--out", "reg"])
    d = "ab" * 32
    base = ["issue", "--key", "reg.pem", "--device", d, "--out", "u.olic"]
    one_line(s, base + ["--licence-id", "1", "--allowance", "1"], 2,
             "olic: unknown option '--licence-id' for 'olic issue'; did you mean '--license-id'? (see 'olic help issue')",
             "a misspelt option is named before the missing one it stands for")
    one_line(s, base + ["--license-id", "1", "--alowance", "10"], 2,
             "olic: unknown option '--alowance' for 'olic issue'; did you mean '--allowance'? (see 'olic help issue')",
             "a misspelt required option is named, not reported missing")
    one_line(s, base + ["--license-id", "1", "--allowance=1", "--licence-id=2"], 2,
             "olic: unknown option '--licence-id' for 'olic issue'; did you mean '--license-id'? (see 'olic help issue')",
             "the --name=value form is checked too")
    one_line(s, base + ["--license-id", "1", "--allowance", "1", "--frobnicate"], 2,
             "olic: unknown option '--frobnicate' for 'olic issue' (see 'olic help issue')",
             "an unknown option with nothing close")
    one_line(s, ["inspect", "--jsno", "x.olic"], 2,
             "olic: unknown option '--jsno' for 'olic inspect'; did you mean '--json'? (see 'olic help inspect')",
             "a transposed flag")
    one_line(s, ["verify", "--trusted-keys", "reg.pub.pem", "--device", d, "x.olic"], 2,
             "olic: unknown option '--trusted-keys' for 'olic verify'; did you mean '--trusted-key'? "
             "(see 'olic help verify')", "verify gets the same check")
    one_line(s, ["pubkey", "reg.pem", "--deviceid"], 2,
             "olic: unknown option '--deviceid' for 'olic pubkey'; did you mean '--device-id'? (see 'olic help pubkey')",
             "a flag of an enumerated group")
    one_line(s, ["batch", "--key", "reg.pem", "--device", "f.csv", "--out-dir", "o"], 2,
             "olic: unknown option '--device' for 'olic batch'; did you mean '--devices'? (see 'olic help batch')",
             "batch gets the same check")
    s.check(not os.path.exists(s.path("u.olic")), "no usage error wrote a license")

    s.current = "negative numbers"
    one_line(s, base + ["--license-id", "1", "--allowance", "-5"], 1,
             "olic: --allowance: not a number: '-5' (a negative value is not a number here)",
             "--allowance -5 is a bad value, not a missing one")
    one_line(s, base + ["--license-id", "-1", "--allowance", "5"], 1,
             "olic: --license-id: not a number: '-1' (a negative value is not a number here)", "--license-id -1")
    one_line(s, base + ["--license-id", "1", "--allowance", "5", "--min-firmware", "-0x10"], 1,
             "olic: --min-firmware: not a number: '-0x10' (a negative value is not a number here)",
             "a negative hex value")
    one_line(s, ["verify", "--trusted-key", "reg.pub.pem", "--device", d, "--last-license-id", "-3", "x.olic"], 1,
             "olic: --last-license-id: not a number: '-3' (a negative value is not a number here)", "verify too")
    s.check(not os.path.exists(s.path("u.olic")), "no refused value wrote a license")

    s.current = "help topics"
    one_line(s, ["help", "nosuch"], 2,
             "olic: unknown subcommand 'nosuch' for 'olic help'; the subcommands are keygen, pubkey, secret-key, "
             "issue, cosign, inspect, verify, verify-request, batch, ledger", "olic help nosuch is a usage error")
    one_line(s, ["help", "isue"], 2,
             "olic: unknown subcommand 'isue' for 'olic help'; did you mean 'issue'? (see 'olic help')",
             "olic help with a typo suggests the subcommand")
    one_line(s, ["verfy"], 2, "olic: unknown subcommand 'verfy' for 'olic'; did you mean 'verify'? (see 'olic help')",
             "a misspelt subcommand")
    s.check(s.ok(["help", "issue"]).startswith("OVERVIEW: Sign one license"), "olic help issue still works")
    s.check("SUBCOMMANDS:" in s.ok(["help"]), "olic help still works")


def test_wrong_kind(s, device_binary):
    s.current = "the wrong kind of file"
    trusted = s.ok(["pubkey", "reg.pub.pem"]).strip()
    dev = Device(s, device_binary, "kind-dev", trusted)
    s.equal(dev.provision(), "OLIC_OK", "provision")
    s.ok(issue_args(dev.device_id, 1, 10, out="k.olic"))
    s.equal(dev.install(s.path("k.olic")), "OLIC_OK", "install")
    s.equal(dev.request(s.path("k.req")), "OLIC_OK", "request")
    verify = ["verify", "--trusted-key", "reg.pub.pem", "--device", dev.device_id]
    one_line(s, verify + ["k.req"], 1,
             "olic: FILE k.req: this is an olic request, not a license ('olic verify-request' checks a request)",
             "verify of a request says so", stdout="OLIC_ERR_MALFORMED\n")
    s.write("notes.txt", "device_id,public_key\n")
    one_line(s, verify + ["notes.txt"], 1,
             "olic: FILE notes.txt: not an olic license (21 bytes, no OLIC header of type 1)",
             "verify of a text file says so", stdout="OLIC_ERR_MALFORMED\n")
    one_line(s, ["verify-request", "k.olic"], 1,
             "olic: FILE k.olic: OLIC_ERR_MALFORMED: this is an olic license, not a request "
             "('olic verify' checks a license, 'olic inspect' shows it)",
             "verify-request of a license says so", stdout="OLIC_ERR_MALFORMED\n")
    one_line(s, ["verify-request", "notes.txt"], 1,
             "olic: FILE notes.txt: OLIC_ERR_MALFORMED: not an olic request (21 bytes, no OLIC header of type 2)",
             "verify-request of a text file", stdout="OLIC_ERR_MALFORMED\n")
    s.write("reg-any.csv", f"device_id,public_key\n{dev.device_id},{dev.public_key}\n")
    one_line(s, ["issue", "--key", "reg.pem", "--from-request", "k.olic", "--registry", "reg-any.csv", "--allowance", "1",
                 "--out", "r.olic"], 1,
             "olic: --from-request k.olic: OLIC_ERR_MALFORMED: this is an olic license, not a request "
             "('olic verify' checks a license, 'olic inspect' shows it)", "issue --from-request of a license")
    # The registry is read by the same CSV rules as batch.
    s.write("reg-excel.csv", f'\ufeff"device_id","public_key"\r\n"{"33" * 32}","{"44" * 32}"\r\n'
            f'"{dev.device_id}" , "{dev.public_key}"\r\n'.encode("utf-8"))
    out = s.ok(["issue", "--key", "reg.pem", "--from-request", "k.req", "--registry", "reg-excel.csv",
                "--allowance", "3", "--out", "kr.olic"])
    s.check(out.startswith("wrote kr.olic: license_id 2, allowance 3"), f"a spreadsheet's registry is read: {out!r}")
    s.write("reg-broken.csv", f'device_id,public_key\n"{dev.device_id},{dev.public_key}\n')
    one_line(s, ["issue", "--key", "reg.pem", "--from-request", "k.req", "--registry", "reg-broken.csv",
                 "--allowance", "3", "--out", "kr2.olic"], 1,
             "olic: --registry reg-broken.csv:2: a quoted field that starts here is never closed",
             "a broken registry names the line")
    req = bytearray(s.read("k.req"))
    req[108] = 1  # reserved
    s.write("reserved.req", bytes(req))
    rc, out, err = s.run("inspect", "reserved.req", "--json")
    doc = json.loads(out)
    s.equal((rc, doc["status"], doc["reason"], doc["reserved"], doc["device_id"], doc["request_sequence"], err),
            (1, "OLIC_ERR_MALFORMED", "not a well-formed request (reserved must be 0 and request_sequence at least 1)",
             1, dev.device_id, 1, "olic: FILE reserved.req: OLIC_ERR_MALFORMED: not a well-formed request "
             "(reserved must be 0 and request_sequence at least 1)\n"), "a refused request shows what it claims")
    s.write("short.req", s.read("k.req")[:150])
    rc, out, err = s.run("inspect", "short.req", "--json")
    s.equal((rc, json.loads(out)), (1, {"type": "request", "status": "OLIC_ERR_MALFORMED",
                                        "reason": "truncated request, 150 bytes of 184"}), "a truncated request")
    rc, out, err = s.run(*verify, "--last-license-id", "1", "k.olic")
    s.equal((rc, out, err), (1, "OLIC_ERR_REPLAY\n", ""), "a license's own refusal stays one status line")


def test_inspect(s):
    s.current = "inspect verdicts"
    d = "cd" * 32
    key_id = s.ok(["pubkey", "reg.pem", "--key-id"]).strip()
    s.ok(issue_args(d, 5, 77, out="i.olic"))
    blob = bytearray(s.read("i.olic"))
    blob[-1] ^= 1
    s.write("bad-sig.olic", bytes(blob))
    for name in ("i.olic", "bad-sig.olic"):
        rc, out, err = s.run("inspect", name)
        s.equal((rc, err), (0, f"olic: FILE {name}: the signature was not checked (no --trusted-key given): "
                               "UNVERIFIED, not OLIC_OK\n"), f"inspect {name} without a key: exit 0, one warning line")
        s.check("OLIC_OK" not in out, f"inspect {name} without a key never prints OLIC_OK: {out!r}")
        lines = out.splitlines()
        s.equal(lines[1:3], ["status: UNVERIFIED", "reason: the signature was not checked (no --trusted-key given)"],
                f"inspect {name} says the signature was not checked")
        s.equal(lines[-1], "signature_status: NOT_CHECKED", f"inspect {name} signature_status")
        rc, out, err = s.run("inspect", name, "--json")
        doc = json.loads(out)
        s.equal((rc, err.count("\n"), "not checked" in err), (0, 1, True), f"inspect --json {name}: the same warning")
        s.equal((doc["status"], doc["signature_status"], doc["license_id"]), ("UNVERIFIED", "NOT_CHECKED", 5),
                f"inspect --json {name} without a key")
        s.check("OLIC_OK" not in json.dumps(doc), f"no OLIC_OK anywhere in the JSON of {name}")
    rc, out, err = s.run("inspect", "bad-sig.olic", "--trusted-key", "reg.pub.pem", "--json")
    doc = json.loads(out)
    s.equal((rc, doc["status"], doc["signature_status"], err), (1, "OLIC_ERR_SIGNATURE", "OLIC_ERR_SIGNATURE",
            "olic: FILE bad-sig.olic: OLIC_ERR_SIGNATURE: the signature does not verify under the --trusted-key: "
            "the license was altered or forged\n"), "inspect with the key: the bad signature is the status")
    rc, out, err = s.run("inspect", "i.olic", "--trusted-key", "reg.pub.pem")
    s.equal((rc, out.splitlines()[1], out.splitlines()[-1], err), (0, "status: OLIC_OK", "signature_status: OLIC_OK", ""),
            "inspect with the key of a good license: OLIC_OK")
    s.ok(["keygen", "--out", "other"])
    other_id = s.ok(["pubkey", "other.pem", "--key-id"]).strip()
    rc, out, err = s.run("inspect", "i.olic", "--trusted-key", "other.pub.pem")
    s.equal((rc, out.splitlines()[1], err), (1, "status: OLIC_ERR_UNKNOWN_KEY",
            f"olic: FILE i.olic: OLIC_ERR_UNKNOWN_KEY: signed by key_id {key_id}, not by the --trusted-key "
            f"(key_id {other_id})\n"), "inspect with another key names both key ids")

    s.current = "inspect of a truncated license"
    good = s.read("i.olic")
    s.write("t60.olic", good[:60])
    rc, out, err = s.run("inspect", "t60.olic", "--json")
    doc = json.loads(out)
    s.equal(doc, {"type": "license", "status": "OLIC_ERR_MALFORMED",
                  "reason": "truncated license, 60 bytes of the 136 its header gives", "file_length": 60,
                  "total_length": 136, "key_id": key_id, "device_id": d, "license_id": 5,
                  "signature_status": "NOT_CHECKED"},
            "the fields whose bytes are there, and the reason")
    s.equal((rc, err), (1, "olic: FILE t60.olic: OLIC_ERR_MALFORMED: truncated license, 60 bytes of the 136 its "
                           "header gives\n"), "one stderr line with the reason")
    s.write("long.olic", good + b"\0")
    doc = json.loads(s.run("inspect", "long.olic", "--json")[1])
    s.equal((doc["status"], doc["reason"], doc["allowance"]),
            ("OLIC_ERR_MALFORMED", "137 bytes, but its header gives total_length 136 (bytes appended?)", 77),
            "a license with bytes appended")
    v2 = bytearray(good)
    v2[4] = 3
    s.write("v2.olic", bytes(v2))
    doc = json.loads(s.run("inspect", "v2.olic", "--json")[1])
    s.equal((doc["status"], doc["reason"]), ("OLIC_ERR_VERSION", "wire version 3; this build reads versions 1 and 2"),
            "a license of another wire version")
    v2[4] = 2
    s.write("v2-layout.olic", bytes(v2))
    doc = json.loads(s.run("inspect", "v2-layout.olic", "--json")[1])
    s.equal(doc["status"], "OLIC_ERR_MALFORMED", "a v1 body under version 2 is a malformed threshold license")
    s.check(doc["reason"].startswith("a threshold license (wire version 2) whose layout is refused"), f"{doc['reason']!r}")
    z = bytearray(good)
    z[48:56] = bytes(8)
    s.write("zero-id.olic", bytes(z))
    doc = json.loads(s.run("inspect", "zero-id.olic", "--json")[1])
    s.equal((doc["status"], doc["reason"]), ("OLIC_ERR_MALFORMED", "license_id is 0; license ids start at 1"),
            "a license with license_id 0")

    s.current = "inspect --json of anything"
    for name, data in (("empty.bin", b""), ("text.bin", b"hello, world\n"), ("olic3.bin", b"OLIC\x01\x03" + bytes(200))):
        s.write(name, data)
        reason = f"neither an olic license nor a request ({len(data)} bytes, no OLIC header of type 1 or 2)"
        rc, out, err = s.run("inspect", name, "--json")
        s.equal((rc, err), (1, f"olic: FILE {name}: {reason}\n"), f"inspect --json {name}: exit 1, one line")
        try:
            doc = json.loads(out)
        except ValueError:
            doc = None
        s.equal(doc, {"type": "unknown", "status": "OLIC_ERR_MALFORMED", "reason": reason, "file_length": len(data)},
                f"inspect --json {name} prints a JSON object")
        one_line(s, ["inspect", name], 1, f"olic: FILE {name}: {reason}", f"inspect {name} as text")


def test_device_keys(s, device_binary, cc, sodium_libs):
    s.current = "pubkey --device-id"
    seed = os.urandom(32)
    s.write("dev.pem", pem_of_seed(seed))
    os.chmod(s.path("dev.pem"), 0o600)  # olic refuses a private key others can read
    trusted = s.ok(["pubkey", "reg.pub.pem"]).strip()
    dev = Device(s, device_binary, "key-dev", trusted)
    dev.seed = seed.hex()
    dev.device_id, dev.public_key = dev.call("id", dev.seed).split()
    s.ok(["pubkey", "dev.pem", "--device-id"], stdout=dev.device_id + "\n",
         what="pubkey --device-id is the device_id libolic's device reports")
    s.ok(["pubkey", "dev.pem"], stdout=dev.public_key + "\n")
    s.ok(["pubkey", "dev.pem", "--device-id"], stdout=blake2b256(bytes.fromhex(dev.public_key)).hex() + "\n",
         what="pubkey --device-id is BLAKE2b-256 of the public key")
    s.check(s.ok(["pubkey", "dev.pem", "--key-id"]).strip() != dev.device_id, "--key-id is not the device id")
    s.ok(["keygen", "--out", "pubonly"])
    s.ok(["pubkey", "pubonly.pub.pem", "--device-id"],
         stdout=blake2b256(bytes.fromhex(s.ok(["pubkey", "pubonly.pub.pem"]).strip())).hex() + "\n",
         what="--device-id from a public key file")
    # The registry built from --device-id lets the regulator answer the device's request.
    s.equal(dev.provision(), "OLIC_OK", "provision")
    s.ok(issue_args(s.ok(["pubkey", "dev.pem", "--device-id"]).strip(), 1, 5, out="dk.olic"))
    s.equal(dev.install(s.path("dk.olic")), "OLIC_OK", "a license for pubkey --device-id installs on the device")

    s.current = "secret-key"
    out = s.ok(["secret-key", "dev.pem", "--out", "dev.sk"])
    s.equal(out, "wrote dev.sk: the 64-byte secret key of dev.pem (raw), mode 0600\n", "secret-key stdout")
    s.equal(s.read("dev.sk"), seed + bytes.fromhex(dev.public_key), "raw: seed || public key, 64 bytes")
    s.equal(stat.S_IMODE(os.stat(s.path("dev.sk")).st_mode), 0o600, "raw secret key file mode 0600")
    s.ok(["secret-key", "dev.pem", "--hex", "--out", "dev.sk.hex"])
    s.equal(s.read("dev.sk.hex"), (seed.hex() + dev.public_key + "\n").encode(), "hex form")
    s.ok(["secret-key", "dev.pem", "--c-array", "--out", "secret_key.inc"])
    s.equal(stat.S_IMODE(os.stat(s.path("secret_key.inc")).st_mode), 0o600, "C array file mode 0600")
    s.check(s.read("secret_key.inc").startswith(
        f"{{ /* Ed25519 secret key (seed || public key) of device_id {dev.device_id} */\n".encode()), "C array comment")
    exe = s.path("secret_key_check")
    subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", s.work,
                    os.path.join(HERE, "secret_key.c"), *sodium_libs.split(), "-o", exe], check=True)
    s.equal(s.tool(exe, s.path("dev.sk")).strip(), dev.public_key,
            "libsodium signs with the raw key and the C array, and they are the same bytes")
    before = s.read("dev.sk")
    one_line(s, ["secret-key", "dev.pem", "--out", "dev.sk"], 1, "olic: --out: 'dev.sk' already exists, not overwritten",
             "never overwrites")
    s.equal(s.read("dev.sk"), before, "the refused run left the file alone")
    rc, out, err = s.run("secret-key", "reg.pub.pem", "--out", "pub.sk")
    s.equal((rc, out, err.count("\n")), (1, "", 1), "a public key file: exit 1, one line")
    s.check("private key" in err, f"and it says a private key is needed: {err!r}")
    s.check(not os.path.exists(s.path("pub.sk")), "nothing written for a public key")
    # An encrypted device key, as openssl writes one: the same 64 bytes.
    s.tool("openssl", "pkcs8", "-topk8", "-in", "dev.pem", "-passout", "pass:pw", "-v2", "aes-256-cbc", "-out", "enc.pem")
    s.write("pw.txt", "pw\n")
    s.ok(["secret-key", "enc.pem", "--passphrase-file", "pw.txt", "--out", "enc.sk"])
    s.equal(s.read("enc.sk"), seed + bytes.fromhex(dev.public_key), "an encrypted key gives the same secret key")
    s.write("loose.pem", pem_of_seed(seed))
    os.chmod(s.path("loose.pem"), 0o644)
    rc, out, err = s.run("secret-key", "loose.pem", "--out", "loose.sk")
    s.equal((rc, out, err.count("\n"), "accessible by group or others" in err), (1, "", 1, True),
            f"a private key others can read is not exported: {err!r}")
    s.check(not os.path.exists(s.path("loose.sk")), "nothing written for a loose key")
    s.usage(["secret-key", "dev.pem"], "Missing expected argument '--out <FILE>'")


def batch(s, csv_name, out_dir, *extra):
    return s.run("batch", "--key", "reg.pem", "--devices", csv_name, "--out-dir", out_dir, *extra)


def test_batch_csv(s):
    s.current = "batch CSV as spreadsheets write it"
    devices = [blake2b256(b"nc" + bytes([i])).hex() for i in range(4)]
    s.write("excel.csv", ('\ufeff"device_id","license_id","allowance","min_firmware"\r\n'
                          f'"{devices[0]}","1","100",""\r\n'
                          f' "{devices[1]}" , 2 , "200" , "7"\r\n'
                          f'{devices[2]},0x3,300,\r\n').encode("utf-8"))
    rc, out, err = batch(s, "excel.csv", "excel")
    s.equal((rc, out, err), (0, "wrote 3 licenses to excel\n", ""), "a CSV with a BOM, quotes and CRLF")
    for device, (lid, allowance, fw) in zip(devices, [(1, 100, 0), (2, 200, 7), (3, 300, 0)]):
        doc = json.loads(s.ok(["inspect", f"excel/{device}.olic", "--json", "--trusted-key", "reg.pub.pem"]))
        s.equal((doc["license_id"], doc["allowance"], doc["min_firmware_version"], doc["status"]),
                (lid, allowance, fw, "OLIC_OK"), f"license from quoted row {lid}")

    # Python's csv module writes RFC 4180: every quoting style it has must read back the same.
    rng = random.Random(13)
    rows = [(blake2b256(b"rfc" + i.to_bytes(2, "little")).hex(), str(i + 1), str(rng.randint(1, 2**64 - 1)),
             rng.choice(["", str(rng.randint(0, 2**32 - 1))])) for i in range(200)]
    for style, name in ((csv.QUOTE_ALL, "all"), (csv.QUOTE_MINIMAL, "minimal"), (csv.QUOTE_NONNUMERIC, "nonnumeric")):
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=style, lineterminator=rng.choice(["\r\n", "\n"]))
        writer.writerow(["device_id", "license_id", "allowance", "min_firmware"])
        writer.writerows(rows)
        s.write(f"py-{name}.csv", ("\ufeff" if name == "all" else "") + buf.getvalue())
        rc, out, err = batch(s, f"py-{name}.csv", f"py-{name}")
        s.equal((rc, err), (0, ""), f"csv.writer quoting {name}")
        # Every license's fields, read from the bytes (docs/format.md offsets), then three through inspect.
        fields = []
        for device, lid, allowance, fw in rows:
            blob = s.read(f"py-{name}/{device}.olic")
            fields.append((blob[16:48].hex(), le(blob, 48, 8), le(blob, 56, 8), le(blob, 64, 4)))
        s.equal(fields, [(d, int(l), int(a), int(f or 0)) for d, l, a, f in rows], f"quoting {name}: all 200 rows")
        picks = [rows[0], rows[77], rows[199]]
        for device, lid, allowance, fw in picks:
            doc = json.loads(s.ok(["inspect", f"py-{name}/{device}.olic", "--json", "--trusted-key", "reg.pub.pem"]))
            s.equal((doc["license_id"], doc["allowance"], doc["min_firmware_version"]),
                    (int(lid), int(allowance), int(fw or 0)), f"quoting {name}: row {lid} read back")

    # Arbitrary cells, quoted by csv.writer, read back exactly: a device_id that is
    # not hex is echoed in the error line, so every cell's parse is visible.
    s.current = "batch CSV: arbitrary quoted cells"
    alphabet = "xyz ,\"\r\n;'\t#ab12"
    cells = ["x" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(150)]
    for style, terminator in ((csv.QUOTE_ALL, "\r\n"), (csv.QUOTE_MINIMAL, "\n")):
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=style, lineterminator=terminator)
        writer.writerow(["device_id", "license_id", "allowance"])
        starts = []
        for cell in cells:
            starts.append(buf.getvalue().count("\n") + 1)
            writer.writerow([cell, "1", "1"])
        s.write("arbitrary.csv", buf.getvalue())
        rc, out, err = batch(s, "arbitrary.csv", "failed", "--max-errors", "1000")
        def shown(text):
            return "".join("?" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)[:80] + \
                ("..." if len(text) > 80 else "")
        want = []
        for line, cell in zip(starts, cells):
            # csv.writer leaves a field unquoted unless it needs quotes; spaces and
            # tabs around an unquoted field are dropped (docs/cli.md), inside quotes kept.
            if style == csv.QUOTE_MINIMAL and not any(c in cell for c in ',"\r\n'):
                cell = cell.strip(" \t")
            bad = next(c for c in cell if c not in "0123456789abcdefABCDEF")
            want.append(f"olic: --devices arbitrary.csv:{line}: device_id: not hex: '{shown(cell)}' has '{shown(bad)}'")
        want.append(f"olic: --devices arbitrary.csv: {len(cells)} bad rows, nothing signed")
        got = err.splitlines()
        s.equal(rc, 1, f"arbitrary cells ({style}): exit 1")
        s.equal(len(got), len(want), f"arbitrary cells ({style}): one line per row and the count")
        for g, w in zip(got, want):
            s.equal(g, w, f"arbitrary cells ({style}): a cell read back")

    s.current = "batch CSV errors"
    cases = [
        ("unclosed.csv", f'device_id,license_id,allowance\n{devices[0]},1,1\n"{devices[1]},2,2\n{devices[2]},3,3\n',
         "olic: --devices unclosed.csv:3: a quoted field that starts here is never closed"),
        ("stray.csv", f'device_id,license_id,allowance\n{devices[0]},1,1\n{devices[1]},2"x",2\n',
         "olic: --devices stray.csv:3: a quote inside unquoted field 2 (quote the whole field, and double the quote)"),
        ("after.csv", f'device_id,license_id,allowance\n"{devices[0]}"x,1,1\n',
         "olic: --devices after.csv:2: unexpected text after the closing quote of field 1"),
        ("multiline.csv", f'device_id,license_id,allowance\n"{devices[0]}\n",1,1\n{devices[0]},x,1\n',
         f"olic: --devices multiline.csv:2: device_id: not hex: '{devices[0]}?' has '?'"),
    ]
    for name, content, line in cases:
        s.write(name, content)
        rc, out, err = batch(s, name, "failed")
        s.equal((rc, out), (1, ""), f"batch {name} fails")
        s.equal(err.splitlines()[0] if err else "", line.splitlines()[0], f"batch {name} first line")
        s.check(not os.path.exists(s.path("failed")), f"batch {name} wrote nothing")
    # The record after a quoted line break is counted from its real line.
    s.write("qlines.csv", f'device_id,license_id,allowance\n{devices[0]},"1\n",1\n{devices[1]},0,1\n')
    rc, out, err = batch(s, "qlines.csv", "failed")
    s.check("qlines.csv:4: license_id: 0 is out of range" in err, f"line numbers count quoted line breaks: {err!r}")

    s.current = "batch reports every bad row"
    header = "device_id,license_id,allowance\n"
    bad = header + f"{devices[0]},1,1\nzz,2,2\n{devices[1]},0,3\n{devices[2]},3,-4\n{devices[0]},5,5\n{devices[3]},6\n"
    s.write("many.csv", bad)
    rc, out, err = batch(s, "many.csv", "failed")
    s.equal((rc, out), (1, ""), "batch with five bad rows fails")
    s.equal(err.splitlines(), [
        "olic: --devices many.csv:3: device_id: not hex: 'zz' has 'z'",
        "olic: --devices many.csv:4: license_id: 0 is out of range (1...18446744073709551615)",
        "olic: --devices many.csv:5: allowance: not a number: '-4' (a negative value is not a number here)",
        f"olic: --devices many.csv:6: device {devices[0]} is already on line 2",
        "olic: --devices many.csv:7: expected 3 fields (device_id,license_id,allowance), got 2",
        "olic: --devices many.csv: 5 bad rows, nothing signed",
    ], "every bad row, one line each, then the count")
    rc, out, err = batch(s, "many.csv", "failed", "--max-errors", "2")
    s.equal(err.splitlines(), [
        "olic: --devices many.csv:3: device_id: not hex: 'zz' has 'z'",
        "olic: --devices many.csv:4: license_id: 0 is out of range (1...18446744073709551615)",
        "olic: --devices many.csv: 5 bad rows (3 more not shown; see --max-errors), nothing signed",
    ], "--max-errors caps the lines, the count stays whole")
    s.write("huge.csv", header + "".join(f"{i:064x},0,1\n" for i in range(1, 1001)))
    rc, out, err = batch(s, "huge.csv", "failed")
    s.equal((rc, len(err.splitlines()), err.splitlines()[-1]),
            (1, 21, "olic: --devices huge.csv: 1000 bad rows (980 more not shown; see --max-errors), nothing signed"),
            "1000 bad rows print 20 lines and a count by default")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "many.csv", "--out-dir", "failed", "--max-errors", "0"],
                ["--max-errors"], "out of range")
    s.check(not os.path.exists(s.path("failed")), "no failed batch wrote anything")

    s.current = "batch VALIDITY and --min-firmware"
    s.write("fw.csv", "device_id,license_id,allowance,min_firmware\n"
            f"{devices[0]},1,10,\n{devices[1]},2,20,9\n")
    rc, out, err = batch(s, "fw.csv", "valid", "--not-before", "2026-01-01T00:00:00Z", "--not-after", "1800000000",
                         "--min-firmware", "4")
    s.equal((rc, err), (0, ""), "batch with VALIDITY and --min-firmware")
    for device, fw in ((devices[0], 4), (devices[1], 9)):
        doc = json.loads(s.ok(["inspect", f"valid/{device}.olic", "--json", "--trusted-key", "reg.pub.pem"]))
        s.equal((doc["min_firmware_version"], doc["extensions"][0]["name"], doc["extensions"][0]["not_before"],
                 doc["extensions"][0]["not_after"], doc["status"]), (fw, "VALIDITY", 1767225600, 1800000000, "OLIC_OK"),
                f"batch license with min_firmware {fw} and the window")
    verify = ["verify", "--trusted-key", "reg.pub.pem", "--device", devices[0], "--firmware-version", "4"]
    s.ok(verify + ["--now", "1767225600", f"valid/{devices[0]}.olic"], stdout="OLIC_OK\n")
    rc, out, _ = s.run(*verify, "--now", "1800000001", f"valid/{devices[0]}.olic")
    s.equal((rc, out), (1, "OLIC_ERR_EXPIRED\n"), "the batch window is enforced by olic_check")
    rc, out, _ = s.run("verify", "--trusted-key", "reg.pub.pem", "--device", devices[0], "--firmware-version", "3",
                       "--now", "1767225600", f"valid/{devices[0]}.olic")
    s.equal((rc, out), (1, "OLIC_ERR_FIRMWARE\n"), "the batch --min-firmware is enforced by olic_check")
    s.usage(["batch", "--key", "reg.pem", "--devices", "fw.csv", "--out-dir", "v2", "--not-before", "1"],
            "--not-before and --not-after go together")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "fw.csv", "--out-dir", "v2", "--not-before", "20",
                 "--not-after", "10"], ["--not-before", "--not-after"], "the window is empty")
    s.bad_input(["batch", "--key", "reg.pem", "--devices", "fw.csv", "--out-dir", "v2", "--min-firmware", "-1"],
                ["--min-firmware"], "a negative value is not a number here")
    s.check(not os.path.exists(s.path("v2")), "refused batches wrote nothing")


def main():
    args, olic, runs, device_binary = device_harness(__doc__)
    s = Suite(olic, runs)
    for group in (lambda: test_unknown_names(s), lambda: test_wrong_kind(s, device_binary), lambda: test_inspect(s),
                  lambda: test_device_keys(s, device_binary, args.cc, args.sodium_libs), lambda: test_batch_csv(s)):
        s.guarded(group)
    print(f"{s.passed} passed, {s.failed} failed")
    sys.exit(1 if s.failed else 0)


if __name__ == "__main__":
    main()
