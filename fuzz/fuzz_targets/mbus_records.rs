//! M-Bus records over arbitrary user data: no panic; every item the iterator yields writes back
//! the exact bytes it was read from; points can be made from every record.
#![no_main]
use causeway_codecs::cursor::Writer;
use causeway_codecs::mbus::points::telegram_points;
use causeway_codecs::mbus::record::Records;
use causeway_codecs::Layer;
use causeway_core::Device;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let records = Records::new(data, 0);
    let mut out = vec![0u8; data.len()];
    let mut w = Writer::new(&mut out, Layer::MbusRecord);
    let mut ok = true;
    for item in records.clone() {
        match item {
            Ok(item) => item.emit(&mut w).expect("an item fits where it came from"),
            Err(_) => {
                ok = false;
                break;
            }
        }
    }
    let n = w.pos();
    assert_eq!(&out[..n], &data[..n], "records re-emit their own bytes");
    if ok {
        assert_eq!(n, data.len(), "a clean iteration covers all the data");
    }
    for msb_first in [false, true] {
        let _ = telegram_points(
            Device::MBusPrimary { address: 1 },
            &records,
            msb_first,
            |p| {
                let _ = p.value.as_f64();
            },
        );
    }
});
