//! IEEE 802.15.4 and WPA-L for C: MAC frames decoded into a flat struct whose byte fields are
//! views into the caller's frame, unsecured (CCM*) into a caller buffer, WPA-L payloads, frames
//! built and secured from the same structs, canonical points, and NL fragment reassembly in
//! caller memory. Keys are given as a `causeway_wpan_keys` table (at most
//! [`CAUSEWAY_WPAN_MAX_KEYS`] keys and [`CAUSEWAY_WPAN_MAX_ADDRESSES`] address mappings per call);
//! nothing is allocated.

use causeway_codecs::cursor::Writer;
use causeway_codecs::fieldbus::{Order, TypedValue};
use causeway_codecs::ieee802154::beacon::{Beacon, Superframe};
use causeway_codecs::ieee802154::command::{Command, CommandId};
use causeway_codecs::ieee802154::ie::HeaderIes;
use causeway_codecs::ieee802154::{
    emit as emit_frame, AuxSecurity, Content, ExtendedAddress, Fcs, Frame, FrameControl, FrameType,
    Header, Key, KeySource, KeyStore, MacPayload, Version, WpanAddr,
};
use causeway_codecs::wiapa::points::{body_points, packet_points};
use causeway_codecs::wiapa::{
    AslHeader, AslPdu, Body, FragmentHeader, FragmentKey, NlBody, NlHeader, NlType, Packet,
    Reassembly, Service,
};
use causeway_codecs::{Error, ErrorKind, Layer};

use crate::error::{causeway_error, causeway_result, fail};
use crate::point::{causeway_point_callback, causeway_value, emit_point, value};
use crate::{causeway_bytes, decode_into, guard, input, output, place, storage_size};

use causeway_result::*;

/// Most keys one `causeway_wpan_keys` table may hold.
pub const CAUSEWAY_WPAN_MAX_KEYS: usize = 16;
/// Most address mappings one `causeway_wpan_keys` table may hold.
pub const CAUSEWAY_WPAN_MAX_ADDRESSES: usize = 64;
/// Largest MAC payload unsecured or decoded in one call (a 2015 PSDU).
const MAX_PAYLOAD: usize = 2047;

/// One AES-128 key and the frames it applies to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpan_key {
    /// The key.
    pub key: [u8; 16],
    /// Only frames of `pan`.
    pub has_pan: bool,
    /// The PAN.
    pub pan: u16,
    /// Only frames from `src`: 0 any sender, 2 a short address, 3 an extended address.
    pub src_mode: u8,
    /// The sender.
    pub src: u64,
    /// Only frames naming `key_index`.
    pub has_key_index: bool,
    /// The key index.
    pub key_index: u8,
}

/// The extended address of a node known by its short address (for CCM* nonces).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpan_address {
    /// PAN.
    pub pan: u16,
    /// Short address.
    pub short_addr: u16,
    /// Extended address.
    pub ext: u64,
}

/// Keys and address mappings (either array may be NULL with a count of 0).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpan_keys {
    /// The keys.
    pub keys: *const causeway_wpan_key,
    /// How many.
    pub n_keys: usize,
    /// The address mappings.
    pub addresses: *const causeway_wpan_address,
    /// How many.
    pub n_addresses: usize,
}

/// The keys of a C table, copied into fixed arrays (no heap).
pub(crate) struct Keys {
    keys: [Key; CAUSEWAY_WPAN_MAX_KEYS],
    n: usize,
    addresses: [ExtendedAddress; CAUSEWAY_WPAN_MAX_ADDRESSES],
    m: usize,
}

const fn addr_of(mode: u8, v: u64) -> Option<WpanAddr> {
    match mode {
        2 => Some(WpanAddr::Short(v as u16)),
        3 => Some(WpanAddr::Extended(v)),
        _ => None,
    }
}

fn mode_of(a: Option<WpanAddr>) -> (u8, u64) {
    match a {
        None => (0, 0),
        Some(WpanAddr::Short(s)) => (2, u64::from(s)),
        Some(WpanAddr::Extended(e)) => (3, e),
    }
}

fn bad_argument(what: &'static str, expected: &'static str, found: usize) -> Error {
    Error::new(
        Layer::Ccm,
        0,
        ErrorKind::Invalid {
            field: what,
            expected,
            found: found as u64,
        },
    )
}

impl Keys {
    /// Reads a C key table (NULL: no keys).
    ///
    /// # Safety
    /// `table` NULL or valid, its arrays readable for their counts.
    pub(crate) unsafe fn read(table: *const causeway_wpan_keys) -> Result<Keys, Error> {
        let mut out = Keys {
            keys: [Key::any([0; 16]); CAUSEWAY_WPAN_MAX_KEYS],
            n: 0,
            addresses: [ExtendedAddress {
                pan: 0,
                short: 0,
                ext: 0,
            }; CAUSEWAY_WPAN_MAX_ADDRESSES],
            m: 0,
        };
        if table.is_null() {
            return Ok(out);
        }
        // SAFETY: checked non-NULL; the caller's table.
        let t = unsafe { &*table };
        if t.n_keys > CAUSEWAY_WPAN_MAX_KEYS || t.n_addresses > CAUSEWAY_WPAN_MAX_ADDRESSES {
            return Err(bad_argument(
                "key table",
                "at most 16 keys and 64 addresses",
                t.n_keys.max(t.n_addresses),
            ));
        }
        let slice = |p: *const u8, n: usize, size: usize| {
            // SAFETY: the caller's arrays, readable for their counts.
            unsafe { input(p, n * size) }.ok_or(bad_argument("key table", "non-NULL arrays", 0))
        };
        slice(
            t.keys.cast(),
            t.n_keys,
            core::mem::size_of::<causeway_wpan_key>(),
        )?;
        slice(
            t.addresses.cast(),
            t.n_addresses,
            core::mem::size_of::<causeway_wpan_address>(),
        )?;
        for i in 0..t.n_keys {
            // SAFETY: `i` < `n_keys`, checked readable above.
            let k = unsafe { &*t.keys.add(i) };
            if let Some(slot) = out.keys.get_mut(i) {
                *slot = Key {
                    key: k.key,
                    pan: k.has_pan.then_some(k.pan),
                    src: addr_of(k.src_mode, k.src),
                    key_index: k.has_key_index.then_some(k.key_index),
                };
            }
        }
        for i in 0..t.n_addresses {
            // SAFETY: `i` < `n_addresses`, checked readable above.
            let a = unsafe { &*t.addresses.add(i) };
            if let Some(slot) = out.addresses.get_mut(i) {
                *slot = ExtendedAddress {
                    pan: a.pan,
                    short: a.short_addr,
                    ext: a.ext,
                };
            }
        }
        out.n = t.n_keys;
        out.m = t.n_addresses;
        Ok(out)
    }

    pub(crate) fn store(&self) -> KeyStore<'_> {
        KeyStore {
            keys: self.keys.get(..self.n).unwrap_or(&[]),
            addresses: self.addresses.get(..self.m).unwrap_or(&[]),
        }
    }
}

pub(crate) const fn fcs_of(with_fcs: bool) -> Fcs {
    if with_fcs {
        Fcs::Present
    } else {
        Fcs::Absent
    }
}

/// An 802.15.4 frame: header fields, payload and MIC as views, FCS. When decoding, `payload` is
/// the MAC payload as sent (still encrypted when secured); when emitting, the clear payload.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpan_frame {
    /// Frame type: 0 beacon, 1 data, 2 ack, 3 MAC command.
    pub frame_type: u8,
    /// Frame version: 0 (2003), 1 (2006), 2 (2015).
    pub version: u8,
    /// Frame pending.
    pub frame_pending: bool,
    /// Ack request.
    pub ack_request: bool,
    /// PAN ID compression.
    pub pan_id_compression: bool,
    /// Sequence number suppression (2015).
    pub seq_suppression: bool,
    /// IE present (2015; kept as sent otherwise).
    pub ie_present: bool,
    /// Frame control bit 7 (reserved), as sent.
    pub fcf_reserved: bool,
    /// Whether a sequence number is present.
    pub has_seq: bool,
    /// Sequence number.
    pub seq: u8,
    /// Whether a destination PAN is present.
    pub has_dst_pan: bool,
    /// Destination PAN.
    pub dst_pan: u16,
    /// Destination addressing mode: 0 none, 2 short, 3 extended.
    pub dst_addr_mode: u8,
    /// Destination address.
    pub dst_addr: u64,
    /// Whether a source PAN is present.
    pub has_src_pan: bool,
    /// Source PAN.
    pub src_pan: u16,
    /// Source addressing mode: 0 none, 2 short, 3 extended.
    pub src_addr_mode: u8,
    /// Source address.
    pub src_addr: u64,
    /// Whether an auxiliary security header is present.
    pub security: bool,
    /// Security control octet: b0–2 level, b3–4 key identifier mode, b5 frame counter
    /// suppression, b6 ASN in nonce.
    pub security_control: u8,
    /// Whether a frame counter is present.
    pub has_frame_counter: bool,
    /// Frame counter.
    pub frame_counter: u32,
    /// Key source (key identifier modes 2 and 3), its octets as a big-endian number.
    pub key_source: u64,
    /// Key index (key identifier modes 1–3).
    pub key_index: u8,
    /// Header IEs with their termination IE (2015).
    pub header_ies: causeway_bytes,
    /// MAC payload.
    pub payload: causeway_bytes,
    /// MIC (decoding only; computed when emitting).
    pub mic: causeway_bytes,
    /// Whether the frame had an FCS.
    pub has_fcs: bool,
    /// The FCS.
    pub fcs: u16,
}

fn frame_to_c(f: &Frame<'_>) -> causeway_wpan_frame {
    let h = &f.header;
    let (dst_addr_mode, dst_addr) = mode_of(h.dst);
    let (src_addr_mode, src_addr) = mode_of(h.src);
    let aux = h.security;
    causeway_wpan_frame {
        frame_type: h.frame_type.0,
        version: h.version.0,
        frame_pending: h.flags.contains(FrameControl::FRAME_PENDING),
        ack_request: h.flags.contains(FrameControl::ACK_REQUEST),
        pan_id_compression: h.flags.contains(FrameControl::PAN_ID_COMPRESSION),
        seq_suppression: h.flags.contains(FrameControl::SEQ_SUPPRESSION),
        ie_present: h.flags.contains(FrameControl::IE_PRESENT),
        fcf_reserved: h.flags.contains(FrameControl::RESERVED),
        has_seq: h.seq.is_some(),
        seq: h.seq.unwrap_or(0),
        has_dst_pan: h.dst_pan.is_some(),
        dst_pan: h.dst_pan.unwrap_or(0),
        dst_addr_mode,
        dst_addr,
        has_src_pan: h.src_pan.is_some(),
        src_pan: h.src_pan.unwrap_or(0),
        src_addr_mode,
        src_addr,
        security: aux.is_some(),
        security_control: aux.map_or(0, |a| a.control),
        has_frame_counter: aux.is_some_and(|a| a.frame_counter.is_some()),
        frame_counter: aux.and_then(|a| a.frame_counter).unwrap_or(0),
        key_source: match aux.map(|a| a.key_source) {
            Some(KeySource::Four(s)) => u64::from(s),
            Some(KeySource::Eight(s)) => s,
            _ => 0,
        },
        key_index: aux.and_then(|a| a.key_index).unwrap_or(0),
        header_ies: causeway_bytes::of(h.ies.bytes()),
        payload: causeway_bytes::of(f.payload),
        mic: causeway_bytes::of(f.mic),
        has_fcs: f.fcs.is_some(),
        fcs: f.fcs.unwrap_or(0),
    }
}

fn header_from_c<'a>(c: &causeway_wpan_frame) -> Result<Header<'a>, Error> {
    let mut flags = FrameControl::empty();
    flags.set(FrameControl::FRAME_PENDING, c.frame_pending);
    flags.set(FrameControl::ACK_REQUEST, c.ack_request);
    flags.set(FrameControl::PAN_ID_COMPRESSION, c.pan_id_compression);
    flags.set(FrameControl::SEQ_SUPPRESSION, c.seq_suppression);
    flags.set(FrameControl::IE_PRESENT, c.ie_present);
    flags.set(FrameControl::RESERVED, c.fcf_reserved);
    let version = Version(c.version);
    let security = c.security.then(|| {
        let mode = (c.security_control >> 3) & 3;
        AuxSecurity {
            control: c.security_control,
            frame_counter: c.has_frame_counter.then_some(c.frame_counter),
            key_source: match mode {
                2 => KeySource::Four(c.key_source as u32),
                3 => KeySource::Eight(c.key_source),
                _ => KeySource::None,
            },
            key_index: (mode != 0).then_some(c.key_index),
        }
    });
    let ies = c.header_ies.view("header_ies", Layer::Ieee802154)?;
    Ok(Header {
        frame_type: FrameType(c.frame_type),
        flags,
        version,
        seq: c.has_seq.then_some(c.seq),
        dst_pan: c.has_dst_pan.then_some(c.dst_pan),
        dst: addr_of(c.dst_addr_mode, c.dst_addr),
        src_pan: c.has_src_pan.then_some(c.src_pan),
        src: addr_of(c.src_addr_mode, c.src_addr),
        security,
        ies: HeaderIes::parse(ies, 0)?,
    })
}

/// Decodes an 802.15.4 frame (with its FCS, which must match, when `with_fcs`; pcap link types
/// 195 and 230): header, payload as sent, MIC.
///
/// # Safety
/// `frame` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpan_decode(
    frame: *const u8,
    len: usize,
    with_fcs: bool,
    out: *mut causeway_wpan_frame,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(frame, len, out, err, |bytes| {
        Frame::parse(bytes, fcs_of(with_fcs)).map(|f| frame_to_c(&f))
    })
}

/// Writes the clear MAC payload of a frame into `buf` (`cap` octets): a secured frame is
/// verified and decrypted with the keys of `keys` that match it (until one verifies), any other
/// is copied. `*out_len` is its length. A wrong key or a tampered frame is
/// `CAUSEWAY_AUTHENTICATION`, with nothing written.
///
/// # Safety
/// `frame` readable for `len`; `keys` NULL or valid; `buf` writable for `cap`; `out_len` valid;
/// `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpan_unsecure(
    frame: *const u8,
    len: usize,
    with_fcs: bool,
    keys: *const causeway_wpan_keys,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    crate::emit(frame, len, buf, cap, out_len, err, |bytes, out| {
        // SAFETY: the caller's table.
        let keys = unsafe { Keys::read(keys) }?;
        let f = Frame::parse(bytes, fcs_of(with_fcs))?;
        let mut plain = [0u8; MAX_PAYLOAD];
        let n = f.unsecure(&keys.store(), &mut plain)?.buffer_len();
        let mut w = Writer::new(out, Layer::Ccm);
        w.put(plain.get(..n).unwrap_or(&[]))?;
        Ok(w.pos())
    })
}

/// What a MAC payload holds.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_wpan_content {
    /// A 2003/2006 beacon: superframe, GTS and pending address fields, beacon payload.
    CAUSEWAY_WPAN_BEACON = 0,
    /// A MAC command: identifier and payload.
    CAUSEWAY_WPAN_COMMAND = 1,
    /// Data (a WPA-L payload in data frames), an ack's or an enhanced beacon's payload.
    CAUSEWAY_WPAN_DATA = 2,
}

/// A clear MAC payload, its parts as views.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpan_payload {
    /// Payload IEs with their termination IE (2015).
    pub payload_ies: causeway_bytes,
    /// What follows them.
    pub content: causeway_wpan_content,
    /// Beacon: superframe specification.
    pub superframe_spec: u16,
    /// Beacon: GTS specification (b0–2 descriptors, b7 permit).
    pub gts_spec: u8,
    /// Beacon: GTS directions (when descriptors follow).
    pub gts_directions: u8,
    /// Beacon: GTS descriptors, 3 octets each.
    pub gts_list: causeway_bytes,
    /// Beacon: pending address specification (b0–2 short, b4–6 extended).
    pub pending_spec: u8,
    /// Beacon: pending addresses, short ones (2 octets) first, then extended ones (8).
    pub pending_list: causeway_bytes,
    /// Command: identifier.
    pub command_id: u8,
    /// Beacon payload, command payload, or data.
    pub data: causeway_bytes,
}

fn payload_to_c(p: &MacPayload<'_>) -> causeway_wpan_payload {
    let mut c = causeway_wpan_payload {
        payload_ies: causeway_bytes::of(p.ies.bytes()),
        content: causeway_wpan_content::CAUSEWAY_WPAN_DATA,
        superframe_spec: 0,
        gts_spec: 0,
        gts_directions: 0,
        gts_list: causeway_bytes::EMPTY,
        pending_spec: 0,
        pending_list: causeway_bytes::EMPTY,
        command_id: 0,
        data: causeway_bytes::EMPTY,
    };
    match &p.content {
        Content::Beacon(b) => {
            c.content = causeway_wpan_content::CAUSEWAY_WPAN_BEACON;
            c.superframe_spec = b.superframe.0;
            c.gts_spec = b.gts_spec;
            c.gts_directions = b.gts_directions;
            c.gts_list = causeway_bytes::of(b.gts_list);
            c.pending_spec = b.pending_spec;
            c.pending_list = causeway_bytes::of(b.pending_list);
            c.data = causeway_bytes::of(b.payload);
        }
        Content::Command(cmd) => {
            c.content = causeway_wpan_content::CAUSEWAY_WPAN_COMMAND;
            c.command_id = cmd.id.0;
            c.data = causeway_bytes::of(cmd.payload);
        }
        Content::Payload(d) => c.data = causeway_bytes::of(d),
    }
    c
}

/// Decodes a clear MAC payload (from [`causeway_wpan_unsecure`]) of the frame `header` describes.
///
/// # Safety
/// `header` valid; `payload` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpan_payload_decode(
    header: *const causeway_wpan_frame,
    payload: *const u8,
    len: usize,
    out: *mut causeway_wpan_payload,
    err: *mut causeway_error,
) -> causeway_result {
    if header.is_null() {
        return CAUSEWAY_NULL_ARGUMENT;
    }
    decode_into(payload, len, out, err, |bytes| {
        // SAFETY: checked non-NULL; the caller's struct.
        let h = header_from_c(unsafe { &*header })?;
        MacPayload::parse(&h, bytes, 0).map(|p| payload_to_c(&p))
    })
}

/// Writes the clear MAC payload `p` describes into `w`.
fn write_payload(p: &causeway_wpan_payload, w: &mut Writer<'_>) -> Result<(), Error> {
    let l = Layer::Ieee802154;
    w.put(p.payload_ies.view("payload_ies", l)?)?;
    let data = p.data.view("data", l)?;
    match p.content {
        causeway_wpan_content::CAUSEWAY_WPAN_BEACON => Beacon {
            superframe: Superframe(p.superframe_spec),
            gts_spec: p.gts_spec,
            gts_directions: p.gts_directions,
            gts_list: p.gts_list.view("gts_list", l)?,
            pending_spec: p.pending_spec,
            pending_list: p.pending_list.view("pending_list", l)?,
            payload: data,
        }
        .emit(w),
        causeway_wpan_content::CAUSEWAY_WPAN_COMMAND => Command {
            id: CommandId(p.command_id),
            payload: data,
        }
        .emit(w),
        causeway_wpan_content::CAUSEWAY_WPAN_DATA => w.put(data),
    }
}

/// Builds the frame `frame` describes into `buf` (`cap` octets). `frame->payload` is the clear
/// MAC payload (e.g. from [`causeway_wpan_payload_emit`] or [`causeway_wpal_emit`]); with a
/// security level other than none it is secured with the first key of `keys` that matches the
/// frame and the MIC appended (`frame->mic` is ignored). The FCS is appended when `with_fcs`.
///
/// # Safety
/// `frame` valid, with its views readable; `keys` NULL or valid; `buf` writable for `cap`;
/// `out_len` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpan_emit(
    frame: *const causeway_wpan_frame,
    keys: *const causeway_wpan_keys,
    with_fcs: bool,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    if frame.is_null() {
        return CAUSEWAY_NULL_ARGUMENT;
    }
    crate::build(buf, cap, out_len, err, |out| {
        // SAFETY: checked non-NULL; the caller's struct and table.
        let c = unsafe { &*frame };
        let keys = unsafe { Keys::read(keys) }?;
        let h = header_from_c(c)?;
        let payload = MacPayload::parse(&h, c.payload.view("payload", Layer::Ieee802154)?, 0)?;
        emit_frame(&h, &payload, &keys.store(), out, fcs_of(with_fcs))
    })
}

/// Writes the clear MAC payload `payload` describes (payload IEs, then the beacon fields, the
/// command, or the data) into `buf` (`cap` octets), for [`causeway_wpan_emit`].
///
/// # Safety
/// `payload` valid, with its views readable; `buf` writable for `cap`; `out_len` valid; `err`
/// valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpan_payload_emit(
    payload: *const causeway_wpan_payload,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    if payload.is_null() {
        return CAUSEWAY_NULL_ARGUMENT;
    }
    crate::build(buf, cap, out_len, err, |out| {
        let mut w = Writer::new(out, Layer::Ieee802154);
        // SAFETY: checked non-NULL; the caller's struct.
        write_payload(unsafe { &*payload }, &mut w)?;
        Ok(w.pos())
    })
}

/// A typed value of the profile's data types.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpal_value {
    /// Type code (8 FLOAT32, 9 VISIBLE_STRING, ...; unknown codes kept).
    pub type_code: u8,
    /// The value's octets as sent (little-endian); what `causeway_wpal_emit` writes.
    pub raw: causeway_bytes,
    /// The value in canonical form (text and bytes are views into `raw`).
    pub value: causeway_value,
}

/// An ASL PDU: header and body. Which body fields mean something depends on `service`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpal_pdu {
    /// Service: 0 PUBLISH, 1 READ_REQ, 2 READ_RSP, 3 WRITE_REQ, 4 WRITE_RSP, 5 REPORT,
    /// 6 REPORT_ACK.
    pub service: u8,
    /// Acknowledgment required.
    pub ack_required: bool,
    /// Sequence number.
    pub seq: u8,
    /// Sending user application object.
    pub src_uao: u8,
    /// Receiving user application object.
    pub dst_uao: u8,
    /// Attribute (PUBLISH, READ_REQ, READ_RSP, WRITE_REQ).
    pub attr: u8,
    /// Status (READ_RSP, WRITE_RSP).
    pub status: u8,
    /// Event (REPORT, REPORT_ACK).
    pub event_id: u16,
    /// REPORT time stamp (ms).
    pub ts_ms: u32,
    /// Whether `value` is set (PUBLISH, READ_RSP, WRITE_REQ, REPORT).
    pub has_value: bool,
    /// The value.
    pub value: causeway_wpal_value,
}

/// What an NL packet's body is.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_wpal_body {
    /// One ASL PDU in `pdu`.
    CAUSEWAY_WPAL_PDU = 0,
    /// Aggregated PDUs: `aggregate_count` entries in `data` (see [`causeway_wpal_aggregate_entry`]).
    CAUSEWAY_WPAL_AGGREGATE = 1,
    /// An NL or DLSL command's octets in `data`.
    CAUSEWAY_WPAL_COMMAND = 2,
    /// A fragment's octets in `data`, to be reassembled.
    CAUSEWAY_WPAL_FRAGMENT = 3,
}

/// A WPA-L payload: DLSL, NL and fragment headers and the body.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_wpal_packet {
    /// DLSL type: 0 data (the NL fields mean something), 1 command (`data` holds it).
    pub dlsl_type: u8,
    /// NL type: 0 data, 1 aggregated, 2 command.
    pub nl_type: u8,
    /// NL destination address.
    pub nl_dst: u16,
    /// NL source address.
    pub nl_src: u16,
    /// Whether a fragment header is present.
    pub fragmented: bool,
    /// Fragment tag.
    pub frag_tag: u8,
    /// Fragment flags (b0 more fragments).
    pub frag_flags: u8,
    /// Fragment offset.
    pub frag_offset: u16,
    /// The whole packet's length.
    pub frag_total_len: u16,
    /// What the body is.
    pub body: causeway_wpal_body,
    /// The PDU (body `CAUSEWAY_WPAL_PDU`).
    pub pdu: causeway_wpal_pdu,
    /// Aggregated PDUs (body `CAUSEWAY_WPAL_AGGREGATE`).
    pub aggregate_count: u8,
    /// Aggregate entries, command or fragment octets.
    pub data: causeway_bytes,
}

fn no_value() -> causeway_wpal_value {
    causeway_wpal_value {
        type_code: 0,
        raw: causeway_bytes::EMPTY,
        value: value(&causeway_core::Value::Null),
    }
}

fn pdu_to_c(p: &AslPdu<'_>, bytes: &[u8]) -> causeway_wpal_pdu {
    let mut c = causeway_wpal_pdu {
        service: p.header.service.0,
        ack_required: p.header.ack_required,
        seq: p.header.seq,
        src_uao: p.header.src_uao,
        dst_uao: p.header.dst_uao,
        attr: 0,
        status: 0,
        event_id: 0,
        ts_ms: 0,
        has_value: false,
        value: no_value(),
    };
    let set = |c: &mut causeway_wpal_pdu, v: &TypedValue<'_>| {
        c.has_value = true;
        // In every body that has one, the value ends the PDU.
        let raw = bytes
            .get(bytes.len().saturating_sub(v.len())..)
            .unwrap_or(&[]);
        c.value = causeway_wpal_value {
            type_code: v.code(),
            raw: causeway_bytes::of(raw),
            value: value(&v.to_value().0),
        };
    };
    match &p.body {
        Body::Publish { attr, value } | Body::WriteReq { attr, value } => {
            c.attr = *attr;
            set(&mut c, value);
        }
        Body::ReadReq { attr } => c.attr = *attr,
        Body::ReadRsp {
            status,
            attr,
            value,
        } => {
            (c.status, c.attr) = (*status, *attr);
            set(&mut c, value);
        }
        Body::WriteRsp { status } => c.status = *status,
        Body::Report {
            event_id,
            ts_ms,
            value,
        } => {
            (c.event_id, c.ts_ms) = (*event_id, *ts_ms);
            set(&mut c, value);
        }
        Body::ReportAck { event_id } => c.event_id = *event_id,
    }
    c
}

fn empty_pdu() -> causeway_wpal_pdu {
    causeway_wpal_pdu {
        service: 0,
        ack_required: false,
        seq: 0,
        src_uao: 0,
        dst_uao: 0,
        attr: 0,
        status: 0,
        event_id: 0,
        ts_ms: 0,
        has_value: false,
        value: no_value(),
    }
}

/// Fills the body fields of `c` from `body`, whose octets are `bytes`.
fn body_to_c(c: &mut causeway_wpal_packet, body: &NlBody<'_>, bytes: &[u8]) {
    match body {
        NlBody::Pdu(p) => {
            c.body = causeway_wpal_body::CAUSEWAY_WPAL_PDU;
            c.pdu = pdu_to_c(p, bytes);
        }
        NlBody::Aggregate(a) => {
            c.body = causeway_wpal_body::CAUSEWAY_WPAL_AGGREGATE;
            c.aggregate_count = a.count();
            c.data = causeway_bytes::of(a.entry_bytes());
        }
        NlBody::Command(b) => {
            c.body = causeway_wpal_body::CAUSEWAY_WPAL_COMMAND;
            c.data = causeway_bytes::of(b);
        }
        NlBody::Fragment(b) => {
            c.body = causeway_wpal_body::CAUSEWAY_WPAL_FRAGMENT;
            c.data = causeway_bytes::of(b);
        }
    }
}

fn empty_packet() -> causeway_wpal_packet {
    causeway_wpal_packet {
        dlsl_type: 0,
        nl_type: 0,
        nl_dst: 0,
        nl_src: 0,
        fragmented: false,
        frag_tag: 0,
        frag_flags: 0,
        frag_offset: 0,
        frag_total_len: 0,
        body: causeway_wpal_body::CAUSEWAY_WPAL_COMMAND,
        pdu: empty_pdu(),
        aggregate_count: 0,
        data: causeway_bytes::EMPTY,
    }
}

fn packet_to_c(p: &Packet<'_>, bytes: &[u8]) -> causeway_wpal_packet {
    let mut c = empty_packet();
    match p {
        Packet::Command(b) => {
            c.dlsl_type = 1;
            c.data = causeway_bytes::of(b);
        }
        Packet::Data(n) => {
            c.nl_type = n.header.kind as u8;
            c.nl_dst = n.header.dst;
            c.nl_src = n.header.src;
            if let Some(f) = n.fragment {
                c.fragmented = true;
                (c.frag_tag, c.frag_flags, c.frag_offset, c.frag_total_len) =
                    (f.tag, f.flags, f.offset, f.total_len);
            }
            let at = 6 + if n.fragment.is_some() { 6 } else { 0 };
            body_to_c(&mut c, &n.body, bytes.get(at..).unwrap_or(&[]));
        }
    }
    c
}

/// Decodes a WPA-L payload (the clear MAC payload of a data frame).
///
/// # Safety
/// `payload` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_decode(
    payload: *const u8,
    len: usize,
    out: *mut causeway_wpal_packet,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(payload, len, out, err, |bytes| {
        Packet::parse(bytes, 0).map(|p| packet_to_c(&p, bytes))
    })
}

fn nl_type(t: u8) -> Result<NlType, Error> {
    match t {
        0 => Ok(NlType::Data),
        1 => Ok(NlType::Aggregated),
        2 => Ok(NlType::Command),
        _ => Err(Error::invalid(
            Layer::Wpal,
            0,
            "NL type",
            "0 (data), 1 (aggregated) or 2 (command)",
            u64::from(t),
        )),
    }
}

/// Decodes a reassembled NL packet of type `nl_type` (from [`causeway_wpal_reassembly_push`])
/// into the body fields of `out` (its header fields are zero).
///
/// # Safety
/// `packet` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_decode_body(
    nl_type_code: u8,
    packet: *const u8,
    len: usize,
    out: *mut causeway_wpal_packet,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(packet, len, out, err, |bytes| {
        let body = NlBody::parse(nl_type(nl_type_code)?, bytes, 0)?;
        let mut c = empty_packet();
        c.nl_type = nl_type_code;
        body_to_c(&mut c, &body, bytes);
        Ok(c)
    })
}

/// The `index`-th PDU of an aggregate (`entries`: a packet's `data`) and its original sender;
/// `CAUSEWAY_END` past the last.
///
/// # Safety
/// `entries` readable for `len`; `src` and `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_aggregate_entry(
    entries: *const u8,
    len: usize,
    index: usize,
    src: *mut u16,
    out: *mut causeway_wpal_pdu,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let Some(bytes) = (unsafe { input(entries, len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if src.is_null() || out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        // Walk the entries, each `src u16, len u8, PDU[len]`.
        let mut at = 0usize;
        for i in 0.. {
            let (Some(s), Some(&n)) = (bytes.get(at..at + 2), bytes.get(at + 2)) else {
                return CAUSEWAY_END;
            };
            let Some(pdu_bytes) = bytes.get(at + 3..at + 3 + usize::from(n)) else {
                let e = Error::truncated(Layer::Wpal, at + 3, at + 3 + usize::from(n), bytes.len());
                return fail(err, &e);
            };
            if i == index {
                return match AslPdu::parse(pdu_bytes, at + 3) {
                    Ok(p) => {
                        // SAFETY: checked non-NULL.
                        unsafe {
                            src.write(u16::from_le_bytes([
                                s.first().copied().unwrap_or(0),
                                s.get(1).copied().unwrap_or(0),
                            ]));
                            out.write(pdu_to_c(&p, pdu_bytes));
                        }
                        CAUSEWAY_OK
                    }
                    Err(e) => fail(err, &e),
                };
            }
            at += 3 + usize::from(n);
        }
        CAUSEWAY_END
    })
}

fn typed_of<'a>(v: &causeway_wpal_value) -> Result<TypedValue<'a>, Error> {
    let raw = v.raw.view("value.raw", Layer::Wpal)?;
    TypedValue::decode(v.type_code, raw, Order::Little, Layer::Wpal, 0)
}

fn pdu_from_c<'a>(c: &causeway_wpal_pdu) -> Result<AslPdu<'a>, Error> {
    let value = || typed_of(&c.value);
    let service = Service(c.service);
    let body = match service {
        Service::PUBLISH => Body::Publish {
            attr: c.attr,
            value: value()?,
        },
        Service::READ_REQ => Body::ReadReq { attr: c.attr },
        Service::READ_RSP => Body::ReadRsp {
            status: c.status,
            attr: c.attr,
            value: value()?,
        },
        Service::WRITE_REQ => Body::WriteReq {
            attr: c.attr,
            value: value()?,
        },
        Service::WRITE_RSP => Body::WriteRsp { status: c.status },
        Service::REPORT => Body::Report {
            event_id: c.event_id,
            ts_ms: c.ts_ms,
            value: value()?,
        },
        Service::REPORT_ACK => Body::ReportAck {
            event_id: c.event_id,
        },
        _ => {
            return Err(Error::invalid(
                Layer::Wpal,
                0,
                "ASL service",
                "0..=6 (7 is reserved)",
                u64::from(c.service),
            ))
        }
    };
    Ok(AslPdu {
        header: AslHeader {
            service,
            ack_required: c.ack_required,
            seq: c.seq,
            src_uao: c.src_uao,
            dst_uao: c.dst_uao,
        },
        body,
    })
}

/// Writes the payload `c` describes; the result is parsed back, so an aggregate whose entries
/// do not add up or a fragment past its total is refused.
fn write_packet(c: &causeway_wpal_packet, out: &mut [u8]) -> Result<usize, Error> {
    let data = c.data.view("data", Layer::Wpal)?;
    let mut w = Writer::new(out, Layer::Wpal);
    if c.dlsl_type == 1 {
        w.u8(1)?;
        w.put(data)?;
    } else {
        w.u8(0)?;
        NlHeader {
            kind: nl_type(c.nl_type)?,
            fragmented: c.fragmented,
            dst: c.nl_dst,
            src: c.nl_src,
        }
        .emit(&mut w)?;
        if c.fragmented {
            FragmentHeader {
                tag: c.frag_tag,
                flags: c.frag_flags,
                offset: c.frag_offset,
                total_len: c.frag_total_len,
            }
            .emit(&mut w)?;
        }
        match c.body {
            causeway_wpal_body::CAUSEWAY_WPAL_PDU => pdu_from_c(&c.pdu)?.emit(&mut w)?,
            causeway_wpal_body::CAUSEWAY_WPAL_AGGREGATE => {
                w.u8(c.aggregate_count)?;
                w.put(data)?;
            }
            causeway_wpal_body::CAUSEWAY_WPAL_COMMAND
            | causeway_wpal_body::CAUSEWAY_WPAL_FRAGMENT => w.put(data)?,
        }
    }
    let n = w.pos();
    Packet::parse(w.written(), 0)?;
    Ok(n)
}

/// Writes the WPA-L payload `packet` describes into `buf` (`cap` octets): a PDU from its
/// fields (values from their type code and `raw` octets), an aggregate from `aggregate_count`
/// and its entries in `data`, a command or fragment from `data`. The result must decode.
///
/// # Safety
/// `packet` valid, with its views readable; `buf` writable for `cap`; `out_len` valid; `err`
/// valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_emit(
    packet: *const causeway_wpal_packet,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut causeway_error,
) -> causeway_result {
    if packet.is_null() {
        return CAUSEWAY_NULL_ARGUMENT;
    }
    // SAFETY: checked non-NULL; the caller's struct.
    crate::build(buf, cap, out_len, err, |out| {
        write_packet(unsafe { &*packet }, out)
    })
}

/// The clear payload of a frame (unsecured with `keys` when secured), in `plain`.
fn clear<'p>(
    f: &Frame<'_>,
    keys: &KeyStore<'_>,
    plain: &'p mut [u8; MAX_PAYLOAD],
) -> Result<MacPayload<'p>, Error> {
    if f.is_secured() {
        f.unsecure(keys, plain)
    } else {
        let n = f.payload.len();
        let dst = plain.get_mut(..n).ok_or(Error::new(
            Layer::Ieee802154,
            0,
            ErrorKind::Oversize {
                limit: MAX_PAYLOAD,
                found: n,
            },
        ))?;
        dst.copy_from_slice(f.payload);
        MacPayload::parse(&f.header, plain.get(..n).unwrap_or(&[]), 0)
    }
}

/// Calls `cb` with the points a data frame's WPA-L payload carries (PUBLISH, READ_RSP, REPORT;
/// one per PDU of an aggregate), unsecuring it with `keys` when it is secured. Other frames
/// have none.
///
/// # Safety
/// `frame` readable for `len`; `keys` NULL or valid; `cb` a valid function; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpan_points(
    frame: *const u8,
    len: usize,
    with_fcs: bool,
    keys: *const causeway_wpan_keys,
    cb: causeway_point_callback,
    user: *mut core::ffi::c_void,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let (Some(bytes), Some(cb)) = (unsafe { input(frame, len) }, cb) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let run = || -> Result<(), Error> {
            // SAFETY: the caller's table.
            let keys = unsafe { Keys::read(keys) }?;
            let f = Frame::parse(bytes, fcs_of(with_fcs))?;
            let mut plain = [0u8; MAX_PAYLOAD];
            let payload = clear(&f, &keys.store(), &mut plain)?;
            if let (FrameType::DATA, Content::Payload(p)) = (f.header.frame_type, payload.content) {
                if !p.is_empty() {
                    let packet = Packet::parse(p, f.header_len() + payload.ies.bytes().len())?;
                    packet_points(f.header.pan().unwrap_or(0xFFFF), &packet, |p| {
                        emit_point(cb, user, &p)
                    });
                }
            }
            Ok(())
        };
        match run() {
            Ok(()) => CAUSEWAY_OK,
            Err(e) => fail(err, &e),
        }
    })
}

/// An NL packet being reassembled from its fragments (opaque), in caller storage.
#[derive(Debug)]
pub struct causeway_wpal_reassembly {
    storage: Option<&'static mut [u8]>,
    inner: Option<Reassembly<&'static mut [u8]>>,
    pan: u16,
}

/// Bytes of memory [`causeway_wpal_reassembly_init_in`] needs for the object (8-byte aligned).
#[no_mangle]
pub extern "C" fn causeway_wpal_reassembly_size() -> usize {
    storage_size::<causeway_wpal_reassembly>()
}

/// Prepares reassembly in caller memory: the object in `mem` (`mem_len` ≥
/// [`causeway_wpal_reassembly_size`], 8-byte aligned), the octets in `storage` (`storage_len`,
/// the largest packet). The first fragment pushed chooses the packet (MAC source, NL source,
/// tag). Both must outlive the object; nothing to free.
///
/// # Safety
/// `mem` writable for `mem_len` and `storage` for `storage_len`, unused elsewhere while the
/// object lives; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_reassembly_init_in(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    storage: *mut u8,
    storage_len: usize,
    out: *mut *mut causeway_wpal_reassembly,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller gives the storage for the object's lifetime.
        let Some(storage) = (unsafe { output(storage, storage_len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let r = causeway_wpal_reassembly {
            storage: Some(storage),
            inner: None,
            pan: 0xFFFF,
        };
        // SAFETY: `place` checks the caller's memory and `out`.
        unsafe { place(mem, mem_len, r, out) }
    })
}

/// Adds the fragment a whole 802.15.4 frame carries (unsecured with `keys` when secured).
/// Returns `CAUSEWAY_OK` with `*complete` set to the reassembled NL packet (a view into the
/// storage; decode it with [`causeway_wpal_decode_body`] and `*nl_type`) once every octet is
/// in, `CAUSEWAY_NEED_MORE` before. A frame that is not a fragment of this packet, an overlap
/// with other content, a fragment past its total or too little storage is an error that keeps
/// what was assembled.
///
/// # Safety
/// `r` from [`causeway_wpal_reassembly_init_in`]; `frame` readable for `len`; `keys` NULL or
/// valid; `complete` and `nl_type_code` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_reassembly_push(
    r: *mut causeway_wpal_reassembly,
    frame: *const u8,
    len: usize,
    with_fcs: bool,
    keys: *const causeway_wpan_keys,
    complete: *mut causeway_bytes,
    nl_type_code: *mut u8,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let Some(bytes) = (unsafe { input(frame, len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if r.is_null() || complete.is_null() || nl_type_code.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        // SAFETY: checked non-NULL; the caller's object.
        let r = unsafe { &mut *r };
        let mut step = || -> Result<Option<(causeway_bytes, u8)>, Error> {
            // SAFETY: the caller's table.
            let keys = unsafe { Keys::read(keys) }?;
            let f = Frame::parse(bytes, fcs_of(with_fcs))?;
            let mut plain = [0u8; MAX_PAYLOAD];
            let payload = clear(&f, &keys.store(), &mut plain)?;
            let not_fragment = || {
                Error::invalid(
                    Layer::Reassembly,
                    0,
                    "frame",
                    "a data frame carrying a WPA-L fragment",
                    u64::from(f.header.frame_type.0),
                )
            };
            let Content::Payload(p) = payload.content else {
                return Err(not_fragment());
            };
            let Packet::Data(n) = Packet::parse(p, 0)? else {
                return Err(not_fragment());
            };
            let (Some(fragment), NlBody::Fragment(data)) = (n.fragment, n.body) else {
                return Err(not_fragment());
            };
            let key = FragmentKey::of(f.header.src, &n.header, &fragment);
            if r.inner.is_none() {
                if let Some(storage) = r.storage.take() {
                    r.inner = Some(Reassembly::new(key, n.header.kind, storage));
                    r.pan = f.header.pan().unwrap_or(0xFFFF);
                }
            }
            let inner = r.inner.as_mut().ok_or(not_fragment())?;
            Ok(inner
                .push(key, n.header.kind, &fragment, data)?
                .map(|all| (causeway_bytes::of(all), n.header.kind as u8)))
        };
        match step() {
            Ok(Some((all, kind))) => {
                // SAFETY: checked non-NULL.
                unsafe {
                    complete.write(all);
                    nl_type_code.write(kind);
                }
                CAUSEWAY_OK
            }
            Ok(None) => CAUSEWAY_NEED_MORE,
            Err(e) => fail(err, &e),
        }
    })
}

/// Calls `cb` with the points of the reassembled packet (its PDU's or its aggregate's), sent
/// by the fragments' NL source in their PAN; `CAUSEWAY_NEED_MORE` while incomplete.
///
/// # Safety
/// `r` from [`causeway_wpal_reassembly_init_in`]; `cb` a valid function; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_wpal_reassembly_points(
    r: *const causeway_wpal_reassembly,
    cb: causeway_point_callback,
    user: *mut core::ffi::c_void,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let Some(cb) = cb else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if r.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        // SAFETY: checked non-NULL; the caller's object.
        let r = unsafe { &*r };
        let Some(inner) = &r.inner else {
            return CAUSEWAY_NEED_MORE;
        };
        match inner.body() {
            None => CAUSEWAY_NEED_MORE,
            Some(Ok(body)) => {
                body_points(r.pan, inner.key().nl_src, &body, |p| {
                    emit_point(cb, user, &p)
                });
                CAUSEWAY_OK
            }
            Some(Err(e)) => fail(err, &e),
        }
    })
}
