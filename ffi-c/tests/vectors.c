/*
 * Runs the conformance vectors (exported by tools/vectors/export_c.py) through the C API:
 * each frame decodes or fails exactly as the vector says, with the same fields, points and
 * error kind and offset as the Rust and Python suites check.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I ffi-c/include ffi-c/tests/vectors.c \
 *      target/debug/libcauseway.a -lpthread -ldl -lm -o vectors && ./vectors target/c-vectors.txt
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "causeway.h"

#define MAX_FRAME 1024
#define MAX_POINTS 128

static int hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *len) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > cap) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
    out[i] = (uint8_t)v;
  }
  *len = n / 2;
  return 0;
}

/* A point as the test keeps it. */
typedef struct {
  double value;
  int numeric;
  char unit[24];
} kept_point;

typedef struct {
  kept_point points[MAX_POINTS];
  size_t count;
} point_list;

static void keep_point(const causeway_point *p, void *user) {
  point_list *list = user;
  if (list->count >= MAX_POINTS) return;
  kept_point *k = &list->points[list->count++];
  k->numeric = p->value.kind == CAUSEWAY_VALUE_INT || p->value.kind == CAUSEWAY_VALUE_UINT ||
               p->value.kind == CAUSEWAY_VALUE_FLOAT || p->value.kind == CAUSEWAY_VALUE_DECIMAL;
  k->value = p->value.real;
  size_t n = p->unit.len < sizeof k->unit - 1 ? p->unit.len : sizeof k->unit - 1;
  memcpy(k->unit, p->unit.ptr, n);
  k->unit[n] = 0;
}

/* Seconds in causeway's duration units, for vectors that state durations in seconds. */
static double seconds(const char *unit) {
  if (!strcmp(unit, "s")) return 1;
  if (!strcmp(unit, "min")) return 60;
  if (!strcmp(unit, "h")) return 3600;
  if (!strcmp(unit, "d")) return 86400;
  return 0;
}

/* Converts a value in causeway's unit to the expected unit where the two differ by a factor. */
static int convert(double value, const char *from, const char *to, double *out) {
  if (!strcmp(from, to)) { *out = value; return 0; }
  if (seconds(from) > 0 && seconds(to) > 0) { *out = value * seconds(from) / seconds(to); return 0; }
  static const struct { const char *from, *to; double factor; } table[] = {
      {"Wh", "kWh", 1e-3}, {"m3", "l", 1e3}, {"Wh", "MWh", 1e-6}, {"J", "GJ", 1e-9}, {"kg", "t", 1e-3},
      {"W", "MW", 1e-6}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (!strcmp(table[i].from, from) && !strcmp(table[i].to, to)) { *out = value * table[i].factor; return 0; }
  return -1;
}

static const char *check_field(const char *checks, const char *key, char *buf, size_t cap) {
  size_t klen = strlen(key);
  for (const char *c = checks; c && *c;) {
    const char *end = strchr(c, '\t');
    size_t len = end ? (size_t)(end - c) : strlen(c);
    if (len > klen && !strncmp(c, key, klen) && c[klen] == '=') {
      size_t vlen = len - klen - 1 < cap - 1 ? len - klen - 1 : cap - 1;
      memcpy(buf, c + klen + 1, vlen);
      buf[vlen] = 0;
      return buf;
    }
    c = end ? end + 1 : NULL;
  }
  return NULL;
}

static int expect_uint(const char *checks, const char *key, unsigned long long got, const char *name) {
  char buf[64];
  if (!check_field(checks, key, buf, sizeof buf)) return 0;
  if (strtoull(buf, NULL, 10) != got) {
    fprintf(stderr, "%s: %s expected %s, got %llu\n", name, key, buf, got);
    return 1;
  }
  return 0;
}

static int run_modbus(const char *name, const char *proto, const char *role, const uint8_t *frame, size_t len,
                      causeway_error *err, const char *checks) {
  causeway_modbus_adu adu;
  uint8_t scratch[256];
  causeway_result r;
  if (!strcmp(proto, "modbus-tcp"))
    r = causeway_modbus_tcp_decode(frame, len, &adu, err);
  else if (!strcmp(proto, "modbus-ascii"))
    r = causeway_modbus_ascii_decode(frame, len, scratch, sizeof scratch, &adu, err);
  else
    r = causeway_modbus_rtu_decode(frame, len, &adu, err);
  if (r != CAUSEWAY_OK) return r;
  causeway_modbus_pdu pdu;
  causeway_direction dir = !strcmp(role, "response") ? CAUSEWAY_RESPONSE : CAUSEWAY_REQUEST;
  r = causeway_modbus_pdu_parse(dir, adu.pdu.ptr, adu.pdu.len, &pdu, err);
  if (r != CAUSEWAY_OK) {
    /* PDU offsets count from the function code; the vectors count from the start of the ADU
       (for ASCII in characters: ':' and two hex digits per byte, the unit id first). */
    if (!strcmp(proto, "modbus-tcp")) err->offset += 7;
    else if (!strcmp(proto, "modbus-ascii")) err->offset = 2 * err->offset + 3;
    else err->offset += 1;
    return r;
  }
  if (!checks) return CAUSEWAY_OK;
  int bad = 0;
  bad |= expect_uint(checks, "unit_id", adu.unit_id, name);
  if (!strcmp(proto, "modbus-tcp")) bad |= expect_uint(checks, "transaction_id", adu.transaction_id, name);
  bad |= expect_uint(checks, "function_code", pdu.function_code, name);
  bad |= expect_uint(checks, "exception_code", pdu.exception_code, name);
  bad |= expect_uint(checks, "address", pdu.address, name);
  bad |= expect_uint(checks, "quantity", pdu.quantity, name);
  char regs[2048];
  if (check_field(checks, "registers", regs, sizeof regs)) {
    size_t i = 0;
    for (char *tok = strtok(regs, ","); tok; tok = strtok(NULL, ","), i++) {
      uint16_t v;
      if (causeway_modbus_register(&pdu, i, &v) != CAUSEWAY_OK || v != strtoul(tok, NULL, 10)) {
        fprintf(stderr, "%s: register %zu expected %s\n", name, i, tok);
        bad = 1;
        break;
      }
    }
  }
  return bad ? -1 : CAUSEWAY_OK;
}

static int run_mbus(const char *name, const uint8_t *frame, size_t len, causeway_error *err, const char *checks) {
  causeway_mbus_frame f;
  causeway_result r = causeway_mbus_decode(frame, len, &f, err);
  if (r != CAUSEWAY_OK) return r;
  point_list list = {.count = 0};
  causeway_mbus_header header = {0};
  r = causeway_mbus_points(frame, len, &header, keep_point, &list, err);
  if (r != CAUSEWAY_OK) return r;
  if (!checks) return CAUSEWAY_OK;
  int bad = 0;
  bad |= expect_uint(checks, "c_field", f.c_field, name);
  bad |= expect_uint(checks, "ci", f.ci, name);
  char buf[64];
  if (check_field(checks, "id", buf, sizeof buf) && f.ci != 0x73) {
    char id[16];
    snprintf(id, sizeof id, "%08X", header.id);
    if (strcmp(id, buf)) { fprintf(stderr, "%s: id expected %s, got %s\n", name, buf, id); bad = 1; }
  }
  bad |= expect_uint(checks, "points", list.count, name);
  for (size_t i = 0; i < list.count; i++) {
    char key[32], spec[128];
    snprintf(key, sizeof key, "p%zu", i);
    if (!check_field(checks, key, spec, sizeof spec)) continue;
    char *unit = strchr(spec, '|');
    char *tol = unit ? strchr(unit + 1, '|') : NULL;
    if (!unit || !tol) { bad = 1; continue; }
    *unit++ = 0;
    *tol++ = 0;
    double want = strtod(spec, NULL), tolerance = strtod(tol, NULL), got;
    /* A point without a unit (a rate or limit VIFE leaves it open) is compared by value alone. */
    const char *have = list.points[i].unit[0] ? list.points[i].unit : unit;
    if (!list.points[i].numeric || convert(list.points[i].value, have, unit, &got) != 0 ||
        fabs(got - want) > tolerance + fabs(want) * 1e-12) {
      fprintf(stderr, "%s: point %zu expected %g %s, got %g %s\n", name, i, want, unit, list.points[i].value,
              list.points[i].unit);
      bad = 1;
    }
  }
  return bad ? -1 : CAUSEWAY_OK;
}

static int run_epa(const char *name, const uint8_t *frame, size_t len, causeway_error *err, const char *checks) {
  causeway_epa_frame f;
  causeway_result r = causeway_epa_decode(frame, len, 35004, &f, err);
  if (r != CAUSEWAY_OK) return r;
  point_list list = {.count = 0};
  r = causeway_epa_points(frame, len, 35004, keep_point, &list, err);
  if (r != CAUSEWAY_OK) return r;
  if (!checks) return CAUSEWAY_OK;
  int bad = 0;
  bad |= expect_uint(checks, "service", f.service, name);
  bad |= expect_uint(checks, "flags", f.flags, name);
  bad |= expect_uint(checks, "body_len", f.body_len, name);
  bad |= expect_uint(checks, "msg_id", f.msg_id, name);
  bad |= expect_uint(checks, "src_app", f.src_app, name);
  bad |= expect_uint(checks, "dst_app", f.dst_app, name);
  bad |= expect_uint(checks, "dst_obj", f.dst_obj, name);
  if (f.has_vlan) bad |= expect_uint(checks, "vlan_vid", f.vlan_vid, name);
  if (f.udp) bad |= expect_uint(checks, "udp_dst_port", f.udp_dst_port, name);
  bad |= expect_uint(checks, "attr", f.attr, name);
  bad |= expect_uint(checks, "status", f.status, name);
  bad |= expect_uint(checks, "quality", f.quality, name);
  bad |= expect_uint(checks, "ts_ns", f.ts_ns, name);
  bad |= expect_uint(checks, "event_id", f.event_id, name);
  bad |= expect_uint(checks, "domain_id", f.domain_id, name);
  bad |= expect_uint(checks, "block_seq", f.block_seq, name);
  if (f.has_value) bad |= expect_uint(checks, "type", f.value.type_code, name);
  bad |= expect_uint(checks, "points", list.count, name);
  for (size_t i = 0; i < list.count; i++) {
    char key[32], spec[128];
    snprintf(key, sizeof key, "p%zu", i);
    if (!check_field(checks, key, spec, sizeof spec)) continue;
    double want = strtod(spec, NULL);
    if (!list.points[i].numeric || fabs(list.points[i].value - want) > fabs(want) * 1e-12) {
      fprintf(stderr, "%s: point %zu expected %g, got %g\n", name, i, want, list.points[i].value);
      bad = 1;
    }
  }
  char flag[8];
  if (check_field(checks, "reencode", flag, sizeof flag)) {
    /* The decoded struct emits the same frame again. */
    static uint8_t again[MAX_FRAME];
    size_t n = 0;
    r = causeway_epa_emit(&f, again, sizeof again, &n, err);
    if (r != CAUSEWAY_OK || n != len || memcmp(again, frame, len) != 0) {
      fprintf(stderr, "%s: re-emitted frame differs (%s, %zu octets)\n", name, causeway_result_name(r), n);
      bad = 1;
    }
  }
  return bad ? -1 : CAUSEWAY_OK;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: %s c-vectors.txt\n", argv[0]); return 2; }
  FILE *in = fopen(argv[1], "r");
  if (!in) { perror(argv[1]); return 2; }
  static char line[16384];
  unsigned passed = 0, failed = 0;
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\n")] = 0;
    char *fields[6] = {0};
    char *p = line;
    for (int i = 0; i < 5 && p; i++) {
      fields[i] = p;
      p = strchr(p, '\t');
      if (p) *p++ = 0;
    }
    fields[5] = p; /* the rest: expectation and checks */
    const char *name = fields[0], *proto = fields[1], *role = fields[2], *hex = fields[3], *outcome = fields[4];
    if (!name || !outcome) continue;
    static uint8_t frame[MAX_FRAME];
    size_t len;
    if (hex_decode(hex, frame, sizeof frame, &len) != 0) { fprintf(stderr, "%s: bad hex\n", name); failed++; continue; }
    causeway_error err = {0};
    int r = !strcmp(proto, "mbus")    ? run_mbus(name, frame, len, &err, fields[5])
            : !strcmp(proto, "epa-s") ? run_epa(name, frame, len, &err, fields[5])
                                      : run_modbus(name, proto, role, frame, len, &err, fields[5]);
    int ok;
    if (!strcmp(outcome, "ok")) {
      ok = r == CAUSEWAY_OK;
      if (!ok && r != -1) {
        char msg[256];
        causeway_error_message(&err, (uint8_t *)msg, sizeof msg, NULL);
        fprintf(stderr, "%s: expected success, got %s\n", name, msg);
      }
    } else {
      char *kind = fields[5], *offset = kind ? strchr(kind, '\t') : NULL;
      if (offset) *offset++ = 0;
      ok = r > 0 && kind && !strcmp(causeway_result_name((causeway_result)r), kind) &&
           (!offset || !strcmp(offset, "-") || strtoul(offset, NULL, 10) == err.offset);
      if (!ok)
        fprintf(stderr, "%s: expected %s at %s, got %s at %zu\n", name, kind ? kind : "?", offset ? offset : "?",
                r > 0 ? causeway_result_name((causeway_result)r) : "success", err.offset);
    }
    ok ? passed++ : failed++;
  }
  fclose(in);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
