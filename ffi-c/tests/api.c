/*
 * The C API's contract: NULL pointers, zero-length and short buffers, outputs untouched on
 * failure, error messages, stream deframers on the heap and in caller storage, points, the M-Bus
 * master. Runs under AddressSanitizer/UBSan and valgrind in CI.
 */
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "causeway.h"
#include "check.h"


/* MODBUS over Serial Line V1.02 example: read 3 holding registers from 0x6B at server 0x11. */
static const uint8_t RTU_REQ[] = {0x11, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x76, 0x87};

static void null_and_short_buffers(void) {
  causeway_modbus_adu adu;
  causeway_error err;
  CHECK(causeway_modbus_rtu_decode(NULL, 8, &adu, &err) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_modbus_rtu_decode(RTU_REQ, sizeof RTU_REQ, NULL, &err) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_modbus_rtu_decode(RTU_REQ, 0, &adu, &err) == CAUSEWAY_TRUNCATED);
  CHECK(causeway_modbus_rtu_decode(RTU_REQ, sizeof RTU_REQ, &adu, NULL) == CAUSEWAY_OK);
  CHECK(adu.unit_id == 0x11 && adu.pdu.len == 5 && adu.pdu.ptr == RTU_REQ + 1);

  /* Outputs are untouched on failure. */
  uint8_t bad[sizeof RTU_REQ];
  memcpy(bad, RTU_REQ, sizeof bad);
  bad[7] ^= 1;
  causeway_modbus_adu before = {.unit_id = 99};
  CHECK(causeway_modbus_rtu_decode(bad, sizeof bad, &before, &err) == CAUSEWAY_CHECKSUM);
  CHECK(before.unit_id == 99);
  CHECK(err.offset == 6 && err.layer == CAUSEWAY_LAYER_MODBUS_RTU && err.expected == 0x8776 && err.found == 0x8676);

  char msg[128];
  size_t n = 0;
  CHECK(causeway_error_message(&err, (uint8_t *)msg, sizeof msg, &n) == CAUSEWAY_OK);
  CHECK(!strcmp(msg, "modbus-rtu at byte 6: checksum: expected 0x8776, found 0x8676") && n == strlen(msg));
  CHECK(causeway_error_message(&err, (uint8_t *)msg, 8, &n) == CAUSEWAY_BUFFER_TOO_SMALL);
  CHECK(causeway_error_message(NULL, (uint8_t *)msg, sizeof msg, &n) == CAUSEWAY_NULL_ARGUMENT);

  /* Emitting into a buffer that is too small writes nothing and says so. */
  uint8_t out[8];
  size_t len = 12345;
  CHECK(causeway_modbus_rtu_emit(0x11, RTU_REQ + 1, 5, out, 4, &len, NULL) == CAUSEWAY_BUFFER_TOO_SMALL);
  CHECK(len == 12345);
  CHECK(causeway_modbus_rtu_emit(0x11, RTU_REQ + 1, 5, out, sizeof out, &len, NULL) == CAUSEWAY_OK);
  CHECK(len == 8 && !memcmp(out, RTU_REQ, 8));
  CHECK(causeway_modbus_rtu_emit(0x11, RTU_REQ + 1, 5, NULL, 8, &len, NULL) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_modbus_read_request(9, 0, 1, out, sizeof out, &len) == CAUSEWAY_BAD_ARGUMENT);
  CHECK(causeway_modbus_pdu_parse(CAUSEWAY_REQUEST, NULL, 0, NULL, NULL) == CAUSEWAY_NULL_ARGUMENT);
  causeway_modbus_pdu parsed;
  CHECK(causeway_modbus_pdu_parse(7, RTU_REQ + 1, 5, &parsed, NULL) == CAUSEWAY_BAD_ARGUMENT);
}

typedef struct {
  unsigned count;
  double sum;
  char first_address[32];
  uint8_t bad;
} points_seen;

static void on_point(const causeway_point *p, void *user) {
  points_seen *s = user;
  if (s->count == 0) memcpy(s->first_address, p->address, sizeof s->first_address);
  s->count++;
  s->sum += p->value.real;
  if (p->severity == 2) s->bad++;
}

static void modbus_points(void) {
  /* Application Protocol §6.3: registers at 0x6B.. hold 0x022B, 0x0000, 0x0064. */
  const uint8_t req[] = {0x03, 0x00, 0x6B, 0x00, 0x03};
  const uint8_t resp[] = {0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64};
  points_seen s = {0};
  CHECK(causeway_modbus_points(17, req, sizeof req, resp, sizeof resp, on_point, &s, NULL) == CAUSEWAY_OK);
  CHECK(s.count == 3 && s.sum == 655.0 && !strcmp(s.first_address, "holding:107"));
  const uint8_t exception[] = {0x83, 0x02};
  memset(&s, 0, sizeof s);
  CHECK(causeway_modbus_points(17, req, sizeof req, exception, sizeof exception, on_point, &s, NULL) == CAUSEWAY_OK);
  CHECK(s.count == 3 && s.bad == 3);
  CHECK(causeway_modbus_points(17, req, sizeof req, resp, sizeof resp, NULL, &s, NULL) == CAUSEWAY_NULL_ARGUMENT);

  uint8_t pdu[256];
  size_t len;
  const uint16_t values[] = {555, 0, 100};
  CHECK(causeway_modbus_registers_response(3, values, 3, pdu, sizeof pdu, &len) == CAUSEWAY_OK);
  CHECK(len == sizeof resp && !memcmp(pdu, resp, len));
}

static void streams(void) {
  /* Heap stream: garbage, then two requests split at odd points. */
  causeway_stream *s = causeway_stream_new(CAUSEWAY_STREAM_MODBUS_RTU_REQUESTS, 512);
  CHECK(s != NULL);
  const uint8_t garbage[] = {0x00, 0xFF};
  CHECK(causeway_stream_push(s, garbage, sizeof garbage, NULL) == CAUSEWAY_OK);
  CHECK(causeway_stream_push(s, RTU_REQ, 3, NULL) == CAUSEWAY_OK);
  CHECK(causeway_stream_push(s, RTU_REQ + 3, 5, NULL) == CAUSEWAY_OK);
  CHECK(causeway_stream_push(s, RTU_REQ, 8, NULL) == CAUSEWAY_OK);
  causeway_stream_event ev;
  unsigned frames = 0, skipped = 0;
  size_t needed = 0;
  causeway_result r;
  while ((r = causeway_stream_next(s, &ev, &needed)) == CAUSEWAY_OK) {
    if (ev.is_frame) {
      frames++;
      CHECK(ev.bytes.len == 8 && !memcmp(ev.bytes.ptr, RTU_REQ, 8));
    } else {
      skipped += (unsigned)ev.bytes.len;
    }
  }
  CHECK(r == CAUSEWAY_NEED_MORE && needed >= 1);
  CHECK(frames == 2 && skipped == 2);
  causeway_stream_free(s);
  causeway_stream_free(NULL);
  CHECK(causeway_stream_new(42, 64) == NULL);

  /* The same in caller storage, no heap. */
  static alignas(16) uint8_t mem[512];
  static uint8_t buffer[300];
  causeway_stream *fixed = NULL;
  CHECK(causeway_stream_size() <= sizeof mem);
  CHECK(causeway_stream_init_in(mem, 4, CAUSEWAY_STREAM_MBUS, buffer, sizeof buffer, &fixed) == CAUSEWAY_BUFFER_TOO_SMALL);
  CHECK(causeway_stream_init_in(mem, sizeof mem, CAUSEWAY_STREAM_MBUS, buffer, sizeof buffer, &fixed) == CAUSEWAY_OK);
  const uint8_t ack_and_short[] = {0xE5, 0x10, 0x5B, 0x01, 0x5C, 0x16};
  CHECK(causeway_stream_push(fixed, ack_and_short, sizeof ack_and_short, NULL) == CAUSEWAY_OK);
  CHECK(causeway_stream_next(fixed, &ev, NULL) == CAUSEWAY_OK && ev.is_frame && ev.bytes.len == 1);
  CHECK(causeway_stream_next(fixed, &ev, NULL) == CAUSEWAY_OK && ev.is_frame && ev.bytes.len == 5);
  CHECK(causeway_stream_next(fixed, &ev, NULL) == CAUSEWAY_NEED_MORE);
  uint8_t big[400] = {0};
  causeway_error err;
  CHECK(causeway_stream_push(fixed, big, sizeof big, &err) == CAUSEWAY_CAPACITY);
}

/* An RSP_UD from meter 1: one record 04 13 (litres) = 1234, id 12345678, manufacturer PAD. */
static const uint8_t RSP_UD[] = {0x68, 0x15, 0x15, 0x68, 0x08, 0x01, 0x72, 0x78, 0x56, 0x34, 0x12, 0x24, 0x40, 0x01,
                                 0x07, 0x55, 0x00, 0x00, 0x00, 0x04, 0x13, 0xD2, 0x04, 0x00, 0x00, 0x3D, 0x16};

static void mbus(void) {
  causeway_mbus_frame f;
  causeway_error err;
  causeway_result r = causeway_mbus_decode(RSP_UD, sizeof RSP_UD, &f, &err);
  CHECK(r == CAUSEWAY_OK);
  if (r != CAUSEWAY_OK) {
    fprintf(stderr, "  offset %zu expected %llx found %llx\n", err.offset, (unsigned long long)err.expected, (unsigned long long)err.found);
    return;
  }
  CHECK(f.kind == 3 && f.c_field == 0x08 && f.ci == 0x72);
  causeway_mbus_records it;
  CHECK(causeway_mbus_records_init(&f, &it, &err) == CAUSEWAY_OK);
  CHECK(it.header.has_identity && it.header.id == 0x12345678 && !strcmp((const char *)it.header.manufacturer_letters, "PAD"));
  causeway_mbus_record rec;
  causeway_point p;
  CHECK(causeway_mbus_records_next(&it, &rec, &p, &err) == CAUSEWAY_OK);
  CHECK(rec.kind == 0 && rec.dif == 0x04 && rec.vif_code == 0x13 && rec.storage == 0);
  CHECK(p.value.kind == CAUSEWAY_VALUE_DECIMAL && p.value.mantissa == 1234 && p.value.exponent == -3);
  CHECK(p.unit.len == 2 && !memcmp(p.unit.ptr, "m3", 2));
  CHECK(!strcmp((const char *)p.device, "mbus:id=12345678,man=PAD,ver=1,med=water") && !strcmp((const char *)p.address, "rec:0"));
  CHECK(causeway_mbus_records_next(&it, &rec, NULL, &err) == CAUSEWAY_END);
  CHECK(causeway_mbus_records_next(&it, &rec, NULL, &err) == CAUSEWAY_END);

  uint8_t buf[32];
  size_t len;
  CHECK(causeway_mbus_req_ud2(1, true, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 5 && buf[1] == 0x7B);
  CHECK(causeway_mbus_select(0x1234FFFF, 0xFFFF, 0xFF, 0xFF, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 17);
  CHECK(causeway_mbus_set_primary_address(0xFE, 1, buf, sizeof buf, &len) == CAUSEWAY_OK && buf[10] == 0x1E);
}

static void master(void) {
  static alignas(16) uint8_t mem[256];
  causeway_mbus_read_meter *m = NULL;
  CHECK(causeway_mbus_read_meter_size() <= sizeof mem);
  CHECK(causeway_mbus_read_meter_init_in(mem, sizeof mem, 1, 2, &m) == CAUSEWAY_OK);
  uint8_t buf[32];
  size_t len = 0;
  causeway_mbus_event ev;
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 5 && buf[1] == 0x40);
  const uint8_t ack = 0xE5;
  CHECK(causeway_mbus_read_meter_on_frame(m, &ack, 1, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_PENDING);
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 5 && buf[1] == 0x7B);
  CHECK(causeway_mbus_read_meter_on_frame(m, RSP_UD, sizeof RSP_UD, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_TELEGRAM);
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 0);
  CHECK(causeway_mbus_read_meter_on_timeout(m, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_DONE);
  bool cut_short = true;
  CHECK(causeway_mbus_read_meter_cut_short(m, &cut_short) == CAUSEWAY_OK && !cut_short);

  /* RSP_UD's record with ten DIFEs that each announce another (at most ten are allowed): the
     `1F` after it is out of reach, so the readout ends cut short. */
  static const uint8_t BROKEN[] = {0x68, 0x20, 0x20, 0x68, 0x08, 0x01, 0x72, 0x78, 0x56, 0x34, 0x12, 0x24, 0x40,
                                   0x01, 0x07, 0x55, 0x00, 0x00, 0x00, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0x13, 0xD2, 0x04, 0x00, 0x00, 0x1F, 0xD2, 0x16};
  CHECK(causeway_mbus_read_meter_init_in(mem, sizeof mem, 1, 2, &m) == CAUSEWAY_OK);
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && buf[1] == 0x40);
  CHECK(causeway_mbus_read_meter_on_frame(m, &ack, 1, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_PENDING);
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && buf[1] == 0x7B);
  CHECK(causeway_mbus_read_meter_on_frame(m, BROKEN, sizeof BROKEN, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_TELEGRAM);
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 0);
  CHECK(causeway_mbus_read_meter_cut_short(m, &cut_short) == CAUSEWAY_OK && cut_short);
  CHECK(causeway_mbus_read_meter_cut_short(NULL, &cut_short) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_mbus_read_meter_cut_short(m, NULL) == CAUSEWAY_NULL_ARGUMENT);

  /* A meter selected by secondary address is read without SND_NKE, which would deselect it. */
  CHECK(causeway_mbus_read_meter_init_in(mem, sizeof mem, 253, 2, &m) == CAUSEWAY_OK);
  CHECK(causeway_mbus_read_meter_transmit(m, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 5 && buf[1] == 0x7B && buf[2] == 0xFD);

  /* An unanswered SND_NKE is not fatal: REQ_UD2 follows, and its retries decide. */
  causeway_mbus_read_meter *h = causeway_mbus_read_meter_new(5, 1);
  CHECK(causeway_mbus_read_meter_transmit(h, buf, sizeof buf, &len) == CAUSEWAY_OK && buf[1] == 0x40);
  CHECK(causeway_mbus_read_meter_on_timeout(h, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_PENDING);
  CHECK(causeway_mbus_read_meter_transmit(h, buf, sizeof buf, &len) == CAUSEWAY_OK && buf[1] == 0x7B);
  CHECK(causeway_mbus_read_meter_on_timeout(h, &ev) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_FAILED);
  causeway_mbus_read_meter_free(h);
  CHECK(causeway_mbus_read_meter_on_timeout(NULL, &ev) == CAUSEWAY_NULL_ARGUMENT);
}

static void builders_and_fields(void) {
  /* RSP_UD built in C decodes back to the same value. */
  uint8_t t[64];
  size_t len = 0;
  const uint8_t vif_litres = 0x13;
  CHECK(causeway_mbus_rsp_ud_begin(t, sizeof t, 1, 0x12345678, 0x4024, 1, 7, 0x55, 0, &len) == CAUSEWAY_OK && len == 19);
  CHECK(causeway_mbus_rsp_ud_number(t, sizeof t, &len, &vif_litres, 1, 0, 0, 0, 0, 0x4, 1234) == CAUSEWAY_OK && len == 25);
  CHECK(causeway_mbus_rsp_ud_number(t, sizeof t, &len, &vif_litres, 1, 9, 0, 0, 0, 0x4, 1) == CAUSEWAY_BAD_ARGUMENT);
  size_t no_start = 2;
  CHECK(causeway_mbus_rsp_ud_finish(t, sizeof t, &no_start) == CAUSEWAY_TRUNCATED);
  CHECK(causeway_mbus_rsp_ud_finish(t, sizeof t, &len) == CAUSEWAY_OK && len == sizeof RSP_UD);
  CHECK(!memcmp(t, RSP_UD, sizeof RSP_UD));
  size_t small = 0;
  CHECK(causeway_mbus_rsp_ud_begin(t, 10, 1, 0x12345678, 0x4024, 1, 7, 0x55, 0, &small) == CAUSEWAY_BUFFER_TOO_SMALL);

  /* A scan of a bus with one meter: the wildcard selection gets an ACK, the read its RSP_UD. */
  static alignas(16) uint8_t mem[256];
  causeway_mbus_scan *scan = NULL;
  CHECK(causeway_mbus_scan_init_in(mem, sizeof mem, 1, &scan) == CAUSEWAY_OK);
  uint8_t buf[32];
  causeway_mbus_event ev;
  uint32_t found = 0;
  CHECK(causeway_mbus_scan_transmit(scan, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 17 && buf[6] == 0x52);
  const uint8_t ack = 0xE5;
  CHECK(causeway_mbus_scan_on(scan, 0, &ack, 1, &ev, &found) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_PENDING);
  CHECK(causeway_mbus_scan_transmit(scan, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 5 && buf[2] == 0xFD);
  CHECK(causeway_mbus_scan_on(scan, 0, RSP_UD, sizeof RSP_UD, &ev, &found) == CAUSEWAY_OK && ev == CAUSEWAY_MBUS_TELEGRAM);
  CHECK(found == 0x12345678);
  CHECK(causeway_mbus_scan_transmit(scan, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 0);
  CHECK(causeway_mbus_scan_on(scan, 7, NULL, 0, &ev, NULL) == CAUSEWAY_BAD_ARGUMENT);

  /* Modbus write builders (Application Protocol §6.6, §6.12 examples). */
  const uint16_t three = 3, regs[] = {0x000A, 0x0102};
  CHECK(causeway_modbus_write_request(6, 1, &three, 1, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 5);
  CHECK(!memcmp(buf, "\x06\x00\x01\x00\x03", 5));
  CHECK(causeway_modbus_write_request(16, 1, regs, 2, buf, sizeof buf, &len) == CAUSEWAY_OK && len == 10);
  CHECK(!memcmp(buf, "\x10\x00\x01\x00\x02\x04\x00\x0A\x01\x02", 10));
  CHECK(causeway_modbus_write_request(16, 1, regs, 0, buf, sizeof buf, &len) == CAUSEWAY_BAD_ARGUMENT);

  /* libmodbus's 123456.0 in CDAB order (registers 0x2000 0x47F1), and a scaled i16. */
  const uint8_t cdab[] = {0x20, 0x00, 0x47, 0xF1};
  causeway_modbus_field f = {.table = 3, .address = 0, .data_type = 9, .byte_order = 1};
  causeway_value v;
  CHECK(causeway_modbus_field_decode(&f, 0, cdab, sizeof cdab, &v, NULL) == CAUSEWAY_OK);
  CHECK(v.kind == CAUSEWAY_VALUE_FLOAT && v.real == 123456.0);
  const uint8_t temp[] = {0x00, 0xD7};
  causeway_modbus_field t16 = {.table = 2, .address = 3, .data_type = 3, .has_scale = true, .scale_mantissa = 1, .scale_exponent = -1};
  CHECK(causeway_modbus_field_decode(&t16, 3, temp, sizeof temp, &v, NULL) == CAUSEWAY_OK);
  CHECK(v.kind == CAUSEWAY_VALUE_DECIMAL && v.mantissa == 215 && v.exponent == -1);
  t16.data_type = 99;
  CHECK(causeway_modbus_field_decode(&t16, 3, temp, sizeof temp, &v, NULL) == CAUSEWAY_BAD_ARGUMENT);
}

/* EPA-S v1 profile vector: READ response over EtherType 0x88CB, FLOAT32 12.5 (unpadded). */
static const uint8_t EPA_READ_RSP[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                                       0x88, 0xcb, 0xe1, 0x81, 0x00, 0x00, 0x00, 0x08, 0x00, 0x07, 0x00, 0x20,
                                       0x00, 0x10, 0x01, 0x01, 0x00, 0x08, 0x00, 0x04, 0x41, 0x48, 0x00, 0x00};

typedef struct {
  double value;
  int count;
  int severity;
  char address[32];
} one_point;

static void keep_one(const causeway_point *p, void *user) {
  one_point *o = user;
  o->value = p->value.real;
  o->severity = p->severity;
  memcpy(o->address, p->address, sizeof o->address);
  o->count++;
}

static void epa(void) {
  causeway_epa_frame f;
  causeway_error err;
  CHECK(causeway_epa_decode(NULL, 10, 35004, &f, &err) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_epa_decode(EPA_READ_RSP, sizeof EPA_READ_RSP, 35004, NULL, &err) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_epa_decode(EPA_READ_RSP, 20, 35004, &f, &err) == CAUSEWAY_TRUNCATED);
  CHECK(causeway_epa_decode(EPA_READ_RSP, sizeof EPA_READ_RSP, 35004, &f, &err) == CAUSEWAY_OK);
  CHECK(f.service == 0x81 && f.msg_id == 7 && f.src_app == 0x20 && f.dst_app == 0x10 && f.dst_obj == 0x0101);
  CHECK(f.has_value && f.status == 0 && f.value.type_code == 8 && f.value.value.kind == CAUSEWAY_VALUE_FLOAT);
  CHECK(f.value.value.real == 12.5 && f.value.raw.len == 4 && f.value.raw.ptr == EPA_READ_RSP + 32);

  /* Emitting pads to 60 octets; too small a buffer writes nothing. */
  uint8_t out[96];
  size_t n = 999;
  CHECK(causeway_epa_emit(&f, out, 40, &n, &err) == CAUSEWAY_BUFFER_TOO_SMALL && n == 999);
  CHECK(causeway_epa_emit(&f, out, sizeof out, &n, &err) == CAUSEWAY_OK && n == 60);
  CHECK(!memcmp(out, EPA_READ_RSP, sizeof EPA_READ_RSP) && out[59] == 0);
  CHECK(causeway_epa_emit(NULL, out, sizeof out, &n, &err) == CAUSEWAY_NULL_ARGUMENT);

  /* A DISTRIBUTE built in C, over UDP (14 + 20 + 8 + 14 + 18 octets): decodes to its point. */
  static const uint8_t value[] = {0x00, 0x00, 0x00, 0x2a}; /* UINT32 42 */
  causeway_epa_frame d = f;
  d.udp = true;
  memcpy(d.ip_src, (uint8_t[]){192, 168, 0, 20}, 4);
  memcpy(d.ip_dst, (uint8_t[]){192, 168, 0, 10}, 4);
  d.ip_ttl = 64;
  d.ip_options = (causeway_bytes){.ptr = NULL, .len = 0};
  d.udp_src_port = 50000;
  d.udp_dst_port = 35004;
  d.udp_checksum = true;
  d.service = 0x03;
  d.flags = 0xC0;
  d.dst_app = 0xFFFF;
  d.attr = 4;
  d.quality = 0xC0;
  d.ts_ns = 1000000000ULL;
  d.value.type_code = 7;
  d.value.raw = (causeway_bytes){.ptr = value, .len = sizeof value};
  CHECK(causeway_epa_emit(&d, out, sizeof out, &n, &err) == CAUSEWAY_OK && n == 74);
  one_point p = {0};
  CHECK(causeway_epa_points(out, n, 35004, keep_one, &p, &err) == CAUSEWAY_OK);
  CHECK(p.count == 1 && p.value == 42 && p.severity == 0 && !strcmp(p.address, "obj=0x0101/attr=4"));
  CHECK(causeway_epa_points(out, n, 40000, keep_one, &p, &err) == CAUSEWAY_UNSUPPORTED);
  d.value.raw.len = 3; /* UINT32 needs 4 octets */
  CHECK(causeway_epa_emit(&d, out, sizeof out, &n, &err) == CAUSEWAY_LENGTH);

  /* A READ response's point comes with its request. */
  causeway_epa_frame rq = f;
  rq.service = 0x01;
  rq.flags = 0x01;
  rq.attr = 2;
  uint8_t req[64];
  size_t req_len = 0;
  CHECK(causeway_epa_emit(&rq, req, sizeof req, &req_len, &err) == CAUSEWAY_OK);
  one_point rp = {0};
  CHECK(causeway_epa_read_points(req, req_len, EPA_READ_RSP, sizeof EPA_READ_RSP, 35004, keep_one, &rp, &err) ==
        CAUSEWAY_OK);
  CHECK(rp.count == 1 && rp.value == 12.5 && !strcmp(rp.address, "obj=0x0101/attr=2"));

  /* Domain blocks reassemble in caller memory; a gap is an error that keeps what was there. */
  alignas(16) static uint8_t mem[4096];
  static uint8_t storage[16];
  causeway_epa_domain *dom = NULL;
  CHECK(causeway_epa_domain_size() <= sizeof mem);
  CHECK(causeway_epa_domain_init_in(mem, sizeof mem, 0x20, 0x10, 3, storage, sizeof storage, &dom) == CAUSEWAY_OK);
  causeway_epa_frame b = f;
  b.service = 0x06;
  b.domain_id = 3;
  static const uint8_t part1[] = {1, 2, 3}, part2[] = {4, 5};
  uint8_t blocks[3][64];
  size_t blen[3];
  b.flags = 0x04; /* more */
  b.block_seq = 0;
  b.data = (causeway_bytes){.ptr = part1, .len = sizeof part1};
  CHECK(causeway_epa_emit(&b, blocks[0], 64, &blen[0], &err) == CAUSEWAY_OK);
  b.block_seq = 2;
  CHECK(causeway_epa_emit(&b, blocks[2], 64, &blen[2], &err) == CAUSEWAY_OK);
  b.flags = 0;
  b.block_seq = 1;
  b.data = (causeway_bytes){.ptr = part2, .len = sizeof part2};
  CHECK(causeway_epa_emit(&b, blocks[1], 64, &blen[1], &err) == CAUSEWAY_OK);
  causeway_bytes all = {0};
  CHECK(causeway_epa_domain_push(dom, blocks[0], blen[0], 35004, &all, &err) == CAUSEWAY_NEED_MORE);
  CHECK(causeway_epa_domain_push(dom, blocks[2], blen[2], 35004, &all, &err) == CAUSEWAY_INVALID);
  CHECK(err.layer == CAUSEWAY_LAYER_REASSEMBLY && err.offset == 3);
  CHECK(causeway_epa_domain_push(dom, EPA_READ_RSP, sizeof EPA_READ_RSP, 35004, &all, &err) == CAUSEWAY_INVALID);
  CHECK(causeway_epa_domain_push(dom, blocks[1], blen[1], 35004, &all, &err) == CAUSEWAY_OK);
  CHECK(all.len == 5 && !memcmp(all.ptr, "\x01\x02\x03\x04\x05", 5));
  CHECK(causeway_epa_domain_push(NULL, blocks[1], blen[1], 35004, &all, &err) == CAUSEWAY_NULL_ARGUMENT);
}

/* docs/profiles/wpa-l.md: PUBLISH from field device 0x0102 (UAO 1) to the gateway 0x0001, attr 2,
   FLOAT32 12.5, in a 2006 data frame with FCS. */
static const uint8_t WPAN_PUBLISH[] = {0x61, 0x98, 0x2a, 0x34, 0x12, 0x01, 0x00, 0x02, 0x01, 0x00,
                                       0x00, 0x01, 0x00, 0x02, 0x01, 0x00, 0x05, 0x01, 0x01, 0x02,
                                       0x08, 0x04, 0x00, 0x00, 0x48, 0x41, 0x52, 0x3f};
static const uint8_t WPAN_KEY[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                     0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

static void wpan(void) {
  causeway_wpan_frame f;
  causeway_error err;
  CHECK(causeway_wpan_decode(NULL, 10, true, &f, &err) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_wpan_decode(WPAN_PUBLISH, sizeof WPAN_PUBLISH, true, NULL, &err) == CAUSEWAY_NULL_ARGUMENT);
  uint8_t bad[sizeof WPAN_PUBLISH];
  memcpy(bad, WPAN_PUBLISH, sizeof bad);
  bad[sizeof bad - 1] ^= 1;
  CHECK(causeway_wpan_decode(bad, sizeof bad, true, &f, &err) == CAUSEWAY_CHECKSUM);
  CHECK(err.layer == CAUSEWAY_LAYER_IEEE802154 && err.offset == 26 && err.expected == 0x3f52);
  CHECK(!strcmp(causeway_layer_name(err.layer), "ieee802154"));
  CHECK(causeway_wpan_decode(WPAN_PUBLISH, sizeof WPAN_PUBLISH, true, &f, &err) == CAUSEWAY_OK);
  CHECK(f.frame_type == 1 && f.version == 1 && f.has_seq && f.seq == 42 && f.ack_request && f.pan_id_compression);
  CHECK(f.has_dst_pan && f.dst_pan == 0x1234 && f.dst_addr_mode == 2 && f.dst_addr == 1);
  CHECK(!f.has_src_pan && f.src_addr_mode == 2 && f.src_addr == 0x0102 && !f.security);
  CHECK(f.payload.ptr == WPAN_PUBLISH + 9 && f.payload.len == 17 && f.has_fcs && f.fcs == 0x3f52);
  /* Without its FCS the same octets are a longer payload. */
  causeway_wpan_frame nf;
  CHECK(causeway_wpan_decode(WPAN_PUBLISH, sizeof WPAN_PUBLISH - 2, false, &nf, &err) == CAUSEWAY_OK && !nf.has_fcs);

  /* The clear payload of an unsecured frame is a copy; a short buffer gets nothing. */
  uint8_t plain[64];
  size_t plen = 0;
  CHECK(causeway_wpan_unsecure(WPAN_PUBLISH, sizeof WPAN_PUBLISH, true, NULL, plain, 4, &plen, &err) ==
        CAUSEWAY_BUFFER_TOO_SMALL);
  CHECK(plen == 0);
  CHECK(causeway_wpan_unsecure(WPAN_PUBLISH, sizeof WPAN_PUBLISH, true, NULL, plain, sizeof plain, &plen, &err) ==
        CAUSEWAY_OK);
  CHECK(plen == 17 && !memcmp(plain, WPAN_PUBLISH + 9, 17));
  causeway_wpan_payload p;
  CHECK(causeway_wpan_payload_decode(NULL, plain, plen, &p, &err) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_wpan_payload_decode(&f, plain, plen, &p, &err) == CAUSEWAY_OK);
  CHECK(p.content == CAUSEWAY_WPAN_DATA && p.data.len == 17 && p.payload_ies.len == 0);
  causeway_wpal_packet w;
  CHECK(causeway_wpal_decode(p.data.ptr, p.data.len, &w, &err) == CAUSEWAY_OK);
  CHECK(w.dlsl_type == 0 && w.nl_type == 0 && w.nl_dst == 1 && w.nl_src == 0x0102 && !w.fragmented);
  CHECK(w.body == CAUSEWAY_WPAL_PDU && w.pdu.service == 0 && w.pdu.seq == 5 && w.pdu.src_uao == 1);
  CHECK(w.pdu.attr == 2 && w.pdu.has_value && w.pdu.value.type_code == 8 && w.pdu.value.value.real == 12.5);
  CHECK(w.pdu.value.raw.len == 4 && w.pdu.value.raw.ptr == p.data.ptr + 13);
  one_point one = {0};
  CHECK(causeway_wpan_points(WPAN_PUBLISH, sizeof WPAN_PUBLISH, true, NULL, keep_one, &one, &err) == CAUSEWAY_OK);
  CHECK(one.count == 1 && one.value == 12.5 && !strcmp(one.address, "uao:1/attr:2"));
  /* DLSL bits 6-7 set: "not a LoWPAN frame" no longer holds. */
  uint8_t lowpan[sizeof WPAN_PUBLISH];
  memcpy(lowpan, plain, 17);
  lowpan[0] = 0xC0;
  CHECK(causeway_wpal_decode(lowpan, 17, &w, &err) == CAUSEWAY_INVALID && err.layer == CAUSEWAY_LAYER_WPAL &&
        err.offset == 0);

  /* Secure the same payload at ENC-MIC-32 with key index 1 from an extended source. */
  causeway_wpan_key key = {.has_key_index = true, .key_index = 1};
  memcpy(key.key, WPAN_KEY, 16);
  causeway_wpan_keys keys = {.keys = &key, .n_keys = 1};
  causeway_wpan_frame s = f;
  s.src_addr_mode = 3;
  s.src_addr = 0x0011223344556677ULL;
  s.security = true;
  s.security_control = 5 | 1 << 3;
  s.has_frame_counter = true;
  s.frame_counter = 1;
  s.key_index = 1;
  s.payload = (causeway_bytes){.ptr = plain, .len = plen};
  uint8_t sec[128];
  size_t n = 0;
  CHECK(causeway_wpan_emit(&s, NULL, true, sec, sizeof sec, &n, &err) == CAUSEWAY_UNSUPPORTED);
  CHECK(causeway_wpan_emit(&s, &keys, true, sec, sizeof sec, &n, &err) == CAUSEWAY_OK && n == 15 + 6 + 17 + 4 + 2);
  causeway_wpan_frame d;
  CHECK(causeway_wpan_decode(sec, n, true, &d, &err) == CAUSEWAY_OK);
  CHECK(d.security && (d.security_control & 7) == 5 && d.frame_counter == 1 && d.key_index == 1 && d.mic.len == 4);
  CHECK(d.payload.len == 17 && memcmp(d.payload.ptr, plain, 17) != 0);
  uint8_t back[64];
  size_t blen = 0;
  CHECK(causeway_wpan_unsecure(sec, n, true, &keys, back, sizeof back, &blen, &err) == CAUSEWAY_OK);
  CHECK(blen == 17 && !memcmp(back, plain, 17));
  one_point sp = {0};
  CHECK(causeway_wpan_points(sec, n, true, &keys, keep_one, &sp, &err) == CAUSEWAY_OK && sp.count == 1 &&
        sp.value == 12.5);
  CHECK(causeway_wpan_points(sec, n, true, NULL, keep_one, &sp, &err) == CAUSEWAY_UNSUPPORTED);
  /* A wrong key is an authentication error that leaves the output alone. */
  causeway_wpan_key wrong = key;
  wrong.key[0] ^= 0xFF;
  causeway_wpan_keys wrong_keys = {.keys = &wrong, .n_keys = 1};
  blen = 99;
  CHECK(causeway_wpan_unsecure(sec, n, true, &wrong_keys, back, sizeof back, &blen, &err) == CAUSEWAY_AUTHENTICATION);
  CHECK(blen == 99 && err.layer == CAUSEWAY_LAYER_CCM && err.offset == n - 2 - 4);
  char msg[160];
  CHECK(causeway_error_message(&err, (uint8_t *)msg, sizeof msg, NULL) == CAUSEWAY_OK);
  CHECK(strstr(msg, "ccm at byte 38") != NULL);
  /* Key tables are bounded. */
  causeway_wpan_keys too_many = {.keys = &key, .n_keys = CAUSEWAY_WPAN_MAX_KEYS + 1};
  CHECK(causeway_wpan_unsecure(sec, n, true, &too_many, back, sizeof back, &blen, &err) == CAUSEWAY_INVALID);
  causeway_wpan_keys null_keys = {.keys = NULL, .n_keys = 1};
  CHECK(causeway_wpan_unsecure(sec, n, true, &null_keys, back, sizeof back, &blen, &err) == CAUSEWAY_INVALID);

  /* NL fragments: the PDU in two frames, pushed out of order into caller memory. */
  const uint8_t *pdu = plain + 6;
  uint8_t frames[2][64];
  size_t flen[2];
  for (int i = 0; i < 2; i++) {
    causeway_wpal_packet frag = w;
    frag.fragmented = true;
    frag.frag_tag = 7;
    frag.frag_flags = i == 0;
    frag.frag_offset = i == 0 ? 0 : 6;
    frag.frag_total_len = 11;
    frag.body = CAUSEWAY_WPAL_FRAGMENT;
    frag.data = (causeway_bytes){.ptr = pdu + frag.frag_offset, .len = i == 0 ? 6 : 5};
    uint8_t payload[32];
    size_t m = 0;
    CHECK(causeway_wpal_emit(&frag, payload, sizeof payload, &m, &err) == CAUSEWAY_OK && m == 12 + frag.data.len);
    causeway_wpan_frame ff = f;
    ff.payload = (causeway_bytes){.ptr = payload, .len = m};
    CHECK(causeway_wpan_emit(&ff, NULL, true, frames[i], 64, &flen[i], &err) == CAUSEWAY_OK);
  }
  alignas(16) static uint8_t mem[4096];
  static uint8_t storage[64];
  causeway_wpal_reassembly *r = NULL;
  CHECK(causeway_wpal_reassembly_size() <= sizeof mem);
  CHECK(causeway_wpal_reassembly_init_in(mem, 8, storage, sizeof storage, &r) == CAUSEWAY_BUFFER_TOO_SMALL);
  CHECK(causeway_wpal_reassembly_init_in(mem, sizeof mem, storage, sizeof storage, &r) == CAUSEWAY_OK);
  causeway_bytes all = {0};
  uint8_t nl_type = 9;
  one_point rp = {0};
  CHECK(causeway_wpal_reassembly_points(r, keep_one, &rp, &err) == CAUSEWAY_NEED_MORE);
  CHECK(causeway_wpal_reassembly_push(r, frames[1], flen[1], true, NULL, &all, &nl_type, &err) == CAUSEWAY_NEED_MORE);
  CHECK(causeway_wpal_reassembly_push(r, WPAN_PUBLISH, sizeof WPAN_PUBLISH, true, NULL, &all, &nl_type, &err) ==
        CAUSEWAY_INVALID);
  CHECK(err.layer == CAUSEWAY_LAYER_REASSEMBLY);
  CHECK(causeway_wpal_reassembly_push(r, frames[0], flen[0], true, NULL, &all, &nl_type, &err) == CAUSEWAY_OK);
  CHECK(all.len == 11 && !memcmp(all.ptr, pdu, 11) && nl_type == 0);
  causeway_wpal_packet body;
  CHECK(causeway_wpal_decode_body(nl_type, all.ptr, all.len, &body, &err) == CAUSEWAY_OK);
  CHECK(body.body == CAUSEWAY_WPAL_PDU && body.pdu.attr == 2 && body.pdu.value.value.real == 12.5);
  CHECK(causeway_wpal_decode_body(3, all.ptr, all.len, &body, &err) == CAUSEWAY_INVALID);
  CHECK(causeway_wpal_reassembly_points(r, keep_one, &rp, &err) == CAUSEWAY_OK && rp.count == 1 && rp.value == 12.5);
  CHECK(causeway_wpal_reassembly_push(NULL, frames[0], flen[0], true, NULL, &all, &nl_type, &err) ==
        CAUSEWAY_NULL_ARGUMENT);
}

int main(void) {
  CHECK(causeway_version() >= 100);
  null_and_short_buffers();
  modbus_points();
  streams();
  mbus();
  master();
  builders_and_fields();
  epa();
  wpan();
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
