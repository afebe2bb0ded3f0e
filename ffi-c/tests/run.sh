#!/usr/bin/env bash
# The C side of the tests: the header must match what cbindgen generates from the sources; the
# C programs (same conformance vectors as Rust and Python, plus the API contract) must pass as
# built with -Wall -Wextra -Wpedantic -Werror, under AddressSanitizer + UBSan, and under
# valgrind; the gateway example must build and run on the bundled UART samples.
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build -q -p causeway-ffi
mkdir -p target/c
python3 tools/vectors/export_c.py target/c/vectors.txt

echo "header drift check"
cbindgen --quiet --config ffi-c/cbindgen.toml --crate causeway-ffi --output target/c/causeway.h
diff -u ffi-c/include/causeway.h target/c/causeway.h

CC=${CC:-cc}
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -I ffi-c/include)
LIBS=(target/debug/libcauseway.a -lpthread -ldl -lm)
for t in api vectors translate; do
  "$CC" "${CFLAGS[@]}" "ffi-c/tests/$t.c" "${LIBS[@]}" -o "target/c/$t"
  "$CC" "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    "ffi-c/tests/$t.c" "${LIBS[@]}" -o "target/c/$t-asan"
done
"$CC" "${CFLAGS[@]}" ffi-c/examples/gateway.c "${LIBS[@]}" -o target/c/gateway

run() { echo "+ $*"; "$@"; }
run target/c/api
run target/c/vectors target/c/vectors.txt
run target/c/translate
run target/c/api-asan
run target/c/vectors-asan target/c/vectors.txt
run target/c/translate-asan
VG=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite)
run "${VG[@]}" target/c/api
run "${VG[@]}" target/c/vectors target/c/vectors.txt
run "${VG[@]}" target/c/translate
run "${VG[@]}" target/c/gateway samples/uart-mbus.bin samples/uart-modbus-rtu.bin > target/c/gateway.out
grep -q "Modbus reply:   01 03 08" target/c/gateway.out
grep -q "rec:1 = 54.321 m3" target/c/gateway.out

echo "firmware build (no_std, panic=abort, opt-level=z)"
cargo build -q -p causeway-ffi --profile firmware --no-default-features --features modbus,mbus
"$CC" -Os -std=c11 -DCAUSEWAY_NO_STD -ffunction-sections -fdata-sections -I ffi-c/include ffi-c/examples/gateway.c \
  target/firmware/libcauseway.a -Wl,--gc-sections -lm -o target/c/gateway-firmware
target/c/gateway-firmware samples/uart-mbus.bin samples/uart-modbus-rtu.bin | grep -q "register image"
size target/c/gateway-firmware
# The 802.15.4/WPA-L part (CCM* included) builds for firmware too.
cargo build -q -p causeway-ffi --profile firmware --no-default-features --features wiapa
