/*
 * Reset entry and trap vector. QEMU starts hart 0 here in machine mode, with
 * no firmware below us (-bios none).
 */
    /* The image is built for rv64imac so that GCC picks picolibc's rv64imac/lp64
       multilib; only this file needs the CSR instructions on top of it. */
    .option arch, +zicsr
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax          /* gp is not set yet, so do not relax against it */
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      t0, trap_entry
    csrw    mtvec, t0

    /* .bss is NOLOAD: zero it here. .data was loaded by QEMU's ELF loader (a
       ROM-resident port copies it from its load address instead). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    call    main
    call    platform_exit      /* main's return value is the QEMU exit status */
3:  wfi
    j       3b

/* Any exception (an illegal instruction from a Swift trap, a bad access) ends
   the run with a report and a failing status, never a silent hang. */
    .section .text.trap, "ax"
    .align  4
trap_entry:
    la      sp, __stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    platform_trap
4:  j       4b
