//! Modbus side by side with rmodbus 0.13 and modbus-core 0.2 on the same frames, in one run:
//! TCP and RTU decode of a mixed corpus, RTU deframing of a long stream, encode, and CRC.
//!
//!     cargo bench -p causeway-codecs --bench modbus
//!
//! Each decoder does the work a caller needs: validate the frame and read every value.

use std::hint::black_box;

use causeway_codecs::buffer::{Event, Stream};
use causeway_codecs::checksum::{crc16_modbus, crc16_modbus_table};
use causeway_codecs::modbus::{rtu, tcp, Registers, Request, Response};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};

/// A mixed corpus of PDUs: (is_request, pdu). FC 3, 16 and 1 in both directions, sizes varied.
fn corpus() -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    for i in 0..16u16 {
        let qty = 1 + (i * 8) % 125;
        out.push((
            true,
            [&[3u8][..], &(i * 10).to_be_bytes(), &qty.to_be_bytes()].concat(),
        ));
        let regs: Vec<u8> = (0..qty).flat_map(|r| (r * 7 + i).to_be_bytes()).collect();
        out.push((false, [&[3u8, regs.len() as u8][..], &regs].concat()));
        let wq = 1 + (i * 7) % 123;
        let w: Vec<u8> = (0..wq).flat_map(|r| (r ^ i).to_be_bytes()).collect();
        out.push((
            true,
            [
                &[16u8][..],
                &(i * 3).to_be_bytes(),
                &wq.to_be_bytes(),
                &[w.len() as u8],
                &w,
            ]
            .concat(),
        ));
        out.push((
            false,
            [&[16u8][..], &(i * 3).to_be_bytes(), &wq.to_be_bytes()].concat(),
        ));
        let bits = 1 + (i * 37) % 2000;
        out.push((
            true,
            [&[1u8][..], &i.to_be_bytes(), &bits.to_be_bytes()].concat(),
        ));
        let nb = usize::from(bits).div_ceil(8);
        out.push((false, [&[1u8, nb as u8][..], &vec![0xA5u8; nb]].concat()));
    }
    out
}

fn tcp_frames() -> Vec<(bool, Vec<u8>)> {
    corpus()
        .into_iter()
        .enumerate()
        .map(|(i, (req, pdu))| {
            let mut buf = [0u8; 260];
            let n = tcp::emit(
                &tcp::Header {
                    transaction_id: i as u16,
                    protocol_id: 0,
                    unit_id: 1,
                },
                &pdu,
                &mut buf,
            )
            .unwrap();
            (req, buf[..n].to_vec())
        })
        .collect()
}

fn rtu_frames() -> Vec<(bool, Vec<u8>)> {
    corpus()
        .into_iter()
        .map(|(req, pdu)| {
            let mut buf = [0u8; 256];
            let n = rtu::emit(1, &pdu, &mut buf).unwrap();
            (req, buf[..n].to_vec())
        })
        .collect()
}

fn sum_regs(r: Registers<'_>) -> u64 {
    r.iter().map(u64::from).sum()
}

/// causeway: check the ADU, parse the PDU, read every value.
fn causeway_pdu(req: bool, pdu: &[u8]) -> Option<u64> {
    if req {
        match Request::parse(pdu).ok()? {
            Request::ReadHoldingRegisters { address, quantity }
            | Request::ReadCoils { address, quantity } => {
                Some(u64::from(address) + u64::from(quantity))
            }
            Request::WriteMultipleRegisters { values, .. } => Some(sum_regs(values)),
            _ => None,
        }
    } else {
        match Response::parse(pdu).ok()? {
            Response::ReadHoldingRegisters { values } => Some(sum_regs(values)),
            Response::ReadCoils { coils } => Some(coils.iter().filter(|b| *b).count() as u64),
            Response::WriteMultipleRegisters { quantity, .. } => Some(u64::from(quantity)),
            _ => None,
        }
    }
}

fn modbus_core_request(r: &modbus_core::Request<'_>) -> Option<u64> {
    use modbus_core::Request as R;
    match r {
        R::ReadHoldingRegisters(a, q) | R::ReadCoils(a, q) => Some(u64::from(*a) + u64::from(*q)),
        R::WriteMultipleRegisters(_, d) => Some(d.into_iter().map(u64::from).sum()),
        _ => None,
    }
}

fn modbus_core_response(r: &modbus_core::Response<'_>) -> Option<u64> {
    use modbus_core::Response as R;
    match r {
        R::ReadHoldingRegisters(d) => Some(d.into_iter().map(u64::from).sum()),
        R::ReadCoils(c) => Some(c.into_iter().filter(|b| *b).count() as u64),
        R::WriteMultipleRegisters(_, q) => Some(u64::from(*q)),
        _ => None,
    }
}

fn modbus_core_tcp(req: bool, f: &[u8]) -> Option<u64> {
    if req {
        modbus_core_request(&modbus_core::tcp::server::decode_request(f).ok()??.pdu.0)
    } else {
        modbus_core_response(
            modbus_core::tcp::client::decode_response(f)
                .ok()??
                .pdu
                .0
                .as_ref()
                .ok()?,
        )
    }
}

fn modbus_core_rtu(req: bool, f: &[u8]) -> Option<u64> {
    if req {
        modbus_core_request(&modbus_core::rtu::server::decode_request(f).ok()??.pdu.0)
    } else {
        modbus_core_response(
            modbus_core::rtu::client::decode_response(f)
                .ok()??
                .pdu
                .0
                .as_ref()
                .ok()?,
        )
    }
}

/// rmodbus reads responses through the request that asked for them.
fn rmodbus_response(
    proto: rmodbus::ModbusProto,
    frame: &[u8],
    pdu: &[u8],
    tr_id: u16,
) -> Option<u64> {
    let mut req = rmodbus::client::ModbusRequest::new(1, proto);
    req.tr_id = tr_id;
    let mut scratch: Vec<u8> = Vec::with_capacity(260);
    match pdu[0] {
        3 => {
            let _ = req.generate_get_holdings(0, u16::from(pdu[1]) / 2, &mut scratch);
            let mut regs: Vec<u16> = Vec::with_capacity(125);
            req.parse_u16(frame, &mut regs)
                .ok()
                .map(|()| regs.iter().map(|&r| u64::from(r)).sum())
        }
        1 => {
            let _ = req.generate_get_coils(0, u16::from(pdu[1]) * 8, &mut scratch);
            let mut bits: Vec<bool> = Vec::with_capacity(2000);
            req.parse_bool(frame, &mut bits)
                .ok()
                .map(|()| bits.iter().filter(|b| **b).count() as u64)
        }
        _ => {
            let _ = req.generate_set_holdings_bulk(0, &[0], &mut scratch);
            req.parse_ok(frame).ok().map(|()| 1)
        }
    }
}

fn rmodbus_request(proto: rmodbus::ModbusProto, frame: &[u8]) -> Option<u64> {
    let mut buf: rmodbus::ModbusFrameBuf = [0; 256];
    buf[..frame.len()].copy_from_slice(frame);
    let mut resp: Vec<u8> = Vec::with_capacity(256);
    let mut f = rmodbus::server::ModbusFrame::new(1, &buf, proto, &mut resp);
    f.parse().ok()?;
    f.processing_required
        .then(|| u64::from(f.count) + u64::from(f.reg))
}

fn causeway_tcp(req: bool, f: &[u8]) -> Option<u64> {
    causeway_pdu(req, tcp::Frame::new_checked(f).ok()?.pdu())
}

fn causeway_rtu(req: bool, f: &[u8]) -> Option<u64> {
    causeway_pdu(req, rtu::Frame::new_checked(f).ok()?.pdu())
}

fn rmodbus_tcp(req: bool, f: &[u8]) -> Option<u64> {
    let proto = rmodbus::ModbusProto::TcpUdp;
    if req {
        rmodbus_request(proto, f)
    } else {
        let tr_id = u16::from_be_bytes([*f.first()?, *f.get(1)?]);
        rmodbus_response(proto, f, f.get(7..)?, tr_id)
    }
}

fn rmodbus_rtu(req: bool, f: &[u8]) -> Option<u64> {
    let proto = rmodbus::ModbusProto::Rtu;
    if req {
        rmodbus_request(proto, f)
    } else {
        rmodbus_response(proto, f, f.get(1..f.len().checked_sub(2)?)?, 1)
    }
}

/// One decoder over a framing's frames, each frame through `black_box`: the sum of what it reads.
fn bench_decoder(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    frames: &[(bool, Vec<u8>)],
    decode: impl Fn(bool, &[u8]) -> Option<u64>,
) {
    eprintln!(
        "{name}: {} of {} frames decoded",
        frames
            .iter()
            .filter(|(r, f)| decode(*r, f).is_some())
            .count(),
        frames.len()
    );
    g.bench_function(name, |b| {
        b.iter(|| {
            frames
                .iter()
                .map(|(req, f)| decode(*req, black_box(f)).unwrap_or(0))
                .sum::<u64>()
        })
    });
}

fn decode(c: &mut Criterion) {
    let tcp = tcp_frames();
    let rtu = rtu_frames();

    let mut g = c.benchmark_group("tcp_decode_mixed");
    g.throughput(Throughput::Elements(tcp.len() as u64));
    bench_decoder(&mut g, "causeway", &tcp, causeway_tcp);
    bench_decoder(&mut g, "modbus-core", &tcp, modbus_core_tcp);
    bench_decoder(&mut g, "rmodbus", &tcp, rmodbus_tcp);
    g.finish();

    let mut g = c.benchmark_group("rtu_decode_mixed");
    g.throughput(Throughput::Elements(rtu.len() as u64));
    bench_decoder(&mut g, "causeway", &rtu, causeway_rtu);
    bench_decoder(&mut g, "modbus-core", &rtu, modbus_core_rtu);
    bench_decoder(&mut g, "rmodbus", &rtu, rmodbus_rtu);
    g.finish();

    // RTU deframing of a long request stream (a server's receive side), fed 64 bytes at a time.
    let stream: Vec<u8> = (0..20)
        .flat_map(|_| {
            rtu.iter()
                .filter(|(req, _)| *req)
                .flat_map(|(_, f)| f.clone())
        })
        .collect();
    let mut g = c.benchmark_group("rtu_deframe_stream");
    g.throughput(Throughput::Bytes(stream.len() as u64));
    g.bench_function("causeway", |b| {
        b.iter(|| {
            let mut s = Stream::new([0u8; 512], rtu::Deframer::new(rtu::Mode::Requests));
            let mut frames = 0u32;
            for chunk in black_box(&stream[..]).chunks(64) {
                s.push(chunk).unwrap();
                while let Some(ev) = s.next_event() {
                    frames += u32::from(matches!(ev, Event::Frame(_)));
                }
            }
            frames
        })
    });
    g.bench_function("modbus-core", |b| {
        b.iter(|| {
            let buf = black_box(&stream[..]);
            let (mut at, mut frames) = (0usize, 0u32);
            while at < buf.len() {
                match modbus_core::rtu::decode(modbus_core::DecoderType::Request, &buf[at..]) {
                    Ok(Some((_, loc))) => {
                        frames += 1;
                        at += loc.start + loc.size;
                    }
                    _ => at += 1,
                }
            }
            frames
        })
    });
    g.bench_function("rmodbus", |b| {
        b.iter(|| {
            let buf = black_box(&stream[..]);
            let (mut at, mut frames) = (0usize, 0u32);
            while at < buf.len() {
                match rmodbus::guess_request_frame_len(&buf[at..], rmodbus::ModbusProto::Rtu) {
                    Ok(n)
                        if at + usize::from(n) <= buf.len()
                            && rmodbus_request(
                                rmodbus::ModbusProto::Rtu,
                                &buf[at..at + usize::from(n)],
                            )
                            .is_some() =>
                    {
                        frames += 1;
                        at += usize::from(n);
                    }
                    _ => at += 1,
                }
            }
            frames
        })
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let values: Vec<u16> = (0..100).collect();
    let wire: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
    let mut g = c.benchmark_group("rtu_encode_fc16_100_registers");
    g.bench_function("causeway", |b| {
        let mut out = [0u8; 256];
        let mut pdu = [0u8; 253];
        b.iter(|| {
            let req = Request::WriteMultipleRegisters {
                address: 7,
                values: Registers::new(black_box(&wire)).unwrap(),
            };
            let n = req.emit(&mut pdu).unwrap();
            rtu::emit(1, &pdu[..n], &mut out).unwrap()
        })
    });
    g.bench_function("modbus-core", |b| {
        let mut out = [0u8; 256];
        let mut raw = [0u8; 200];
        b.iter(|| {
            let data = modbus_core::Data::from_words(black_box(&values), &mut raw).unwrap();
            let adu = modbus_core::rtu::RequestAdu {
                hdr: modbus_core::rtu::Header { slave: 1 },
                pdu: modbus_core::RequestPdu(modbus_core::Request::WriteMultipleRegisters(7, data)),
            };
            modbus_core::rtu::client::encode_request(adu, &mut out).unwrap()
        })
    });
    g.bench_function("rmodbus", |b| {
        let mut out: Vec<u8> = Vec::with_capacity(256);
        let mut req = rmodbus::client::ModbusRequest::new(1, rmodbus::ModbusProto::Rtu);
        b.iter(|| {
            req.generate_set_holdings_bulk(7, black_box(&values), &mut out)
                .unwrap();
            out.len()
        })
    });
    g.finish();
}

fn crc(c: &mut Criterion) {
    let frame: Vec<u8> = (0..=255u8).collect();
    let mut g = c.benchmark_group("crc16_modbus_256_bytes");
    g.throughput(Throughput::Bytes(256));
    g.bench_function(BenchmarkId::new("causeway", "clmul"), |b| {
        b.iter(|| crc16_modbus(black_box(&frame)))
    });
    g.bench_function(BenchmarkId::new("causeway", "slice-by-16"), |b| {
        b.iter(|| crc16_modbus_table(black_box(&frame)))
    });
    g.bench_function("modbus-core", |b| {
        b.iter(|| modbus_core::rtu::crc16(black_box(&frame)))
    });
    let crc_crate = crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_MODBUS);
    g.bench_function(BenchmarkId::new("crc-crate", "Table<16>"), |b| {
        b.iter(|| crc_crate.checksum(black_box(&frame)))
    });
    g.finish();
}

criterion_group!(benches, decode, encode, crc);
criterion_main!(benches);
