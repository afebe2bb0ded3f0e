//! A bounded Modbus/TCP load test: `--clients` connections each send one read request after the
//! other for `--seconds`, checking every answer against the first one; `--faults` more
//! connections meanwhile misbehave in turn (garbage, an oversize MBAP length, a header cut off
//! mid-frame; twenty times a second each) to show whether the server keeps serving the others. Prints one JSON line:
//! requests per second, latency percentiles, errors, what became of the faulty connections.
//!
//! ```sh
//! cargo run --release -p causeway-cli --example modbus_load -- 127.0.0.1:5020 \
//!     --clients 32 --seconds 10 --faults 2 --request 03000a0002
//! ```

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Options {
    target: SocketAddr,
    clients: usize,
    seconds: f64,
    faults: usize,
    unit: u8,
    pdu: Vec<u8>,
}

fn usage() -> ! {
    eprintln!(
        "usage: modbus_load ADDR [--clients N] [--seconds S] [--faults N] [--unit U] [--request PDU_HEX]"
    );
    std::process::exit(2)
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let Some(target) = args.next().and_then(|a| a.parse().ok()) else {
        usage()
    };
    let mut o = Options {
        target,
        clients: 16,
        seconds: 5.0,
        faults: 0,
        unit: 1,
        pdu: vec![3, 0, 10, 0, 2],
    };
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        let ok = match flag.as_str() {
            "--clients" => value.parse().map(|v| o.clients = v).is_ok(),
            "--seconds" => value.parse().map(|v| o.seconds = v).is_ok(),
            "--faults" => value.parse().map(|v| o.faults = v).is_ok(),
            "--unit" => value.parse().map(|v| o.unit = v).is_ok(),
            "--request" => (0..value.len() / 2)
                .map(|i| u8::from_str_radix(value.get(2 * i..2 * i + 2).unwrap_or("x"), 16))
                .collect::<Result<Vec<u8>, _>>()
                .map(|v| o.pdu = v)
                .is_ok(),
            _ => false,
        };
        if !ok {
            usage()
        }
    }
    o
}

/// What one well-behaved client saw.
#[derive(Default)]
struct ClientReport {
    latencies_us: Vec<u32>,
    /// Answers with another transaction id, or whose bytes differ from the first answer.
    mismatches: u64,
    /// Connections lost or refused, reads that failed.
    errors: u64,
}

async fn read_adu(s: &mut TcpStream, buf: &mut [u8; 7 + 254]) -> std::io::Result<usize> {
    s.read_exact(&mut buf[..7]).await?;
    let len = usize::from(u16::from_be_bytes([buf[4], buf[5]]));
    if !(2..=254).contains(&len) {
        return Err(std::io::Error::other("bad MBAP length"));
    }
    s.read_exact(&mut buf[7..6 + len]).await?;
    Ok(6 + len)
}

/// The request ADU, transaction id 0.
fn request(o: &Options) -> Vec<u8> {
    let mut req = vec![0, 0, 0, 0, 0, o.pdu.len() as u8 + 1, o.unit];
    req.extend_from_slice(&o.pdu);
    req
}

/// One request on its own connection: the answer after the transaction id.
async fn once(o: &Options) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(o.target).await.ok()?;
    s.write_all(&request(o)).await.ok()?;
    let mut buf = [0u8; 7 + 254];
    let n = read_adu(&mut s, &mut buf).await.ok()?;
    Some(buf[2..n].to_vec())
}

async fn client(o: &Options, deadline: Instant, expect: &[u8]) -> ClientReport {
    let mut r = ClientReport::default();
    let mut req = request(o);
    let mut buf = [0u8; 7 + 254];
    let mut tid: u16 = 0;
    'connect: while Instant::now() < deadline {
        let Ok(mut s) = TcpStream::connect(o.target).await else {
            r.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = s.set_nodelay(true);
        while Instant::now() < deadline {
            tid = tid.wrapping_add(1);
            req[..2].copy_from_slice(&tid.to_be_bytes());
            let start = Instant::now();
            if s.write_all(&req).await.is_err() {
                r.errors += 1;
                continue 'connect;
            }
            let n = match read_adu(&mut s, &mut buf).await {
                Ok(n) => n,
                Err(_) => {
                    r.errors += 1;
                    continue 'connect;
                }
            };
            r.latencies_us
                .push(u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX));
            if buf[..2] != tid.to_be_bytes() || buf[2..n] != *expect {
                r.mismatches += 1;
            }
        }
    }
    r
}

/// What became of the misbehaving connections.
#[derive(Default)]
struct FaultReport {
    sent: u64,
    /// The server closed the connection (what it should do).
    closed_by_server: u64,
    /// The server kept it open for a second without answering.
    left_open: u64,
}

async fn faulty(o: &Options, deadline: Instant, seed: usize) -> FaultReport {
    let mut r = FaultReport::default();
    let mut kind = seed;
    while Instant::now() < deadline {
        // Twenty misbehaviours a second per faulty connection: a nuisance, not a flood.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let Ok(mut s) = TcpStream::connect(o.target).await else {
            continue;
        };
        let bytes: &[u8] = match kind % 3 {
            // Text where a header should be.
            0 => b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            // An MBAP length far beyond 254.
            1 => &[0, 1, 0, 0, 0xFF, 0xFF, 1, 3, 0, 0, 0, 1],
            // A header cut off: the client goes away mid-frame.
            _ => &[0, 1, 0, 0, 0],
        };
        kind += 1;
        r.sent += 1;
        if s.write_all(bytes).await.is_err() {
            continue;
        }
        if bytes.len() == 5 {
            continue; // dropped here, mid-frame
        }
        let mut sink = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(1), s.read(&mut sink)).await {
            Ok(Ok(0)) | Ok(Err(_)) => r.closed_by_server += 1,
            Ok(Ok(_)) | Err(_) => r.left_open += 1,
        }
    }
    r
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let o = options();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| {
            eprintln!("tokio: {e}");
            std::process::exit(1)
        });
    let (reports, faults, elapsed) = rt.block_on(async {
        let o = std::sync::Arc::new(o);
        // One answer first, so every client compares against the same bytes.
        let Some(expect) = once(&o).await else {
            eprintln!("no answer from {}", o.target);
            std::process::exit(1)
        };
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(o.seconds);
        let clients: Vec<_> = (0..o.clients)
            .map(|_| {
                let (o, e) = (o.clone(), expect.clone());
                tokio::spawn(async move { client(&o, deadline, &e).await })
            })
            .collect();
        let faulty_tasks: Vec<_> = (0..o.faults)
            .map(|i| {
                let o = o.clone();
                tokio::spawn(async move { faulty(&o, deadline, i).await })
            })
            .collect();
        let mut reports = Vec::new();
        for c in clients {
            reports.push(c.await.unwrap_or_default());
        }
        let mut faults = Vec::new();
        for f in faulty_tasks {
            faults.push(f.await.unwrap_or_default());
        }
        (reports, faults, start.elapsed())
    });
    let mut latencies: Vec<u32> = reports
        .iter()
        .flat_map(|r| r.latencies_us.iter().copied())
        .collect();
    latencies.sort_unstable();
    let requests = latencies.len();
    let errors: u64 = reports.iter().map(|r| r.errors).sum();
    let mismatches: u64 = reports.iter().map(|r| r.mismatches).sum();
    let sum = |f: fn(&FaultReport) -> u64| faults.iter().map(f).sum::<u64>();
    println!(
        "{{\"requests\":{requests},\"seconds\":{:.3},\"requests_per_s\":{:.0},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"max_us\":{},\"errors\":{errors},\"mismatches\":{mismatches},\"faults_sent\":{},\"faults_closed_by_server\":{},\"faults_left_open\":{}}}",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0),
        sum(|f| f.sent),
        sum(|f| f.closed_by_server),
        sum(|f| f.left_open),
    );
}
