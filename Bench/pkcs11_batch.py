#!/usr/bin/env python3
"""pkcs11_batch_over_file: `olic batch` licenses per second with the key in a
SoftHSM2 token against the same batch with a key file, and with the token on
one session against one per signing thread. As for batch_over_sign, the
licenses go to memory-backed /dev/shm (BENCH_BATCH_DIR picks another place),
so that file creation, which on a disk costs more than a signature and varies
tenfold between runs, does not hide the signing. Runs are interleaved and their
medians compared; every license of the first run of each kind is checked with
Python's `cryptography`. The figures are merged into build/bench.json (a
report, no budget: a real HSM's speed is the HSM's, not olic's)."""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

LICENSES = 2048
SAMPLES = 7
TOKEN, PIN = "olic-bench", "123456"


def run(args, env, cwd):
    start = time.perf_counter()
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{args[1:3]} exited {proc.returncode}: {proc.stderr.strip()}")
    return elapsed, proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--olic", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--bench-json", required=True)
    args = parser.parse_args()
    olic, work = os.path.abspath(args.olic), os.path.abspath(args.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "tokens"))
    conf = os.path.join(work, "softhsm2.conf")
    with open(conf, "w") as f:
        f.write(f"directories.tokendir = {work}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OLIC_")}
    env["SOFTHSM2_CONF"] = conf
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "654321"],
                   env=env, check=True, capture_output=True)
    with open(os.path.join(work, "pin"), "w") as f:
        f.write(PIN + "\n")
    uri = f"pkcs11:token={TOKEN};object=bench"
    token = ["--key", uri, "--pkcs11-module", os.path.abspath(args.module), "--pin-file", "pin"]
    run([olic, "keygen", "--pkcs11", uri, *token[2:], "--out", "token"], env, work)
    run([olic, "keygen", "--out", "file"], env, work)
    with open(os.path.join(work, "devices.csv"), "w") as f:
        f.write("device_id,license_id,allowance\n")
        for i in range(LICENSES):
            f.write(f"{hashlib.blake2b(i.to_bytes(4, 'little'), digest_size=32).hexdigest()},{i + 1},{1000 + i}\n")
    cpus = os.cpu_count() or 1
    parent = os.environ.get("BENCH_BATCH_DIR") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else work)
    scratch = tempfile.mkdtemp(prefix="olic-bench-pkcs11-", dir=parent)
    kinds = {
        "file": (["--key", "file.pem"], "file.pub.pem", []),
        "pkcs11": (token, "token.pub.pem", []),
        "pkcs11_one_session": (token, "token.pub.pem", ["--jobs", "1"]),
    }
    times = {k: [] for k in kinds}
    for sample in range(SAMPLES):
        for kind, (key, public, extra) in kinds.items():
            out = os.path.join(scratch, "out")
            shutil.rmtree(out, ignore_errors=True)
            elapsed, _ = run([olic, "batch", *key, "--devices", "devices.csv", "--out-dir", out, *extra], env, work)
            names = os.listdir(out)
            if len(names) != LICENSES:
                raise RuntimeError(f"{kind}: {len(names)} files for {LICENSES} rows")
            if sample == 0:
                pk = bytes.fromhex(run([olic, "pubkey", public], env, work)[1].strip())
                verifier = Ed25519PublicKey.from_public_bytes(pk)
                for name in names:
                    with open(os.path.join(out, name), "rb") as f:
                        blob = f.read()
                    verifier.verify(blob[-64:], blob[:-64])  # raises on a bad signature
            times[kind].append(elapsed)
    shutil.rmtree(scratch, ignore_errors=True)
    median = {k: statistics.median(v) for k, v in times.items()}
    per_s = {k: LICENSES / median[k] for k in kinds}
    ratio = per_s["pkcs11"] / per_s["file"]
    details = {
        "licenses": LICENSES, "samples": SAMPLES, "threads": cpus, "out_dir_parent": parent,
        "module": os.path.abspath(args.module), "token": "SoftHSM2 " + softhsm_version(),
        "file_batch_s": round(median["file"], 4), "pkcs11_batch_s": round(median["pkcs11"], 4),
        "pkcs11_one_session_batch_s": round(median["pkcs11_one_session"], 4),
        "file_per_s": round(per_s["file"], 1), "pkcs11_per_s": round(per_s["pkcs11"], 1),
        "pkcs11_one_session_per_s": round(per_s["pkcs11_one_session"], 1),
        "pkcs11_sessions_speedup": round(per_s["pkcs11"] / per_s["pkcs11_one_session"], 4),
        "loadavg_at_end": open("/proc/loadavg").read().split()[0:3],
    }
    try:
        with open(args.bench_json) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        doc = {}
    doc["pkcs11_batch_over_file"] = round(ratio, 4)
    doc.setdefault("details", {})["pkcs11_batch"] = details
    tmp = args.bench_json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.bench_json)
    print(f"pkcs11_batch_over_file {ratio:.4f}: token {per_s['pkcs11']:.0f}/s on {cpus} sessions "
          f"({per_s['pkcs11_one_session']:.0f}/s on one), file key {per_s['file']:.0f}/s; medians of {SAMPLES}")


def softhsm_version():
    proc = subprocess.run(["softhsm2-util", "--version"], capture_output=True, text=True)
    return proc.stdout.strip()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print(f"bench-pkcs11: {error}", file=sys.stderr)
        sys.exit(1)
