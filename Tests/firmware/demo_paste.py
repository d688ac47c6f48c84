#!/usr/bin/env python3
"""`make run` prints every command in full; this checks the promise. It runs the
demo, checks that no printed line is wider than 100 columns, then takes every
printed command (a "   $ " line and its " \\" continuations), pastes them in
order into one fresh bash at the repository root, with the demo's files removed
first, and checks that each exits as the demo says it did ("(exit N)", else 0).
Prints "N passed, M failed"; exit 1 on any failure."""

import os
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    demo = subprocess.run(["bash", "Tests/firmware/demo.sh", build], cwd=REPO, capture_output=True, text=True)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL", what)

    check(demo.returncode == 0, f"the demo runs: {demo.stderr[-500:]}")
    lines = demo.stdout.splitlines()
    wide = [l for l in lines if len(l) > 100]
    check(not wide, f"no line wider than 100 columns: {wide[:3]}")

    commands = []  # [text, expected exit]
    i = 0
    while i < len(lines):
        if lines[i].startswith("   $ "):
            text = lines[i][5:]
            while text.endswith(" \\") and i + 1 < len(lines):
                i += 1
                text += "\n" + lines[i][5:]
            commands.append([text, 0])
        elif commands and re.fullmatch(r"   \(exit (\d+)\)", lines[i]):
            commands[-1][1] = int(re.fullmatch(r"   \(exit (\d+)\)", lines[i]).group(1))
        i += 1
    check(len(commands) >= 25, f"the demo prints its commands ({len(commands)})")
    check(all("mock-firmware" not in c or "--nvm" in c and "--trusted-key" in c and "--device-key" in c
              and "--firmware-version" in c for c, _ in commands), "every chip command is complete")

    shutil.rmtree(os.path.join(REPO, build, "demo"))
    exits = os.path.join(REPO, build, "demo-paste-exits.txt")
    if os.path.exists(exits):
        os.remove(exits)
    script = "".join(f"{text}\necho \"__exit $?\" >>{exits}\n" for text, _ in commands)
    subprocess.run(["bash", "--norc", "--noprofile"], cwd=REPO, input=script, text=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(exits) as results:
        codes = [int(l.split()[1]) for l in results.read().splitlines() if l.startswith("__exit ")]
    check(len(codes) == len(commands), f"every pasted command ran ({len(codes)} of {len(commands)})")
    for (text, want), got in zip(commands, codes):
        check(got == want, f"pasted command exits {want}, got {got}: {text!r}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
