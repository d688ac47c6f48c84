/* Exit status through the virt machine's sifive_test device at 0x100000:
   QEMU exits with status 0 on FINISHER_PASS, and with `code` on
   (code << 16) | FINISHER_FAIL. So `make qemu` sees the scenario's verdict. */
#include "platform.h"

#define TEST_DEVICE ((volatile uint32_t *)0x100000u)
#define FINISHER_FAIL 0x3333u
#define FINISHER_PASS 0x5555u

void platform_exit(int status) {
  if (status == 0) {
    *TEST_DEVICE = FINISHER_PASS;
  } else {
    /* Status codes above 0xffff do not fit; any failure must stay a failure. */
    uint32_t code = (status > 0 && status <= 0xffff) ? (uint32_t)status : 1u;
    *TEST_DEVICE = (code << 16) | FINISHER_FAIL;
  }
  for (;;) {
    __asm__ volatile("wfi");
  }
}

void platform_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval) {
  console_puts("TRAP mcause=");
  console_put_u64(mcause);
  console_puts(" mepc=0x");
  uint8_t pc[8];
  for (int i = 0; i < 8; i++) {
    pc[i] = (uint8_t)(mepc >> (56 - 8 * i));
  }
  console_put_hex(pc, sizeof pc);
  console_puts(" mtval=");
  console_put_u64(mtval);
  console_newline();
  platform_exit(3);
}

/* libsodium calls abort() on API misuse (sodium_misuse); picolibc's abort
   needs an OS. Here it ends the run as a failure. */
void abort(void) {
  console_puts("FATAL abort");
  console_newline();
  platform_exit(6);
}

/* Failed assert() in libsodium (picolibc's version prints through stdio). */
void __assert_func(const char *file, int line, const char *func, const char *expr) {
  (void)func;
  console_puts("FATAL assertion failed: ");
  console_puts(expr);
  console_puts(" at ");
  console_puts(file);
  console_puts(":");
  console_put_u64((uint64_t)line);
  console_newline();
  platform_exit(6);
}
