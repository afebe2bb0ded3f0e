/*
 * A firmware-style M-Bus to Modbus RTU gateway on the causeway C API, with no heap: streams and
 * buffers live in static memory.
 *
 *   gateway MBUS_UART_FILE MODBUS_UART_FILE
 *
 * The first file stands in for the M-Bus line (meter telegrams), the second for the Modbus RTU
 * line (a SCADA master's requests). M-Bus telegrams are deframed and their points printed; the
 * numeric values of unit 1's image are kept as registers (value x 1000, 32-bit, high word first);
 * each FC 3 request is answered from that image, an exception 02 if it reads past it, and the
 * reply frame is printed as hex.
 */
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "causeway.h"

#define REGISTERS 64

static uint16_t image[REGISTERS];
static size_t image_used;

static void on_point(const causeway_point *p, void *user) {
  (void)user;
  printf("  %s/%s = ", (const char *)p->device, (const char *)p->address);
  switch (p->value.kind) {
    case CAUSEWAY_VALUE_DECIMAL:
    case CAUSEWAY_VALUE_INT:
    case CAUSEWAY_VALUE_UINT:
    case CAUSEWAY_VALUE_FLOAT:
      printf("%g %.*s", p->value.real, (int)p->unit.len, (const char *)p->unit.ptr);
      if (p->unit.len > 0 && image_used + 2 <= REGISTERS) {
        int32_t scaled = (int32_t)(p->value.real * 1000.0);
        image[image_used++] = (uint16_t)((uint32_t)scaled >> 16);
        image[image_used++] = (uint16_t)((uint32_t)scaled & 0xFFFF);
      }
      break;
    case CAUSEWAY_VALUE_DATETIME:
      printf("%04u-%02u-%02u %02u:%02u", p->value.datetime.year, p->value.datetime.month, p->value.datetime.day,
             p->value.datetime.hour, p->value.datetime.minute);
      break;
    case CAUSEWAY_VALUE_NULL:
      printf("(no value)");
      break;
    default:
      printf("(%zu bytes)", p->value.bytes.len);
  }
  printf("%s\n", p->severity == 2 ? " [bad]" : "");
}

static void print_hex(const char *what, const uint8_t *b, size_t n) {
  printf("%s", what);
  for (size_t i = 0; i < n; i++) printf(" %02X", b[i]);
  printf("\n");
}

/* Feeds a file through a stream in UART-sized chunks, calling `frame` for each frame. */
static int pump(const char *path, causeway_stream *s, void (*frame)(const uint8_t *, size_t)) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  uint8_t chunk[16];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    causeway_error err;
    if (causeway_stream_push(s, chunk, n, &err) != CAUSEWAY_OK) {
      fprintf(stderr, "%s: stream overflow\n", path);
      break;
    }
    causeway_stream_event ev;
    while (causeway_stream_next(s, &ev, NULL) == CAUSEWAY_OK) {
      if (ev.is_frame) frame(ev.bytes.ptr, ev.bytes.len);
      else printf("skipped %zu bytes of line noise\n", ev.bytes.len);
    }
  }
  /* End of file: the line went quiet. */
  causeway_stream_line_idle(s);
  causeway_stream_event ev;
  while (causeway_stream_next(s, &ev, NULL) == CAUSEWAY_OK)
    if (ev.is_frame) frame(ev.bytes.ptr, ev.bytes.len);
  fclose(f);
  return 0;
}

static void mbus_frame(const uint8_t *b, size_t n) {
  causeway_mbus_header h;
  causeway_error err;
  printf("M-Bus telegram, %zu bytes\n", n);
  if (causeway_mbus_points(b, n, &h, on_point, NULL, &err) != CAUSEWAY_OK) {
    char msg[160];
    causeway_error_message(&err, (uint8_t *)msg, sizeof msg, NULL);
    printf("  rejected: %s\n", msg);
  }
}

static void modbus_frame(const uint8_t *b, size_t n) {
  causeway_modbus_adu adu;
  causeway_modbus_pdu req;
  causeway_error err;
  if (causeway_modbus_rtu_decode(b, n, &adu, &err) != CAUSEWAY_OK ||
      causeway_modbus_pdu_parse(CAUSEWAY_REQUEST, adu.pdu.ptr, adu.pdu.len, &req, &err) != CAUSEWAY_OK) {
    char msg[160];
    causeway_error_message(&err, (uint8_t *)msg, sizeof msg, NULL);
    printf("Modbus request rejected: %s\n", msg);
    return;
  }
  print_hex("Modbus request:", b, n);
  uint8_t pdu[256], adu_out[256];
  size_t pdu_len, adu_len;
  if (req.function_code == 3 && (size_t)req.address + req.quantity <= image_used) {
    causeway_modbus_registers_response(3, image + req.address, req.quantity, pdu, sizeof pdu, &pdu_len);
  } else {
    causeway_modbus_exception_response(req.function_code, req.function_code == 3 ? 0x02 : 0x01, pdu, sizeof pdu, &pdu_len);
  }
  if (causeway_modbus_rtu_emit(adu.unit_id, pdu, pdu_len, adu_out, sizeof adu_out, &adu_len, &err) == CAUSEWAY_OK)
    print_hex("Modbus reply:  ", adu_out, adu_len);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MBUS_UART_FILE MODBUS_UART_FILE\n", argv[0]);
    return 2;
  }
  static alignas(16) uint8_t mbus_mem[512], modbus_mem[512];
  static uint8_t mbus_buf[300], modbus_buf[300];
  causeway_stream *mbus = NULL, *modbus = NULL;
  if (causeway_stream_init_in(mbus_mem, sizeof mbus_mem, CAUSEWAY_STREAM_MBUS, mbus_buf, sizeof mbus_buf, &mbus) != CAUSEWAY_OK ||
      causeway_stream_init_in(modbus_mem, sizeof modbus_mem, CAUSEWAY_STREAM_MODBUS_RTU_REQUESTS, modbus_buf, sizeof modbus_buf,
                              &modbus) != CAUSEWAY_OK) {
    fprintf(stderr, "stream setup failed\n");
    return 1;
  }
  if (pump(argv[1], mbus, mbus_frame) || pump(argv[2], modbus, modbus_frame)) return 1;
  printf("register image: %zu registers\n", image_used);
  return 0;
}
