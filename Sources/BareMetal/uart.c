/* Console output on the virt machine's NS16550A UART at 0x10000000. QEMU
   needs no baud-rate set-up; a real UART would be initialised here. */
#include "platform.h"

#define UART_BASE ((volatile uint8_t *)0x10000000u)
#define UART_THR 0          /* transmit holding register */
#define UART_LSR 5          /* line status register */
#define UART_LSR_THRE 0x20  /* transmitter can take a byte */

static void uart_putc(char c) {
  while ((UART_BASE[UART_LSR] & UART_LSR_THRE) == 0) {
  }
  UART_BASE[UART_THR] = (uint8_t)c;
}

void console_puts(const char *s) {
  while (*s != '\0') {
    uart_putc(*s++);
  }
}

void console_newline(void) { uart_putc('\n'); }

void console_put_u64(uint64_t v) {
  char digits[20]; /* 2^64-1 has 20 decimal digits */
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0u);
  while (n > 0) {
    uart_putc(digits[--n]);
  }
}

void console_put_hex(const uint8_t *bytes, uint32_t len) {
  static const char hex[] = "0123456789abcdef";
  for (uint32_t i = 0; i < len; i++) {
    uart_putc(hex[bytes[i] >> 4]);
    uart_putc(hex[bytes[i] & 0x0fu]);
  }
}
