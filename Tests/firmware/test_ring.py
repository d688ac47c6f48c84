#!/usr/bin/env python3
"""Process tests of the mock firmware on NVMs larger than the minimum (--nvm-size).

The ring of record slots (docs/format.md, "State in secure NVM") is exercised
through the firmware as an operator would: the power-cut sweep at 1000 bytes
(8 slots, not a multiple of the 128-byte stride) and 4 KiB (32 slots), each
long enough to cut the commit that wraps from the last slot to the first, and a
device provisioned by the previous release booting from its NVM image.

Reuses run_tests.py's runner; the last line is "N passed, M failed".
"""
import os
import shutil

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import run_tests as rt
from run_tests import Chip, expect, expect_eq, expect_exit, run_fw

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "nvm-v1")
STRIDE, RECORD, MAX_SLOTS = 128, 96, 512
MAGIC = b"OLST\x01\x00\x00\x00"

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def slots(size):
    return min((size - RECORD) // STRIDE + 1, MAX_SLOTS)


def generations(nvm):
    """Generation claimed by each slot's header, 0 where the header is not olic's."""
    data = open(nvm, "rb").read()
    out = []
    for i in range(slots(len(data))):
        h = data[i * STRIDE:i * STRIDE + 16]
        out.append(int.from_bytes(h[8:16], "little") if h[:8] == MAGIC else 0)
    return out


@test
def nvm_size_usage(ctx):
    chip = Chip(ctx, "nvm-size-usage")
    base = chip.args()
    for args, msg in [
        (base + ["--nvm-size", "255"], "--nvm-size 255: not a decimal integer in 256..16777216"),
        (base + ["--nvm-size", "16777217"], "--nvm-size 16777217: not a decimal integer in 256..16777216"),
        (base + ["--nvm-size", "4k"], "--nvm-size 4k: not a decimal integer"),
        (base + ["--nvm-size"], "--nvm-size: needs a value"),
        (base + ["--nvm-size", "4096", "--nvm-size", "4096"], "--nvm-size: given twice"),
    ]:
        r = run_fw(ctx, args)
        expect_exit(r, 2)
        expect(msg in r.stderr, f"stderr lacks {msg!r}\n{r.describe()}")
    _, help_text = run_fw(ctx, ["--help"])
    expect("--nvm-size BYTES" in help_text, "help names --nvm-size")


@test
def nvm_size_creates_and_checks_the_image(ctx):
    chip = Chip(ctx, "nvm-size-file")
    chip.license("a.olic", 1, 10_000)
    r = chip.run("--nvm-size", 4096, "--work", 3500, "--chunk", 100, provision=True)
    expect_exit(r, 0)
    expect_eq(os.path.getsize(chip.nvm), 4096, "NVM file size")
    # provision, install, 35 reservations: 37 commits round 32 slots.
    expect_eq(r.summary["nvm_writes"], 37, "writes")
    g = generations(chip.nvm)
    expect_eq(g, [33, 34, 35, 36, 37] + list(range(6, 33)), "generation in each slot")
    data = open(chip.nvm, "rb").read()
    expect(all(data[i * STRIDE + RECORD:(i + 1) * STRIDE] == b"\xff" * 32 for i in range(32)),
           "the gaps between records are never written")
    # The same file under another size is not this device's NVM.
    for size in ("256", "4095", "8192"):
        r = chip.run("--nvm-size", size)
        expect_exit(r, 5)
        expect(f"4096 bytes, expected {size} (--nvm-size): not this device's NVM image" in r.stderr,
               r.describe())
    r = chip.run()
    expect_exit(r, 5)
    expect("4096 bytes, expected 256 (--nvm-size)" in r.stderr, "the default size is 256\n" + r.describe())
    r = chip.run("--nvm-size", 4096, "--json")
    expect_exit(r, 0)
    expect_eq(r.one("boot")["remaining"], 6500, "state after reboot")
    expect_eq(r.summary["nvm_writes"], 0, "a boot writes nothing")


def ring_sweep(ctx, name, size, allowance, work, chunk):
    n = rt.sweep(ctx, name, allowance, ["--work", work, "--nvm-size", size], chunk)
    expect(n > slots(size), f"{name}: {n} writes do not reach the wrap of {slots(size)} slots")


@test
def power_cut_sweep_1000_bytes(ctx):
    # 8 slots; provision, install, 12 reservations, exhaustion, a request: 15 writes,
    # so the sweep cuts the wrap (write 9, slot 7 -> slot 0) and the lap after it.
    ring_sweep(ctx, "sweep-1000", 1000, 6000, 7000, 500)


@test
def power_cut_sweep_4096_bytes(ctx):
    # 32 slots; 34 reservations: write 33 wraps to slot 0.
    ring_sweep(ctx, "sweep-4096", 4096, 6800, 7000, 200)


def fixture_chip(ctx, name):
    """A Chip with the keys of Tests/fixtures/gen_nvm_v1.c: regulator seed 11 x 32,
    device seed 22 x 32."""
    chip = Chip(ctx, name)
    for who, seed in (("fixture-regulator", 0x11), ("fixture-device", 0x22)):
        key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
        pk = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        with open(chip.path(who + ".pk"), "w") as f:
            f.write(pk.hex())
        with open(chip.path(who + ".sk"), "w") as f:
            f.write((bytes([seed]) * 32 + pk).hex())
    chip.reg = chip.path("fixture-regulator")
    chip.trusted = [chip.reg + ".pk"]
    chip.device_key = chip.path("fixture-device") + ".sk"
    return chip


def manifest():
    for line in open(os.path.join(FIXTURES, "manifest.txt")):
        if line.startswith("#"):
            continue
        f = line.split()
        yield f[0], [int(x) for x in f[1:]]


@test
def field_images_boot_and_go_on(ctx):
    count = 0
    for name, v in manifest():
        size, generation, slot, lid, remaining, consumed, seq, thw, fw = v
        chip = fixture_chip(ctx, "field-" + name)
        shutil.copyfile(os.path.join(FIXTURES, name + ".nvm"), chip.nvm)
        common = ["--nvm-size", size, "--firmware-version", fw, "--json"]
        r = chip.run(*common)
        expect_exit(r, 0)
        boot = r.one("boot")
        got = [boot[k] for k in ("last_license_id", "remaining", "consumed_total",
                                 "request_sequence", "time_high_water")]
        expect_eq(got, [lid, remaining, consumed, seq, thw], f"{name}: state the old release left")
        expect_eq(r.summary["nvm_writes"], 0, f"{name}: boot writes nothing")
        # Go on: a full lap and more of reservations, then reboot.
        n = slots(size)
        if remaining:
            work = min(remaining, n + 2)
            r = chip.run(*common, "--work", work, "--chunk", 1)
            expect_exit(r, 0)
            expect_eq(r.summary["nvm_writes"], work, f"{name}: one write per reservation")
            r = chip.run(*common)
            expect_eq(r.one("boot")["remaining"], remaining - work, f"{name}: after the lap")
            g = generations(chip.nvm)
            expect_eq(max(g), generation + work, f"{name}: newest generation")
            expect_eq(g.index(max(g)), (slot + work) % n, f"{name}: newest slot")
        count += 1
    expect_eq(count, 16, "fixture images")


if __name__ == "__main__":
    rt.TESTS[:] = TESTS
    rt.main()
