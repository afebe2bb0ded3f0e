//! Result codes and decode errors.

use core::fmt::Write;

use causeway_codecs::{Error, ErrorKind, Layer};

use crate::{guard, output};

/// What a call did.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_result {
    /// Success; outputs are written.
    CAUSEWAY_OK = 0,
    /// A required pointer was NULL.
    CAUSEWAY_NULL_ARGUMENT = 1,
    /// An output buffer is too small (nothing was written).
    CAUSEWAY_BUFFER_TOO_SMALL = 2,
    /// The input ended early.
    CAUSEWAY_TRUNCATED = 3,
    /// A checksum, CRC, LRC or FCS did not match.
    CAUSEWAY_CHECKSUM = 4,
    /// A field holds a value the protocol does not allow.
    CAUSEWAY_INVALID = 5,
    /// A length field disagrees with the data.
    CAUSEWAY_LENGTH = 6,
    /// Longer than the protocol allows.
    CAUSEWAY_OVERSIZE = 7,
    /// A valid but unsupported feature.
    CAUSEWAY_UNSUPPORTED = 8,
    /// Out of room in a buffer or assembler.
    CAUSEWAY_CAPACITY = 9,
    /// Data conflicts with data received before.
    CAUSEWAY_CONFLICT = 10,
    /// Message authentication failed.
    CAUSEWAY_AUTHENTICATION = 11,
    /// An iteration has no more items.
    CAUSEWAY_END = 12,
    /// A stream needs more bytes before the next frame.
    CAUSEWAY_NEED_MORE = 13,
    /// An argument is out of its range (an unknown enum value, an impossible quantity).
    CAUSEWAY_BAD_ARGUMENT = 14,
    /// A Rust panic was caught at the boundary (a bug; please report it).
    CAUSEWAY_PANIC = 99,
}

/// The protocol layer of a decode error.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum causeway_layer {
    /// No layer (usage errors).
    CAUSEWAY_LAYER_NONE = 0,
    /// Modbus RTU framing.
    CAUSEWAY_LAYER_MODBUS_RTU = 1,
    /// Modbus ASCII framing.
    CAUSEWAY_LAYER_MODBUS_ASCII = 2,
    /// Modbus TCP (MBAP).
    CAUSEWAY_LAYER_MODBUS_TCP = 3,
    /// Modbus PDU.
    CAUSEWAY_LAYER_MODBUS_PDU = 4,
    /// M-Bus link layer.
    CAUSEWAY_LAYER_MBUS_LINK = 5,
    /// M-Bus application layer header.
    CAUSEWAY_LAYER_MBUS_APP = 6,
    /// M-Bus data record.
    CAUSEWAY_LAYER_MBUS_RECORD = 7,
    /// Any other layer.
    CAUSEWAY_LAYER_OTHER = 8,
    /// Ethernet II.
    CAUSEWAY_LAYER_ETHERNET = 9,
    /// IEEE 802.1Q tag.
    CAUSEWAY_LAYER_VLAN = 10,
    /// IPv4.
    CAUSEWAY_LAYER_IPV4 = 11,
    /// UDP.
    CAUSEWAY_LAYER_UDP = 12,
    /// TCP.
    CAUSEWAY_LAYER_TCP = 13,
    /// EPA-S.
    CAUSEWAY_LAYER_EPA = 14,
    /// IEEE 802.15.4 MAC.
    CAUSEWAY_LAYER_IEEE802154 = 15,
    /// CCM* security.
    CAUSEWAY_LAYER_CCM = 16,
    /// WPA-L payload.
    CAUSEWAY_LAYER_WPAL = 17,
    /// A reassembly buffer.
    CAUSEWAY_LAYER_REASSEMBLY = 18,
    /// A stream deframer.
    CAUSEWAY_LAYER_DEFRAMER = 19,
}

/// A decode error: code, layer, byte offset, and what was expected versus found (numbers whose
/// meaning depends on the code: lengths, checksums, field values).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct causeway_error {
    /// The result code.
    pub code: causeway_result,
    /// The layer that rejected the input.
    pub layer: causeway_layer,
    /// Byte offset of the problem from the start of the input.
    pub offset: usize,
    /// Expected value (checksum computed, length needed, limit).
    pub expected: u64,
    /// Found value (checksum sent, length available, field value).
    pub found: u64,
}

impl Default for causeway_error {
    fn default() -> Self {
        causeway_error {
            code: causeway_result::CAUSEWAY_OK,
            layer: causeway_layer::CAUSEWAY_LAYER_NONE,
            offset: 0,
            expected: 0,
            found: 0,
        }
    }
}

pub(crate) fn layer(l: Layer) -> causeway_layer {
    match l {
        Layer::ModbusRtu => causeway_layer::CAUSEWAY_LAYER_MODBUS_RTU,
        Layer::ModbusAscii => causeway_layer::CAUSEWAY_LAYER_MODBUS_ASCII,
        Layer::ModbusTcp => causeway_layer::CAUSEWAY_LAYER_MODBUS_TCP,
        Layer::ModbusPdu => causeway_layer::CAUSEWAY_LAYER_MODBUS_PDU,
        Layer::MbusLink => causeway_layer::CAUSEWAY_LAYER_MBUS_LINK,
        Layer::MbusApp => causeway_layer::CAUSEWAY_LAYER_MBUS_APP,
        Layer::MbusRecord => causeway_layer::CAUSEWAY_LAYER_MBUS_RECORD,
        Layer::Ethernet => causeway_layer::CAUSEWAY_LAYER_ETHERNET,
        Layer::Vlan => causeway_layer::CAUSEWAY_LAYER_VLAN,
        Layer::Ipv4 => causeway_layer::CAUSEWAY_LAYER_IPV4,
        Layer::Udp => causeway_layer::CAUSEWAY_LAYER_UDP,
        Layer::Tcp => causeway_layer::CAUSEWAY_LAYER_TCP,
        Layer::Epa => causeway_layer::CAUSEWAY_LAYER_EPA,
        Layer::Ieee802154 => causeway_layer::CAUSEWAY_LAYER_IEEE802154,
        Layer::Ccm => causeway_layer::CAUSEWAY_LAYER_CCM,
        Layer::Wpal => causeway_layer::CAUSEWAY_LAYER_WPAL,
        Layer::Reassembly => causeway_layer::CAUSEWAY_LAYER_REASSEMBLY,
        Layer::Deframer => causeway_layer::CAUSEWAY_LAYER_DEFRAMER,
        _ => causeway_layer::CAUSEWAY_LAYER_OTHER,
    }
}

impl From<&Error> for causeway_error {
    fn from(e: &Error) -> Self {
        let (code, expected, found) = match e.kind {
            ErrorKind::Truncated { needed, available } => (
                causeway_result::CAUSEWAY_TRUNCATED,
                needed as u64,
                available as u64,
            ),
            ErrorKind::Checksum { expected, found } => (
                causeway_result::CAUSEWAY_CHECKSUM,
                u64::from(expected),
                u64::from(found),
            ),
            ErrorKind::Invalid { found, .. } => (causeway_result::CAUSEWAY_INVALID, 0, found),
            ErrorKind::Length {
                expected, found, ..
            } => (
                causeway_result::CAUSEWAY_LENGTH,
                expected as u64,
                found as u64,
            ),
            ErrorKind::Oversize { limit, found } => (
                causeway_result::CAUSEWAY_OVERSIZE,
                limit as u64,
                found as u64,
            ),
            ErrorKind::Unsupported { found, .. } => {
                (causeway_result::CAUSEWAY_UNSUPPORTED, 0, found)
            }
            ErrorKind::Capacity { needed, capacity } => (
                causeway_result::CAUSEWAY_CAPACITY,
                needed as u64,
                capacity as u64,
            ),
            ErrorKind::Conflict { .. } => (causeway_result::CAUSEWAY_CONFLICT, 0, 0),
            ErrorKind::Authentication => (causeway_result::CAUSEWAY_AUTHENTICATION, 0, 0),
            _ => (causeway_result::CAUSEWAY_INVALID, 0, 0),
        };
        causeway_error {
            code,
            layer: layer(e.layer),
            offset: e.offset,
            expected,
            found,
        }
    }
}

/// Fills `err` (if not NULL) from a codec error and returns its code.
pub(crate) fn fail(err: *mut causeway_error, e: &Error) -> causeway_result {
    let c = causeway_error::from(e);
    if !err.is_null() {
        // SAFETY: the caller passes a valid causeway_error or NULL.
        unsafe { err.write(c) };
    }
    c.code
}

/// Writes `s` into `buf`; the boundary helper for messages.
struct CBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
    overflow: bool,
}

impl Write for CBuf<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            // Keep one byte for the terminating NUL.
            let room = self.len + 1 < self.buf.len();
            match self.buf.get_mut(self.len) {
                Some(slot) if room => {
                    *slot = b;
                    self.len += 1;
                }
                _ => self.overflow = true,
            }
        }
        Ok(())
    }
}

/// The layer's name, NUL-terminated.
fn layer_name_z(l: causeway_layer) -> &'static [u8] {
    match l {
        causeway_layer::CAUSEWAY_LAYER_NONE => b"causeway\0",
        causeway_layer::CAUSEWAY_LAYER_MODBUS_RTU => b"modbus-rtu\0",
        causeway_layer::CAUSEWAY_LAYER_MODBUS_ASCII => b"modbus-ascii\0",
        causeway_layer::CAUSEWAY_LAYER_MODBUS_TCP => b"modbus-tcp\0",
        causeway_layer::CAUSEWAY_LAYER_MODBUS_PDU => b"modbus-pdu\0",
        causeway_layer::CAUSEWAY_LAYER_MBUS_LINK => b"mbus-link\0",
        causeway_layer::CAUSEWAY_LAYER_MBUS_APP => b"mbus-app\0",
        causeway_layer::CAUSEWAY_LAYER_MBUS_RECORD => b"mbus-record\0",
        causeway_layer::CAUSEWAY_LAYER_OTHER => b"other\0",
        causeway_layer::CAUSEWAY_LAYER_ETHERNET => b"ethernet\0",
        causeway_layer::CAUSEWAY_LAYER_VLAN => b"vlan\0",
        causeway_layer::CAUSEWAY_LAYER_IPV4 => b"ipv4\0",
        causeway_layer::CAUSEWAY_LAYER_UDP => b"udp\0",
        causeway_layer::CAUSEWAY_LAYER_TCP => b"tcp\0",
        causeway_layer::CAUSEWAY_LAYER_EPA => b"epa-s\0",
        causeway_layer::CAUSEWAY_LAYER_IEEE802154 => b"ieee802154\0",
        causeway_layer::CAUSEWAY_LAYER_CCM => b"ccm\0",
        causeway_layer::CAUSEWAY_LAYER_WPAL => b"wpa-l\0",
        causeway_layer::CAUSEWAY_LAYER_REASSEMBLY => b"reassembly\0",
        causeway_layer::CAUSEWAY_LAYER_DEFRAMER => b"deframer\0",
    }
}

fn layer_name(l: causeway_layer) -> &'static str {
    let z = layer_name_z(l);
    core::str::from_utf8(z.get(..z.len().saturating_sub(1)).unwrap_or(&[])).unwrap_or("")
}

/// The name of a layer (`"modbus-rtu"`, `"ieee802154"`, ... as in the JSON error form),
/// NUL-terminated, static.
#[no_mangle]
pub extern "C" fn causeway_layer_name(layer: causeway_layer) -> *const core::ffi::c_char {
    layer_name_z(layer).as_ptr().cast()
}

/// The name of a result code (`"checksum"`, `"truncated"`, ...), NUL-terminated, static.
#[no_mangle]
pub extern "C" fn causeway_result_name(code: causeway_result) -> *const core::ffi::c_char {
    let s: &'static [u8] = match code {
        causeway_result::CAUSEWAY_OK => b"ok\0",
        causeway_result::CAUSEWAY_NULL_ARGUMENT => b"null argument\0",
        causeway_result::CAUSEWAY_BUFFER_TOO_SMALL => b"buffer too small\0",
        causeway_result::CAUSEWAY_TRUNCATED => b"truncated\0",
        causeway_result::CAUSEWAY_CHECKSUM => b"checksum\0",
        causeway_result::CAUSEWAY_INVALID => b"invalid\0",
        causeway_result::CAUSEWAY_LENGTH => b"length\0",
        causeway_result::CAUSEWAY_OVERSIZE => b"oversize\0",
        causeway_result::CAUSEWAY_UNSUPPORTED => b"unsupported\0",
        causeway_result::CAUSEWAY_CAPACITY => b"capacity\0",
        causeway_result::CAUSEWAY_CONFLICT => b"conflict\0",
        causeway_result::CAUSEWAY_AUTHENTICATION => b"authentication\0",
        causeway_result::CAUSEWAY_END => b"end\0",
        causeway_result::CAUSEWAY_NEED_MORE => b"need more\0",
        causeway_result::CAUSEWAY_BAD_ARGUMENT => b"bad argument\0",
        causeway_result::CAUSEWAY_PANIC => b"panic\0",
    };
    s.as_ptr().cast()
}

/// Renders `err` as one line — layer, offset, kind, expected, found — into `buf` (`cap` bytes,
/// NUL-terminated). `out_len` (optional) receives the length without the NUL. Returns
/// `CAUSEWAY_BUFFER_TOO_SMALL` (and writes nothing useful) when the message does not fit.
///
/// # Safety
/// `err` must be valid; `buf` must be writable for `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn causeway_error_message(
    err: *const causeway_error,
    buf: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> causeway_result {
    guard(|| {
        if err.is_null() || buf.is_null() {
            return causeway_result::CAUSEWAY_NULL_ARGUMENT;
        }
        // SAFETY: checked for NULL; the caller promises validity.
        let e = unsafe { *err };
        let Some(out) = (unsafe { output(buf, cap) }) else {
            return causeway_result::CAUSEWAY_NULL_ARGUMENT;
        };
        if out.is_empty() {
            return causeway_result::CAUSEWAY_BUFFER_TOO_SMALL;
        }
        let mut w = CBuf {
            buf: out,
            len: 0,
            overflow: false,
        };
        // SAFETY: static NUL-terminated string.
        let kind = unsafe { core::ffi::CStr::from_ptr(causeway_result_name(e.code)) }
            .to_str()
            .unwrap_or("?");
        let _ = write!(w, "{} at byte {}: {}", layer_name(e.layer), e.offset, kind);
        match e.code {
            causeway_result::CAUSEWAY_CHECKSUM => {
                let _ = write!(w, ": expected {:#06x}, found {:#06x}", e.expected, e.found);
            }
            causeway_result::CAUSEWAY_TRUNCATED
            | causeway_result::CAUSEWAY_LENGTH
            | causeway_result::CAUSEWAY_OVERSIZE
            | causeway_result::CAUSEWAY_CAPACITY => {
                let _ = write!(w, ": expected {}, found {}", e.expected, e.found);
            }
            causeway_result::CAUSEWAY_INVALID | causeway_result::CAUSEWAY_UNSUPPORTED => {
                let _ = write!(w, ": found {:#x}", e.found);
            }
            _ => {}
        }
        if w.overflow {
            return causeway_result::CAUSEWAY_BUFFER_TOO_SMALL;
        }
        let n = w.len;
        if let Some(nul) = w.buf.get_mut(n) {
            *nul = 0;
        }
        if !out_len.is_null() {
            // SAFETY: the caller passes a valid size_t or NULL.
            unsafe { out_len.write(n) };
        }
        causeway_result::CAUSEWAY_OK
    })
}
