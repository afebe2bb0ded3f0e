//! EPA-S for C: whole frames (carrier, header, body) decoded into one flat struct whose byte
//! fields are views into the caller's frame, emitted from the same struct, canonical points, and
//! domain-transfer reassembly in caller memory.

use core::net::Ipv4Addr;

use causeway_codecs::epa::domain::{DomainKey, DomainTransfer};
use causeway_codecs::epa::header::{Flags, Header, Service, ETHERTYPE};
use causeway_codecs::epa::points::{exchange_points, frame_points};
use causeway_codecs::epa::{Block, Body, Carrier, Frame, Reply, Status};
use causeway_codecs::ethernet::{Ethernet, Ipv4, Udp, VlanTag, IP_UDP};
use causeway_codecs::fieldbus::{Order, TypedValue};
use causeway_codecs::{Error, Layer};

use crate::error::{causeway_error, causeway_result, fail};
use crate::point::{causeway_point_callback, causeway_value, emit_point, value};
use crate::{causeway_bytes, decode_into, guard, input, output, place, storage_size};

use causeway_result::*;

/// A typed value of the profile's data types.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_epa_value {
    /// Type code (8 FLOAT32, 9 VISIBLE_STRING, ...; unknown codes kept).
    pub type_code: u8,
    /// The value's octets as sent (big-endian); what `causeway_epa_emit` writes.
    pub raw: causeway_bytes,
    /// The value in canonical form (text and bytes are views into `raw`).
    pub value: causeway_value,
}

/// An EPA-S frame: carrier, header and body. Which body fields mean something depends on
/// `service` (see the profile's service table); byte views point into the decoded frame.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_epa_frame {
    /// Destination MAC.
    pub eth_dst: [u8; 6],
    /// Source MAC.
    pub eth_src: [u8; 6],
    /// Whether an 802.1Q tag is present.
    pub has_vlan: bool,
    /// Tag priority (0–7).
    pub vlan_pcp: u8,
    /// Tag drop eligibility.
    pub vlan_dei: bool,
    /// VLAN id (0–4095).
    pub vlan_vid: u16,
    /// Carried in IPv4/UDP (else directly on EtherType 0x88CB).
    pub udp: bool,
    /// IPv4 source.
    pub ip_src: [u8; 4],
    /// IPv4 destination.
    pub ip_dst: [u8; 4],
    /// IPv4 time to live.
    pub ip_ttl: u8,
    /// IPv4 DSCP/ECN octet.
    pub ip_tos: u8,
    /// IPv4 identification.
    pub ip_id: u16,
    /// IPv4 don't-fragment flag.
    pub ip_dont_fragment: bool,
    /// IPv4 options (usually empty).
    pub ip_options: causeway_bytes,
    /// UDP source port.
    pub udp_src_port: u16,
    /// UDP destination port.
    pub udp_dst_port: u16,
    /// Whether the UDP checksum is used (sent non-zero / to be computed).
    pub udp_checksum: bool,
    /// Service octet: bit 7 response, bits 0–6 service code.
    pub service: u8,
    /// Flags: b0 confirmed, b1 error, b2 more, b5–7 priority.
    pub flags: u8,
    /// Octets of body (computed when emitting).
    pub body_len: u16,
    /// Request/response correlation.
    pub msg_id: u16,
    /// Source application.
    pub src_app: u16,
    /// Destination application (0xFFFF all).
    pub dst_app: u16,
    /// Destination object.
    pub dst_obj: u16,
    /// Attribute (READ, WRITE, DISTRIBUTE, GET/SET_DEVICE_ATTR requests).
    pub attr: u16,
    /// Status (responses).
    pub status: u8,
    /// Whether `value` is set (a negative READ response has none).
    pub has_value: bool,
    /// The value (READ/GET responses, WRITE, SET_DEVICE_ATTR, DISTRIBUTE, EVENT_NOTIFY).
    pub value: causeway_epa_value,
    /// DISTRIBUTE quality octet (0xC0 good, 0x40 uncertain, 0x00 bad).
    pub quality: u8,
    /// DISTRIBUTE and EVENT_NOTIFY time (ns since the PTP epoch).
    pub ts_ns: u64,
    /// EVENT_NOTIFY / EVENT_ACK event.
    pub event_id: u16,
    /// Its sequence number.
    pub event_seq: u16,
    /// DOMAIN_DOWNLOAD / DOMAIN_UPLOAD domain.
    pub domain_id: u16,
    /// Block number.
    pub block_seq: u16,
    /// NP_ANNOUNCE priority.
    pub priority: u8,
    /// NP_ANNOUNCE pending octets.
    pub pending_octets: u16,
    /// Domain block octets, DEVICE_ANNOUNCE / FIND_TAG tag, or the body of an unknown service.
    pub data: causeway_bytes,
}

fn typed(v: &TypedValue<'_>, raw: &[u8]) -> causeway_epa_value {
    causeway_epa_value {
        type_code: v.code(),
        raw: causeway_bytes::of(raw),
        value: value(&v.to_value().0),
    }
}

/// The octets of a value: in every body that has one, the value ends the body.
fn raw_of<'a>(v: &TypedValue<'_>, body: &'a [u8]) -> &'a [u8] {
    body.get(body.len().saturating_sub(v.len())..)
        .unwrap_or(&[])
}

fn to_c(f: &Frame<'_>, bytes: &[u8]) -> causeway_epa_frame {
    let body_bytes = body_bytes(bytes, f);
    let mut c = causeway_epa_frame {
        eth_dst: f.eth.dst,
        eth_src: f.eth.src,
        has_vlan: f.eth.vlan.is_some(),
        vlan_pcp: f.eth.vlan.map_or(0, |t| t.pcp),
        vlan_dei: f.eth.vlan.is_some_and(|t| t.dei),
        vlan_vid: f.eth.vlan.map_or(0, |t| t.vid),
        udp: false,
        ip_src: [0; 4],
        ip_dst: [0; 4],
        ip_ttl: 0,
        ip_tos: 0,
        ip_id: 0,
        ip_dont_fragment: false,
        ip_options: causeway_bytes::EMPTY,
        udp_src_port: 0,
        udp_dst_port: 0,
        udp_checksum: false,
        service: f.header.service.0,
        flags: f.header.flags.bits(),
        body_len: f.header.body_len,
        msg_id: f.header.msg_id,
        src_app: f.header.src_app,
        dst_app: f.header.dst_app,
        dst_obj: f.header.dst_obj,
        attr: 0,
        status: 0,
        has_value: false,
        value: causeway_epa_value {
            type_code: 0,
            raw: causeway_bytes::EMPTY,
            value: value(&causeway_core::Value::Null),
        },
        quality: 0,
        ts_ns: 0,
        event_id: 0,
        event_seq: 0,
        domain_id: 0,
        block_seq: 0,
        priority: 0,
        pending_octets: 0,
        data: causeway_bytes::EMPTY,
    };
    if let Carrier::Udp { ip, udp } = &f.carrier {
        c.udp = true;
        c.ip_src = ip.src.octets();
        c.ip_dst = ip.dst.octets();
        c.ip_ttl = ip.ttl;
        c.ip_tos = ip.tos;
        c.ip_id = ip.id;
        c.ip_dont_fragment = ip.dont_fragment;
        c.udp_src_port = udp.src_port;
        c.udp_dst_port = udp.dst_port;
        c.udp_checksum = udp.checksum != 0;
        let at = f.eth.header_len() + 20;
        c.ip_options = causeway_bytes::of(bytes.get(at..at + ip.options().len()).unwrap_or(&[]));
    }
    let set_value = |c: &mut causeway_epa_frame, v: &TypedValue<'_>| {
        c.has_value = true;
        c.value = typed(v, raw_of(v, body_bytes));
    };
    match &f.body {
        Body::Read { attr } | Body::GetDeviceAttr { attr } => c.attr = *attr,
        Body::ReadResponse(r) | Body::GetDeviceAttrResponse(r) => {
            c.status = r.status.0;
            if let Some(v) = &r.value {
                set_value(&mut c, v);
            }
        }
        Body::Write { attr, value } | Body::SetDeviceAttr { attr, value } => {
            c.attr = *attr;
            set_value(&mut c, value);
        }
        Body::WriteResponse { status } | Body::SetDeviceAttrResponse { status } => {
            c.status = status.0
        }
        Body::Distribute {
            attr,
            quality,
            ts_ns,
            value,
        } => {
            (c.attr, c.quality, c.ts_ns) = (*attr, *quality, *ts_ns);
            set_value(&mut c, value);
        }
        Body::EventNotify {
            event_id,
            event_seq,
            ts_ns,
            value,
        } => {
            (c.event_id, c.event_seq, c.ts_ns) = (*event_id, *event_seq, *ts_ns);
            set_value(&mut c, value);
        }
        Body::EventAck {
            event_id,
            event_seq,
        } => (c.event_id, c.event_seq) = (*event_id, *event_seq),
        Body::DomainDownload(b) | Body::DomainUpload(b) => {
            (c.domain_id, c.block_seq, c.data) =
                (b.domain_id, b.block_seq, causeway_bytes::of(b.data))
        }
        Body::NpAnnounce {
            priority,
            pending_octets,
        } => (c.priority, c.pending_octets) = (*priority, *pending_octets),
        Body::NpEnd => {}
        Body::DeviceAnnounce { tag } | Body::FindTag { tag } => c.data = causeway_bytes::of(tag),
        Body::Opaque(b) => c.data = causeway_bytes::of(b),
    }
    c
}

/// The body octets of a decoded frame (its last `body_len` octets before any padding).
fn body_bytes<'a>(bytes: &'a [u8], f: &Frame<'_>) -> &'a [u8] {
    let start = f.eth.header_len()
        + match &f.carrier {
            Carrier::Raw => 0,
            Carrier::Udp { ip, .. } => ip.header_len + 8,
        }
        + causeway_codecs::epa::header::HEADER_LEN;
    bytes
        .get(start..start + usize::from(f.header.body_len))
        .unwrap_or(&[])
}

/// Decodes an Ethernet frame (without FCS) carrying EPA-S on EtherType 0x88CB, or on IPv4/UDP with
/// `udp_port` (35004 by the profile) as source or destination port.
///
/// # Safety
/// `frame` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_epa_decode(
    frame: *const u8,
    len: usize,
    udp_port: u16,
    out: *mut causeway_epa_frame,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(frame, len, out, err, |bytes| {
        Frame::parse(bytes, udp_port).map(|f| to_c(&f, bytes))
    })
}

/// The typed value of a C value (its type code and raw octets, checked for size).
fn typed_of<'a>(v: &causeway_epa_value) -> Result<TypedValue<'a>, Error> {
    let raw = v.raw.view("value.raw", Layer::Epa)?;
    TypedValue::decode(v.type_code, raw, Order::Big, Layer::Epa, 0)
}

fn from_c<'a>(c: &causeway_epa_frame) -> Result<Frame<'a>, Error> {
    let service = Service(c.service);
    let value = || typed_of(&c.value);
    let reply = || -> Result<Reply<'a>, Error> {
        Ok(Reply {
            status: Status(c.status),
            value: if c.has_value { Some(value()?) } else { None },
        })
    };
    let block = || -> Result<Block<'a>, Error> {
        Ok(Block {
            domain_id: c.domain_id,
            block_seq: c.block_seq,
            data: c.data.view("data", Layer::Epa)?,
        })
    };
    let body = match (service.code(), service.is_response()) {
        (Service::READ, false) => Body::Read { attr: c.attr },
        (Service::READ, true) => Body::ReadResponse(reply()?),
        (Service::WRITE, false) => Body::Write {
            attr: c.attr,
            value: value()?,
        },
        (Service::WRITE, true) => Body::WriteResponse {
            status: Status(c.status),
        },
        (Service::DISTRIBUTE, false) => Body::Distribute {
            attr: c.attr,
            quality: c.quality,
            ts_ns: c.ts_ns,
            value: value()?,
        },
        (Service::EVENT_NOTIFY, false) => Body::EventNotify {
            event_id: c.event_id,
            event_seq: c.event_seq,
            ts_ns: c.ts_ns,
            value: value()?,
        },
        (Service::EVENT_ACK, false) => Body::EventAck {
            event_id: c.event_id,
            event_seq: c.event_seq,
        },
        (Service::DOMAIN_DOWNLOAD, false) => Body::DomainDownload(block()?),
        (Service::DOMAIN_UPLOAD, false) => Body::DomainUpload(block()?),
        (Service::NP_ANNOUNCE, false) => Body::NpAnnounce {
            priority: c.priority,
            pending_octets: c.pending_octets,
        },
        (Service::NP_END, false) => Body::NpEnd,
        (Service::DEVICE_ANNOUNCE, false) => Body::DeviceAnnounce {
            tag: c.data.view("data", Layer::Epa)?,
        },
        (Service::FIND_TAG, false) => Body::FindTag {
            tag: c.data.view("data", Layer::Epa)?,
        },
        (Service::GET_DEVICE_ATTR, false) => Body::GetDeviceAttr { attr: c.attr },
        (Service::GET_DEVICE_ATTR, true) => Body::GetDeviceAttrResponse(reply()?),
        (Service::SET_DEVICE_ATTR, false) => Body::SetDeviceAttr {
            attr: c.attr,
            value: value()?,
        },
        (Service::SET_DEVICE_ATTR, true) => Body::SetDeviceAttrResponse {
            status: Status(c.status),
        },
        _ => Body::Opaque(c.data.view("data", Layer::Epa)?),
    };
    let carrier = if c.udp {
        let opts = c.ip_options.view("ip_options", Layer::Epa)?;
        let mut options = [0u8; 40];
        options
            .get_mut(..opts.len())
            .ok_or(Error::invalid(
                Layer::Ipv4,
                20,
                "options length",
                "at most 40 octets",
                opts.len() as u64,
            ))?
            .copy_from_slice(opts);
        Carrier::Udp {
            ip: Ipv4 {
                src: Ipv4Addr::from(c.ip_src),
                dst: Ipv4Addr::from(c.ip_dst),
                protocol: IP_UDP,
                ttl: c.ip_ttl,
                id: c.ip_id,
                tos: c.ip_tos,
                dont_fragment: c.ip_dont_fragment,
                checksum: 0,
                header_len: 20 + opts.len(),
                total_len: 0,
                options,
            },
            udp: Udp {
                src_port: c.udp_src_port,
                dst_port: c.udp_dst_port,
                length: 0,
                checksum: u16::from(c.udp_checksum),
            },
        }
    } else {
        Carrier::Raw
    };
    Ok(Frame {
        eth: Ethernet {
            dst: c.eth_dst,
            src: c.eth_src,
            vlan: c.has_vlan.then_some(VlanTag {
                pcp: c.vlan_pcp & 7,
                dei: c.vlan_dei,
                vid: c.vlan_vid & 0x0FFF,
            }),
            ethertype: ETHERTYPE,
        },
        carrier,
        header: Header {
            service,
            flags: Flags::from_bits_retain(c.flags),
            body_len: 0,
            msg_id: c.msg_id,
            src_app: c.src_app,
            dst_app: c.dst_app,
            dst_obj: c.dst_obj,
        },
        body,
    })
}

/// Writes the frame `frame` describes into `buf` (`cap` octets): `body_len`, lengths and
/// checksums are computed, values written from their type code and `raw` octets, and frames
/// shorter than 60 octets padded. `*out_len` is its length.
///
/// # Safety
/// `frame` valid, with its views readable; `buf` writable for `cap`; `out_len` valid; `err`
/// valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_epa_emit(
    frame: *const causeway_epa_frame,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    if frame.is_null() {
        return CAUSEWAY_NULL_ARGUMENT;
    }
    // SAFETY: checked non-NULL; the caller's struct.
    crate::build(buf, cap, out_len, err, |out| {
        from_c(unsafe { &*frame })?.emit(out)
    })
}

/// Calls `cb` with the point a DISTRIBUTE or EVENT_NOTIFY frame carries (none for other
/// services).
///
/// # Safety
/// `frame` readable for `len`; `cb` a valid function; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_epa_points(
    frame: *const u8,
    len: usize,
    udp_port: u16,
    cb: causeway_point_callback,
    user: *mut core::ffi::c_void,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let (Some(bytes), Some(cb)) = (unsafe { input(frame, len) }, cb) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        match Frame::parse(bytes, udp_port) {
            Ok(f) => {
                frame_points(&f.header, &f.body, |p| emit_point(cb, user, &p));
                CAUSEWAY_OK
            }
            Err(e) => fail(err, &e),
        }
    })
}

/// Calls `cb` with the point of a READ response, at the server and attribute its READ request
/// named (a non-zero status is a Bad point).
///
/// # Safety
/// `request` readable for `request_len`, `response` for `response_len`; `cb` a valid function;
/// `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_epa_read_points(
    request: *const u8,
    request_len: usize,
    response: *const u8,
    response_len: usize,
    udp_port: u16,
    cb: causeway_point_callback,
    user: *mut core::ffi::c_void,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let (Some(req), Some(resp), Some(cb)) = (
            unsafe { input(request, request_len) },
            unsafe { input(response, response_len) },
            cb,
        ) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let (req, resp) = match (Frame::parse(req, udp_port), Frame::parse(resp, udp_port)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return fail(err, &e),
        };
        exchange_points((&req.header, &req.body), &resp.body, |p| {
            emit_point(cb, user, &p)
        });
        CAUSEWAY_OK
    })
}

/// A domain transfer being reassembled (opaque), in caller storage.
#[derive(Debug)]
pub struct causeway_epa_domain {
    inner: DomainTransfer<&'static mut [u8]>,
}

/// Bytes of memory [`causeway_epa_domain_init_in`] needs for the object (8-byte aligned).
#[no_mangle]
pub extern "C" fn causeway_epa_domain_size() -> usize {
    storage_size::<causeway_epa_domain>()
}

/// Starts reassembling the transfer of `domain_id` from `src_app` to `dst_app` in caller memory:
/// the object in `mem` (`mem_len` ≥ [`causeway_epa_domain_size`], 8-byte aligned), the octets in
/// `storage` (`storage_len`, the largest domain). Both must outlive the transfer; nothing to free.
///
/// # Safety
/// `mem` writable for `mem_len` and `storage` for `storage_len`, unused elsewhere while the
/// transfer lives; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_epa_domain_init_in(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    src_app: u16,
    dst_app: u16,
    domain_id: u16,
    storage: *mut u8,
    storage_len: usize,
    out: *mut *mut causeway_epa_domain,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller gives the storage for the transfer's lifetime.
        let Some(storage) = (unsafe { output(storage, storage_len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let key = DomainKey {
            src_app,
            dst_app,
            domain_id,
        };
        let domain = causeway_epa_domain {
            inner: DomainTransfer::new(key, storage),
        };
        // SAFETY: `place` checks the caller's memory and `out`.
        unsafe { place(mem, mem_len, domain, out) }
    })
}

/// Adds the block of a DOMAIN_DOWNLOAD or DOMAIN_UPLOAD frame. Returns `CAUSEWAY_OK` with
/// `*complete` set to the whole domain (a view into the storage) once its last block is in,
/// `CAUSEWAY_NEED_MORE` before; a gap, a conflicting repeat, another transfer's block or too
/// little storage is an error that keeps what was assembled.
///
/// # Safety
/// `domain` from [`causeway_epa_domain_init_in`]; `frame` readable for `len`; `complete` valid;
/// `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_epa_domain_push(
    domain: *mut causeway_epa_domain,
    frame: *const u8,
    len: usize,
    udp_port: u16,
    complete: *mut causeway_bytes,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let Some(bytes) = (unsafe { input(frame, len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if domain.is_null() || complete.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        // SAFETY: checked non-NULL; the caller's object.
        let d = unsafe { &mut *domain };
        let f = match Frame::parse(bytes, udp_port) {
            Ok(f) => f,
            Err(e) => return fail(err, &e),
        };
        let (Body::DomainDownload(block) | Body::DomainUpload(block)) = f.body else {
            let e = Error::invalid(
                Layer::Epa,
                0,
                "service",
                "DOMAIN_DOWNLOAD or DOMAIN_UPLOAD",
                u64::from(f.header.service.0),
            );
            return fail(err, &e);
        };
        match d.inner.push(&f.header, &block) {
            Ok(Some(all)) => {
                // SAFETY: checked non-NULL.
                unsafe { complete.write(causeway_bytes::of(all)) };
                CAUSEWAY_OK
            }
            Ok(None) => CAUSEWAY_NEED_MORE,
            Err(e) => fail(err, &e),
        }
    })
}
