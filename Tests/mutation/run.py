#!/usr/bin/env python3
"""make mutate: the project's own mutation run over the core.

Each mutant in Tests/mutation/mutants.json is one textual change to one file of
Sources/OfflineLicensing: `anchor` (exact text, found exactly once in the file)
is replaced by `replacement`. For each mutant the file is rewritten, the core
rebuilt, and the fast suites run in order until one fails (the mutant is then
killed, and the suite and tests that failed are recorded); the file is restored
afterwards, also on Ctrl-C or any error. A mutant marked "equivalent" (with the
reason) is run too: it must survive, or the mark is wrong.

  run.py --lint               every anchor still applies (make test runs this)
  run.py [--file F] [--only ID] [--all-suites] [--out build/mutate.json]

Exit status: 0 when every non-equivalent mutant was killed and every
equivalent one survived; 1 otherwise; 2 for a stale or malformed list or a tree
that is not clean.
"""
import argparse
import glob
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time

CORE = "Sources/OfflineLicensing"
MUTANTS = "Tests/mutation/mutants.json"
FIELDS = {"id", "file", "anchor", "replacement", "description", "equivalent", "note"}


class Stale(Exception):
    pass


def load(path):
    with open(path) as f:
        data = json.load(f)
    mutants = data["mutants"] if isinstance(data, dict) else data
    seen = set()
    for m in mutants:
        where = m.get("id", "?")
        unknown = set(m) - FIELDS
        if unknown:
            raise Stale(f"{where}: unknown fields {sorted(unknown)}")
        for key in ("id", "file", "anchor", "replacement", "description"):
            if not isinstance(m.get(key), str) or (key != "replacement" and not m[key]):
                raise Stale(f"{where}: '{key}' must be a non-empty string")
        if "note" in m and not isinstance(m["note"], str):
            raise Stale(f"{where}: 'note' must be a string")
        if "equivalent" in m and (not isinstance(m["equivalent"], str) or not m["equivalent"].strip()):
            raise Stale(f"{where}: 'equivalent' must give the reason")
        if m["id"] in seen:
            raise Stale(f"{where}: duplicate id")
        seen.add(m["id"])
        if not m["file"].startswith(CORE + "/") or not m["file"].endswith(".swift"):
            raise Stale(f"{where}: {m['file']} is not a core source")
        if m["anchor"] == m["replacement"]:
            raise Stale(f"{where}: replacement equals the anchor")
    return mutants


def check_anchors(mutants):
    """Every anchor occurs exactly once in its file (a stale list fails loudly)."""
    problems = []
    for m in mutants:
        try:
            text = open(m["file"]).read()
        except OSError as e:
            problems.append(f"{m['id']}: cannot read {m['file']}: {e.strerror}")
            continue
        n = text.count(m["anchor"])
        if n != 1:
            problems.append(f"{m['id']}: anchor found {n} times in {m['file']} (needs exactly 1): "
                            f"{m['anchor']!r}")
    return problems


def line_of(m):
    text = open(m["file"]).read()
    return text[:text.index(m["anchor"])].count("\n") + 1


def run(cmd, timeout, stop_on=None, grace=2.0, env=None):
    """(returncode, 'timeout' or 'stopped'; combined output; seconds).

    With `stop_on`, the command is stopped `grace` seconds after the first output
    line matching it: a mutant that breaks many expectations makes swift-testing
    spend minutes recording them, and the first failures already decide the kill.
    The command runs in its own process group, which is what gets stopped."""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                         env=dict(os.environ, **env) if env else None)
    chunks, buffered, deadline, result = [], b"", t + timeout, None
    pattern = re.compile(stop_on.encode()) if stop_on else None
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(p.stdout, selectors.EVENT_READ)
            while True:
                now = time.monotonic()
                if now >= deadline:
                    result = "stopped" if pattern and deadline < t + timeout else "timeout"
                    break
                if not sel.select(timeout=min(0.5, deadline - now)):
                    continue
                data = os.read(p.stdout.fileno(), 65536)
                if not data:
                    break
                chunks.append(data)
                if pattern and deadline == t + timeout:
                    buffered = (buffered + data)[-4096:]
                    if pattern.search(buffered):
                        deadline = min(deadline, time.monotonic() + grace)
        if result is None:
            result = p.wait()
    finally:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        p.stdout.close()
    return result, b"".join(chunks).decode(errors="replace"), time.monotonic() - t


# --- the suites ---------------------------------------------------------------
# Each returns None when it passed, or a dict saying what failed. A build failure
# is reported as {"build_failed": ...}: the mutant is then invalid, not killed.

def swift_failures(out):
    names = []
    for m in re.finditer(r"✘ Test (.+?) recorded an issue at ([^:\s]+):(\d+)", out):
        name = f"{m.group(2)}: {m.group(1)}"
        if name not in names:
            names.append(name)
    return names


def suite_swift(timeout):
    rc, out, _ = run(["swift", "build", "--build-tests"], timeout)
    if rc != 0:
        return {"build_failed": tail(out)}
    # A trap in a mutant must not start the backtracer: symbolicating under load
    # takes minutes, and the crash alone is the kill.
    rc, out, _ = run(["swift", "test", "--skip-build"], timeout, stop_on="✘ Test |Fatal error",
                     env={"SWIFT_BACKTRACE": "enable=no"})
    if rc == 0:
        return None
    tests = swift_failures(out)
    result = {"tests": tests}
    if rc == "stopped":
        crash = [l.strip() for l in out.splitlines() if "Fatal error" in l]
        result["detail"] = (f"crashed: {crash[0]}" if crash else
                            "stopped 2 s after the first failure (the tests listed failed by then)")
    elif rc == "timeout":
        result["detail"] = "timed out"
    elif not tests:
        fatal = [l for l in out.splitlines() if "Fatal error" in l or "error:" in l]
        result["detail"] = "crashed: " + (fatal[0].strip() if fatal else f"exit {rc}")
        started = re.findall(r"◇ Test (\S+) started", out)
        finished = set(re.findall(r"✔ Test (\S+) passed", out))
        result["tests"] = [f"running: {t}" for t in started if t not in finished][:8]
    return result


def c_tests():
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob("Tests/C/*.c"))


def suite_c(timeout):
    bins = [f"build/ctest/{t}" for t in c_tests()]
    rc, out, _ = run(["make", "build/libolic.a"] + bins, timeout)
    if rc != 0:
        return {"build_failed": tail(out)}
    failed, details = [], []
    for b in bins:
        rc, out, _ = run([b], 120)
        if rc != 0:
            failed.append(f"Tests/C/{os.path.basename(b)}.c")
            lines = [l for l in out.splitlines() if l.startswith("FAIL")] or [f"exit {rc}"]
            details.extend(lines[:3])
    return {"tests": failed, "detail": "; ".join(details)[:600]} if failed else None


def suite_firmware(timeout):
    rc, out, _ = run(["make", "test-firmware"], timeout)
    if rc == 0:
        return None
    fails = re.findall(r"^FAIL (\w+): (.*)$", out, re.M)
    if not fails and ("error:" in out or "Error 1" in out) and "run_tests.py" not in out:
        return {"build_failed": tail(out)}
    return {"tests": [f"Tests/firmware/run_tests.py: {n}" for n, _ in fails],
            "detail": ("; ".join(msg for _, msg in fails[:2]) or tail(out))[:600]}


def suite_fault(timeout):
    # The fault simulator of the RV64 image: the only judge of mutants whose
    # effect is on the object code alone (a launder, a mask, a twin that only a
    # glitch can make disagree with its first check). Not in the default list:
    # about a minute per mutant; run.py --only ID --suites fault.
    rc, out, _ = run(["make", "test-fault"], timeout)
    if rc == 0:
        return None
    if ("error:" in out or "Error 1" in out) and "faultsim" not in out:
        return {"build_failed": tail(out)}
    return {"tests": ["Tests/fault/faultsim.py --campaign test"], "detail": tail(out)[:600]}


SUITES = {
    # name: (make target it stands for, function)
    "swift": ("test-swift", suite_swift),
    "c": ("test-c", suite_c),
    "firmware": ("test-firmware", suite_firmware),
    "fault": ("test-fault", suite_fault),
}


def tail(out, n=6):
    return "\n".join(out.strip().splitlines()[-n:])


# --- the run --------------------------------------------------------------------

class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def tree_is_clean():
    p = subprocess.run(["git", "status", "--porcelain", "--", CORE], stdout=subprocess.PIPE, text=True)
    return p.returncode == 0 and p.stdout.strip() == ""


def write_report(path, report):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)


def summarise(results, started):
    total = len(results)
    equivalent = [r for r in results if r.get("equivalent")]
    scored = [r for r in results if not r.get("equivalent") and r["status"] != "invalid"]
    killed = [r for r in scored if r["status"] == "killed"]
    seconds = time.monotonic() - started
    return {
        "mutants": total,
        "equivalent": len(equivalent),
        "equivalent_killed": sum(1 for r in equivalent if r["status"] == "killed"),
        "non_equivalent": len(scored),
        "killed": len(killed),
        "survived": sum(1 for r in scored if r["status"] == "survived"),
        "invalid": sum(1 for r in results if r["status"] == "invalid"),
        "score": f"{len(killed)}/{len(scored)}",
        "score_percent": round(100.0 * len(killed) / len(scored), 1) if scored else None,
        "seconds": round(seconds, 1),
        "seconds_per_mutant": round(seconds / total, 1) if total else None,
        "killed_by_suite": {s: sum(1 for r in killed if r["killed_by"] and r["killed_by"][0]["suite"] == s)
                            for s in SUITES},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mutants", default=MUTANTS)
    ap.add_argument("--lint", action="store_true", help="check the list and its anchors only")
    ap.add_argument("--file", help="only the mutants of this core file")
    ap.add_argument("--only", action="append", help="only the mutant with this id (repeatable)")
    ap.add_argument("--suites", default="swift,c,firmware", help="comma-separated, in order")
    ap.add_argument("--all-suites", action="store_true", help="run every suite even after a kill")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per build or suite")
    ap.add_argument("--out", default="build/mutate.json")
    ap.add_argument("--resume", help="reuse the verdicts of this earlier report for mutants whose "
                    "file, anchor and replacement are unchanged, and whose verdict was the expected one "
                    "(killed, or survived when equivalent); run the rest")
    a = ap.parse_args()

    try:
        mutants = load(a.mutants)
    except (Stale, ValueError, KeyError, TypeError) as e:
        print(f"mutate: {a.mutants}: {e}", file=sys.stderr)
        return 2
    problems = check_anchors(mutants)
    if problems:
        print(f"mutate: {a.mutants} is stale: the core changed under these mutants:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    if a.lint:
        eq = sum(1 for m in mutants if "equivalent" in m)
        files = len({m["file"] for m in mutants})
        print(f"mutants: {len(mutants)} in {files} files ({eq} marked equivalent), every anchor applies once")
        return 0

    if a.file:
        f = os.path.normpath(a.file)
        mutants = [m for m in mutants if m["file"] == f]
        if not mutants:
            print(f"mutate: no mutants for {a.file}", file=sys.stderr)
            return 2
    if a.only:
        mutants = [m for m in mutants if m["id"] in a.only]
        missing = set(a.only) - {m["id"] for m in mutants}
        if missing:
            print(f"mutate: no mutant with id {sorted(missing)}", file=sys.stderr)
            return 2
    suites = [s for s in a.suites.split(",") if s]
    for s in suites:
        if s not in SUITES:
            print(f"mutate: unknown suite {s} (have {', '.join(SUITES)})", file=sys.stderr)
            return 2
    if not tree_is_clean():
        print(f"mutate: {CORE} has uncommitted changes; commit or restore them first "
              f"(a run that was killed hard leaves its mutant: git checkout -- {CORE})", file=sys.stderr)
        return 2

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    started = time.monotonic()
    report = {"suites": {s: SUITES[s][0] for s in suites}, "all_suites": a.all_suites,
              "baseline_seconds": {}, "summary": None, "mutants": []}
    results = report["mutants"]
    status = 1
    original = None
    target = None
    try:
        # The unmutated tree must pass, or no kill would mean anything.
        for s in suites:
            t = time.monotonic()
            failure = SUITES[s][1](a.timeout)
            report["baseline_seconds"][s] = round(time.monotonic() - t, 1)
            if failure:
                print(f"mutate: suite {s} fails without any mutant: {failure}", file=sys.stderr)
                return 2
        print(f"baseline passes: {report['baseline_seconds']}", flush=True)

        previous = {}
        if a.resume:
            with open(a.resume) as f:
                for r in json.load(f)["mutants"]:
                    previous[r["id"]] = r
        for i, m in enumerate(mutants, 1):
            old = previous.get(m["id"])
            if old and all(old.get(k) == m.get(k) for k in ("file", "anchor", "replacement", "equivalent")) \
                    and old["status"] == ("survived" if "equivalent" in m else "killed"):
                old = dict(old, reused_from=old.get("reused_from", a.resume), line=line_of(m),
                           description=m["description"])
                results.append(old)
                print(f"[{i}/{len(mutants)}] {m['id']} {old['status']} (reused from {old['reused_from']})",
                      flush=True)
                continue
            t = time.monotonic()
            target = m["file"]
            original = open(target).read()
            line = line_of(m)
            with open(target, "w") as f:
                f.write(original.replace(m["anchor"], m["replacement"], 1))
            entry = {"id": m["id"], "file": m["file"], "line": line, "description": m["description"],
                     "anchor": m["anchor"], "replacement": m["replacement"]}
            if "equivalent" in m:
                entry["equivalent"] = m["equivalent"]
            killed_by, invalid = [], None
            try:
                for s in suites:
                    st = time.monotonic()
                    failure = SUITES[s][1](a.timeout)
                    if failure and "build_failed" in failure:
                        invalid = {"suite": s, "build_failed": failure["build_failed"]}
                        break
                    if failure:
                        killed_by.append({"suite": s, "target": SUITES[s][0],
                                          "seconds": round(time.monotonic() - st, 1), **failure})
                        if not a.all_suites:
                            break
            finally:
                with open(target, "w") as f:
                    f.write(original)
                original = None
            entry["status"] = "invalid" if invalid else ("killed" if killed_by else "survived")
            entry["killed_by"] = killed_by
            if invalid:
                entry["invalid"] = invalid
            entry["seconds"] = round(time.monotonic() - t, 1)
            results.append(entry)
            report["summary"] = summarise(results, started)
            write_report(a.out, report)
            verdict = entry["status"]
            if killed_by:
                k = killed_by[0]
                verdict += f" by {k['suite']}: {', '.join(k['tests'][:2]) or k.get('detail', '')}"
            flag = ""
            if "equivalent" in m and killed_by:
                flag = "  <-- marked equivalent but killed"
            elif "equivalent" not in m and not killed_by:
                flag = "  <-- SURVIVED"
            print(f"[{i}/{len(mutants)}] {m['id']} ({m['file']}:{line}) {verdict} "
                  f"[{entry['seconds']}s]{flag}", flush=True)

        report["summary"] = summarise(results, started)
        write_report(a.out, report)
        sm = report["summary"]
        print(f"mutate: {sm['killed']} of {sm['non_equivalent']} non-equivalent mutants killed, "
              f"{sm['survived']} survived, {sm['invalid']} invalid; {sm['equivalent']} equivalent "
              f"({sm['equivalent_killed']} of them killed); {sm['seconds']} s, "
              f"{sm['seconds_per_mutant']} s per mutant; report in {a.out}")
        status = 0 if sm["survived"] == 0 and sm["invalid"] == 0 and sm["equivalent_killed"] == 0 else 1
        return status
    except (KeyboardInterrupt, Interrupted) as e:
        print(f"mutate: interrupted ({e or 'Ctrl-C'}); restoring", file=sys.stderr)
        return 130
    finally:
        if original is not None and target:
            with open(target, "w") as f:
                f.write(original)
        if results:
            report["summary"] = summarise(results, started)
            write_report(a.out, report)
        # Leave the build products of the real core behind, not the last mutant's.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        run(["swift", "build", "--build-tests"], a.timeout)
        run(["make", "build/libolic.a"] + [f"build/ctest/{t}" for t in c_tests()], a.timeout)
        if not tree_is_clean():
            print(f"mutate: WARNING: {CORE} is not clean after the run", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
