"""What the fault simulator knows about the linked RV64 image, read once:
its loadable segments (from the ELF), symbols (nm), every instruction
(objdump), which code came from olic.o (the link map) and where libsodium's
verification tail starts. No third-party ELF library: the RISC-V toolchain
that builds the image (mk/qemu.mk's qemu-deps) reads it too."""

import re
import struct
import subprocess

TOOL_PREFIX = "riscv64-unknown-elf-"

ABI_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1"] + \
    ["a%d" % i for i in range(8)] + ["s%d" % i for i in range(2, 12)] + \
    ["t3", "t4", "t5", "t6"]
REGISTER_NUMBER = {name: i for i, name in enumerate(ABI_NAMES)}
REGISTER_NUMBER["fp"] = 8

CONDITIONAL_BRANCHES = {
    "beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez", "blez", "bgez",
    "bltz", "bgtz", "bgt", "ble", "bgtu", "bleu",
}
# Instructions whose first operand is not a destination register.
NO_DESTINATION = CONDITIONAL_BRANCHES | {
    "sb", "sh", "sw", "sd", "j", "jr", "ret", "fence", "fence.i", "ecall", "ebreak",
    "nop", "unimp", "wfi", "mret", "csrw", "csrs", "csrc", "csrwi", "csrsi", "csrci",
    "c.unimp",
}
COMPARES = {"slt", "sltu", "slti", "sltiu", "seqz", "snez", "sltz", "sgtz"}
CALLS = {"jal", "jalr"}


class Instruction:
    __slots__ = ("address", "length", "mnemonic", "operands", "symbol", "offset",
                 "rd", "sources", "target", "feeds_branch")

    def __init__(self, address, length, mnemonic, operands, symbol, offset):
        self.address = address
        self.length = length
        self.mnemonic = mnemonic
        self.operands = operands
        self.symbol = symbol
        self.offset = offset
        self.rd = destination(mnemonic, operands)
        self.sources = source_registers(mnemonic, operands, self.rd)
        self.target = branch_target(mnemonic, operands)
        self.feeds_branch = False

    @property
    def is_branch(self):
        return self.mnemonic in CONDITIONAL_BRANCHES

    @property
    def is_compare(self):
        return self.mnemonic in COMPARES

    @property
    def is_call(self):
        # `jal target` and `jalr reg` write ra: a call; `j`/`jr`/`ret` do not.
        return self.mnemonic in CALLS and self.rd == REGISTER_NUMBER["ra"]

    @property
    def is_decision(self):
        return self.is_branch or self.is_compare or self.feeds_branch

    def text(self):
        return ("%s %s" % (self.mnemonic, self.operands)).strip()

    def where(self):
        return "%s+0x%x" % (self.symbol, self.offset)


def operand_list(operands):
    # "a0,8(sp)" -> ["a0", "8(sp)"]; a branch target's "<sym>" is dropped.
    return [o.strip() for o in re.sub(r"<[^>]*>", "", operands).split(",") if o.strip()]


def register(text):
    # "a0" or the base of a memory operand, "8(sp)".
    if text in REGISTER_NUMBER:
        return REGISTER_NUMBER[text]
    m = re.fullmatch(r"-?\w*\((\w+)\)", text)
    return REGISTER_NUMBER.get(m.group(1)) if m else None


def destination(mnemonic, operands):
    ops = operand_list(operands)
    if mnemonic in NO_DESTINATION:
        return None
    if mnemonic == "jal":      # `jal target` is jal ra,target
        return REGISTER_NUMBER["ra"] if len(ops) == 1 else REGISTER_NUMBER.get(ops[0])
    if mnemonic == "jalr":     # `jalr reg` is jalr ra,0(reg)
        return REGISTER_NUMBER["ra"] if len(ops) == 1 else REGISTER_NUMBER.get(ops[0])
    if not ops:
        return None
    rd = REGISTER_NUMBER.get(ops[0])
    return rd if rd else None  # x0 is no destination


def source_registers(mnemonic, operands, rd):
    ops = operand_list(operands)
    if rd is not None and ops and REGISTER_NUMBER.get(ops[0]) == rd and mnemonic not in CALLS:
        ops = ops[1:]
    regs = set()
    for o in ops:
        r = register(o)
        if r is not None:
            regs.add(r)
    if mnemonic == "ret":
        regs.add(REGISTER_NUMBER["ra"])
    return regs


def branch_target(mnemonic, operands):
    if mnemonic not in CONDITIONAL_BRANCHES:
        return None
    m = re.search(r"([0-9a-f]+)\s*<", operands) or re.search(r"([0-9a-f]+)\s*$", operands)
    return int(m.group(1), 16) if m else None


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


class Image:
    def __init__(self, elf_path, map_path, olic_object):
        self.path = elf_path
        with open(elf_path, "rb") as f:
            self.elf = f.read()
        self.segments = self._load_segments()
        self.sections = self._sections()
        self.symbols, self.sizes = self._symbols()
        self.instructions = self._disassemble()
        self.olic_ranges = self._olic_ranges(map_path, olic_object)
        self._mark_branch_feeders()
        self.tail_start = self._tail_start()
        # harness.c's self-test check, faulted like olic's code.
        canary = self.symbols["fault_canary"]
        self.canary_range = (canary, canary + self.sizes["fault_canary"])

    # ELF64 little-endian program headers: (vaddr, bytes of the file image, memsz).
    def _load_segments(self):
        e = self.elf
        if e[:4] != b"\x7fELF" or e[4] != 2 or e[5] != 1:
            raise SystemExit("%s: not a little-endian ELF64 file" % self.path)
        phoff, = struct.unpack_from("<Q", e, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", e, 0x36)
        segs = []
        for i in range(phnum):
            p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
                "<IIQQQQQQ", e, phoff + i * phentsize)
            if p_type == 1 and p_filesz:
                segs.append((p_vaddr, e[p_offset:p_offset + p_filesz], p_memsz))
        return segs

    def _sections(self):
        out = {}
        for line in run(TOOL_PREFIX + "objdump", "-h", self.path).splitlines():
            f = line.split()
            if len(f) >= 7 and f[0].isdigit():
                out[f[1]] = (int(f[3], 16), int(f[2], 16))
        return out

    def _symbols(self):
        addrs, sizes = {}, {}
        for line in run(TOOL_PREFIX + "nm", "-S", self.path).splitlines():
            f = line.split()
            if len(f) == 4:
                addrs[f[3]] = int(f[0], 16)
                sizes[f[3]] = int(f[1], 16)
            elif len(f) == 3:
                addrs[f[2]] = int(f[0], 16)
        return addrs, sizes

    def _disassemble(self):
        out = {}
        symbol, base = "?", 0
        text = run(TOOL_PREFIX + "objdump", "-d", "-j", ".text", self.path)
        for line in text.splitlines():
            m = re.match(r"^([0-9a-f]+) <(.+)>:$", line)
            if m:
                base, symbol = int(m.group(1), 16), m.group(2)
                continue
            m = re.match(r"^\s+([0-9a-f]+):\t([0-9a-f]+)\s*\t(\S+)\s*(.*)$", line)
            if m:
                addr = int(m.group(1), 16)
                out[addr] = Instruction(addr, len(m.group(2)) // 2, m.group(3),
                                        m.group(4).strip(), symbol, addr - base)
        return out

    def _olic_ranges(self, map_path, olic_object):
        # The memory map lists each input section with its address, size and
        # object; a long section name puts the numbers on the next line.
        with open(map_path) as f:
            text = f.read()
        text = text[text.index("Linker script and memory map"):]
        ranges = []
        pending = None
        entry = re.compile(r"^ (\.text\S*)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?$")
        more = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$")
        for line in text.splitlines():
            m = entry.match(line)
            if m and m.group(2) is None:
                pending = m.group(1)
                continue
            if m:
                found = m.group(2, 3, 4)
            else:
                m2 = more.match(line) if pending else None
                pending = None
                if not m2:
                    continue
                found = m2.group(1, 2, 3)
            pending = None
            addr, size, obj = int(found[0], 16), int(found[1], 16), found[2]
            if obj.endswith(olic_object) and size and addr:
                ranges.append((addr, addr + size))
        if not ranges:
            raise SystemExit("no .text of %s in %s" % (olic_object, map_path))
        return merge(ranges)

    def in_olic(self, address):
        return any(lo <= address < hi for lo, hi in self.olic_ranges)

    def in_canary(self, address):
        return self.canary_range[0] <= address < self.canary_range[1]

    def region(self, address):
        if self.in_olic(address):
            return "olic"
        return "harness canary" if self.in_canary(address) else "libsodium tail"

    def _mark_branch_feeders(self):
        # A register write that a conditional branch reads a few instructions
        # later, before any other write of it or any jump: the value the
        # decision rests on.
        addrs = sorted(self.instructions)
        for i, a in enumerate(addrs):
            ins = self.instructions[a]
            if ins.rd is None or ins.is_call:
                continue
            for b in addrs[i + 1:i + 7]:
                nxt = self.instructions[b]
                if nxt.is_branch:
                    if ins.rd in nxt.sources:
                        ins.feeds_branch = True
                    break
                if nxt.rd == ins.rd or nxt.mnemonic in ("j", "jr", "ret") or nxt.is_call:
                    break

    def _tail_start(self):
        # libsodium 1.0.18, crypto_sign/ed25519/ref10/open.c: after the point
        # R' = h*(-A) + s*B is computed, ge25519_tobytes encodes it and the
        # two compares with R (crypto_verify_32, sodium_memcmp) decide. The
        # tail starts at the return address of that multiplication.
        fn = "_crypto_sign_ed25519_verify_detached"
        lo = self.symbols[fn]
        hi = lo + self.sizes.get(fn, 0x400)
        calls = [ins for a, ins in self.instructions.items()
                 if lo <= a < hi and ins.is_call and "ge25519_double_scalarmult_vartime" in ins.operands]
        if len(calls) != 1:
            raise SystemExit("cannot find the final scalar multiplication in %s" % fn)
        return calls[0].address + calls[0].length

    def symbolize(self, address):
        ins = self.instructions.get(address)
        return ins.where() if ins else "0x%x" % address


def merge(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
