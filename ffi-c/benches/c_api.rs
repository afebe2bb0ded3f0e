//! Per-frame cost of a decode through the C ABI versus the same decode in Rust, in one run.
//!
//!     cargo bench -p causeway-ffi --bench c_api
//!
//! The C-ABI functions are called exactly as a C caller calls them (`extern "C"`, raw pointers,
//! out-parameters, catch_unwind at the boundary); the Rust side calls the codec directly.

use std::hint::black_box;

use causeway::{
    causeway_mbus_points, causeway_modbus_adu, causeway_modbus_pdu, causeway_modbus_pdu_parse,
    causeway_modbus_rtu_decode, causeway_point, causeway_result,
};
use causeway_codecs::mbus::{app, link, points::telegram_points};
use causeway_codecs::modbus::{rtu, Request};
use causeway_core::Device;
use criterion::{criterion_group, criterion_main, Criterion};

const RTU: [u8; 8] = [0x11, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x76, 0x87];
// libmbus corpus telegram ACW_Itron-BM-plus-m (9 records).
const MBUS: &str = "683c3c680808727803491177040e160a0000000c7878034911041331d40000426c0000441300000000046d0b0bcd130227000009fd0e0209fd0f060f00017513d316";

unsafe extern "C" fn count(_: *const causeway_point, user: *mut core::ffi::c_void) {
    // SAFETY: `user` is the &mut usize passed below.
    unsafe { *user.cast::<usize>() += 1 };
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("modbus_rtu_request_decode");
    g.bench_function("rust", |b| {
        b.iter(|| {
            let f = rtu::Frame::new_checked(black_box(&RTU[..])).unwrap();
            match Request::parse(f.pdu()).unwrap() {
                Request::ReadHoldingRegisters { quantity, .. } => quantity,
                _ => 0,
            }
        })
    });
    g.bench_function("c_abi", |b| {
        b.iter(|| {
            let mut adu = causeway_modbus_adu::default();
            let mut pdu = causeway_modbus_pdu::default();
            // SAFETY: valid pointers to live values.
            unsafe {
                assert_eq!(
                    causeway_modbus_rtu_decode(
                        black_box(RTU.as_ptr()),
                        RTU.len(),
                        &mut adu,
                        std::ptr::null_mut()
                    ),
                    causeway_result::CAUSEWAY_OK
                );
                causeway_modbus_pdu_parse(
                    0,
                    adu.pdu.ptr,
                    adu.pdu.len,
                    &mut pdu,
                    std::ptr::null_mut(),
                );
            }
            pdu.quantity
        })
    });
    g.finish();

    let telegram: Vec<u8> = (0..MBUS.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&MBUS[i..i + 2], 16).unwrap())
        .collect();
    let mut g = c.benchmark_group("mbus_telegram_to_points");
    g.bench_function("rust", |b| {
        b.iter(|| {
            let f = link::Frame::new_checked(black_box(&telegram[..])).unwrap();
            let mut n = 0usize;
            if let Ok(app::Body::Variable {
                records,
                msb_first,
                header,
            }) = app::parse(f.ci().unwrap(), f.data(), 7)
            {
                let device = header
                    .and_then(|h| h.identity)
                    .map_or(Device::MBusPrimary { address: 1 }, |i| i.device());
                telegram_points(device, &records, msb_first, |_| n += 1).unwrap();
            }
            n
        })
    });
    g.bench_function("c_abi", |b| {
        b.iter(|| {
            let mut n = 0usize;
            // SAFETY: valid pointers; the callback only counts.
            unsafe {
                causeway_mbus_points(
                    black_box(telegram.as_ptr()),
                    telegram.len(),
                    std::ptr::null_mut(),
                    Some(count),
                    (&mut n as *mut usize).cast(),
                    std::ptr::null_mut(),
                );
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
