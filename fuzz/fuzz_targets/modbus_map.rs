//! Register-map fields with arbitrary parameters over arbitrary register images: decode never
//! panics, an encode that succeeds decodes again, and exact values (integers, decimals, text,
//! booleans) come back equal.
#![no_main]
use causeway_codecs::modbus::map::Field;
use causeway_codecs::modbus::Registers;
use causeway_core::{ByteOrder, DataType, Decimal, ModbusTable, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((head, regs)) = input.split_at_checked(8) else {
        return;
    };
    let types = DataType::ALL;
    let mut f = Field::new(
        ModbusTable::HoldingRegister,
        u16::from(head[0]),
        types[usize::from(head[1]) % types.len()],
    );
    f.byte_order = ByteOrder::ALL[usize::from(head[2]) % 4];
    f.length = u16::from(head[3] % 8);
    f.bit = head[4] % 20;
    f.bits = head[5] % 20;
    if head[6] & 1 != 0 {
        f.scale = Some(Decimal::new(
            i64::from(head[7] as i8),
            -(i16::from(head[6] >> 4)),
        ));
    }
    let regs = &regs[..regs.len() & !1];
    let Some(view) = Registers::new(regs) else {
        return;
    };
    let start = u16::from(head[0] & 0xF0);
    if let Ok(v) = f.decode(start, view) {
        let mut image = regs.to_vec();
        if f.encode(&v, start, &mut image).is_ok() {
            let again = f
                .decode(start, Registers::new(&image).unwrap())
                .expect("re-decode");
            if !matches!(v, Value::Float(_)) {
                assert_eq!(again, v);
            }
        }
    }
});
