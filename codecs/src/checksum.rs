//! Checksums of the carried protocols. CRC-16s are table-driven (slice-by-16, tables built at
//! compile time) with carry-less-multiply folding on x86-64 CPUs that have PCLMULQDQ. Parameters
//! from the CRC RevEng catalogue; each has its catalogue check value over `"123456789"` as a test,
//! and both paths are checked against the `crc` crate on random data.
//!
//! | function | catalogue name | used by |
//! |---|---|---|
//! | [`crc16_modbus`] | CRC-16/MODBUS (refl. 0x8005, init 0xFFFF) | Modbus RTU |
//! | [`crc16_kermit`] | CRC-16/KERMIT (refl. 0x1021, init 0) | IEEE 802.15.4 FCS |
//! | [`sum8`] | 8-bit arithmetic sum | M-Bus link layer (EN 13757-2 §5.5) |
//! | [`lrc8`] | two's complement of the 8-bit sum | Modbus ASCII |
//! | [`internet_checksum`] | RFC 1071 one's complement sum | IPv4, UDP |

/// Slice-by-16 tables for a reflected 16-bit CRC with polynomial `poly` (bit-reversed form).
// Every index is below the array's length by construction (loop bounds 16 and 256, `& 0xFF`).
#[allow(clippy::indexing_slicing)]
const fn reflected16_tables(poly: u16) -> [[u16; 256]; 16] {
    let mut t = [[0u16; 256]; 16];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
            bit += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static MODBUS_TABLES: [[u16; 256]; 16] = reflected16_tables(0xA001);
static KERMIT_TABLES: [[u16; 256]; 16] = reflected16_tables(0x8408);

/// Table lookup by a byte: a `[u16; 256]` indexed by a `u8` cannot go out of bounds.
#[inline(always)]
#[allow(clippy::indexing_slicing)]
fn at(table: &[u16; 256], index: u8) -> u16 {
    table[usize::from(index)]
}

#[inline]
fn reflected16(tables: &[[u16; 256]; 16], mut crc: u16, data: &[u8]) -> u16 {
    let [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] = tables;
    let mut chunks = data.chunks_exact(16);
    for chunk in &mut chunks {
        let Ok(b) = <&[u8; 16]>::try_from(chunk) else {
            continue;
        };
        let x = crc ^ u16::from_le_bytes([b[0], b[1]]);
        crc = at(t15, x as u8)
            ^ at(t14, (x >> 8) as u8)
            ^ at(t13, b[2])
            ^ at(t12, b[3])
            ^ at(t11, b[4])
            ^ at(t10, b[5])
            ^ at(t9, b[6])
            ^ at(t8, b[7])
            ^ at(t7, b[8])
            ^ at(t6, b[9])
            ^ at(t5, b[10])
            ^ at(t4, b[11])
            ^ at(t3, b[12])
            ^ at(t2, b[13])
            ^ at(t1, b[14])
            ^ at(t0, b[15]);
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ at(t0, (crc as u8) ^ b);
    }
    crc
}

/// Carry-less-multiply folding for reflected CRC-16s on x86-64 (PCLMULQDQ).
///
/// Sixteen bytes loaded little-endian give the register `R = rev128(B)`, where `B` is the block
/// polynomial (the first bit sent has the highest degree). For 64-bit halves,
/// `clmul(rev64 a, rev64 b) = rev128(a·b·x)`, so the running block `X = H·x^64 + L` is carried
/// 128 bits forward as `H·(x^191 mod P)·x + L·(x^127 mod P)·x ≡ X·x^128 (mod P)`, a polynomial of
/// degree < 80, XORed into the next block. The last folded block and the tail go through the
/// table. The initial value is XORed into the first two bytes, as for any reflected CRC.
#[cfg(target_arch = "x86_64")]
mod clmul {
    use core::arch::x86_64::{
        __m128i, _mm_clmulepi64_si128, _mm_loadu_si128, _mm_set_epi64x, _mm_storeu_si128,
        _mm_xor_si128,
    };

    /// `x^n mod p` for a degree-16 polynomial `p` (normal form, with the x^16 bit).
    const fn xpow_mod(n: u32, p: u32) -> u64 {
        let mut r: u32 = 1;
        let mut i = 0;
        while i < n {
            r <<= 1;
            if r & 0x1_0000 != 0 {
                r ^= p;
            }
            i += 1;
        }
        r as u64
    }

    /// Folding constants `(rev64(x^191 mod p), rev64(x^127 mod p))`.
    pub(super) const fn constants(p: u32) -> (u64, u64) {
        (
            xpow_mod(191, p).reverse_bits(),
            xpow_mod(127, p).reverse_bits(),
        )
    }

    /// Whether the CPU has PCLMULQDQ (checked once, then cached by std).
    pub(super) fn available() -> bool {
        #[cfg(feature = "std")]
        {
            std::is_x86_feature_detected!("pclmulqdq")
        }
        #[cfg(not(feature = "std"))]
        {
            cfg!(target_feature = "pclmulqdq")
        }
    }

    /// Folds `data` (at least 32 bytes) to one 16-byte block with the same CRC remainder; returns
    /// it and the unfolded tail (< 16 bytes). `init` is XORed into the first two bytes.
    ///
    /// # Safety
    /// The CPU must support PCLMULQDQ ([`available`]).
    #[target_feature(enable = "pclmulqdq,sse2")]
    pub(super) unsafe fn fold(data: &[u8], init: u16, k: (u64, u64)) -> ([u8; 16], &[u8]) {
        let mut blocks = data.chunks_exact(16);
        let load = |b: &[u8]| -> __m128i {
            // SAFETY: every chunk from chunks_exact(16) is 16 readable bytes; loadu allows any alignment.
            unsafe { _mm_loadu_si128(b.as_ptr().cast()) }
        };
        let mut x = match blocks.next() {
            Some(b) => _mm_xor_si128(load(b), _mm_set_epi64x(0, i64::from(init))),
            None => _mm_set_epi64x(0, 0),
        };
        let keys = _mm_set_epi64x(k.1 as i64, k.0 as i64);
        for b in &mut blocks {
            let hi = _mm_clmulepi64_si128::<0x00>(x, keys); // H (register low qword) × rev(x^191 mod P)
            let lo = _mm_clmulepi64_si128::<0x11>(x, keys); // L (register high qword) × rev(x^127 mod P)
            x = _mm_xor_si128(_mm_xor_si128(hi, lo), load(b));
        }
        let mut out = [0u8; 16];
        // SAFETY: `out` is 16 writable bytes; storeu allows any alignment.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), x) };
        (out, blocks.remainder())
    }
}

/// A reflected CRC-16: its slice-by-16 tables and, on x86-64, its folding constants.
struct Reflected16 {
    tables: &'static [[u16; 256]; 16],
    #[cfg(target_arch = "x86_64")]
    fold: (u64, u64),
}

impl Reflected16 {
    /// Continues the CRC from `crc` over `data`: carry-less folding for long inputs where the
    /// CPU has it, tables otherwise.
    #[inline]
    fn update(&self, crc: u16, data: &[u8]) -> u16 {
        #[cfg(target_arch = "x86_64")]
        if data.len() >= 32 && clmul::available() {
            // SAFETY: `available` confirmed PCLMULQDQ.
            let (block, tail) = unsafe { clmul::fold(data, crc, self.fold) };
            return reflected16(self.tables, reflected16(self.tables, 0, &block), tail);
        }
        reflected16(self.tables, crc, data)
    }
}

static MODBUS: Reflected16 = Reflected16 {
    tables: &MODBUS_TABLES,
    #[cfg(target_arch = "x86_64")]
    fold: clmul::constants(0x1_8005),
};

static KERMIT: Reflected16 = Reflected16 {
    tables: &KERMIT_TABLES,
    #[cfg(target_arch = "x86_64")]
    fold: clmul::constants(0x1_1021),
};

/// CRC-16/MODBUS of `data` (send low byte first).
pub fn crc16_modbus(data: &[u8]) -> u16 {
    MODBUS.update(0xFFFF, data)
}

/// Continues a CRC-16/MODBUS over more data (start from `0xFFFF`); for incremental scans.
pub fn crc16_modbus_update(crc: u16, data: &[u8]) -> u16 {
    MODBUS.update(crc, data)
}

/// CRC-16/KERMIT of `data` (the IEEE 802.15.4 FCS, sent little-endian).
pub fn crc16_kermit(data: &[u8]) -> u16 {
    KERMIT.update(0, data)
}

/// CRC-16/MODBUS with the tables only (the portable path, kept for comparison and tests).
pub fn crc16_modbus_table(data: &[u8]) -> u16 {
    reflected16(&MODBUS_TABLES, 0xFFFF, data)
}

/// 8-bit arithmetic sum (M-Bus checksum).
pub fn sum8(data: &[u8]) -> u8 {
    data.iter().fold(0u8, |acc, &b| acc.wrapping_add(b))
}

/// Modbus ASCII LRC: the two's complement of the 8-bit sum.
pub fn lrc8(data: &[u8]) -> u8 {
    sum8(data).wrapping_neg()
}

/// Adds `data` to a running RFC 1071 one's-complement sum (not yet folded or inverted).
pub fn internet_sum(mut sum: u32, data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        if let &[a, b] = w {
            sum = sum.wrapping_add(u32::from(u16::from_be_bytes([a, b])));
        }
        // Fold early so the u32 cannot overflow on any input length.
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    if let &[last] = words.remainder() {
        sum = sum.wrapping_add(u32::from(last) << 8);
    }
    sum
}

/// Folds and inverts a running sum into the 16-bit Internet checksum.
pub fn internet_finish(mut sum: u32) -> u16 {
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// The RFC 1071 Internet checksum of `data`.
pub fn internet_checksum(data: &[u8]) -> u16 {
    internet_finish(internet_sum(0, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CHECK: &[u8] = b"123456789";

    #[test]
    fn catalogue_check_values() {
        // CRC RevEng catalogue: CRC-16/MODBUS check=0x4b37, CRC-16/KERMIT check=0x2189.
        assert_eq!(crc16_modbus(CHECK), 0x4B37);
        assert_eq!(crc16_kermit(CHECK), 0x2189);
        assert_eq!(sum8(CHECK), 0xDD);
        assert_eq!(lrc8(CHECK), 0x23);
    }

    #[test]
    fn modbus_spec_example() {
        // Modbus over serial line V1.02 §6.2.2: request 02 07 has CRC 0x1241, sent 41 12.
        assert_eq!(crc16_modbus(&[0x02, 0x07]).to_le_bytes(), [0x41, 0x12]);
        // Modbus over serial line V1.02 §2.5.2.2 / §6.2.1: ":1103006B00037E" has LRC 0x7E.
        assert_eq!(lrc8(&[0x11, 0x03, 0x00, 0x6B, 0x00, 0x03]), 0x7E);
    }

    #[test]
    fn internet_checksum_rfc1071_example() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2, checksum 0x220d.
        assert_eq!(
            internet_checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            0x220d
        );
        // An IPv4 header containing its own checksum sums to zero.
        let header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&header), 0);
    }

    #[test]
    fn incremental_updates_compose() {
        let data: std::vec::Vec<u8> = (0..1000u32).map(|i| (i * 31 % 251) as u8).collect();
        for cut in [0, 1, 15, 16, 17, 31, 32, 33, 500, 999, 1000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(
                crc16_modbus_update(crc16_modbus_update(0xFFFF, a), b),
                crc16_modbus(&data),
                "cut {cut}"
            );
        }
    }

    proptest! {
        #[test]
        fn matches_the_crc_crate(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let modbus = crc::Crc::<u16>::new(&crc::CRC_16_MODBUS);
            let kermit = crc::Crc::<u16>::new(&crc::CRC_16_KERMIT);
            prop_assert_eq!(crc16_modbus(&data), modbus.checksum(&data));
            prop_assert_eq!(crc16_modbus_table(&data), modbus.checksum(&data));
            prop_assert_eq!(crc16_kermit(&data), kermit.checksum(&data));
        }
    }
}
