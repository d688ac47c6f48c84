"""One scenario of the harness under Unicorn: set-up, golden run, snapshots,
and faulted re-runs of the attacked call.

Memory: text and read-only data are mapped read+execute (on a chip: mask ROM
or flash), so a faulted store into code is a crash, not a corrupted image for
the next run; the rest of RAM (data, bss, the NVM section, the stack) is
read/write and is what a snapshot saves. The virt machine's UART page is RAM
whose line-status byte always says "ready"; the sifive_test exit device at
0x100000 is left unmapped, so platform_exit (exit.c) ends a run with an
unmapped write whose value carries the exit status.

Every emu_start passes an instruction count: Unicorn counts with a hook it
keeps once created, and switching between counted and uncounted runs would
flush its translation cache each time."""

import bisect

from unicorn import (Uc, UcError, UC_ARCH_RISCV, UC_MODE_RISCV64, UC_PROT_READ,
                     UC_PROT_WRITE, UC_PROT_EXEC, UC_HOOK_BLOCK, UC_HOOK_CODE,
                     UC_HOOK_MEM_UNMAPPED)
from unicorn import riscv_const as rv

RAM_BASE = 0x80000000
RAM_SIZE = 0x100000
UART_BASE = 0x10000000
PAGE = 0x1000
SETUP_BUDGET = 50_000_000
# A fault may legitimately send a refusal down the accepting path, through a
# signature verification (about 0.7 M instructions, less its replayed
# multiplication) or a request signature (0.8 M beyond its replayed key
# derivation): twice the golden call plus this margin, and the run is a hang.
HANG_MARGIN = 2_000_000
SNAPSHOT_GAP = 400  # at most this many instructions re-run to reach a fault point

REGS = [getattr(rv, "UC_RISCV_REG_X%d" % i) for i in range(32)]
PC = rv.UC_RISCV_REG_PC
RA, SP = 1, 2
CALLER_SAVED = (5, 6, 7) + tuple(range(10, 18)) + (28, 29, 30, 31)  # t0-t2, a0-a7, t3-t6

# Pure functions whose golden effect a faulted run replays instead of executing
# them again, when it calls them with the golden arguments: the scalar
# multiplications, 85 % of a verification and nearly all of a signature. A
# fault before one cannot change its result without changing its inputs,
# which are compared byte for byte: (argument register, bytes it points to).
# The replay writes every byte the golden call changed, and the whole result
# (pointed to by a0) even where it happened to equal what was there.
# Field elements are 40 bytes: ge25519_p2 has three, ge25519_p3 four.
FAST_FORWARD = {
    "ge25519_double_scalarmult_vartime": (((11, 32), (12, 160), (13, 32)), 120),
    "__wrap_ge25519_scalarmult_base": (((11, 32),), 160),
}


class HarnessError(Exception):
    pass


# ready_ (the context's first field) of a context the core poisoned after a
# detected fault: "OLIC_FLT" (contextPoisonedMagic, Sources/OfflineLicensing).
POISONED_READY = (0x544C465F4349_4C4F).to_bytes(8, "little")

class Outcome:
    __slots__ = ("kind", "status", "nvm_changed", "ctx_changed", "output", "detail", "ctx_poisoned_only")

    def __init__(self, kind, status=None, nvm_changed=False, ctx_changed=False, output=0,
                 detail="", ctx_poisoned_only=False):
        self.kind = kind          # "returned", "crash" or "hang"
        self.status = status
        self.nvm_changed = nvm_changed
        self.ctx_changed = ctx_changed
        self.output = output
        self.detail = detail
        self.ctx_poisoned_only = ctx_poisoned_only

    def verdict(self, fault_status):
        """success / detected / refused / crash / hang (docs/fault-injection.md).
        A crash ends in the trap handler and a hang in a watchdog reset: RAM,
        the context included, is gone, and only NVM can carry a success."""
        if self.nvm_changed:
            return "success"
        if self.kind != "returned":
            return self.kind
        # OLIC_ERR_FAULT must make the context unusable (docs/fault-hardening.md):
        # the core writes its poison value over ready_, and only there. That
        # change is the detection itself; any other change of the context is not.
        fail_closed = self.status == fault_status and self.ctx_poisoned_only
        if self.status == 0 or (self.ctx_changed and not fail_closed) or self.output > 0:
            return "success"
        if self.status == fault_status:
            return "detected"
        return "refused"


class Machine:
    def __init__(self, image, scenario, tracing=False):
        """tracing: record every instruction executed (golden runs only: a
        Python call per translated block). Unicorn applies a hook only to code
        translated after it was added, and flushing its translation cache costs
        a gigabyte of RSS, so a machine is made to trace or not from the start."""
        self.image = image
        self.scenario = scenario
        sym = image.symbols
        self.begin = sym["fault_attack_begin"]
        self.end = sym["fault_attack_end"]
        self.ctx_range = (sym["fault_ctx"], image.sizes["fault_ctx"])
        self.output_addr = sym["fault_output_area"] + 256  # harness.c: after its guard
        nvm_lo, nvm_size = image.sections[".secure_nvm"]
        self.nvm_range = (nvm_lo, nvm_size)
        data_lo = image.sections[".data"][0]
        self.rom_end = data_lo & ~(PAGE - 1)
        self.rw_range = (self.rom_end, sym["__stack_top"] - self.rom_end)
        self.unmapped = None

        uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV64)
        self.uc = uc
        uc.mem_map(RAM_BASE, self.rom_end - RAM_BASE, UC_PROT_READ | UC_PROT_EXEC)
        uc.mem_map(self.rom_end, RAM_BASE + RAM_SIZE - self.rom_end, UC_PROT_READ | UC_PROT_WRITE)
        uc.mem_map(UART_BASE, PAGE, UC_PROT_READ | UC_PROT_WRITE)
        uc.mem_write(UART_BASE + 5, b"\x20")  # LSR: transmitter empty
        for vaddr, data, _ in image.segments:
            uc.mem_write(vaddr, data)
        uc.mem_write(sym["fault_scenario"], scenario.to_bytes(4, "little"))
        uc.hook_add(UC_HOOK_MEM_UNMAPPED, self._on_unmapped)
        self.trace = None
        self._blocks = []
        self._block_addrs = {}
        if tracing:
            uc.hook_add(UC_HOOK_BLOCK, self._on_block)
        self.ff = {}
        self.ff_enabled = False
        for name in FAST_FORWARD:
            a = image.symbols.get(name)
            if a is not None:
                uc.hook_add(UC_HOOK_CODE, self._on_fast_forward, name, a, a)

    def _on_unmapped(self, uc, access, address, size, value, user):
        self.unmapped = (address, value)
        return False

    def regs(self):
        return [self.uc.reg_read(r) for r in REGS]

    def _on_fast_forward(self, uc, address, size, name):
        rec = self.ff.get(name)
        if not self.ff_enabled or rec is None:
            return
        entry_regs, inputs, spans, post_regs, ret = rec
        args = FAST_FORWARD[name][0]
        for r in (RA, SP, 10) + tuple(reg for reg, _ in args):
            if uc.reg_read(REGS[r]) != entry_regs[r]:
                return
        for (reg, size_), want in zip(args, inputs):
            if bytes(uc.mem_read(entry_regs[reg], size_)) != want:
                return
        for addr, data in spans:
            uc.mem_write(addr, data)
        for r in CALLER_SAVED:
            if post_regs[r] != entry_regs[r]:
                uc.reg_write(REGS[r], post_regs[r])
        self.ff_hits += 1
        uc.reg_write(PC, ret)

    def _record_fast_forward(self):
        """The golden entry and return state of each FAST_FORWARD call."""
        trace = self.trace
        for name, (args, result_size) in FAST_FORWARD.items():
            entry = self.image.symbols.get(name)
            if entry is None or trace.count(entry) != 1:
                continue
            i = trace.index(entry)
            call = self.image.instructions[trace[i - 1]]
            ret = call.address + call.length
            j = trace.index(ret, i)
            self.restore(self.start)
            self._run(self.begin, i)
            entry_regs = self.regs()
            inputs = [bytes(self.uc.mem_read(entry_regs[reg], n)) for reg, n in args]
            before = bytes(self.uc.mem_read(*self.rw_range))
            self._run(entry, j - i)
            if self.uc.reg_read(PC) != ret:
                raise HarnessError("%s did not return where the golden run did" % name)
            after = bytes(self.uc.mem_read(*self.rw_range))
            spans = diff_spans(self.rw_range[0], before, after)
            at = entry_regs[10] - self.rw_range[0]
            spans.append((entry_regs[10], after[at:at + result_size]))
            self.ff[name] = (entry_regs, inputs, spans, self.regs(), ret)
            self.ff_index[name] = (i, j)

    def read_u64(self, addr):
        return int.from_bytes(self.uc.mem_read(addr, 8), "little")

    def _run(self, pc, count):
        """Runs at most `count` instructions from pc, stopping at the end marker."""
        self.unmapped = None
        self.uc.emu_start(pc, self.end, count=count)

    def _exit_reason(self, err):
        if self.unmapped and self.unmapped[0] == 0x100000:
            return "platform_exit(%d)" % (self.unmapped[1] >> 16)
        pc = self.uc.reg_read(PC)
        return "%s at %s" % (err, self.image.symbolize(pc))

    # --- set-up and golden run ---------------------------------------------
    def setup(self):
        sym = self.image.symbols
        try:
            self.uc.emu_start(sym["_start"], self.begin, count=SETUP_BUDGET)
        except UcError as e:
            raise HarnessError("set-up of scenario %d failed: %s" % (self.scenario, self._exit_reason(e)))
        if self.uc.reg_read(PC) != self.begin:
            raise HarnessError("set-up of scenario %d did not reach fault_attack_begin" % self.scenario)
        self.start = self.save()
        self.nvm_before = bytes(self.uc.mem_read(*self.nvm_range))
        self.ctx_before = bytes(self.uc.mem_read(*self.ctx_range))

    def save(self):
        return (self.uc.context_save(), bytes(self.uc.mem_read(*self.rw_range)))

    def restore(self, snap):
        self.uc.context_restore(snap[0])
        self.uc.mem_write(self.rw_range[0], snap[1])

    def _on_block(self, uc, address, size, user):
        if self._recording is None:
            return
        addrs = self._block_addrs.get(address)
        if addrs is None:
            addrs, a = [], address
            while a < address + size:
                addrs.append(a)
                a += self.image.instructions[a].length
            self._block_addrs[address] = addrs
        self._blocks.append((address, len(self._recording)))
        self._recording.extend(addrs)

    _recording = None

    def record_trace(self):
        """Tracing machine: runs the attacked call unfaulted and returns every
        instruction address it executes, from fault_attack_begin (included) to
        fault_attack_end (excluded)."""
        self.restore(self.start)
        self._recording, self._blocks = [], []
        try:
            self._run(self.begin, SETUP_BUDGET)
        except UcError as e:
            raise HarnessError("golden run of scenario %d failed: %s" % (self.scenario, self._exit_reason(e)))
        trace, self._recording = self._recording, None
        if self.uc.reg_read(PC) != self.end:
            raise HarnessError("golden run of scenario %d did not return" % self.scenario)
        # If the block hook fired at the marker's entry, before the stop, that
        # block is not part of the call.
        if self._blocks and self._blocks[-1][0] == self.end:
            del trace[self._blocks[-1][1]:]
        self._blocks = []
        return trace

    def golden(self, trace):
        """Fault machine: adopts the tracing machine's trace, runs the call once
        unfaulted for the golden outcome, and records the replayable calls."""
        self.trace = trace
        self.restore(self.start)
        self._run(self.begin, len(trace))
        if self.uc.reg_read(PC) != self.end:
            raise HarnessError("scenario %d: the golden run did not end where its trace did" % self.scenario)
        self.golden_outcome = self._outcome("returned")
        self.budget = 2 * len(trace) + HANG_MARGIN
        self.ff_index = {}
        self._record_fast_forward()
        self.ff_hits = 0

    def take_snapshots(self, indices):
        """Snapshots at golden instruction indices, so that a fault run re-executes
        at most SNAPSHOT_GAP instructions to reach its fault point."""
        self.restore(self.start)
        self.snap_index = [0]
        self.snaps = [self.start]
        now = 0
        # A snapshot at each fast-forwarded call's return: the path from a
        # snapshot to a fault point then never runs through such a call.
        forced = {j for _, j in self.ff_index.values()}
        for g in sorted(set(indices) | forced):
            if g - self.snap_index[-1] < SNAPSHOT_GAP and g not in forced:
                continue
            self._run(self.uc.reg_read(PC), g - now)
            now = g
            self.snap_index.append(g)
            self.snaps.append(self.save())

    # --- faulted runs ------------------------------------------------------
    def reach(self, g):
        """Restores the state just before golden instruction g executes."""
        k = bisect.bisect_right(self.snap_index, g) - 1
        self.restore(self.snaps[k])
        if g > self.snap_index[k]:
            self._run(self.uc.reg_read(PC), g - self.snap_index[k])
        pc = self.uc.reg_read(PC)
        if pc != self.trace[g]:
            raise HarnessError("scenario %d: instruction %d is at 0x%x, expected 0x%x"
                               % (self.scenario, g, pc, self.trace[g]))
        return pc

    def skip(self, pc, n):
        for _ in range(n):
            ins = self.image.instructions.get(pc)
            pc += ins.length if ins else 4
        return pc

    def step(self, pc):
        """Executes exactly one instruction; returns the next pc."""
        self._run(pc, 1)
        return self.uc.reg_read(PC)

    def run_fault(self, g, fault):
        """fault: ("skip", n) | ("flip", bit) | ("branch",) | ("double", n, gap)."""
        try:
            return self._run_fault(g, fault)
        finally:
            self.ff_enabled = False

    def _run_fault(self, g, fault):
        try:
            pc = self.reach(g)
            kind = fault[0]
            if kind == "skip":
                pc = self.skip(pc, fault[1])
            elif kind == "flip":
                rd = self.image.instructions[pc].rd
                pc = self.step(pc)
                self.uc.reg_write(REGS[rd], self.uc.reg_read(REGS[rd]) ^ (1 << fault[1]))
            elif kind == "branch":
                ins = self.image.instructions[pc]
                after = self.step(pc)
                fall = pc + ins.length
                pc = fall if after == ins.target else ins.target
            elif kind == "double":
                pc = self.skip(pc, fault[1])
                gap = fault[2]
                if gap:
                    self._run(pc, gap)
                    pc = self.uc.reg_read(PC)
                if pc != self.end:
                    pc = self.skip(pc, fault[1])
            if pc != self.end:
                # The double model counts its gap in golden instructions: no
                # replayed calls there.
                self.ff_enabled = kind != "double"
                self._run(pc, self.budget)
        except UcError as e:
            return self._outcome("crash", self._exit_reason(e))
        if self.uc.reg_read(PC) != self.end:
            return self._outcome("hang")
        return self._outcome("returned")

    def _outcome(self, kind, detail=""):
        uc = self.uc
        nvm = bytes(uc.mem_read(*self.nvm_range))
        ctx = bytes(uc.mem_read(*self.ctx_range))
        status = uc.reg_read(REGS[10]) & 0xffffffff if kind == "returned" else None
        output = self.read_u64(self.output_addr) if kind == "returned" else 0
        poisoned_only = ctx[:8] == POISONED_READY and ctx[8:] == self.ctx_before[8:]
        return Outcome(kind, status, nvm != self.nvm_before, ctx != self.ctx_before, output, detail,
                       poisoned_only)


def diff_spans(base, before, after):
    """(address, bytes) for each run of bytes that differ."""
    spans, i, n = [], 0, len(after)
    while i < n:
        if before[i] != after[i]:
            j = i
            while j < n and before[j] != after[j]:
                j += 1
            spans.append((base + i, after[i:j]))
            i = j
        else:
            i += 1
    return spans
