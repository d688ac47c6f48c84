"""The fault lists: which faults are tried at which golden instruction
instances, for the full campaign and for make test's subset
(docs/fault-injection.md, "Fault models" and "The make test subset").

A fault is (g, fault): g is the index of an instruction instance in the
golden run of the attacked call, counted from fault_attack_begin over every
instruction executed (libsodium and picolibc included), and fault is
  ("skip", n)       n = 1, 2 or 3 consecutive instructions, from g on, not executed
  ("flip", bit)     g executes, then `bit` of its destination register flips
  ("branch",)       g is a conditional branch and goes the other way
  ("double", 1, d)  g skipped, then the instruction d instructions later skipped
"""

import random

GENERAL_BITS = (0, 31, 63)      # lowest, middle and top bit of any other destination
DECISION_BITS = tuple(range(64))  # every bit of a value a decision rests on
DOUBLE_NEAR = 32                 # the near half of the double sample: second skip within this
# The tail's verdict code. Its decisions get every bit flipped; the decisions
# inside the point encoding (ge25519_tobytes, the field inversion's loop
# counters) get GENERAL_BITS: they can only make rcheck wrong or the loop end
# early or late, and all 64 bits of them would be half the campaign.
TAIL_VERDICT = {"_crypto_sign_ed25519_verify_detached", "crypto_sign_ed25519_verify_detached",
                "crypto_sign_verify_detached", "crypto_verify_32", "sodium_memcmp"}


def faultable(image, trace):
    """Indices of the golden trace that are fault targets: olic's own code, and
    libsodium's verification tail, from the return of the final scalar
    multiplication until control is back in olic. Returns (olic, tail); the
    harness's canary counts with olic."""
    olic, tail = [], []
    in_tail = False
    for g, a in enumerate(trace):
        if image.in_olic(a) or image.in_canary(a):
            in_tail = False
            olic.append(g)
        elif a == image.tail_start or in_tail:
            in_tail = True
            tail.append(g)
    return olic, tail


def model_of(fault):
    kind = fault[0]
    if kind == "skip":
        return "skip" if fault[1] == 1 else "skip%d" % fault[1]
    if kind in ("flip", "branch"):
        return "flip"
    return "double_skip"


def single_faults(image, trace, olic, tail, campaign):
    """Every single fault of the campaign, in a fixed order."""
    out = []
    tail_set = set(tail)
    for g in sorted(olic + tail):
        ins = image.instructions[trace[g]]
        full = campaign == "full"
        # make test: every instruction of olic under every skip model, and in
        # the tail every decision (the field arithmetic before the compares
        # can only make the compare fail; make fault covers it all).
        if full or g not in tail_set or ins.is_decision or ins.is_call:
            out.append((g, ("skip", 1)))
            out.append((g, ("skip", 2)))
            out.append((g, ("skip", 3)))
        if ins.is_branch:
            out.append((g, ("branch",)))
        if ins.rd is not None:
            if full:
                verdict = g not in tail_set or ins.symbol in TAIL_VERDICT
                bits = DECISION_BITS if ins.is_decision and verdict else GENERAL_BITS
            elif g in tail_set:
                bits = GENERAL_BITS if ins.is_decision else ()
            else:
                bits = GENERAL_BITS
            for b in bits:
                out.append((g, ("flip", b)))
    return out


def double_faults(olic, tail, count, seed):
    """A fixed sample of pairs of skips: half with the second within DOUBLE_NEAR
    instructions of the first (a twin check beside its original), half anywhere
    after it."""
    targets = sorted(olic + tail)
    if len(targets) < 2 or count == 0:
        return []
    rng = random.Random(seed)
    out = []
    for k in range(count):
        i = rng.randrange(len(targets) - 1)
        g = targets[i]
        if k % 2 == 0:
            d = rng.randint(1, DOUBLE_NEAR)
        else:
            d = targets[rng.randrange(i + 1, len(targets))] - g
        # The first skip removes one instruction: the second lands d
        # instructions after the first in time.
        out.append((g, ("double", 1, d - 1)))
    return out
