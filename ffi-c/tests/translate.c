/*
 * The translator through the C API: map loading and its errors, ingest of M-Bus, EPA-S and
 * WPA-L frames and of points, the Modbus server over TCP and RTU, writes turned into source
 * requests, publication and WPA-L READ_REQ. The same inputs and expectations as the Rust tests
 * (codecs/tests/translate.rs): inputs are conformance vectors, expected registers are computed
 * here from the values libmbus and the profiles state, CRCs by this file's own CRC-16.
 * Run from the repository root (reads samples/gateway-map.toml).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "causeway.h"
#include "check.h"


static const uint64_t T0 = 1767225600000ULL; /* 2026-01-01T00:00:00Z */

/* libmbus test corpus oms_frame3: meter 12345678 (HYD), 2850427000 Wh, 703.476 m3, 44.3 Cel. */
static const uint8_t OMS_FRAME3[] = {
    0x68, 0x3c, 0x3c, 0x68, 0x08, 0xfd, 0x72, 0x78, 0x56, 0x34, 0x12, 0x24, 0x23, 0x2a, 0x04, 0x26, 0x00,
    0x00, 0x00, 0x0c, 0x06, 0x27, 0x04, 0x85, 0x02, 0x0c, 0x13, 0x76, 0x34, 0x70, 0x00, 0x4c, 0x06, 0x19,
    0x54, 0x44, 0x01, 0x42, 0x6c, 0xff, 0x0c, 0x0b, 0x3b, 0x27, 0x01, 0x00, 0x0b, 0x2a, 0x97, 0x32, 0x00,
    0x0a, 0x5a, 0x43, 0x04, 0x0a, 0x5e, 0x51, 0x02, 0x02, 0xfd, 0x17, 0x00, 0x00, 0xc8, 0x16};

/* WPA-L profile: PUBLISH from 0x0102 (UAO 1), attribute 2, FLOAT32 12.5, with FCS. */
static const uint8_t WPAL_PUBLISH[] = {0x61, 0x98, 0x2a, 0x34, 0x12, 0x01, 0x00, 0x02, 0x01, 0x00,
                                       0x00, 0x01, 0x00, 0x02, 0x01, 0x00, 0x05, 0x01, 0x01, 0x02,
                                       0x08, 0x04, 0x00, 0x00, 0x48, 0x41, 0x52, 0x3f};

/* EPA-S profile vector epa-s/raw/distribute: app 0x0020, obj 0x0010, attr 2, FLOAT32 12.5. */
static const uint8_t EPA_DISTRIBUTE[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x88, 0xcb, 0xe1, 0x03,
    0xc0, 0x00, 0x00, 0x12, 0x00, 0x07, 0x00, 0x20, 0xff, 0xff, 0x00, 0x10, 0x00, 0x02, 0x08, 0xc0,
    0x18, 0x86, 0x72, 0x51, 0xf5, 0x55, 0xcd, 0x15, 0x00, 0x04, 0x41, 0x48, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

/* A reflected CRC-16, bit by bit: Modbus RTU is polynomial 0x8005 (reflected 0xA001) from 0xFFFF;
 * the 802.15.4 FCS is CRC-16/KERMIT, polynomial 0x1021 (reflected 0x8408) from 0. */
static uint16_t crc16(const uint8_t *p, size_t n, uint16_t crc, uint16_t poly) {
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int b = 0; b < 8; b++) crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ poly) : (uint16_t)(crc >> 1);
  }
  return crc;
}

static uint16_t modbus_crc(const uint8_t *p, size_t n) { return crc16(p, n, 0xFFFF, 0xA001); }
static uint16_t kermit(const uint8_t *p, size_t n) { return crc16(p, n, 0, 0x8408); }

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) buf[n] = 0;
  *len = (size_t)n;
  return buf;
}

typedef struct {
  unsigned count;
  size_t lines[8];
  char messages[8][160];
} map_errors;

static void on_map_error(const causeway_map_error *e, void *user) {
  map_errors *s = user;
  if (s->count < 8) {
    s->lines[s->count] = e->line;
    size_t n = e->message.len < 159 ? e->message.len : 159;
    memcpy(s->messages[s->count], e->message.ptr, n);
    s->messages[s->count][n] = 0;
  }
  s->count++;
}

typedef struct {
  unsigned count, epa, wpan;
  causeway_destination_kind kind[8];
  uint8_t bytes[8][128];
  size_t len[8];
  char device[8][96];
} outbound_seen;

static void on_outbound(const causeway_outbound *o, void *user) {
  outbound_seen *s = user;
  if (s->count < 8 && o->bytes.len <= sizeof s->bytes[0]) {
    s->kind[s->count] = o->kind;
    memcpy(s->bytes[s->count], o->bytes.ptr, o->bytes.len);
    s->len[s->count] = o->bytes.len;
    memcpy(s->device[s->count], o->device, sizeof s->device[0]);
  }
  if (o->kind == CAUSEWAY_DESTINATION_EPA) s->epa++;
  if (o->kind == CAUSEWAY_DESTINATION_WPAN) s->wpan++;
  s->count++;
}

typedef struct {
  causeway_translator *t;
  unsigned calls;
  char name[32];
} reentry;

static void on_outbound_reenter(const causeway_outbound *o, void *user) {
  reentry *r = user;
  causeway_bytes name;
  if (causeway_translator_point_name(r->t, o->point, &name) == CAUSEWAY_OK && name.len < sizeof r->name) {
    memcpy(r->name, name.ptr, name.len);
    r->name[name.len] = 0;
  }
  r->calls++;
}

static void map_errors_have_lines(void) {
  static const char BAD[] =
      "[[point]]\n"
      "name = \"a\"\n"
      "source = { protocol = \"mbuss\", id = \"12345678\", quantity = \"energy\" }\n"
      "[[point.target]]\n"
      "protocol = \"modbus\"\n"
      "table = \"holding\"\n"
      "address = 0\n"
      "type = \"f32\"\n";
  map_errors errs = {0};
  causeway_translator *t = (causeway_translator *)&errs; /* must stay untouched */
  CHECK(causeway_translator_new((const uint8_t *)BAD, strlen(BAD), on_map_error, &errs, &t) == CAUSEWAY_INVALID);
  CHECK(t == (causeway_translator *)&errs);
  CHECK(errs.count == 1 && errs.lines[0] == 3 && strstr(errs.messages[0], "unknown protocol \"mbuss\""));
  /* Not UTF-8; NULL arguments. */
  errs.count = 0;
  CHECK(causeway_translator_new((const uint8_t *)"\xff\xfe", 2, on_map_error, &errs, &t) == CAUSEWAY_INVALID);
  CHECK(errs.count == 1);
  CHECK(causeway_translator_new(NULL, 4, NULL, NULL, &t) == CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_translator_new((const uint8_t *)BAD, strlen(BAD), NULL, NULL, NULL) == CAUSEWAY_NULL_ARGUMENT);
  causeway_translator_free(NULL);
}

static causeway_translator *sample_translator(void) {
  size_t len = 0;
  char *text = read_file("samples/gateway-map.toml", &len);
  CHECK(text != NULL);
  if (!text) return NULL;
  causeway_translator *t = NULL;
  CHECK(causeway_translator_new((const uint8_t *)text, len, NULL, NULL, &t) == CAUSEWAY_OK);
  free(text);
  return t;
}

static void tcp_request(uint8_t *adu, size_t *len, const uint8_t *pdu, size_t n) {
  const uint8_t head[] = {0, 1, 0, 0, 0, (uint8_t)(n + 1), 1};
  memcpy(adu, head, sizeof head);
  memcpy(adu + sizeof head, pdu, n);
  *len = sizeof head + n;
}

/* Sends a Modbus/TCP request; the response PDU lands in `pdu`, its length is returned. */
static size_t ask(causeway_translator *t, const uint8_t *pdu, size_t n, uint64_t now, uint8_t *out,
                  outbound_seen *seen) {
  uint8_t adu[64], reply[260];
  size_t len = 0, reply_len = 0;
  tcp_request(adu, &len, pdu, n);
  if (causeway_translator_modbus_request(t, CAUSEWAY_FRAMING_TCP, adu, len, now, reply, sizeof reply, &reply_len,
                                         seen ? on_outbound : NULL, seen, NULL) != CAUSEWAY_OK ||
      reply_len < 7)
    return 0;
  memcpy(out, reply + 7, reply_len - 7);
  return reply_len - 7;
}

static void cdab(float v, uint8_t out[4]) {
  uint32_t u;
  memcpy(&u, &v, 4);
  out[0] = (uint8_t)(u >> 8), out[1] = (uint8_t)u, out[2] = (uint8_t)(u >> 24), out[3] = (uint8_t)(u >> 16);
}

static void translator(void) {
  causeway_translator *t = sample_translator();
  if (!t) return;
  size_t n = 0, updated = 0;
  CHECK(causeway_translator_point_count(t, &n) == CAUSEWAY_OK && n == 6);
  size_t energy = 99, room = 99, setpoint = 99;
  CHECK(causeway_translator_index_of(t, (const uint8_t *)"heat_energy", 11, &energy) == CAUSEWAY_OK && energy == 0);
  CHECK(causeway_translator_index_of(t, (const uint8_t *)"room_temperature", 16, &room) == CAUSEWAY_OK && room == 3);
  CHECK(causeway_translator_index_of(t, (const uint8_t *)"setpoint", 8, &setpoint) == CAUSEWAY_OK);
  CHECK(causeway_translator_index_of(t, (const uint8_t *)"nope", 4, &n) == CAUSEWAY_BAD_ARGUMENT);
  causeway_bytes name;
  CHECK(causeway_translator_point_name(t, 1, &name) == CAUSEWAY_OK && name.len == 11 &&
        !memcmp(name.ptr, "heat_volume", 11));
  CHECK(causeway_translator_point_name(t, 6, &name) == CAUSEWAY_BAD_ARGUMENT);

  /* No data yet: exception 04. */
  uint8_t pdu[260];
  const uint8_t read_energy[] = {3, 0, 0, 0, 4};
  CHECK(ask(t, read_energy, 5, T0, pdu, NULL) == 2 && pdu[0] == 0x83 && pdu[1] == 0x04);

  /* Ingest each protocol. */
  causeway_error err;
  CHECK(causeway_translator_ingest(t, CAUSEWAY_INPUT_MBUS, OMS_FRAME3, sizeof OMS_FRAME3, 0, NULL, T0, &updated,
                                   &err) == CAUSEWAY_OK && updated == 3);
  CHECK(causeway_translator_ingest(t, CAUSEWAY_INPUT_WPAN, WPAL_PUBLISH, sizeof WPAL_PUBLISH, 0, NULL, T0, &updated,
                                   &err) == CAUSEWAY_OK && updated == 1);
  CHECK(causeway_translator_ingest(t, CAUSEWAY_INPUT_EPA_FRAME, EPA_DISTRIBUTE, sizeof EPA_DISTRIBUTE, 35004, NULL,
                                   T0, &updated, &err) == CAUSEWAY_OK && updated == 1);
  CHECK(causeway_translator_ingest(t, 9, OMS_FRAME3, sizeof OMS_FRAME3, 0, NULL, T0, &updated, &err) ==
        CAUSEWAY_BAD_ARGUMENT);
  uint8_t broken[sizeof OMS_FRAME3];
  memcpy(broken, OMS_FRAME3, sizeof broken);
  broken[sizeof broken - 2] ^= 1;
  CHECK(causeway_translator_ingest(t, CAUSEWAY_INPUT_MBUS, broken, sizeof broken, 0, NULL, T0, &updated, &err) ==
        CAUSEWAY_CHECKSUM);
  CHECK(err.layer == CAUSEWAY_LAYER_MBUS_LINK && err.offset == sizeof broken - 2);

  /* FC 3 holding 0..4: energy f32 CDAB in kWh, volume u32 in litres. */
  uint8_t expect[10] = {3, 8};
  cdab(2850427.0f, expect + 2);
  expect[6] = 0x00, expect[7] = 0x0A, expect[8] = 0xBB, expect[9] = 0xF4; /* 703476 */
  CHECK(ask(t, read_energy, 5, T0, pdu, NULL) == 10 && !memcmp(pdu, expect, 10));
  /* FC 4: flow temperature 44.3 and room temperature 12.5, i16 tenths. */
  const uint8_t read_input[] = {4, 0, 0, 0, 2};
  const uint8_t temps[] = {4, 4, 0x01, 0xBB, 0x00, 0x7D};
  CHECK(ask(t, read_input, 5, T0, pdu, NULL) == 6 && !memcmp(pdu, temps, 6));

  /* The same over RTU: holding 10..12 (the EPA-S set point 12.5 as f32 ABCD). */
  uint8_t rtu[8] = {1, 3, 0, 10, 0, 2};
  uint16_t c = modbus_crc(rtu, 6);
  rtu[6] = (uint8_t)c, rtu[7] = (uint8_t)(c >> 8);
  uint8_t rtu_expect[9] = {1, 3, 4, 0x41, 0x48, 0, 0};
  c = modbus_crc(rtu_expect, 7);
  rtu_expect[7] = (uint8_t)c, rtu_expect[8] = (uint8_t)(c >> 8);
  uint8_t reply[64];
  size_t reply_len = 0;
  CHECK(causeway_translator_modbus_request(t, CAUSEWAY_FRAMING_RTU, rtu, 8, T0, reply, sizeof reply, &reply_len, NULL,
                                           NULL, NULL) == CAUSEWAY_OK &&
        reply_len == 9 && !memcmp(reply, rtu_expect, 9));
  CHECK(causeway_translator_modbus_request(t, 7, rtu, 8, T0, reply, sizeof reply, &reply_len, NULL, NULL, NULL) ==
        CAUSEWAY_BAD_ARGUMENT);
  /* Too small a reply buffer: nothing written, said so. */
  reply_len = 777;
  CHECK(causeway_translator_modbus_request(t, CAUSEWAY_FRAMING_RTU, rtu, 8, T0, reply, 4, &reply_len, NULL, NULL,
                                           NULL) == CAUSEWAY_BUFFER_TOO_SMALL &&
        reply_len == 777);

  /* The point as a canonical point. */
  causeway_point p;
  causeway_point_status status = CAUSEWAY_STATUS_NO_DATA;
  CHECK(causeway_translator_point(t, energy, T0, &p, &status) == CAUSEWAY_OK);
  CHECK(status == CAUSEWAY_STATUS_GOOD && p.value.real == 2850427.0);
  CHECK(p.unit.len == 3 && !memcmp(p.unit.ptr, "kWh", 3));
  CHECK(!strncmp((const char *)p.device, "mbus:id=12345678", 16));
  CHECK(causeway_translator_point(t, energy, T0 + 900001, &p, &status) == CAUSEWAY_OK &&
        status == CAUSEWAY_STATUS_STALE && p.severity == 1);

  /* A point in: the room temperature as the decoders would give it, now 20.5 Cel. */
  CHECK(causeway_translator_point(t, room, T0, &p, NULL) == CAUSEWAY_OK);
  p.value.kind = CAUSEWAY_VALUE_FLOAT;
  p.value.real = 20.5;
  CHECK(causeway_translator_ingest_point(t, &p, T0, &updated) == CAUSEWAY_OK && updated == 1);
  const uint8_t read_room[] = {4, 0, 1, 0, 1};
  CHECK(ask(t, read_room, 5, T0, pdu, NULL) == 4 && pdu[2] == 0x00 && pdu[3] == 205);
  p.value.kind = (causeway_value_kind)-1;
  CHECK(causeway_translator_ingest_point(t, &p, T0, &updated) == CAUSEWAY_BAD_ARGUMENT);
  p.value.kind = CAUSEWAY_VALUE_FLOAT;
  memcpy(p.device, "nonsense", 9);
  CHECK(causeway_translator_ingest_point(t, &p, T0, &updated) == CAUSEWAY_BAD_ARGUMENT);

  /* FC 16 on the set point: an EPA-S WRITE for application 0x0020 (WPA-L profile layout). */
  outbound_seen seen = {0};
  const uint8_t write_setpoint[] = {0x10, 0, 10, 0, 2, 4, 0x41, 0xAC, 0x00, 0x00};
  CHECK(ask(t, write_setpoint, sizeof write_setpoint, T0, pdu, &seen) == 5 && pdu[0] == 0x10);
  const uint8_t epa_write[] = {0xe1, 0x02, 0x01, 0x00, 0x00, 0x09, 0x00, 0x00, 0x01, 0x00, 0x00, 0x20,
                               0x00, 0x10, 0x00, 0x02, 0x08, 0x00, 0x04, 0x41, 0xac, 0x00, 0x00};
  CHECK(seen.count == 1 && seen.kind[0] == CAUSEWAY_DESTINATION_EPA && seen.len[0] == sizeof epa_write &&
        !memcmp(seen.bytes[0], epa_write, sizeof epa_write));
  CHECK(!strcmp(seen.device[0], "epa:app=0x0020"));

  /* FC 5 on the valve coil: a WPA-L WRITE_REQ to 0x0102 (802.15.4-2006, FCS by CRC-16/KERMIT). */
  memset(&seen, 0, sizeof seen);
  const uint8_t coil_on[] = {0x05, 0, 0, 0xFF, 0x00};
  CHECK(ask(t, coil_on, 5, T0, pdu, &seen) == 5);
  uint8_t wpal[25] = {0x61, 0x98, 0x00, 0x34, 0x12, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x02,
                      0x01, 0x01, 0x00, 0x0b, 0x00, 0x01, 0x03, 0x01, 0x01, 0x01, 0x01};
  c = kermit(wpal, 23);
  wpal[23] = (uint8_t)c, wpal[24] = (uint8_t)(c >> 8);
  CHECK(seen.count == 1 && seen.kind[0] == CAUSEWAY_DESTINATION_WPAN && seen.len[0] == 25 &&
        !memcmp(seen.bytes[0], wpal, 25));

  /* The same write built directly: 21.5 Cel on the set point. */
  memset(&seen, 0, sizeof seen);
  causeway_value v = {.kind = CAUSEWAY_VALUE_FLOAT, .real = 21.5};
  CHECK(causeway_translator_write(t, setpoint, &v, NULL, on_outbound, &seen, NULL) == CAUSEWAY_OK);
  /* The same message but the next message id (octets 6..8). */
  CHECK(seen.count == 1 && seen.len[0] == sizeof epa_write && !memcmp(seen.bytes[0], epa_write, 6));
  CHECK(seen.bytes[0][6] == 0 && seen.bytes[0][7] == 1);
  CHECK(!memcmp(seen.bytes[0] + 8, epa_write + 8, sizeof epa_write - 8));
  /* 294.65 K is 21.5 Cel. */
  memset(&seen, 0, sizeof seen);
  v.real = 294.65;
  CHECK(causeway_translator_write(t, setpoint, &v, "K", on_outbound, &seen, NULL) == CAUSEWAY_OK);
  CHECK(seen.count == 1 && !memcmp(seen.bytes[0] + 19, epa_write + 19, 4));
  CHECK(causeway_translator_write(t, setpoint, &v, "furlong", on_outbound, &seen, NULL) == CAUSEWAY_BAD_ARGUMENT);
  CHECK(causeway_translator_write(t, 6, &v, NULL, on_outbound, &seen, NULL) == CAUSEWAY_BAD_ARGUMENT);
  v.kind = (causeway_value_kind)77; /* C may store any int in an enum; Rust must check it */
  CHECK(causeway_translator_write(t, setpoint, &v, NULL, on_outbound, &seen, NULL) == CAUSEWAY_BAD_ARGUMENT);
  CHECK(causeway_translator_write(t, setpoint, NULL, NULL, on_outbound, &seen, NULL) == CAUSEWAY_NULL_ARGUMENT);

  /* A callback may use the translator that called it. */
  reentry r = {.t = t};
  v.kind = CAUSEWAY_VALUE_FLOAT;
  CHECK(causeway_translator_write(t, setpoint, &v, NULL, on_outbound_reenter, &r, NULL) == CAUSEWAY_OK);
  CHECK(r.calls == 1 && !strcmp(r.name, "setpoint"));

  /* Publication: two DISTRIBUTE (energy, room temperature), one PUBLISH (flow temperature). */
  memset(&seen, 0, sizeof seen);
  CHECK(causeway_translator_publish(t, T0, on_outbound, &seen, NULL) == CAUSEWAY_OK);
  CHECK(seen.epa == 2 && seen.wpan == 1);
  memset(&seen, 0, sizeof seen);
  CHECK(causeway_translator_publish(t, T0 + 1000, on_outbound, &seen, NULL) == CAUSEWAY_OK && seen.count == 0);

  /* WPA-L READ_REQ from 0x0102 for UAO 2 attribute 1: READ_RSP, status 0, FLOAT32. */
  uint8_t read_req[22] = {0x61, 0x98, 0x07, 0x34, 0x12, 0x01, 0x00, 0x02, 0x01, 0x00,
                          0x00, 0x01, 0x00, 0x02, 0x01, 0x01, 0x09, 0x05, 0x02, 0x01};
  c = kermit(read_req, 20);
  read_req[20] = (uint8_t)c, read_req[21] = (uint8_t)(c >> 8);
  uint8_t rsp[128];
  size_t rsp_len = 0;
  CHECK(causeway_translator_wpan_request(t, read_req, sizeof read_req, true, T0, rsp, sizeof rsp, &rsp_len, NULL) ==
        CAUSEWAY_OK);
  const uint8_t rsp_tail[] = {0x02, 0x09, 0x02, 0x05, 0x00, 0x01, 0x08, 0x04};
  CHECK(rsp_len > 14 && !memcmp(rsp + rsp_len - 14, rsp_tail, 8));
  CHECK(kermit(rsp, rsp_len - 2) == (uint16_t)(rsp[rsp_len - 2] | rsp[rsp_len - 1] << 8));
  float kelvin;
  memcpy(&kelvin, rsp + rsp_len - 6, 4); /* little-endian FLOAT32 on an x86/ARM test host */
  CHECK(fabsf(kelvin - 317.45f) < 1e-4f);
  /* A frame that is no READ_REQ for this node: no reply. */
  CHECK(causeway_translator_wpan_request(t, WPAL_PUBLISH, sizeof WPAL_PUBLISH, true, T0, rsp, sizeof rsp, &rsp_len,
                                         NULL) == CAUSEWAY_OK &&
        rsp_len == 0);

  /* A Modbus source through an exchange needs a map with one; NULL translator. */
  CHECK(causeway_translator_ingest_modbus(NULL, CAUSEWAY_FRAMING_TCP, rtu, 8, rtu, 8, T0, &updated, NULL) ==
        CAUSEWAY_NULL_ARGUMENT);
  CHECK(causeway_translator_point_count(NULL, &n) == CAUSEWAY_NULL_ARGUMENT);
  causeway_translator_free(t);
}

static void modbus_source(void) {
  static const char MAP[] =
      "[[point]]\n"
      "name = \"pressure\"\n"
      "unit = \"kPa\"\n"
      "source = { protocol = \"modbus\", unit_id = 17, table = \"holding\", address = 107, type = \"u16\", "
      "unit = \"kPa\" }\n"
      "[[point.target]]\n"
      "protocol = \"modbus\"\n"
      "table = \"input\"\n"
      "address = 0\n"
      "type = \"u32\"\n"
      "unit = \"hPa\"\n";
  causeway_translator *t = NULL;
  map_errors errs = {0};
  CHECK(causeway_translator_new((const uint8_t *)MAP, strlen(MAP), on_map_error, &errs, &t) == CAUSEWAY_OK);
  for (unsigned i = 0; i < errs.count && i < 8; i++) fprintf(stderr, "map: line %zu: %s\n", errs.lines[i], errs.messages[i]);
  if (!t) return;
  /* MODBUS Application Protocol V1.1b3 6.3: read holding registers 108..110 (0x6B..) at unit
   * 0x11; the answer holds 0x022B (555), 0x0000, 0x0064. */
  uint8_t req[8] = {0x11, 0x03, 0x00, 0x6B, 0x00, 0x03};
  uint16_t c = modbus_crc(req, 6);
  req[6] = (uint8_t)c, req[7] = (uint8_t)(c >> 8);
  uint8_t rsp[11] = {0x11, 0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64};
  c = modbus_crc(rsp, 9);
  rsp[9] = (uint8_t)c, rsp[10] = (uint8_t)(c >> 8);
  size_t updated = 0;
  CHECK(causeway_translator_ingest_modbus(t, CAUSEWAY_FRAMING_RTU, req, 8, rsp, 11, T0, &updated, NULL) ==
            CAUSEWAY_OK &&
        updated == 1);
  /* 555 kPa served in hPa as u32: 5550 = 0x000015AE. */
  uint8_t pdu[16];
  const uint8_t read[] = {4, 0, 0, 0, 2};
  const uint8_t expect[] = {4, 4, 0x00, 0x00, 0x15, 0xAE};
  CHECK(ask(t, read, 5, T0, pdu, NULL) == 6 && !memcmp(pdu, expect, 6));
  causeway_translator_free(t);
}

int main(void) {
  map_errors_have_lines();
  translator();
  modbus_source();
  printf("translate: %u checks passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
