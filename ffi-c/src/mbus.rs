//! M-Bus for C: link frames, the application header, a caller-owned record iterator, canonical
//! points, request builders and the sans-IO master.

use causeway_codecs::mbus::app::{self, Body, Header};
use causeway_codecs::mbus::encode::{self, Selection};
use causeway_codecs::mbus::link::{Frame, FrameKind};
use causeway_codecs::mbus::master::{Event, ReadMeter};
use causeway_codecs::mbus::points::{fixed_points, record_point, telegram_points};
use causeway_codecs::mbus::record::{Item, Records};
use causeway_codecs::mbus::vif::VifTable;
use causeway_core::{Device, Manufacturer, Medium};

use crate::error::{causeway_error, causeway_result, fail};
use crate::point::{causeway_point, causeway_point_callback, emit_point, point};
use crate::{causeway_bytes, decode_into, emit, guard, input, place, put, storage_size};

use causeway_result::*;

/// A checked M-Bus link frame.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_mbus_frame {
    /// 0 ACK, 1 short, 2 control, 3 long.
    pub kind: u8,
    /// C field (0 for an ACK).
    pub c_field: u8,
    /// A field (0 for an ACK).
    pub address: u8,
    /// CI field (control and long frames).
    pub ci: u8,
    /// User data after the CI field (into the caller's input).
    pub data: causeway_bytes,
}

/// Decodes one whole link frame (start/stop bytes, L1 = L2, checksum).
///
/// # Safety
/// `frame` readable for `len`; `out` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_decode(
    frame: *const u8,
    len: usize,
    out: *mut causeway_mbus_frame,
    err: *mut causeway_error,
) -> causeway_result {
    decode_into(frame, len, out, err, |bytes| {
        let f = Frame::new_checked(bytes)?;
        Ok(causeway_mbus_frame {
            kind: match f.kind() {
                FrameKind::Ack => 0,
                FrameKind::Short => 1,
                FrameKind::Control => 2,
                FrameKind::Long => 3,
            },
            c_field: f.c_field().map_or(0, |c| c.bits()),
            address: f.address().unwrap_or(0),
            ci: f.ci().unwrap_or(0),
            data: causeway_bytes::of(
                bytes
                    .get(7..bytes.len().saturating_sub(2))
                    .filter(|_| f.ci().is_some())
                    .unwrap_or(&[]),
            ),
        })
    })
}

/// The variable-data header (CI 72/76: long; 7A: short, no identity).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_mbus_header {
    /// Whether the identity fields are set (long header).
    pub has_identity: bool,
    /// Identification number, BCD as sent (0x12345678 is 12345678).
    pub id: u32,
    /// Manufacturer code.
    pub manufacturer: u16,
    /// Manufacturer as three letters, NUL-terminated.
    pub manufacturer_letters: [u8; 4],
    /// Version.
    pub version: u8,
    /// Medium.
    pub medium: u8,
    /// Access number.
    pub access_number: u8,
    /// Status byte.
    pub status: u8,
    /// Signature / configuration field.
    pub signature: u16,
}

fn header(h: &Header) -> causeway_mbus_header {
    let id = h.identity;
    let mut letters = [0u8; 4];
    if let Some(i) = id {
        for (dst, c) in letters.iter_mut().zip(i.manufacturer.letters()) {
            *dst = c as u8;
        }
    }
    causeway_mbus_header {
        has_identity: id.is_some(),
        id: id.map_or(0, |i| i.id),
        manufacturer: id.map_or(0, |i| i.manufacturer.0),
        manufacturer_letters: letters,
        version: id.map_or(0, |i| i.version),
        medium: id.map_or(0, |i| i.medium.0),
        access_number: h.access_number,
        status: h.status,
        signature: h.signature,
    }
}

/// Iteration state over the records of a telegram, owned by the caller (no heap). Fill it with
/// [`causeway_mbus_records_init`]; the fields are the library's.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_mbus_records {
    /// The records area (into the caller's frame).
    pub data: causeway_bytes,
    /// Bytes of `data` consumed.
    pub position: usize,
    /// Offset of `data` in the frame.
    pub base: usize,
    /// Index of the next point.
    pub index: u16,
    /// Values are MSB first (CI 76, 55, 56).
    pub msb_first: bool,
    /// Iteration ended.
    pub done: bool,
    /// The telegram's header.
    pub header: causeway_mbus_header,
    /// The link address (the device when there is no long header).
    pub address: u8,
}

/// Starts iterating the records of a variable-data telegram (CI 72, 76, 7A, 78) or a master's
/// data send (CI 51). `CAUSEWAY_UNSUPPORTED` for other CI fields.
///
/// # Safety
/// `frame` from [`causeway_mbus_decode`] with its input alive; `it` valid; `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_records_init(
    frame: *const causeway_mbus_frame,
    it: *mut causeway_mbus_records,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a frame from causeway_mbus_decode.
        let (Some(f), false) = (unsafe { frame.as_ref() }, it.is_null()) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let Some(data) = (unsafe { f.data.as_slice() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let (hdr, msb_first, skip) = match app::parse(f.ci, data, 7) {
            Ok(Body::Variable {
                header: h,
                msb_first,
                ..
            }) => (
                h.map(|h| header(&h)).unwrap_or_default(),
                msb_first,
                match f.ci {
                    0x72 | 0x76 => 12,
                    0x7A => 4,
                    _ => 0,
                },
            ),
            Ok(Body::DataSend { msb_first, .. }) => (causeway_mbus_header::default(), msb_first, 0),
            Ok(_) => return CAUSEWAY_UNSUPPORTED,
            Err(e) => return fail(err, &e),
        };
        let records = causeway_bytes::of(data.get(skip..).unwrap_or(&[]));
        let state = causeway_mbus_records {
            data: records,
            position: 0,
            base: 7 + skip,
            index: 0,
            msb_first,
            done: false,
            header: hdr,
            address: f.address,
        };
        // SAFETY: checked non-NULL.
        unsafe { it.write(state) };
        CAUSEWAY_OK
    })
}

/// One record (or manufacturer data block) of a telegram.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct causeway_mbus_record {
    /// 0 data record, 1 manufacturer data (DIF 0F/1F; only `data` and `more_follows` are set),
    /// 2 global readout request (DIF 7F).
    pub kind: u8,
    /// Offset of the DIF in the frame.
    pub offset: usize,
    /// DIF.
    pub dif: u8,
    /// DIFEs.
    pub difes: causeway_bytes,
    /// VIF as sent.
    pub vif: u8,
    /// VIFEs as sent.
    pub vifes: causeway_bytes,
    /// 0 primary, 1 FB, 2 FD, 3 FD FD: the table of `vif_code`.
    pub vif_table: u8,
    /// The true VIF code (extension bit cleared).
    pub vif_code: u8,
    /// Plain-text unit, last character first (empty if none).
    pub plain_text: causeway_bytes,
    /// LVAR byte, or -1.
    pub lvar: i16,
    /// Data bytes.
    pub data: causeway_bytes,
    /// 0 instantaneous, 1 maximum, 2 minimum, 3 error.
    pub function: u8,
    /// Storage number.
    pub storage: u64,
    /// Tariff.
    pub tariff: u32,
    /// Subunit.
    pub subunit: u32,
    /// DIF 1F: more records follow in the next telegram.
    pub more_follows: bool,
}

fn device(it: &causeway_mbus_records) -> Device {
    let h = &it.header;
    if h.has_identity {
        Device::MBus {
            id: h.id,
            manufacturer: Manufacturer(h.manufacturer),
            version: h.version,
            medium: Medium(h.medium),
        }
    } else {
        Device::MBusPrimary {
            address: it.address,
        }
    }
}

/// Takes the next record: `CAUSEWAY_OK` (with `point`, if not NULL, set to its canonical point —
/// without the storage timestamp, which needs the whole telegram: see [`causeway_mbus_points`]),
/// `CAUSEWAY_END`, or the structural error that ends the iteration. Idle fillers are skipped.
///
/// # Safety
/// `it` initialised by [`causeway_mbus_records_init`] with the frame alive; `out` valid; `point`
/// and `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_records_next(
    it: *mut causeway_mbus_records,
    out: *mut causeway_mbus_record,
    point_out: *mut causeway_point,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes live iteration state.
        let Some(state) = (unsafe { it.as_mut() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let Some(data) = (unsafe { state.data.as_slice() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        loop {
            if state.done {
                return CAUSEWAY_END;
            }
            let rest = data.get(state.position..).unwrap_or(&[]);
            let mut records = Records::new(rest, state.base + state.position);
            let Some(item) = records.next() else {
                state.done = true;
                return CAUSEWAY_END;
            };
            state.position += records.consumed();
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    state.done = true;
                    return fail(err, &e);
                }
            };
            let mut c = causeway_mbus_record {
                lvar: -1,
                ..Default::default()
            };
            match item {
                Item::Filler { .. } => continue,
                Item::GlobalReadout { offset } => (c.kind, c.offset) = (2, offset),
                Item::Manufacturer {
                    offset,
                    more_follows,
                    data,
                } => {
                    (c.kind, c.offset, c.more_follows, c.data) =
                        (1, offset, more_follows, causeway_bytes::of(data));
                    state.done = true;
                }
                Item::Record(r) => {
                    let (table, code) = r.vif();
                    c = causeway_mbus_record {
                        kind: 0,
                        offset: r.offset,
                        dif: r.dif,
                        difes: causeway_bytes::of(r.difes),
                        vif: r.vif,
                        vifes: causeway_bytes::of(r.vifes),
                        vif_table: match table {
                            VifTable::Primary => 0,
                            VifTable::Fb => 1,
                            VifTable::Fd => 2,
                            VifTable::FdFd => 3,
                        },
                        vif_code: code,
                        plain_text: r
                            .plain_text
                            .map_or(causeway_bytes::EMPTY, causeway_bytes::of),
                        lvar: r.lvar.map_or(-1, i16::from),
                        data: causeway_bytes::of(r.data),
                        function: r.function() as u8,
                        storage: r.storage(),
                        tariff: r.tariff(),
                        subunit: r.subunit(),
                        more_follows: false,
                    };
                    if !point_out.is_null() {
                        let p = record_point(device(state), state.index, &r, state.msb_first);
                        // SAFETY: checked non-NULL.
                        unsafe { point_out.write(point(&p)) };
                    }
                    state.index = state.index.saturating_add(1);
                }
            }
            // SAFETY: checked non-NULL.
            unsafe { out.write(c) };
            return CAUSEWAY_OK;
        }
    })
}

/// Calls `cb` with the canonical point of every record of a telegram (with each storage
/// number's date as timestamp) or of both counters of a fixed data structure, and reports the
/// variable-data header in `header_out` if not NULL.
///
/// # Safety
/// `frame` readable for `len`; `cb` a valid function; `header_out` and `err` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_points(
    frame: *const u8,
    len: usize,
    header_out: *mut causeway_mbus_header,
    cb: causeway_point_callback,
    user: *mut core::ffi::c_void,
    err: *mut causeway_error,
) -> causeway_result {
    guard(|| {
        let (Some(bytes), Some(cb)) = (unsafe { input(frame, len) }, cb) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        let f = match Frame::new_checked(bytes) {
            Ok(f) => f,
            Err(e) => return fail(err, &e),
        };
        let (Some(ci), Some(a)) = (f.ci(), f.address()) else {
            return CAUSEWAY_OK;
        };
        match app::parse(ci, f.data(), 7) {
            Ok(Body::Variable {
                header: h,
                msb_first,
                records,
            }) => {
                if let (Some(h), false) = (h, header_out.is_null()) {
                    // SAFETY: checked non-NULL.
                    unsafe { header_out.write(header(&h)) };
                }
                let device = h
                    .and_then(|h| h.identity)
                    .map_or(Device::MBusPrimary { address: a }, |i| i.device());
                match telegram_points(device, &records, msb_first, |p| emit_point(cb, user, &p)) {
                    Ok(()) => CAUSEWAY_OK,
                    Err(e) => fail(err, &e),
                }
            }
            Ok(Body::Fixed(fd)) => {
                fixed_points(Device::MBusPrimary { address: a }, &fd, |p| {
                    emit_point(cb, user, &p)
                });
                CAUSEWAY_OK
            }
            Ok(_) => CAUSEWAY_OK,
            Err(e) => fail(err, &e),
        }
    })
}

/// Writes REQ_UD2 to `address` with frame count bit `fcb`.
///
/// # Safety
/// `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_req_ud2(
    address: u8,
    fcb: bool,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| {
        encode::req_ud2(address, fcb, b)
    })
}

/// Writes SND_NKE to `address`.
///
/// # Safety
/// As [`causeway_mbus_req_ud2`].
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_snd_nke(
    address: u8,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| {
        encode::snd_nke(address, b)
    })
}

/// Writes the selection of a secondary address (SND_UD, CI 52, address 253). `id` is 8 BCD
/// digits with `F` for any digit; `manufacturer` 0xFFFF, `version` and `medium` 0xFF mean any.
///
/// # Safety
/// As [`causeway_mbus_req_ud2`].
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_select(
    id: u32,
    manufacturer: u16,
    version: u8,
    medium: u8,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    let sel = Selection {
        id,
        manufacturer: (manufacturer != 0xFFFF).then_some(manufacturer),
        version: (version != 0xFF).then_some(version),
        medium: (medium != 0xFF).then_some(medium),
    };
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| {
        encode::select(&sel, b)
    })
}

/// Writes SND_UD giving the slave at `address` the primary address `new_address`.
///
/// # Safety
/// As [`causeway_mbus_req_ud2`].
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_set_primary_address(
    address: u8,
    new_address: u8,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| {
        encode::set_primary_address(address, new_address, b)
    })
}

/// Reading one meter completely (opaque; see `causeway_mbus_read_meter_*`).
#[derive(Debug)]
pub struct causeway_mbus_read_meter {
    inner: ReadMeter,
}

/// What the master reports after an input.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_mbus_event {
    /// Nothing to report: transmit what there is and wait.
    CAUSEWAY_MBUS_PENDING = 0,
    /// The frame just given is an RSP_UD telegram (decode it); more may follow.
    CAUSEWAY_MBUS_TELEGRAM = 1,
    /// All telegrams were read.
    CAUSEWAY_MBUS_DONE = 2,
    /// No answer after the retries.
    CAUSEWAY_MBUS_FAILED = 3,
}

fn event(e: Event) -> causeway_mbus_event {
    match e {
        Event::Telegram => causeway_mbus_event::CAUSEWAY_MBUS_TELEGRAM,
        Event::Done => causeway_mbus_event::CAUSEWAY_MBUS_DONE,
        Event::Failed => causeway_mbus_event::CAUSEWAY_MBUS_FAILED,
        _ => causeway_mbus_event::CAUSEWAY_MBUS_PENDING,
    }
}

/// Bytes [`causeway_mbus_read_meter_init_in`] needs (16-byte aligned).
#[no_mangle]
pub extern "C" fn causeway_mbus_read_meter_size() -> usize {
    storage_size::<causeway_mbus_read_meter>()
}

/// Starts reading the meter at `address` in caller memory (no heap, nothing to free). At 253
/// (a meter selected beforehand) the read starts with REQ_UD2: a SND_NKE would deselect it.
///
/// # Safety
/// `mem` writable for `mem_len` and unused elsewhere while the master lives; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_read_meter_init_in(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    address: u8,
    max_tries: u8,
    out: *mut *mut causeway_mbus_read_meter,
) -> causeway_result {
    guard(|| {
        // SAFETY: `place` checks the caller's memory and `out`.
        unsafe {
            place(
                mem,
                mem_len,
                causeway_mbus_read_meter {
                    inner: ReadMeter::new(address, max_tries),
                },
                out,
            )
        }
    })
}

/// Starts reading the meter at `address` on the heap; free with [`causeway_mbus_read_meter_free`].
/// At 253 (a meter selected beforehand) the read starts with REQ_UD2.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn causeway_mbus_read_meter_new(
    address: u8,
    max_tries: u8,
) -> *mut causeway_mbus_read_meter {
    std::boxed::Box::into_raw(std::boxed::Box::new(causeway_mbus_read_meter {
        inner: ReadMeter::new(address, max_tries),
    }))
}

/// Frees a master from [`causeway_mbus_read_meter_new`] (NULL is ignored).
///
/// # Safety
/// `m` must come from `causeway_mbus_read_meter_new` and not be used afterwards.
#[cfg(feature = "std")]
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_read_meter_free(m: *mut causeway_mbus_read_meter) {
    if !m.is_null() {
        // SAFETY: created by Box::into_raw.
        drop(unsafe { std::boxed::Box::from_raw(m) });
    }
}

/// Writes the frame to send now into `buf`; `*out_len` is 0 when there is nothing to send.
///
/// # Safety
/// `m` valid; `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_read_meter_transmit(
    m: *mut causeway_mbus_read_meter,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    // SAFETY: the caller passes a live master.
    let Some(m) = (unsafe { m.as_mut() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| {
        m.inner.transmit(b).map(|n| n.unwrap_or(0))
    })
}

/// A frame arrived from the line (as the M-Bus stream found it).
///
/// # Safety
/// `m` valid; `frame` readable for `len`; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_read_meter_on_frame(
    m: *mut causeway_mbus_read_meter,
    frame: *const u8,
    len: usize,
    out: *mut causeway_mbus_event,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a live master and its frame.
        let (Some(m), Some(bytes)) = (unsafe { m.as_mut() }, unsafe { input(frame, len) }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let e = event(m.inner.on_frame(bytes));
        // SAFETY: checked non-NULL.
        unsafe { out.write(e) };
        CAUSEWAY_OK
    })
}

/// The answer time passed in silence (or only garbage arrived).
///
/// # Safety
/// `m` valid; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_read_meter_on_timeout(
    m: *mut causeway_mbus_read_meter,
    out: *mut causeway_mbus_event,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a live master.
        let Some(m) = (unsafe { m.as_mut() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let e = event(m.inner.on_timeout());
        // SAFETY: checked non-NULL.
        unsafe { out.write(e) };
        CAUSEWAY_OK
    })
}

/// Whether the readout ended before the meter said its last telegram: one whose header or
/// records break off before any `1F` (decoding it reports where), or the 64th still saying
/// `1F`. The meter may hold more than was read.
///
/// # Safety
/// `m` valid; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_read_meter_cut_short(
    m: *const causeway_mbus_read_meter,
    out: *mut bool,
) -> causeway_result {
    // SAFETY: the caller passes a live master.
    let Some(m) = (unsafe { m.as_ref() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    // SAFETY: the caller's output, NULL or writable.
    unsafe { put(out, m.inner.cut_short()) }
}

/// Starts an RSP_UD telegram (CI 72) in `buf`: header with identity `id` (BCD), `manufacturer`,
/// `version`, `medium`, `access_number`, `status`. `*len` receives the bytes written so far;
/// pass it to [`causeway_mbus_rsp_ud_number`] and [`causeway_mbus_rsp_ud_finish`].
///
/// # Safety
/// `buf` writable for `cap`; `len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_rsp_ud_begin(
    buf: *mut u8,
    cap: usize,
    address: u8,
    id: u32,
    manufacturer: u16,
    version: u8,
    medium: u8,
    access_number: u8,
    status: u8,
    len: *mut usize,
) -> causeway_result {
    let identity = app::Identity {
        id,
        manufacturer: Manufacturer(manufacturer),
        version,
        medium: Medium(medium),
    };
    crate::build(buf, cap, len, core::ptr::null_mut(), |b| {
        encode::RspUd::new(b, address, identity, access_number, status).map(|r| r.len())
    })
}

/// Appends a numeric record to the telegram in `buf` (`*len` bytes so far, updated): VIF bytes
/// `vib` (VIF and VIFEs, or `FB`/`FD` and the true VIF), function 0–3, storage, tariff, subunit,
/// DIF data field (`0x1`–`0x4`, `0x6`, `0x7` integers; `0x9`–`0xC`, `0xE` BCD) and value.
///
/// # Safety
/// `buf` writable for `cap` and holding the telegram begun there; `vib` readable for `vib_len`;
/// `len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_rsp_ud_number(
    buf: *mut u8,
    cap: usize,
    len: *mut usize,
    vib: *const u8,
    vib_len: usize,
    function: u8,
    storage: u64,
    tariff: u32,
    subunit: u32,
    data_field: u8,
    value: i64,
) -> causeway_result {
    let function = match function {
        0 => causeway_core::Function::Instantaneous,
        1 => causeway_core::Function::Maximum,
        2 => causeway_core::Function::Minimum,
        3 => causeway_core::Function::Error,
        _ => return CAUSEWAY_BAD_ARGUMENT,
    };
    // SAFETY: `len` is checked by `emit` before it is written; read it first here.
    let Some(&start) = (unsafe { len.as_ref() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    emit(
        vib,
        vib_len,
        buf,
        cap,
        len,
        core::ptr::null_mut(),
        |vib, b| {
            let mut r = encode::RspUd::resume(b, start);
            r.number(vib, function, storage, tariff, subunit, data_field, value)?;
            Ok(r.len())
        },
    )
}

/// Finishes the telegram in `buf` (`*len` bytes so far): length fields, checksum, stop byte.
/// `*len` receives the frame length.
///
/// # Safety
/// As [`causeway_mbus_rsp_ud_number`].
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_rsp_ud_finish(
    buf: *mut u8,
    cap: usize,
    len: *mut usize,
) -> causeway_result {
    // SAFETY: read before `emit` writes it.
    let Some(&start) = (unsafe { len.as_ref() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    crate::build(buf, cap, len, core::ptr::null_mut(), |b| {
        encode::RspUd::resume(b, start).finish()
    })
}

/// Secondary-address scanning (opaque; see `causeway_mbus_scan_*`).
#[derive(Debug)]
pub struct causeway_mbus_scan {
    inner: causeway_codecs::mbus::master::Scan,
}

fn scan_event(e: Event, found: *mut u32) -> causeway_mbus_event {
    if let Event::Found(id) = e {
        if !found.is_null() {
            // SAFETY: the caller passes a valid u32 or NULL.
            unsafe { found.write(id.id) };
        }
        return causeway_mbus_event::CAUSEWAY_MBUS_TELEGRAM;
    }
    event(e)
}

/// Bytes [`causeway_mbus_scan_init_in`] needs (16-byte aligned).
#[no_mangle]
pub extern "C" fn causeway_mbus_scan_size() -> usize {
    storage_size::<causeway_mbus_scan>()
}

/// Starts a scan of all secondary addresses in caller memory (no heap, nothing to free).
///
/// # Safety
/// `mem` writable for `mem_len` and unused elsewhere while the scan lives; `out` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_scan_init_in(
    mem: *mut core::ffi::c_void,
    mem_len: usize,
    max_tries: u8,
    out: *mut *mut causeway_mbus_scan,
) -> causeway_result {
    guard(|| {
        // SAFETY: `place` checks the caller's memory and `out`.
        unsafe {
            place(
                mem,
                mem_len,
                causeway_mbus_scan {
                    inner: causeway_codecs::mbus::master::Scan::new(max_tries),
                },
                out,
            )
        }
    })
}

/// Writes the frame to send now (a selection or a REQ_UD2 to address 253); `*out_len` is 0 when
/// the scan is over.
///
/// # Safety
/// `s` valid; `buf` writable for `cap`; `out_len` valid.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_scan_transmit(
    s: *mut causeway_mbus_scan,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    // SAFETY: the caller passes a live scan.
    let Some(s) = (unsafe { s.as_mut() }) else {
        return CAUSEWAY_NULL_ARGUMENT;
    };
    crate::build(buf, cap, out_len, core::ptr::null_mut(), |b| {
        s.inner.transmit(b).map(|n| n.unwrap_or(0))
    })
}

/// Reports what happened on the line: `what` is 0 a frame (`frame`, `len`), 1 silence
/// (timeout), 2 garbage (a collision). `*event` is `CAUSEWAY_MBUS_TELEGRAM` when a meter was
/// found (its identification number, BCD, in `*found`), `CAUSEWAY_MBUS_DONE` at the end.
///
/// # Safety
/// `s` valid; `frame` readable for `len`; `event` valid; `found` valid or NULL.
#[no_mangle]
pub unsafe extern "C" fn causeway_mbus_scan_on(
    s: *mut causeway_mbus_scan,
    what: u32,
    frame: *const u8,
    len: usize,
    event: *mut causeway_mbus_event,
    found: *mut u32,
) -> causeway_result {
    guard(|| {
        // SAFETY: the caller passes a live scan.
        let Some(s) = (unsafe { s.as_mut() }) else {
            return CAUSEWAY_NULL_ARGUMENT;
        };
        if event.is_null() {
            return CAUSEWAY_NULL_ARGUMENT;
        }
        let e = match what {
            0 => match unsafe { input(frame, len) } {
                Some(bytes) => s.inner.on_frame(bytes),
                None => return CAUSEWAY_NULL_ARGUMENT,
            },
            1 => s.inner.on_timeout(),
            2 => s.inner.on_garbage(),
            _ => return CAUSEWAY_BAD_ARGUMENT,
        };
        // SAFETY: checked non-NULL.
        unsafe { event.write(scan_event(e, found)) };
        CAUSEWAY_OK
    })
}
