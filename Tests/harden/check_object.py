#!/usr/bin/env python3
"""The fault hardening, found in the object code rather than the source.

The twin checks of Sources/OfflineLicensing/Twins.swift only help if they
survive the optimiser: a compiler that proves a twin equal to the check it
repeats may merge the two, and one glitch is then enough again. This test
links the core's object alone (so branch and call targets are resolved, with
no relaxation), disassembles it, and holds it to what the source intends:

  1. every twin function is its own function, called by the code it guards,
     so its checks lie far from the ones they repeat (never inlined);
  2. in each twin function, at least as many conditional branches lead to the
     call of faultDetected as the function has `twin(` decisions in the source;
  3. each twin function reloads the ready state and compares it with
     olic_init's magic, and the ones that set the verdict store its token;
  4. each hardened export calls faultDetected, calls its body rather than
     inlining it (the seal), compares the verdict token before OLIC_OK
     (olic_state: the ready magic twice), and (RV64) has no zero-extension of
     its status (shift left then right by 32), whose skip turns every refusal
     into 0 = OLIC_OK.

Usage: check_object.py --arch rv64|x86_64 --object OBJ --objdump OBJDUMP --ld LD
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

SOURCE = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "OfflineLicensing")
# Twin function -> (its source file, the caller that must call it, as a
# mangled-name fragment, and whether it re-checks the ready state).
TWINS = {
    "confirmLicense": ("Twins.swift", "12checkLicense", True),
    "confirmInstall": ("Twins.swift", "11installBody", True),
    "confirmReserve": ("Twins.swift", "11reserveBody", True),
    "confirmRequest": ("Twins.swift", "11makeRequest", True),
    "confirmRecovery": ("StateTwins.swift", "olic_init", False),
    "confirmBlank": ("StateTwins.swift", "olic_provision", False),
    "confirmCommitTarget": ("StateTwins.swift", "6commit", True),
    "confirmEncoded": ("StateTwins.swift", "11writeRecord", False),
}
TWIN_FUNCTIONS = list(TWINS)
VERDICT_SETTERS = ["confirmLicense", "confirmReserve", "confirmRequest"]
EXPORTS = ["olic_check", "olic_install", "olic_reserve", "olic_make_request", "olic_state"]
# The body each sealing wrapper calls: a call, not inlined, or the seal sits in
# the same return path as the body's own statuses.
BODIES = {
    "olic_check": "9checkBody",
    "olic_install": "11installBody",
    "olic_reserve": "11reserveBody",
    "olic_make_request": "11requestBody",
}
PASSED = 0xA5C35A3C
READY = 0x5944525F43494C4F

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def source_twins():
    """`twin(` decisions per twin function, counted in its source file."""
    counts = {}
    for name, (source, _, _) in TWINS.items():
        text = open(os.path.join(SOURCE, source)).read()
        start = text.index("func %s(" % name)
        body = text[start:text.find("\n}\n", start)]
        counts[name] = body.count("twin(")
    return counts


class Insn:
    def __init__(self, addr, mnem, ops, comment):
        self.addr, self.mnem, self.ops, self.comment = addr, mnem, ops, comment
        self.target = None
        self.target_sym = ""
        m = re.search(r"([0-9a-f]+) <([^>]+)>", ops + " " + comment)
        if m:
            self.target = int(m.group(1), 16)
            self.target_sym = m.group(2)


def disassemble(objdump, elf):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True,
                         capture_output=True, text=True).stdout
    functions, current = {}, None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) <(.+)>:$", line)
        if m:
            current = m.group(2)
            functions[current] = []
            continue
        m = re.match(r"^\s+([0-9a-f]+):\t(\S+)\s*([^#]*)(#.*)?$", line)
        if m and current:
            functions[current].append(Insn(int(m.group(1), 16), m.group(2), m.group(3).strip(), m.group(4) or ""))
    return functions


def section_bytes(elf):
    """(address, bytes) of every allocated section, read from the ELF64 file."""
    data = open(elf, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        base = shoff + i * shentsize
        _, stype, flags, addr, offset, size = struct.unpack_from("<IIQQQQ", data, base)
        if flags & 2 and stype != 8:  # SHF_ALLOC, not NOBITS
            sections.append((addr, data[offset:offset + size]))
    return sections


def read64(sections, address):
    for addr, blob in sections:
        if addr <= address and address + 8 <= addr + len(blob):
            return struct.unpack_from("<Q", blob, address - addr)[0]
    return None


def find(functions, fragment):
    names = [n for n in functions if fragment in n and "OUTLINED" not in n]
    # The Swift function itself, not a closure or specialisation of it.
    names.sort(key=len)
    return names[0] if names else None


def is_call(arch, insn):
    return insn.mnem in ("call", "callq") if arch == "x86_64" else insn.mnem in ("jal", "jalr")


def is_cond_branch(arch, insn):
    if arch == "x86_64":
        return insn.mnem.startswith("j") and insn.mnem not in ("jmp", "jmpq")
    return insn.mnem.startswith("b") and insn.target is not None


def is_jump(arch, insn):
    if arch == "x86_64":
        return insn.mnem in ("jmp", "jmpq") and insn.target is not None
    return insn.mnem == "j"


def leads_to_fault(arch, body, index_of, start, limit=10):
    """Whether straight-line code from address `start` reaches a call of faultDetected."""
    i = index_of.get(start)
    steps = 0
    while i is not None and i < len(body) and steps < limit:
        insn = body[i]
        if is_call(arch, insn) and "13faultDetected" in insn.target_sym:
            return True
        if is_jump(arch, insn):
            i = index_of.get(insn.target)
        elif is_cond_branch(arch, insn) or insn.mnem in ("ret", "retq"):
            return False
        else:
            i += 1
        steps += 1
    return False


def fault_branches(arch, body):
    index_of = {insn.addr: i for i, insn in enumerate(body)}
    count = 0
    for i, insn in enumerate(body):
        if not is_cond_branch(arch, insn):
            continue
        taken = leads_to_fault(arch, body, index_of, insn.target)
        fall = i + 1 < len(body) and leads_to_fault(arch, body, index_of, body[i + 1].addr)
        if taken != fall:
            count += 1
    return count


def constants_used(arch, body, sections):
    """Every immediate or constant-pool value the function loads."""
    values = set()
    for insn in body:
        for m in re.finditer(r"\$0x([0-9a-f]+)", insn.ops):
            values.add(int(m.group(1), 16))
        if arch == "rv64":
            if insn.mnem == "ld" and insn.target is not None:
                v = read64(sections, insn.target)
                if v is not None:
                    values.add(v)
    if arch == "rv64":
        # lui rd, hi then add(i) rd, rd, lo: a 32-bit constant such as the token.
        upper = {}
        for insn in body:
            ops = insn.ops.split(",")
            if insn.mnem == "lui":
                upper[ops[0]] = int(ops[1], 16)
            elif insn.mnem in ("add", "addi", "addiw", "addw") and len(ops) == 3 and ops[1] in upper:
                try:
                    lo = int(ops[2], 0)
                except ValueError:
                    continue
                values.add(((upper[ops[1]] << 12) + lo) & 0xFFFFFFFF)
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=["rv64", "x86_64"], required=True)
    ap.add_argument("--object", required=True)
    ap.add_argument("--objdump", required=True)
    ap.add_argument("--ld", required=True)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        elf = os.path.join(tmp, "olic-alone.elf")
        link = [args.ld, "--unresolved-symbols=ignore-all", "-e", "0", "-o", elf, args.object]
        if args.arch == "rv64":
            link[1:1] = ["--no-relax", "-Ttext=0x1000"]
        subprocess.run(link, check=True, capture_output=True)
        functions = disassemble(args.objdump, elf)
        sections = section_bytes(elf)

    intended = source_twins()
    for name in TWIN_FUNCTIONS:
        fn = find(functions, "%d%s" % (len(name), name))
        if fn is None:
            fail("%s: no function of its own (inlined into its caller?)" % name)
            continue
        body = functions[fn]
        _, caller_name, rechecks_ready = TWINS[name]
        caller = find(functions, caller_name)
        if caller is None or not any(is_call(args.arch, i) and i.target_sym == fn for i in functions[caller]):
            fail("%s is not called by %s" % (name, caller_name))
        found = fault_branches(args.arch, body)
        if found < intended[name]:
            fail("%s: %d branches to faultDetected, the source has %d twins" % (name, found, intended[name]))
        values = constants_used(args.arch, body, sections)
        if rechecks_ready and READY not in values:
            fail("%s: does not compare the ready state with olic_init's magic" % name)
        if name in VERDICT_SETTERS and PASSED not in values:
            fail("%s: never writes the passing verdict token" % name)
        print("%s %s: %d twin branches (source: %d)" % (args.arch, name, found, intended[name]))

    for name in EXPORTS:
        fn = find(functions, name)
        if fn is None:
            fail("%s missing" % name)
            continue
        body = functions[fn]
        calls = [i for i in body if is_call(args.arch, i)]
        if not any("13faultDetected" in i.target_sym for i in calls):
            fail("%s: no path to faultDetected" % name)
        if name in BODIES and not any(BODIES[name] in i.target_sym for i in calls):
            fail("%s: does not call its body %s (inlined?), so nothing seals the body's status" % (name, BODIES[name]))
        values = constants_used(args.arch, body, sections)
        if name == "olic_state":
            # ready_ is the context's first field: two loads of it, the second
            # through the launder (x86-64 compares memory with the magic).
            if args.arch == "rv64":
                ready_loads = sum(1 for i in body if i.mnem == "ld" and re.match(r"\w+,0\(\w+\)$", i.ops))
            else:
                ready_loads = sum(1 for i in body if i.mnem.startswith(("cmp", "mov"))
                                  and re.search(r"(^|,)\(%\w+\)", i.ops))
            if READY not in values or ready_loads < 2:
                fail("olic_state: the ready state is loaded %d time(s), not twice" % ready_loads)
        elif PASSED not in values:
            fail("%s: OLIC_OK without comparing the verdict token" % name)
        if args.arch == "rv64":
            for a, b in zip(body, body[1:]):
                if a.mnem == "sll" and b.mnem == "srl" and a.ops.endswith("0x20") and b.ops.endswith("0x20") \
                        and b.ops.startswith("a0,"):
                    fail("%s: zero-extends its status at %#x (a skipped shift returns 0)" % (name, a.addr))
        print("%s %s: hardened return" % (args.arch, name))

    if failures:
        print("%d failure(s) in %s" % (len(failures), args.object))
        return 1
    print("%s: every twin, verdict and fault path of the source is in the object code" % args.object)
    return 0


if __name__ == "__main__":
    sys.exit(main())
