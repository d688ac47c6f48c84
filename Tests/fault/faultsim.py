#!/usr/bin/python3
"""olic's fault simulator: the RV64 image of mk/fault.mk under Unicorn, one
fault per run in the attacked call of each scenario of Tests/fault/harness.c.
docs/fault-injection.md says what is faulted, how, and how to read the report.

  faultsim.py --image build/fault/olic-fault.elf --map build/fault/olic-fault.map \
      --olic-object build/cross/riscv64-none-none-eabi/olic.o \
      --campaign full|test --jobs 2 --out build/fault.json [--fail-on-success]
"""

import argparse
import json
import multiprocessing
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import faultsim_emu as emu  # noqa: E402
import faultsim_image as img  # noqa: E402
import faultsim_models as models  # noqa: E402

VERDICTS = ("success", "detected", "refused", "crash", "hang")
MODELS = ("skip", "skip2", "skip3", "flip")
DOUBLE_SAMPLE = {"full": 2000, "test": 200}
CANARY = "canary"  # harness.c's self-test scenario: it must be broken
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "olic.h")

IMAGE = None  # set before the workers fork


def status_names():
    """Status values from the one table, OLIC_STATUS_LIST in include/olic.h."""
    with open(HEADER) as f:
        text = f.read()
    return {int(v): n for n, v in re.findall(r"X\((OLIC_\w+),\s*(\d+)\)", text)}


def scenario_table(image):
    """Names and expected statuses, read from the harness in the image itself."""
    m = emu.Machine(image, 0)
    sym = image.symbols
    count = image.sizes["fault_scenario_expected"] // 4
    table = []
    for i in range(count):
        p = m.read_u64(sym["fault_scenario_names"] + 8 * i)
        raw = bytes(m.uc.mem_read(p, 64))
        name = raw[:raw.index(0)].decode()
        want = int.from_bytes(m.uc.mem_read(sym["fault_scenario_expected"] + 4 * i, 4), "little")
        table.append((name, want))
    return table


PREPARED = {}  # per worker: the last scenario prepared, reused by its next task


def prepare(scenario, campaign):
    key = (scenario, campaign)
    if key not in PREPARED:
        PREPARED.clear()
        PREPARED[key] = _prepare(scenario, campaign)
    return PREPARED[key]


def _prepare(scenario, campaign):
    tracer = emu.Machine(IMAGE, scenario, tracing=True)
    tracer.setup()
    trace = tracer.record_trace()
    del tracer
    m = emu.Machine(IMAGE, scenario)
    m.setup()
    m.golden(trace)
    olic, tail = models.faultable(IMAGE, trace)
    singles = models.single_faults(IMAGE, trace, olic, tail, campaign)
    doubles = models.double_faults(olic, tail, DOUBLE_SAMPLE[campaign], seed=1500 + scenario)
    m.take_snapshots([g for g, _ in singles + doubles])
    return m, olic, tail, singles, doubles


def describe(fault, ins):
    kind = fault[0]
    if kind == "skip":
        return "skip %d" % fault[1]
    if kind == "flip":
        return "flip bit %d of %s" % (fault[1], img.ABI_NAMES[ins.rd])
    if kind == "branch":
        return "branch inverted"
    return "skip, then skip %d instructions later" % (fault[2] + 1)


def work(task):
    """One worker's share of a scenario: faults part::parts of its list."""
    scenario, part, parts, campaign, fault_status = task
    t0 = time.time()
    m, olic, tail, singles, doubles = prepare(scenario, campaign)
    counts = {}
    successes = []
    faults = singles + doubles
    for g, fault in faults[part::parts]:
        model = models.model_of(fault)
        o = m.run_fault(g, fault)
        v = o.verdict(fault_status)
        c = counts.setdefault(model, dict.fromkeys(("tried",) + VERDICTS, 0))
        c["tried"] += 1
        c[v] += 1
        if v == "success":
            ins = IMAGE.instructions[m.trace[g]]
            successes.append({
                "model": model,
                "fault": describe(fault, ins),
                "instance": g,
                "address": "0x%x" % ins.address,
                "symbol": ins.symbol,
                "offset": ins.offset,
                "instruction": ins.text(),
                "in": IMAGE.region(ins.address),
                "returned": o.kind,
                "status": o.status,
                "nvm_changed": o.nvm_changed,
                "ctx_changed": o.ctx_changed,
                "output": o.output,
            })
    golden = m.golden_outcome
    return {
        "scenario": scenario,
        "golden": {"instructions": len(m.trace), "status": golden.status,
                   "nvm_changed": golden.nvm_changed, "ctx_changed": golden.ctx_changed,
                   "output": golden.output},
        "olic_instances": len(olic),
        "tail_instances": len(tail),
        "counts": counts,
        "successes": successes,
        "seconds": time.time() - t0,
    }


def main():
    global IMAGE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", required=True)
    ap.add_argument("--map", required=True)
    ap.add_argument("--olic-object", required=True)
    ap.add_argument("--campaign", choices=("full", "test"), default="full")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", action="append", help="only these scenarios (by name)")
    ap.add_argument("--fail-on-success", action="store_true")
    args = ap.parse_args()

    t0 = time.time()
    IMAGE = img.Image(args.image, args.map, args.olic_object)
    names = status_names()
    fault_status = next((v for v, n in names.items() if n == "OLIC_ERR_FAULT"), 20)
    table = scenario_table(IMAGE)
    chosen = [i for i, (n, _) in enumerate(table) if not args.scenario or n in args.scenario]
    if args.scenario and len(chosen) != len(set(args.scenario)):
        sys.exit("unknown scenario in %s; the harness has %s" % (args.scenario, [n for n, _ in table]))

    parts = max(1, args.jobs) * 3  # smaller tasks keep both workers busy to the end
    tasks = [(s, p, parts, args.campaign, fault_status) for s in chosen for p in range(parts)]
    results = []
    with multiprocessing.get_context("fork").Pool(max(1, args.jobs)) as pool:
        for r in pool.imap_unordered(work, tasks, chunksize=1):
            results.append(r)
            print("  [%d/%d] %s: %d faults in %.1f s" % (
                len(results), len(tasks), table[r["scenario"]][0],
                sum(c["tried"] for c in r["counts"].values()), r["seconds"]), flush=True)

    report = {
        "campaign": args.campaign,
        "image": args.image,
        "olic_text": [["0x%x" % lo, "0x%x" % hi] for lo, hi in IMAGE.olic_ranges],
        "tail_start": "0x%x (%s)" % (IMAGE.tail_start, IMAGE.symbolize(IMAGE.tail_start)),
        "fault_status": fault_status,
        "scenarios": {},
        "canary": {},
    }
    totals = {m: dict.fromkeys(("tried",) + VERDICTS, 0) for m in MODELS + ("double_skip",)}
    failures = []
    for s in chosen:
        name, want = table[s]
        canary = name == CANARY
        mine = [r for r in results if r["scenario"] == s]
        g = mine[0]["golden"]
        if g["status"] != want or g["nvm_changed"] or g["ctx_changed"] or g["output"]:
            failures.append("%s: the unfaulted call returned %s (expected %s) or changed state"
                            % (name, names.get(g["status"], g["status"]), names.get(want, want)))
        per_model = {m: dict.fromkeys(("tried",) + VERDICTS, 0) for m in MODELS + ("double_skip",)}
        successes = []
        for r in mine:
            for model, c in r["counts"].items():
                for k, v in c.items():
                    per_model[model][k] += v
                    if not canary:
                        totals[model][k] += v
            successes.extend(x for x in r["successes"] if x["model"] != "double_skip")
        successes.sort(key=lambda x: (x["instance"], x["model"], x["fault"]))
        for x in successes:
            x["status"] = names.get(x["status"], x["status"])
        double = per_model.pop("double_skip")
        if canary:
            # The self-test: single faults must get through an unhardened check.
            for model in ("skip", "flip"):
                if per_model[model]["success"] == 0:
                    failures.append("canary: no %s fault got through the unhardened check; "
                                    "the injection is broken" % model)
        report["canary" if canary else "scenarios"][name] = {
            "expected_status": names.get(want, want),
            "golden_instructions": g["instructions"],
            "olic_instances": mine[0]["olic_instances"],
            "tail_instances": mine[0]["tail_instances"],
            "models": per_model,
            "double_skip": double,
            "successes": successes,
            "seconds": round(sum(r["seconds"] for r in mine), 1),
        }
    double = totals.pop("double_skip")
    double["success_rate"] = round(double["success"] / double["tried"], 6) if double["tried"] else 0
    report["totals"] = totals
    report["double_skip"] = double
    report["weak_spots"] = weak_spots(report)
    report["seconds"] = round(time.time() - t0, 1)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)

    print_summary(report)
    for f in failures:
        print("FAIL: " + f)
    single = sum(t["success"] for t in totals.values())
    if failures:
        sys.exit(1)
    if args.fail_on_success and single:
        print("FAIL: %d single faults succeeded (%s)" % (single, args.out))
        sys.exit(1)


def weak_spots(report):
    """Successful single faults grouped by instruction address, most first."""
    spots = {}
    for name, s in report["scenarios"].items():
        for x in s["successes"]:
            k = x["address"]
            e = spots.setdefault(k, {"address": k, "symbol": x["symbol"], "offset": x["offset"],
                                     "instruction": x["instruction"], "successes": 0,
                                     "scenarios": [], "models": []})
            e["successes"] += 1
            if name not in e["scenarios"]:
                e["scenarios"].append(name)
            if x["model"] not in e["models"]:
                e["models"].append(x["model"])
    return sorted(spots.values(), key=lambda e: (-e["successes"], e["address"]))


def print_summary(report):
    print("fault campaign %s: %s s" % (report["campaign"], report["seconds"]))
    print("%-26s %-7s %8s %8s %9s %8s %8s %6s" % ("scenario", "model", "tried", "success",
                                                   "detected", "refused", "crash", "hang"))
    for name, s in list(report["scenarios"].items()) + list(report["canary"].items()):
        for model, c in list(s["models"].items()) + [("double", s["double_skip"])]:
            print("%-26s %-7s %8d %8d %9d %8d %8d %6d" % (name, model, c["tried"], c["success"],
                                                          c["detected"], c["refused"], c["crash"], c["hang"]))
    for model, c in report["totals"].items():
        print("%-26s %-7s %8d %8d %9d %8d %8d %6d" % ("TOTAL", model, c["tried"], c["success"],
                                                      c["detected"], c["refused"], c["crash"], c["hang"]))
    d = report["double_skip"]
    print("double skips (sample, not judged): %d of %d succeeded (%.4f)" % (d["success"], d["tried"], d["success_rate"]))
    for e in report["weak_spots"][:15]:
        print("weak spot %s %s+0x%x %-28s %3d successes in %s (%s)" % (
            e["address"], e["symbol"][:60], e["offset"], e["instruction"], e["successes"],
            ",".join(e["scenarios"]), ",".join(e["models"])))


if __name__ == "__main__":
    main()
