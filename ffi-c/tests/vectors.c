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
               p->value.kind == CAUSEWAY_VALUE_FLOAT || p->value.kind == CAUSEWAY_VALUE_DECIMAL ||
               p->value.kind == CAUSEWAY_VALUE_DURATION;
  /* A duration (an M-Bus time of day) is kept in seconds. */
  k->value = p->value.kind == CAUSEWAY_VALUE_DURATION ? (double)p->value.duration_ns / 1e9 : p->value.real;
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
    /* A point without a unit (a rate or limit VIFE leaves it open), or an expectation without
       one, is compared by value alone. */
    const char *have = list.points[i].unit[0] && unit[0] ? list.points[i].unit : unit;
    if (!list.points[i].numeric || convert(list.points[i].value, have, unit, &got) != 0 ||
        fabs(got - want) > tolerance + fabs(want) * 1e-12) {
      fprintf(stderr, "%s: point %zu expected %g %s, got %g %s\n", name, i, want, unit, list.points[i].value,
              list.points[i].unit);
      bad = 1;
    }
  }
  return bad ? -1 : CAUSEWAY_OK;
}

/* The point count and the exact numeric values `p<i>=<value>` the checks name. */
static int check_points(const char *checks, const point_list *list, const char *name) {
  int bad = expect_uint(checks, "points", list->count, name);
  for (size_t i = 0; i < list->count; i++) {
    char key[32], spec[128];
    snprintf(key, sizeof key, "p%zu", i);
    if (!check_field(checks, key, spec, sizeof spec)) continue;
    double want = strtod(spec, NULL);
    if (!list->points[i].numeric || fabs(list->points[i].value - want) > fabs(want) * 1e-12) {
      fprintf(stderr, "%s: point %zu expected %g, got %g\n", name, i, want, list->points[i].value);
      bad = 1;
    }
  }
  return bad;
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
  bad |= check_points(checks, &list, name);
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

/* The keys and address mappings of a wpan line: keys=<hex>:<index|->,... addresses=<pan>:<short>:<ext>,... */
typedef struct {
  causeway_wpan_key keys[CAUSEWAY_WPAN_MAX_KEYS];
  causeway_wpan_address addresses[CAUSEWAY_WPAN_MAX_ADDRESSES];
  causeway_wpan_keys table;
} key_table;

static void read_keys(const char *checks, key_table *t) {
  memset(t, 0, sizeof *t);
  t->table.keys = t->keys;
  t->table.addresses = t->addresses;
  char buf[1024];
  if (checks && check_field(checks, "keys", buf, sizeof buf)) {
    for (char *tok = strtok(buf, ","); tok && t->table.n_keys < CAUSEWAY_WPAN_MAX_KEYS; tok = strtok(NULL, ",")) {
      causeway_wpan_key *k = &t->keys[t->table.n_keys++];
      char *index = strchr(tok, ':');
      if (index) *index++ = 0;
      size_t n;
      hex_decode(tok, k->key, sizeof k->key, &n);
      if (index && strcmp(index, "-")) {
        k->has_key_index = true;
        k->key_index = (uint8_t)strtoul(index, NULL, 10);
      }
    }
  }
  if (checks && check_field(checks, "addresses", buf, sizeof buf)) {
    for (char *tok = strtok(buf, ","); tok && t->table.n_addresses < CAUSEWAY_WPAN_MAX_ADDRESSES;
         tok = strtok(NULL, ",")) {
      causeway_wpan_address *a = &t->addresses[t->table.n_addresses++];
      unsigned pan, short_addr;
      unsigned long long ext;
      if (sscanf(tok, "%u:%u:%llu", &pan, &short_addr, &ext) == 3) {
        a->pan = (uint16_t)pan;
        a->short_addr = (uint16_t)short_addr;
        a->ext = ext;
      }
    }
  }
}

static int run_wpan(const char *name, const char *proto, const uint8_t *frame, size_t len, causeway_error *err,
                    const char *checks) {
  bool with_fcs = !strcmp(proto, "wpan");
  key_table keys;
  read_keys(checks, &keys);
  causeway_wpan_frame f;
  causeway_result r = causeway_wpan_decode(frame, len, with_fcs, &f, err);
  if (r != CAUSEWAY_OK) return r;
  bool decrypted = !f.security || (f.security_control & 7) == 0 || keys.table.n_keys > 0;
  static uint8_t plain[MAX_FRAME];
  size_t plen = 0;
  causeway_wpan_payload p = {0};
  causeway_wpal_packet w = {0};
  bool has_wpal = false;
  point_list list = {.count = 0};
  if (decrypted) {
    r = causeway_wpan_unsecure(frame, len, with_fcs, &keys.table, plain, sizeof plain, &plen, err);
    if (r != CAUSEWAY_OK) return r;
    r = causeway_wpan_payload_decode(&f, plain, plen, &p, err);
    if (r != CAUSEWAY_OK) return r;
    if (f.frame_type == 1 && p.content == CAUSEWAY_WPAN_DATA && p.data.len > 0) {
      r = causeway_wpal_decode(p.data.ptr, p.data.len, &w, err);
      if (r != CAUSEWAY_OK) {
        err->offset += (size_t)(p.data.ptr - plain) + (len - f.payload.len - f.mic.len - (with_fcs ? 2 : 0));
        return r;
      }
      has_wpal = true;
    }
    r = causeway_wpan_points(frame, len, with_fcs, &keys.table, keep_point, &list, err);
    if (r != CAUSEWAY_OK) return r;
  }
  if (!checks) return CAUSEWAY_OK;
  int bad = 0;
  bad |= expect_uint(checks, "frame_type", f.frame_type, name);
  bad |= expect_uint(checks, "version", f.version, name);
  if (f.has_seq) bad |= expect_uint(checks, "seq", f.seq, name);
  if (f.has_dst_pan) bad |= expect_uint(checks, "dst_pan", f.dst_pan, name);
  if (f.has_src_pan) bad |= expect_uint(checks, "src_pan", f.src_pan, name);
  bad |= expect_uint(checks, "dst_mode", f.dst_addr_mode, name);
  bad |= expect_uint(checks, "dst_addr", f.dst_addr, name);
  bad |= expect_uint(checks, "src_mode", f.src_addr_mode, name);
  bad |= expect_uint(checks, "src_addr", f.src_addr, name);
  bad |= expect_uint(checks, "security", f.security, name);
  if (f.security) {
    bad |= expect_uint(checks, "level", f.security_control & 7, name);
    bad |= expect_uint(checks, "key_id_mode", (f.security_control >> 3) & 3, name);
    bad |= expect_uint(checks, "frame_counter", f.frame_counter, name);
    bad |= expect_uint(checks, "key_index", f.key_index, name);
    bad |= expect_uint(checks, "decrypted", decrypted, name);
  }
  if (decrypted) {
    bad |= expect_uint(checks, "content", p.content, name);
    if (p.content == CAUSEWAY_WPAN_COMMAND) bad |= expect_uint(checks, "command_id", p.command_id, name);
    if (p.content == CAUSEWAY_WPAN_BEACON) bad |= expect_uint(checks, "superframe_spec", p.superframe_spec, name);
  }
  if (has_wpal && w.dlsl_type == 0) {
    bad |= expect_uint(checks, "nl_type", w.nl_type, name);
    bad |= expect_uint(checks, "nl_dst", w.nl_dst, name);
    bad |= expect_uint(checks, "nl_src", w.nl_src, name);
    if (w.body == CAUSEWAY_WPAL_PDU) {
      bad |= expect_uint(checks, "service", w.pdu.service, name);
      bad |= expect_uint(checks, "attr", w.pdu.attr, name);
      bad |= expect_uint(checks, "status", w.pdu.status, name);
      bad |= expect_uint(checks, "event_id", w.pdu.event_id, name);
      if (w.pdu.has_value) bad |= expect_uint(checks, "type", w.pdu.value.type_code, name);
    }
    if (w.body == CAUSEWAY_WPAL_AGGREGATE) {
      bad |= expect_uint(checks, "aggregate_count", w.aggregate_count, name);
      /* Every entry reads back; one past the last is the end. */
      for (size_t i = 0; i <= w.aggregate_count; i++) {
        uint16_t src;
        causeway_wpal_pdu pdu;
        causeway_result e = causeway_wpal_aggregate_entry(w.data.ptr, w.data.len, i, &src, &pdu, err);
        if (e != (i < w.aggregate_count ? CAUSEWAY_OK : CAUSEWAY_END)) {
          fprintf(stderr, "%s: aggregate entry %zu: %s\n", name, i, causeway_result_name(e));
          bad = 1;
        }
      }
    }
    /* The decoded packet emits its payload again. */
    static uint8_t again[MAX_FRAME];
    size_t n = 0;
    r = causeway_wpal_emit(&w, again, sizeof again, &n, err);
    if (r != CAUSEWAY_OK || n != p.data.len || memcmp(again, p.data.ptr, n) != 0) {
      fprintf(stderr, "%s: re-emitted WPA-L payload differs (%s, %zu octets)\n", name, causeway_result_name(r), n);
      bad = 1;
    }
  }
  if (decrypted) bad |= check_points(checks, &list, name);
  char flag[8];
  if (check_field(checks, "reencode", flag, sizeof flag)) {
    /* The decoded header with the clear payload (rebuilt from its parts) builds the same frame, secured
       again with the same key. */
    static uint8_t clear[MAX_FRAME], again[MAX_FRAME];
    size_t clen = 0, n = 0;
    r = causeway_wpan_payload_emit(&p, clear, sizeof clear, &clen, err);
    if (r != CAUSEWAY_OK || clen != plen || memcmp(clear, plain, plen) != 0) {
      fprintf(stderr, "%s: re-emitted MAC payload differs (%s)\n", name, causeway_result_name(r));
      bad = 1;
    }
    f.payload = (causeway_bytes){.ptr = clear, .len = clen};
    r = causeway_wpan_emit(&f, &keys.table, with_fcs, again, sizeof again, &n, err);
    if (r != CAUSEWAY_OK || n != len || memcmp(again, frame, len) != 0) {
      fprintf(stderr, "%s: re-emitted frame differs (%s, %zu octets)\n", name, causeway_result_name(r), n);
      bad = 1;
    }
  }
  return bad ? -1 : CAUSEWAY_OK;
}

/* A reassembly line: fragments (comma-separated frames) pushed in order into caller memory. */
static int run_reassembly(const char *name, const char *frames, const char *checks) {
  static _Alignas(16) uint8_t mem[1024];
  static uint8_t storage[65536];
  char buf[64];
  size_t capacity = check_field(checks, "capacity", buf, sizeof buf) ? strtoul(buf, NULL, 10) : sizeof storage;
  if (capacity > sizeof storage || causeway_wpal_reassembly_size() > sizeof mem) {
    fprintf(stderr, "%s: %zu octets of object memory needed\n", name, causeway_wpal_reassembly_size());
    return -1;
  }
  causeway_wpal_reassembly *r = NULL;
  if (causeway_wpal_reassembly_init_in(mem, sizeof mem, storage, capacity, &r) != CAUSEWAY_OK) return -1;
  static char list[8192];
  snprintf(list, sizeof list, "%s", frames);
  causeway_bytes packet = {0};
  uint8_t nl_type = 0;
  causeway_result last = CAUSEWAY_NEED_MORE;
  size_t index = 0;
  causeway_error err = {0};
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","), index++) {
    static uint8_t frame[MAX_FRAME];
    size_t len;
    if (hex_decode(tok, frame, sizeof frame, &len) != 0) return -1;
    last = causeway_wpal_reassembly_push(r, frame, len, true, NULL, &packet, &nl_type, &err);
    if (last != CAUSEWAY_OK && last != CAUSEWAY_NEED_MORE) break;
  }
  char want[64], at[16];
  if (check_field(checks, "error", want, sizeof want)) {
    check_field(checks, "fragment", at, sizeof at);
    if (last == CAUSEWAY_OK || last == CAUSEWAY_NEED_MORE || strcmp(causeway_result_name(last), want) ||
        strtoul(at, NULL, 10) != index) {
      fprintf(stderr, "%s: expected %s at fragment %s, got %s at %zu\n", name, want, at, causeway_result_name(last),
              index);
      return -1;
    }
    return CAUSEWAY_OK;
  }
  static char hex[4096], got[4096];
  check_field(checks, "packet", hex, sizeof hex);
  for (size_t i = 0; i < packet.len && 2 * i + 2 < sizeof got; i++) snprintf(got + 2 * i, 3, "%02x", packet.ptr[i]);
  got[2 * packet.len < sizeof got ? 2 * packet.len : 0] = 0;
  if (last != CAUSEWAY_OK || strcmp(got, hex)) {
    fprintf(stderr, "%s: reassembled %s (%s), expected %s\n", name, got, causeway_result_name(last), hex);
    return -1;
  }
  causeway_wpal_packet body;
  point_list points = {.count = 0};
  if (causeway_wpal_decode_body(nl_type, packet.ptr, packet.len, &body, &err) != CAUSEWAY_OK ||
      causeway_wpal_reassembly_points(r, keep_point, &points, &err) != CAUSEWAY_OK)
    return -1;
  return check_points(checks, &points, name) ? -1 : CAUSEWAY_OK;
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
    bool many = !strcmp(proto, "wpa-l-reassembly"); /* several frames, decoded by their runner */
    if (many) len = 0;
    else if (hex_decode(hex, frame, sizeof frame, &len) != 0) {
      fprintf(stderr, "%s: bad hex\n", name);
      failed++;
      continue;
    }
    causeway_error err = {0};
    int r = !strcmp(proto, "mbus")                ? run_mbus(name, frame, len, &err, fields[5])
            : !strcmp(proto, "epa-s")             ? run_epa(name, frame, len, &err, fields[5])
            : !strncmp(proto, "wpan", 4)          ? run_wpan(name, proto, frame, len, &err, fields[5])
            : !strcmp(proto, "wpa-l-reassembly") ? run_reassembly(name, hex, fields[5])
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
