/* Budgets live here and only here; the verdicts are computed
   from measured values, never stored. */
#include "report.h"

#include <inttypes.h>
#include <string.h>

typedef enum { BUDGET_NONE, BUDGET_MAX, BUDGET_MIN, BUDGET_EQUAL } budget_kind;

typedef enum { VERDICT_NONE, VERDICT_PASS, VERDICT_FAIL, VERDICT_PENDING } verdict;

typedef struct metric {
  const char *key;
  bool present;        /* false: null in the JSON */
  double value;
  const char *format;  /* printf format of the value */
  budget_kind kind;
  double budget;
  const char *note;    /* why it is null, or NULL */
  bool must_measure;   /* null is a failure rather than "pending" */
  bool forced_fail;    /* measured but unusable (e.g. stack paint used up) */
} metric;

static verdict judge(const metric *m) {
  if (m->kind == BUDGET_NONE) return VERDICT_NONE;
  if (m->forced_fail) return VERDICT_FAIL;
  if (!m->present) return m->must_measure ? VERDICT_FAIL : VERDICT_PENDING;
  switch (m->kind) {
  case BUDGET_MAX: return m->value <= m->budget ? VERDICT_PASS : VERDICT_FAIL;
  case BUDGET_MIN: return m->value >= m->budget ? VERDICT_PASS : VERDICT_FAIL;
  case BUDGET_EQUAL: return m->value == m->budget ? VERDICT_PASS : VERDICT_FAIL;
  case BUDGET_NONE: break;
  }
  return VERDICT_NONE;
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

/* `"key": bytes` (null when not measured), then `"key_note": note`. */
static void json_bytes(FILE *f, const char *key, bool measured, uint64_t bytes, const char *note) {
  if (measured) {
    fprintf(f, "  \"%s\": %" PRIu64 ",\n", key, bytes);
  } else {
    fprintf(f, "  \"%s\": null,\n", key);
  }
  fprintf(f, "  \"%s_note\": ", key);
  json_string(f, note);
  fputs(",\n", f);
}

static const char *budget_word(budget_kind k) {
  return k == BUDGET_MAX ? "max" : k == BUDGET_MIN ? "min" : "equal";
}

static const char *budget_symbol(budget_kind k) {
  return k == BUDGET_MAX ? "<=" : k == BUDGET_MIN ? ">=" : "==";
}

static const char *verdict_word(verdict v) {
  return v == VERDICT_PASS ? "pass" : v == VERDICT_FAIL ? "FAIL" : v == VERDICT_PENDING ? "pending" : "report";
}

enum { METRICS = 14 };

static void build_metrics(const bench_results *r, metric m[METRICS]) {
  const timing_results *t = &r->timing;
  const stack_results *s = &r->stack;
  size_t peak = s->check_max;
  if (s->check_min > peak) peak = s->check_min;
  if (s->install > peak) peak = s->install;
  if (s->reserve > peak) peak = s->reserve;
  /* The ring spreads writes evenly: no byte may take more than its 1/N share. */
  double wear = 0;
  for (int i = 0; i < RING_SIZES; i++) {
    const ring_size_result *z = &r->ring.size[i];
    double w = z->ideal_writes_per_byte ? (double)z->max_writes_per_byte / z->ideal_writes_per_byte : 1e9;
    if (w > wear) wear = w;
  }
  metric all[METRICS] = {
    {"check_over_verify", true, t->check_ns / t->verify_ns, "%.4f", BUDGET_MAX, 1.02, NULL, true, false},
    {"reject_over_verify", true, t->reject_ns / t->reject_verify_ns, "%.5f", BUDGET_MAX, 0.01, NULL, true, false},
    /* n = 2 signers: at most n x 1.01 bare verifications; a refusal before step 14, 1 % of one. */
    {"check_v2_n2_over_verify", true, r->threshold.check_ns / r->threshold.verify_ns, "%.4f", BUDGET_MAX, 2.02,
     NULL, true, false},
    {"reject_v2_over_verify", true, r->threshold.reject_ns / r->threshold.reject_verify_ns, "%.5f", BUDGET_MAX,
     0.01, NULL, true, false},
    {"parse_ns", true, t->parse_ns, "%.1f", BUDGET_NONE, 0, NULL, false, false},
    {"reserve_ns", true, t->reserve_ns, "%.1f", BUDGET_NONE, 0, NULL, false, false},
    {"install_writes", true, t->install_writes, "%g", BUDGET_EQUAL, 1, NULL, true, false},
    {"reserve_writes", true, t->reserve_writes, "%g", BUDGET_EQUAL, 1, NULL, true, false},
    /* Not one of the keys: the ABI's promise that a refused call writes nothing. */
    {"refused_install_writes", true, t->refused_install_writes, "%g", BUDGET_EQUAL, 0, NULL, true, false},
    {"text_bytes", r->sizes.text_measured, (double)r->sizes.text_bytes, "%.0f", BUDGET_MAX, 16384,
     r->sizes.text_measured ? NULL : r->sizes.text_note, true, false},
    {"stack_bytes", true, (double)peak, "%.0f", BUDGET_MAX, 8192, NULL, true, s->overflow},
    {"batch_over_sign", r->batch.measured, r->batch.ratio, "%.4f", BUDGET_MIN, 0.8,
     r->batch.measured ? NULL : r->batch.note, r->batch.failed, false},
    {"ledger_batch_over_batch", r->ledger_batch.measured, r->ledger_batch.ratio, "%.4f", BUDGET_MIN, 0.5,
     r->ledger_batch.measured ? NULL : r->ledger_batch.note, r->ledger_batch.failed, false},
    /* max_writes_per_byte_per_million_commits over ceil(1e6 / slots), worst size. */
    {"wear_over_ideal", true, wear, "%.4f", BUDGET_MAX, 1.0, NULL, true, false},
  };
  memcpy(m, all, sizeof all);
}

static void write_number(FILE *f, const metric *m) {
  if (!m->present) { fputs("null", f); return; }
  fprintf(f, m->format, m->value);
}

static void write_json(const bench_results *r, const machine_info *mi, const metric *m, bool ok,
                       FILE *f) {
  const timing_results *t = &r->timing;
  const stack_results *s = &r->stack;
  const batch_results *b = &r->batch;
  const scaling_results *sc = &r->scaling;
  fputs("{\n", f);
  for (int i = 0; i < METRICS; i++) {
    fprintf(f, "  \"%s\": ", m[i].key);
    write_number(f, &m[i]);
    fputs(",\n", f);
    if (m[i].note) {
      fprintf(f, "  \"%s_note\": ", m[i].key);
      json_string(f, m[i].note);
      fputs(",\n", f);
    }
  }
  fprintf(f, "  \"cross_text_bytes\": %s,\n", r->sizes.cross_present ? r->sizes.cross_json : "null");
  json_bytes(f, "tools_text_bytes", r->sizes.tools_measured, r->sizes.tools_bytes,
             "libolic-tools.a, the exports only tools call (olic_parse_proposal, "
             "olic_add_signature, olic_license_digest) with private copies of the core code they reach; "
             "a device does not link it, so it is reported, not budgeted");
  json_bytes(f, "hardening_text_bytes", r->sizes.hardening_measured, r->sizes.hardening_bytes,
             "the fault-hardening functions' own code in libolic.a (twins, "
             "faultDetected, helpers), from nm -S; what it inlines into the exports is not included: "
             "docs/performance.md has the core's text before and after");
  if (!r->sizes.cross_present) {
    fputs("  \"cross_text_bytes_note\": ", f);
    json_string(f, r->sizes.cross_note);
    fputs(",\n", f);
  }

  const ring_results *rg = &r->ring;
  fputs("  \"max_writes_per_byte_per_million_commits\": {", f);
  for (int i = 0; i < RING_SIZES; i++)
    fprintf(f, "%s\"%u\": %u", i ? ", " : "", rg->size[i].storage_bytes, rg->size[i].max_writes_per_byte);
  fputs("},\n  \"init_ns\": {", f);
  for (int i = 0; i < RING_SIZES; i++)
    fprintf(f, "%s\"%u\": %.1f", i ? ", " : "", rg->size[i].storage_bytes, rg->size[i].init_ns);
  fputs("},\n  \"init_after_torn_commit_ns\": {", f);
  for (int i = 0; i < RING_SIZES; i++)
    fprintf(f, "%s\"%u\": %.1f", i ? ", " : "", rg->size[i].storage_bytes, rg->size[i].init_torn_ns);
  fprintf(f, "},\n  \"ring\": {\"commits\": %u, \"slots\": {", rg->commits);
  for (int i = 0; i < RING_SIZES; i++)
    fprintf(f, "%s\"%u\": %u", i ? ", " : "", rg->size[i].storage_bytes, rg->size[i].slots);
  fputs("}, \"ideal_writes_per_byte\": {", f);
  for (int i = 0; i < RING_SIZES; i++)
    fprintf(f, "%s\"%u\": %u", i ? ", " : "", rg->size[i].storage_bytes, rg->size[i].ideal_writes_per_byte);
  fputs("}, \"method\": \"writes per byte offset counted in the storage write callback over that many olic_reserve calls after provision and one install; init on the ring afterwards, median of samples\"},\n", f);

  fputs("  \"budgets\": {", f);
  for (int i = 0, first = 1; i < METRICS; i++) {
    if (m[i].kind == BUDGET_NONE) continue;
    fprintf(f, "%s\n    \"%s\": {\"%s\": %g}", first ? "" : ",", m[i].key, budget_word(m[i].kind),
            m[i].budget);
    first = 0;
  }
  fputs("\n  },\n  \"pass\": {", f);
  for (int i = 0, first = 1; i < METRICS; i++) {
    verdict v = judge(&m[i]);
    if (v == VERDICT_NONE) continue;
    fprintf(f, "%s\n    \"%s\": %s", first ? "" : ",", m[i].key,
            v == VERDICT_PASS ? "true" : v == VERDICT_FAIL ? "false" : "null");
    first = 0;
  }
  fprintf(f, "\n  },\n  \"all_pass\": %s,\n", ok ? "true" : "false");

  fprintf(f, "  \"details\": {\n");
  fprintf(f, "    \"samples\": %zu,\n", t->samples);
  fprintf(f, "    \"check_ns\": %.1f, \"verify_ns\": %.1f, \"check_over_verify_median_of_pair_ratios\": %.4f,\n",
          t->check_ns, t->verify_ns, t->check_pair_ratio);
  fprintf(f, "    \"reject_ns\": %.1f, \"reject_verify_ns\": %.1f,\n", t->reject_ns, t->reject_verify_ns);
  fprintf(f, "    \"text_bytes_method\": \"size -B on libolic.a: Berkeley text, i.e. .text + .rodata and other read-only sections\",\n");
  fprintf(f, "    \"stack\": {\"region_bytes\": %zu, \"harness_bytes\": %zu, \"check_136\": %zu, "
             "\"check_1024\": %zu, \"install_1024\": %zu, \"reserve\": %zu, "
             "\"bare_verify\": %zu, \"overflow\": %s},\n",
          s->region_bytes, s->harness_bytes, s->check_min, s->check_max, s->install, s->reserve,
          s->verify_only,
          s->overflow ? "true" : "false");
  fprintf(f, "    \"batch\": {\"licenses\": %zu, \"samples\": %zu, \"out_dir_parent\": ", b->licenses,
          b->samples);
  json_string(f, b->out_parent);
  fputs(", \"out_dir_fs\": ", f);
  json_string(f, b->out_fs);
  if (b->measured)
    fprintf(f, ", \"batch_s\": %.4f, \"sign_s\": %.4f, \"batch_per_s\": %.1f, \"sign_per_s\": %.1f",
            b->batch_s, b->sign_s, b->batch_per_s, b->sign_per_s);
  fputs("},\n", f);
  const ledger_batch_results *lb = &r->ledger_batch;
  fprintf(f, "    \"ledger_batch\": {\"requests\": %zu, \"samples\": %zu", lb->requests, lb->samples);
  if (lb->measured)
    fprintf(f, ", \"ledger_s\": %.4f, \"registry_s\": %.4f, \"ledger_per_s\": %.1f, \"registry_per_s\": %.1f",
            lb->ledger_s, lb->plain_s, lb->ledger_per_s, lb->plain_per_s);
  fputs("}\n  },\n", f);

  fputs("  \"scaling\": {\n    \"license_size\": [", f);
  for (int i = 0; i < SCALE_SIZES; i++)
    fprintf(f, "%s\n      {\"bytes\": %zu, \"check_ns\": %.1f, \"verify_ns\": %.1f, \"check_over_verify\": %.4f, \"parse_ns\": %.1f}",
            i ? "," : "", sc->sizes[i], sc->size_check_ns[i], sc->size_verify_ns[i],
            sc->size_check_ns[i] / sc->size_verify_ns[i], sc->size_parse_ns[i]);
  fputs("\n    ],\n    \"trusted_keys\": [", f);
  for (int k = 0; k < SCALE_KEYS; k++)
    fprintf(f, "%s\n      {\"keys\": %d, \"check_ns\": %.1f, \"verify_ns\": %.1f, \"check_over_verify\": %.4f, \"unknown_key_reject_ns\": %.1f}",
            k ? "," : "", k + 1, sc->key_check_ns[k], sc->key_verify_ns[k],
            sc->key_check_ns[k] / sc->key_verify_ns[k], sc->key_unknown_ns[k]);
  fputs("\n    ]\n  },\n", f);

  fputs("  \"machine\": {\"uname\": ", f);
  json_string(f, mi->uname);
  fputs(", \"cpu\": ", f);
  json_string(f, mi->cpu);
  fprintf(f, ", \"cpus\": %ld, \"libsodium\": ", mi->cpus);
  json_string(f, mi->sodium);
  fputs(", \"loadavg_at_start\": ", f);
  json_string(f, mi->load_start);
  fputs(", \"loadavg_at_end\": ", f);
  json_string(f, mi->load_end);
  fputs("}\n}\n", f);
}

static void write_table(const bench_results *r, const machine_info *mi, const metric *m, FILE *f) {
  const timing_results *t = &r->timing;
  const scaling_results *sc = &r->scaling;
  fprintf(f, "olic bench on %s (%ld CPUs, load %s at the start), libsodium %s\n\n", mi->cpu,
          mi->cpus, mi->load_start, mi->sodium);
  fprintf(f, "| %-22s | %12s | %-10s | %-7s |\n", "key", "value", "budget", "result");
  fprintf(f, "|%s|%s|%s|%s|\n", "------------------------", "--------------", "------------", "---------");
  for (int i = 0; i < METRICS; i++) {
    char value[32] = "null", budget[24] = "";
    if (m[i].present) snprintf(value, sizeof value, m[i].format, m[i].value);
    if (m[i].kind != BUDGET_NONE) snprintf(budget, sizeof budget, "%s %g", budget_symbol(m[i].kind), m[i].budget);
    fprintf(f, "| %-22s | %12s | %-10s | %-7s |\n", m[i].key, value, budget, verdict_word(judge(&m[i])));
  }
  fprintf(f, "| %-22s | %12s | %-10s | %-7s |\n", "cross_text_bytes",
          r->sizes.cross_present ? "see below" : "null", "", "report");
  for (int i = 0; i < METRICS; i++)
    if (m[i].note) fprintf(f, "\n%s: %s", m[i].key, m[i].note);
  fprintf(f, "\ncross_text_bytes: %s\n", r->sizes.cross_present ? r->sizes.cross_json : r->sizes.cross_note);

  fprintf(f, "\n| storage bytes | slots | max writes per byte per %u commits | ideal | init ns | init ns after a torn commit |\n|---|---|---|---|---|---|\n",
          r->ring.commits);
  for (int i = 0; i < RING_SIZES; i++) {
    const ring_size_result *z = &r->ring.size[i];
    fprintf(f, "| %u | %u | %u | %u | %.0f | %.0f |\n", z->storage_bytes, z->slots,
            z->max_writes_per_byte, z->ideal_writes_per_byte, z->init_ns, z->init_torn_ns);
  }
  fprintf(f, "\nmedians of %zu interleaved samples: olic_check %.0f ns vs verify %.0f ns "
             "(median of pair ratios %.4f); wrong device %.0f ns vs verify %.0f ns\n",
          t->samples, t->check_ns, t->verify_ns, t->check_pair_ratio, t->reject_ns,
          t->reject_verify_ns);
  fprintf(f, "stack (net of a %zu-byte harness): check 136 B %zu, check 1024 B %zu, install %zu, "
             "reserve %zu; bare crypto_sign_verify_detached %zu\n",
          r->stack.harness_bytes, r->stack.check_min, r->stack.check_max, r->stack.install,
          r->stack.reserve, r->stack.verify_only);
  if (r->batch.measured)
    fprintf(f, "batch: %zu licenses written under %s (%s), olic batch %.0f/s, bare crypto_sign_detached %.0f/s\n",
            r->batch.licenses, r->batch.out_parent, r->batch.out_fs, r->batch.batch_per_s,
            r->batch.sign_per_s);
  if (r->ledger_batch.measured)
    fprintf(f, "ledger batch: %zu requests, olic batch --ledger %.0f/s, olic batch --registry %.0f/s\n",
            r->ledger_batch.requests, r->ledger_batch.ledger_per_s, r->ledger_batch.plain_per_s);

  fprintf(f, "\n| license bytes | olic_check ns | verify ns | check/verify | olic_parse ns |\n|---|---|---|---|---|\n");
  for (int i = 0; i < SCALE_SIZES; i++)
    fprintf(f, "| %zu | %.0f | %.0f | %.4f | %.1f |\n", sc->sizes[i], sc->size_check_ns[i],
            sc->size_verify_ns[i], sc->size_check_ns[i] / sc->size_verify_ns[i], sc->size_parse_ns[i]);
  fprintf(f, "\n| trusted keys | olic_check ns (signer last) | verify ns | check/verify | unknown-key reject ns |\n|---|---|---|---|---|\n");
  for (int k = 0; k < SCALE_KEYS; k++)
    fprintf(f, "| %d | %.0f | %.0f | %.4f | %.1f |\n", k + 1, sc->key_check_ns[k], sc->key_verify_ns[k],
            sc->key_check_ns[k] / sc->key_verify_ns[k], sc->key_unknown_ns[k]);
}

bool bench_report(const bench_results *r, const machine_info *mi, FILE *json, FILE *table) {
  metric m[METRICS];
  build_metrics(r, m);
  bool ok = true;
  for (int i = 0; i < METRICS; i++)
    if (judge(&m[i]) == VERDICT_FAIL) ok = false;
  write_json(r, mi, m, ok, json);
  write_table(r, mi, m, table);
  /* batch_over_sign gives olic batch every core against a one-core loop, so
     it means most when the other cores are free; say so when, before the bench
     itself ran, other work already filled them. */
  double load = 0;
  if (sscanf(mi->load_start, "%lf", &load) == 1 && mi->cpus > 0 && load > (double)mi->cpus - 1)
    fprintf(table, "\nwarning: load average %.2f on %ld CPUs: other work is running, and the "
                   "timings (batch_over_sign above all) carry its noise\n", load, mi->cpus);
  fprintf(table, "\nmake bench: %s\n", ok ? "every budget met" : "BUDGET MISSED");
  return ok;
}
