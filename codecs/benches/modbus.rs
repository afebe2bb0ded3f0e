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
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

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

/// How many frames each decoder fully decodes, printed once so the figures can be read fairly.
fn report_coverage(tcp: &[(bool, Vec<u8>)], rtu: &[(bool, Vec<u8>)]) {
    let count = |f: &dyn Fn(bool, &[u8]) -> Option<u64>, v: &[(bool, Vec<u8>)]| {
        v.iter().filter(|(r, fr)| f(*r, fr).is_some()).count()
    };
    let tcp_cw = count(
        &|r, f| causeway_pdu(r, tcp::Frame::new_checked(f).ok()?.pdu()),
        tcp,
    );
    let tcp_mc = count(&modbus_core_tcp, tcp);
    let tcp_rm = count(
        &|r, f| {
            if r {
                rmodbus_request(rmodbus::ModbusProto::TcpUdp, f)
            } else {
                rmodbus_response(
                    rmodbus::ModbusProto::TcpUdp,
                    f,
                    &f[7..],
                    u16::from_be_bytes([f[0], f[1]]),
                )
            }
        },
        tcp,
    );
    let rtu_cw = count(
        &|r, f| causeway_pdu(r, rtu::Frame::new_checked(f).ok()?.pdu()),
        rtu,
    );
    let rtu_mc = count(&modbus_core_rtu, rtu);
    let rtu_rm = count(
        &|r, f| {
            if r {
                rmodbus_request(rmodbus::ModbusProto::Rtu, f)
            } else {
                rmodbus_response(rmodbus::ModbusProto::Rtu, f, &f[1..f.len() - 2], 1)
            }
        },
        rtu,
    );
    eprintln!("frames decoded of {}: tcp causeway {tcp_cw} modbus-core {tcp_mc} rmodbus {tcp_rm}; rtu causeway {rtu_cw} modbus-core {rtu_mc} rmodbus {rtu_rm}", tcp.len());
}

fn decode(c: &mut Criterion) {
    let tcp = tcp_frames();
    let rtu = rtu_frames();
    report_coverage(&tcp, &rtu);

    let mut g = c.benchmark_group("tcp_decode_mixed");
    g.throughput(Throughput::Elements(tcp.len() as u64));
    g.bench_function("causeway", |b| {
        b.iter(|| {
            tcp.iter()
                .map(|(req, f)| {
                    tcp::Frame::new_checked(black_box(&f[..]))
                        .ok()
                        .and_then(|fr| causeway_pdu(*req, fr.pdu()))
                        .unwrap_or(0)
                })
                .sum::<u64>()
        })
    });
    g.bench_function("modbus-core", |b| {
        b.iter(|| {
            tcp.iter()
                .map(|(req, f)| modbus_core_tcp(*req, black_box(f)).unwrap_or(0))
                .sum::<u64>()
        })
    });
    g.bench_function("rmodbus", |b| {
        b.iter(|| {
            tcp.iter()
                .enumerate()
                .map(|(i, (req, f))| {
                    let f = black_box(&f[..]);
                    if *req {
                        rmodbus_request(rmodbus::ModbusProto::TcpUdp, f).unwrap_or(0)
                    } else {
                        rmodbus_response(rmodbus::ModbusProto::TcpUdp, f, &f[7..], i as u16)
                            .unwrap_or(0)
                    }
                })
                .sum::<u64>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("rtu_decode_mixed");
    g.throughput(Throughput::Elements(rtu.len() as u64));
    g.bench_function("causeway", |b| {
        b.iter(|| {
            rtu.iter()
                .map(|(req, f)| {
                    rtu::Frame::new_checked(black_box(&f[..]))
                        .ok()
                        .and_then(|fr| causeway_pdu(*req, fr.pdu()))
                        .unwrap_or(0)
                })
                .sum::<u64>()
        })
    });
    g.bench_function("modbus-core", |b| {
        b.iter(|| {
            rtu.iter()
                .map(|(req, f)| modbus_core_rtu(*req, black_box(f)).unwrap_or(0))
                .sum::<u64>()
        })
    });
    g.bench_function("rmodbus", |b| {
        b.iter(|| {
            rtu.iter()
                .map(|(req, f)| {
                    let f = black_box(&f[..]);
                    if *req {
                        rmodbus_request(rmodbus::ModbusProto::Rtu, f).unwrap_or(0)
                    } else {
                        rmodbus_response(rmodbus::ModbusProto::Rtu, f, &f[1..f.len() - 2], 1)
                            .unwrap_or(0)
                    }
                })
                .sum::<u64>()
        })
    });
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
