/* Instruction counts, the deterministic companion of make bench's timings.
   Each scenario is its own non-inlined function that makes REPS calls, so
   callgrind's inclusive count for it, divided by REPS, is the cost of one call,
   free of the machine's load and clock. count.sh runs this under callgrind and
   prints the table; set-up happens outside the scenario functions. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../fixtures.h"

enum { REPS = 10 };

static bench_key signer, stranger;
static bench_device devices[OLIC_MAX_TRUSTED_KEYS + 1]; /* [k]: trusts k keys */
static bench_license sized[4], valid, wrong_device, unknown_key, installs[REPS];
static bench_key cosigner;
static bench_device device_2of2;
/* v2 licenses with n = 2 for device_2of2 (and for another device), and the
   bare verification of one of their entries: the body with key 0's signature. */
static bench_license v2_valid, v2_wrong_device, v2_body;
static volatile unsigned sink;

static void verify(const bench_license *l) {
  size_t n = l->len - OLIC_SIGNATURE_SIZE;
  sink += (unsigned)crypto_sign_verify_detached(l->bytes + n, l->bytes, n, signer.public_key);
}

static void check(int keys, const bench_license *l) {
  sink += olic_check(&devices[keys].ctx, l->bytes, l->len, 0, NULL);
}

#define SCENARIO(name, call)                              \
  __attribute__((noinline)) void scenario_##name(void) { \
    for (int i = 0; i < REPS; i++) { call; }             \
  }

SCENARIO(verify_136, verify(&sized[0]))
SCENARIO(verify_256, verify(&sized[1]))
SCENARIO(verify_512, verify(&sized[2]))
SCENARIO(verify_1024, verify(&sized[3]))
SCENARIO(check_136, check(1, &sized[0]))
SCENARIO(check_256, check(1, &sized[1]))
SCENARIO(check_512, check(1, &sized[2]))
SCENARIO(check_1024, check(1, &sized[3]))
SCENARIO(parse_136, sink += olic_parse(sized[0].bytes, sized[0].len, NULL))
SCENARIO(parse_1024, sink += olic_parse(sized[3].bytes, sized[3].len, NULL))
SCENARIO(check_keys_1, check(1, &valid))
SCENARIO(check_keys_2, check(2, &valid))
SCENARIO(check_keys_4, check(4, &valid))
SCENARIO(check_keys_8, check(8, &valid))
SCENARIO(unknown_key_1, check(1, &unknown_key))
SCENARIO(unknown_key_2, check(2, &unknown_key))
SCENARIO(unknown_key_4, check(4, &unknown_key))
SCENARIO(unknown_key_8, check(8, &unknown_key))
SCENARIO(reject_device, check(1, &wrong_device))
SCENARIO(verify_v2_body, verify(&v2_body))
SCENARIO(check_v2_n2, sink += olic_check(&device_2of2.ctx, v2_valid.bytes, v2_valid.len, 0, NULL))
SCENARIO(reject_v2_device,
         sink += olic_check(&device_2of2.ctx, v2_wrong_device.bytes, v2_wrong_device.len, 0, NULL))
SCENARIO(install, sink += olic_install(&devices[1].ctx, installs[i].bytes, installs[i].len, 0))
SCENARIO(reserve, do { uint64_t g; sink += olic_reserve(&devices[1].ctx, 1, &g); } while (0))

int main(void) {
  static const size_t sizes[4] = {136, 256, 512, 1024};
  if (sodium_init() < 0) return 1;
  bench_key_make(&signer, 0);
  bench_key_make(&stranger, 100);
  uint8_t other[OLIC_DEVICE_ID_SIZE];
  bench_device_id(other, 1);
  for (int k = 1; k <= OLIC_MAX_TRUSTED_KEYS; k++)
    if (bench_device_make(&devices[k], (size_t)k)) return 1;
  const uint8_t *id = devices[1].device_id;
  for (int i = 0; i < 4; i++)
    if (bench_license_make(&sized[i], &signer, id, 5, 1000, sizes[i])) return 1;
  for (int i = 0; i < REPS; i++)
    if (bench_license_make(&installs[i], &signer, id, 100 + (uint64_t)i, 1000, 136)) return 1;
  if (bench_license_make(&valid, &signer, id, 5, 1000, 136) ||
      bench_license_make(&wrong_device, &signer, other, 5, 1000, 136) ||
      bench_license_make(&unknown_key, &stranger, id, 5, 1000, 136))
    return 1;

  bench_key_make(&cosigner, 1);
  const bench_key *pair[2] = {&signer, &cosigner};
  size_t body_end = 0;
  if (bench_device_make_threshold(&device_2of2, 2, 2) ||
      bench_license_v2_make(&v2_valid, pair, 2, device_2of2.device_id, 5, &body_end) ||
      bench_license_v2_make(&v2_wrong_device, pair, 2, other, 5, NULL))
    return 1;
  uint8_t id0[OLIC_KEY_ID_SIZE];
  if (olic_key_id(signer.public_key, id0) != OLIC_OK) return 1;
  size_t entry = body_end + (memcmp(v2_valid.bytes + body_end, id0, sizeof id0) == 0 ? 0 : OLIC_SIGNATURE_ENTRY_SIZE);
  memcpy(v2_body.bytes, v2_valid.bytes, body_end);
  memcpy(v2_body.bytes + body_end, v2_valid.bytes + entry + OLIC_KEY_ID_SIZE, OLIC_SIGNATURE_SIZE);
  v2_body.len = body_end + OLIC_SIGNATURE_SIZE;
  if (crypto_sign_verify_detached(v2_body.bytes + body_end, v2_body.bytes, body_end, signer.public_key) != 0 ||
      olic_check(&device_2of2.ctx, v2_valid.bytes, v2_valid.len, 0, NULL) != OLIC_OK ||
      olic_check(&device_2of2.ctx, v2_wrong_device.bytes, v2_wrong_device.len, 0, NULL) != OLIC_ERR_DEVICE)
    return 1;

  /* Every scenario must take the path it is named after. */
  for (int k = 1; k <= OLIC_MAX_TRUSTED_KEYS; k++)
    if (olic_check(&devices[k].ctx, valid.bytes, valid.len, 0, NULL) != OLIC_OK ||
        olic_check(&devices[k].ctx, unknown_key.bytes, unknown_key.len, 0, NULL) != OLIC_ERR_UNKNOWN_KEY)
      return 1;
  for (int i = 0; i < 4; i++)
    if (olic_check(&devices[1].ctx, sized[i].bytes, sized[i].len, 0, NULL) != OLIC_OK) return 1;
  if (olic_check(&devices[1].ctx, wrong_device.bytes, wrong_device.len, 0, NULL) != OLIC_ERR_DEVICE)
    return 1;

  scenario_verify_136(); scenario_verify_256(); scenario_verify_512(); scenario_verify_1024();
  scenario_check_136(); scenario_check_256(); scenario_check_512(); scenario_check_1024();
  scenario_parse_136(); scenario_parse_1024();
  scenario_check_keys_1(); scenario_check_keys_2(); scenario_check_keys_4(); scenario_check_keys_8();
  scenario_unknown_key_1(); scenario_unknown_key_2(); scenario_unknown_key_4(); scenario_unknown_key_8();
  scenario_reject_device();
  scenario_verify_v2_body(); scenario_check_v2_n2(); scenario_reject_v2_device();
  scenario_install(); /* gives the allowance reserve spends */
  scenario_reserve();
  olic_state_info st;
  if (olic_state(&devices[1].ctx, &st) != OLIC_OK || st.last_license_id != 100 + REPS - 1 ||
      st.consumed_total != REPS) {
    fprintf(stderr, "count: install/reserve did not take effect\n");
    return 1;
  }
  printf("reps %d\n", REPS);
  return 0;
}
