//! `causeway gateway`: a running gateway around the sans-IO translator.
//!
//! - A Modbus/TCP server (one task per client) answers from the translator's image. A client
//!   that sends a non-Modbus protocol id, a length outside 2..=254, or stalls mid-frame for 5 s
//!   is disconnected; the image and the other clients are untouched.
//! - An M-Bus master on a serial line (8E1, 2400 Bd by default) reads one meter with
//!   SND_NKE / REQ_UD2 every interval and forwards SND_UD writes from Modbus clients.
//! - An EPA-S UDP socket ingests DISTRIBUTE (and other) messages; DISTRIBUTE and WRITE go to
//!   `--epa-peer`.
//! - A replayed capture seeds the translator at start (its points count as arriving now).
//!
//! Once a second the translator publishes; what has no transport here (WPA-L frames, Modbus
//! requests to sources) is printed as JSON lines. The first line printed says where the
//! gateway listens.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use causeway_codecs::buffer::{Event, Growable, Stream};
use causeway_codecs::mbus::link::Deframer as MbusDeframer;
use causeway_codecs::mbus::master::{Event as MasterEvent, ReadMeter};
use causeway_codecs::modbus::adu::Framing;
use causeway_codecs::translate::{Destination, Input, Outbound, Translator};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc as tokio_mpsc;

use crate::translate::{now_ms, outbound_json, translator};
use crate::{capture, Failure, KeyArgs};

/// What `causeway gateway` was asked to run.
#[derive(clap::Args)]
pub struct Options {
    /// The map.
    #[arg(long)]
    pub map: PathBuf,
    /// Where the Modbus/TCP server listens (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:5020")]
    pub modbus_tcp: SocketAddr,
    /// The M-Bus serial line to read a meter on.
    #[arg(long)]
    pub mbus_serial: Option<PathBuf>,
    /// Its speed.
    #[arg(long, default_value_t = 2400)]
    pub mbus_baud: u32,
    /// The meter's primary address (254: whoever is on the line).
    #[arg(long, default_value_t = 254)]
    pub mbus_address: u8,
    /// Seconds between meter readouts.
    #[arg(long, default_value_t = 10.0)]
    pub mbus_interval: f64,
    /// Where to receive EPA-S messages over UDP.
    #[arg(long)]
    pub epa_udp: Option<SocketAddr>,
    /// Where to send EPA-S DISTRIBUTE and WRITE.
    #[arg(long)]
    pub epa_peer: Option<SocketAddr>,
    /// A capture whose points seed the translator at start.
    #[arg(long)]
    pub replay: Option<PathBuf>,
    /// Stop after this many seconds (default: run until killed).
    #[arg(long)]
    pub run_for: Option<f64>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

type Shared = Arc<Mutex<Translator>>;

fn lock(t: &Shared) -> std::sync::MutexGuard<'_, Translator> {
    t.lock().unwrap_or_else(|e| e.into_inner())
}

fn log(line: serde_json::Value) {
    println!("{line}");
}

/// Longest a client may stall inside a frame.
const FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves one Modbus/TCP client until it leaves or misbehaves.
async fn serve(
    mut stream: TcpStream,
    shared: Shared,
    outbox: tokio_mpsc::UnboundedSender<Outbound>,
) {
    let mut adu = [0u8; 7 + 254];
    let mut out = [0u8; 260];
    loop {
        if stream.read_exact(&mut adu[..7]).await.is_err() {
            return;
        }
        let protocol = u16::from_be_bytes([adu[2], adu[3]]);
        let len = usize::from(u16::from_be_bytes([adu[4], adu[5]]));
        if protocol != 0 || !(2..=254).contains(&len) {
            return;
        }
        let rest = &mut adu[7..6 + len];
        match tokio::time::timeout(FRAME_TIMEOUT, stream.read_exact(rest)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let reply = lock(&shared).modbus_request(Framing::Tcp, &adu[..6 + len], now_ms(), &mut out);
        let Ok(reply) = reply else { return };
        if stream.write_all(&out[..reply.len]).await.is_err() {
            return;
        }
        for o in reply.outbound {
            let _ = outbox.send(o);
        }
    }
}

/// A serial line with the M-Bus deframer over what it receives.
struct Line<'p> {
    port: &'p mut dyn serialport::SerialPort,
    stream: Stream<Growable, MbusDeframer>,
}

impl Line<'_> {
    /// The next frame, or `None` when `wait` passes first.
    fn receive(&mut self, wait: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + wait;
        let mut chunk = [0u8; 256];
        loop {
            while let Some(ev) = self.stream.next_event() {
                if let Event::Frame(f) = ev {
                    return Some(f.to_vec());
                }
            }
            if Instant::now() >= deadline {
                self.stream.clear();
                return None;
            }
            if let Ok(n) = self.port.read(&mut chunk) {
                let _ = self.stream.push(chunk.get(..n).unwrap_or(&[]));
            }
        }
    }

    /// Sends a SND_UD and reports whether the slave acknowledged it.
    fn write(&mut self, o: &Outbound) {
        let _ = self.port.write_all(&o.bytes);
        let acked = self.receive(ANSWER_TIME).is_some_and(|f| f == [0xE5]);
        log(
            json!({"mbus_write": {"hex": causeway_codecs::registry::hex(&o.bytes), "acknowledged": acked}}),
        );
    }
}

/// How long an M-Bus slave has to answer (EN 13757-2 §5.7 allows 330 bit times + 50 ms; ptys
/// and converters add their own delays).
const ANSWER_TIME: Duration = Duration::from_millis(500);

/// The M-Bus master: reads the meter every interval, sends queued SND_UD in between.
fn mbus_master(
    port: &mut dyn serialport::SerialPort,
    address: u8,
    interval: Duration,
    shared: &Shared,
    writes: &mpsc::Receiver<Outbound>,
) {
    let mut line = Line {
        port,
        stream: Stream::new(Growable::new(1 << 12), MbusDeframer),
    };
    let mut buf = [0u8; 300];
    loop {
        let mut job = ReadMeter::new(address, 3);
        while !job.is_finished() {
            if let Ok(Some(n)) = job.transmit(&mut buf) {
                let _ = line.port.write_all(buf.get(..n).unwrap_or(&[]));
            }
            let event = match line.receive(ANSWER_TIME) {
                Some(frame) => {
                    let event = job.on_frame(&frame);
                    if event == MasterEvent::Telegram {
                        let n = lock(shared).ingest(Input::MBus(&frame), now_ms());
                        log(
                            json!({"mbus_telegram": {"hex": causeway_codecs::registry::hex(&frame),
                            "updated": n.as_ref().ok(), "error": n.err().map(|e| e.to_string())}}),
                        );
                    }
                    event
                }
                None => job.on_timeout(),
            };
            if event == MasterEvent::Failed {
                log(json!({"mbus_error": format!("no answer from primary address {address}")}));
            }
        }
        let next_read = Instant::now() + interval;
        loop {
            let wait = next_read.saturating_duration_since(Instant::now());
            match writes.recv_timeout(wait) {
                Ok(o) => line.write(&o),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(wait);
                    break;
                }
            }
        }
    }
}

/// `causeway gateway`.
pub fn run(opts: Options) -> Result<(), Failure> {
    let shared: Shared = Arc::new(Mutex::new(translator(&opts.map)?));
    if let Some(path) = &opts.replay {
        let copts = capture::Options {
            modbus_port: 502,
            modbus_map: None,
            epa_port: causeway_codecs::epa::header::DEFAULT_UDP_PORT,
            keys: opts.keys.clone(),
        };
        capture::points(path, &copts, |_, _, points| {
            let mut t = lock(&shared);
            for p in points {
                t.ingest_point(p, now_ms());
            }
            Ok(())
        })?;
    }
    let (mbus_tx, mbus_rx) = mpsc::channel::<Outbound>();
    if let Some(path) = &opts.mbus_serial {
        let mut port = serialport::new(path.to_string_lossy(), opts.mbus_baud)
            .parity(serialport::Parity::Even)
            .data_bits(serialport::DataBits::Eight)
            .stop_bits(serialport::StopBits::One)
            .timeout(Duration::from_millis(20))
            .open()
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        let shared = shared.clone();
        let (address, interval) = (
            opts.mbus_address,
            Duration::from_secs_f64(opts.mbus_interval.max(0.1)),
        );
        std::thread::spawn(move || {
            mbus_master(port.as_mut(), address, interval, &shared, &mbus_rx)
        });
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(opts.modbus_tcp)
            .await
            .map_err(|e| Failure::Usage(format!("{}: {e}", opts.modbus_tcp)))?;
        let epa = match opts.epa_udp {
            Some(addr) => Some(Arc::new(
                UdpSocket::bind(addr)
                    .await
                    .map_err(|e| Failure::Usage(format!("{addr}: {e}")))?,
            )),
            None => None,
        };
        let modbus_addr = listener.local_addr().map_err(|e| Failure::Usage(e.to_string()))?;
        let epa_addr = epa.as_ref().and_then(|s| s.local_addr().ok());
        log(json!({"gateway": {"modbus_tcp": modbus_addr.to_string(),
            "epa_udp": epa_addr.map(|a| a.to_string()),
            "mbus_serial": opts.mbus_serial.as_ref().map(|p| p.display().to_string())}}));
        let (outbox, mut outgoing) = tokio_mpsc::unbounded_channel::<Outbound>();
        // Routes what the translator sends.
        let router = {
            let (shared, epa, peer) = (shared.clone(), epa.clone(), opts.epa_peer);
            async move {
                while let Some(o) = outgoing.recv().await {
                    match (o.destination, &epa, peer) {
                        (Destination::Epa { .. }, Some(sock), Some(peer)) => {
                            let _ = sock.send_to(&o.bytes, peer).await;
                        }
                        (Destination::MBus { .. }, ..) => {
                            let _ = mbus_tx.send(o.clone());
                        }
                        _ => {}
                    }
                    log(json!({"outbound": outbound_json(&lock(&shared), &o)}));
                }
            }
        };
        tokio::spawn(router);
        let publisher = {
            let (shared, outbox) = (shared.clone(), outbox.clone());
            async move {
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    let mut sent = Vec::new();
                    let _ = lock(&shared).publish(now_ms(), |o| sent.push(o));
                    for o in sent {
                        let _ = outbox.send(o);
                    }
                }
            }
        };
        tokio::spawn(publisher);
        if let Some(sock) = epa {
            let shared = shared.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 1500];
                while let Ok((n, from)) = sock.recv_from(&mut buf).await {
                    let r = lock(&shared).ingest(Input::EpaMessage(&buf[..n]), now_ms());
                    if let Err(e) = r {
                        log(json!({"epa_error": {"from": from.to_string(), "error": e.to_string()}}));
                    }
                }
            });
        }
        let accept = async {
            loop {
                if let Ok((stream, _)) = listener.accept().await {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve(stream, shared.clone(), outbox.clone()));
                }
            }
        };
        match opts.run_for {
            Some(secs) => {
                let _ = tokio::time::timeout(Duration::from_secs_f64(secs), accept).await;
            }
            None => accept.await,
        }
        Ok::<(), Failure>(())
    })
}
