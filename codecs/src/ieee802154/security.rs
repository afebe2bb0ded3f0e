//! The auxiliary security header and CCM* (IEEE 802.15.4-2006 §7.6.2, §7.6.3; 802.15.4-2015
//! §9.3–9.4).
//!
//! | field | octets | present |
//! |---|---|---|
//! | security control | 1 | b0–2 level, b3–4 key identifier mode, b5 frame counter suppression (2015), b6 ASN in nonce (2015), b7 reserved |
//! | frame counter | 4 | unless a 2015 frame suppresses it |
//! | key source | 0/4/8 | key identifier mode 2 / 3 |
//! | key index | 0/1 | key identifier mode 1–3 |
//!
//! Levels 1–3 authenticate only (MIC of 4, 8, 16 octets), 4 encrypts only, 5–7 do both. The
//! CCM* nonce is the sender's extended address **big-endian**, the frame counter big-endian and
//! the level (§7.6.3.2); the MIC follows the payload. Authenticated data is the MAC header
//! (auxiliary header and header IEs included) and the open payload; the private payload is
//! what gets encrypted. With the `crypto` feature, [`unsecure`] and [`secure`] run CCM* with
//! RustCrypto's `aes` and `ccm` (encryption without a MIC, level 4, is CTR mode with the same
//! counter blocks).

use crate::cursor::{Reader, Writer};
use crate::error::{Error, Layer, Result};

use super::header::Version;

const L: Layer = Layer::Ieee802154;

/// A security level (open: the value is kept as sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Level(pub u8);

impl Level {
    /// No security.
    pub const NONE: Self = Self(0);
    /// MIC-32.
    pub const MIC_32: Self = Self(1);
    /// MIC-64.
    pub const MIC_64: Self = Self(2);
    /// MIC-128.
    pub const MIC_128: Self = Self(3);
    /// ENC.
    pub const ENC: Self = Self(4);
    /// ENC-MIC-32.
    pub const ENC_MIC_32: Self = Self(5);
    /// ENC-MIC-64.
    pub const ENC_MIC_64: Self = Self(6);
    /// ENC-MIC-128.
    pub const ENC_MIC_128: Self = Self(7);

    /// Octets of the MIC.
    pub const fn mic_len(self) -> usize {
        match self.0 & 3 {
            0 => 0,
            1 => 4,
            2 => 8,
            _ => 16,
        }
    }

    /// Whether the private payload is encrypted.
    pub const fn encrypts(self) -> bool {
        self.0 & 4 != 0
    }

    /// The standard's name (`MIC-32`, `ENC-MIC-64`, ...).
    pub const fn name(self) -> &'static str {
        match self.0 & 7 {
            0 => "none",
            1 => "MIC-32",
            2 => "MIC-64",
            3 => "MIC-128",
            4 => "ENC",
            5 => "ENC-MIC-32",
            6 => "ENC-MIC-64",
            _ => "ENC-MIC-128",
        }
    }
}

/// The key source of key identifier modes 2 and 3, read as a big-endian number (its octets in
/// order, as Wireshark shows it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeySource {
    /// Modes 0 and 1.
    None,
    /// Mode 2: four octets.
    Four(u32),
    /// Mode 3: eight octets.
    Eight(u64),
}

/// The auxiliary security header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AuxSecurity {
    /// The security control octet, as sent.
    pub control: u8,
    /// The frame counter (absent when a 2015 frame suppresses it).
    pub frame_counter: Option<u32>,
    /// The key source.
    pub key_source: KeySource,
    /// The key index (key identifier modes 1–3).
    pub key_index: Option<u8>,
}

impl AuxSecurity {
    /// Frame counter suppression (2015).
    pub const COUNTER_SUPPRESSED: u8 = 0x20;
    /// ASN in nonce (2015, TSCH).
    pub const ASN_IN_NONCE: u8 = 0x40;

    /// The security level.
    pub const fn level(&self) -> Level {
        Level(self.control & 7)
    }

    /// The key identifier mode (0 implicit, 1 index, 2 four-octet source, 3 eight-octet source).
    pub const fn key_id_mode(&self) -> u8 {
        (self.control >> 3) & 3
    }

    /// Octets of the MIC at the end of the frame.
    pub const fn mic_len(&self) -> usize {
        self.level().mic_len()
    }

    /// Parses the header of a frame of `version` at the reader's position.
    pub fn parse(r: &mut Reader<'_>, version: Version) -> Result<Self> {
        let control = r.u8()?;
        let suppressed = version == Version::V2015 && control & Self::COUNTER_SUPPRESSED != 0;
        let frame_counter = if suppressed {
            None
        } else {
            Some(u32::from_le_bytes(r.array()?))
        };
        let mode = (control >> 3) & 3;
        let key_source = match mode {
            2 => KeySource::Four(u32::from_be_bytes(r.array()?)),
            3 => KeySource::Eight(u64::from_be_bytes(r.array()?)),
            _ => KeySource::None,
        };
        let key_index = if mode == 0 { None } else { Some(r.u8()?) };
        Ok(AuxSecurity {
            control,
            frame_counter,
            key_source,
            key_index,
        })
    }

    /// The header's length.
    pub const fn buffer_len(&self) -> usize {
        1 + if self.frame_counter.is_some() { 4 } else { 0 }
            + match self.key_source {
                KeySource::None => 0,
                KeySource::Four(_) => 4,
                KeySource::Eight(_) => 8,
            }
            + if self.key_index.is_some() { 1 } else { 0 }
    }

    /// Writes the header; the key identifier fields must match the key identifier mode.
    pub fn emit(&self, w: &mut Writer<'_>) -> Result<()> {
        let mode = self.key_id_mode();
        let consistent = matches!(
            (mode, self.key_source, self.key_index),
            (0, KeySource::None, None)
                | (1, KeySource::None, Some(_))
                | (2, KeySource::Four(_), Some(_))
                | (3, KeySource::Eight(_), Some(_))
        );
        if !consistent {
            return Err(Error::invalid(
                L,
                w.pos(),
                "key identifier",
                "the key source and index that the key identifier mode implies",
                u64::from(mode),
            ));
        }
        w.u8(self.control)?;
        if let Some(c) = self.frame_counter {
            w.put(&c.to_le_bytes())?;
        }
        match self.key_source {
            KeySource::None => {}
            KeySource::Four(s) => w.put(&s.to_be_bytes())?,
            KeySource::Eight(s) => w.put(&s.to_be_bytes())?,
        }
        if let Some(i) = self.key_index {
            w.u8(i)?;
        }
        Ok(())
    }
}

/// The CCM* nonce: extended source address and frame counter big-endian, then the level.
pub fn nonce(src: u64, frame_counter: u32, level: Level) -> [u8; 13] {
    let mut n = [0u8; 13];
    let (addr, rest) = n.split_at_mut(8);
    addr.copy_from_slice(&src.to_be_bytes());
    let (counter, last) = rest.split_at_mut(4);
    counter.copy_from_slice(&frame_counter.to_be_bytes());
    if let Some(l) = last.first_mut() {
        *l = level.0;
    }
    n
}

#[cfg(feature = "crypto")]
#[allow(clippy::indexing_slicing)] // fixed 16-octet blocks
mod ccm_star {
    use aes::cipher::BlockEncrypt;
    use aes::Aes128;
    use ccm::aead::generic_array::GenericArray;
    use ccm::aead::{AeadInPlace, KeyInit};
    use ccm::consts::{U13, U16, U4, U8};
    use ccm::Ccm;

    use super::Level;

    /// XORs `data` with the CCM* key stream A_1, A_2, ... (flags 0x01: L = 2).
    fn ctr(key: &[u8; 16], nonce: &[u8; 13], data: &mut [u8]) {
        let cipher = Aes128::new(GenericArray::from_slice(key));
        for (i, chunk) in data.chunks_mut(16).enumerate() {
            let mut block = [0u8; 16];
            block[0] = 0x01;
            block[1..14].copy_from_slice(nonce);
            block[14..].copy_from_slice(&((i + 1) as u16).to_be_bytes());
            let mut b = GenericArray::from(block);
            cipher.encrypt_block(&mut b);
            for (d, k) in chunk.iter_mut().zip(b.iter()) {
                *d ^= k;
            }
        }
    }

    macro_rules! with_ccm {
        ($level:expr, $key:expr, |$c:ident| $body:expr) => {
            match $level.mic_len() {
                4 => {
                    let $c = Ccm::<Aes128, U4, U13>::new(GenericArray::from_slice($key));
                    $body
                }
                8 => {
                    let $c = Ccm::<Aes128, U8, U13>::new(GenericArray::from_slice($key));
                    $body
                }
                _ => {
                    let $c = Ccm::<Aes128, U16, U13>::new(GenericArray::from_slice($key));
                    $body
                }
            }
        };
    }

    /// Decrypts `private` in place and checks `mic` over `a` and the plaintext; `false` when
    /// the MIC does not verify (then `private` is zeroed).
    pub fn open(
        key: &[u8; 16],
        nonce: &[u8; 13],
        level: Level,
        a: &[u8],
        private: &mut [u8],
        mic: &[u8],
    ) -> bool {
        let n = GenericArray::from_slice(nonce);
        let ok = match (level.mic_len(), level.encrypts()) {
            (0, false) => true,
            (0, true) => {
                ctr(key, nonce, private);
                true
            }
            (len, _) if len != mic.len() => false,
            (_, encrypts) => {
                // MIC-only levels authenticate the payload as associated data.
                let m = if encrypts { &mut *private } else { &mut [][..] };
                with_ccm!(level, key, |c| c
                    .decrypt_in_place_detached(n, a, m, GenericArray::from_slice(mic))
                    .is_ok())
            }
        };
        if !ok {
            private.fill(0);
        }
        ok
    }

    /// Encrypts `private` in place and writes the MIC over `a` and the plaintext to `mic`
    /// (`level.mic_len()` octets).
    pub fn seal(
        key: &[u8; 16],
        nonce: &[u8; 13],
        level: Level,
        a: &[u8],
        private: &mut [u8],
        mic: &mut [u8],
    ) -> bool {
        let n = GenericArray::from_slice(nonce);
        match (level.mic_len(), level.encrypts()) {
            (0, false) => true,
            (0, true) => {
                ctr(key, nonce, private);
                true
            }
            (len, _) if len != mic.len() => false,
            (_, encrypts) => {
                let m = if encrypts { private } else { &mut [][..] };
                with_ccm!(level, key, |c| match c.encrypt_in_place_detached(n, a, m) {
                    Ok(tag) => {
                        mic.copy_from_slice(&tag);
                        true
                    }
                    Err(_) => false,
                })
            }
        }
    }
}

#[cfg(feature = "crypto")]
pub use ccm_star::{open, seal};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aux_header_modes() {
        for (bytes, mode, source, index) in [
            (&[0x05, 1, 0, 0, 0][..], 0, KeySource::None, None),
            (&[0x0D, 1, 0, 0, 0, 7], 1, KeySource::None, Some(7)),
            (
                &[0x15, 1, 0, 0, 0, 4, 3, 2, 1, 7],
                2,
                KeySource::Four(0x0403_0201),
                Some(7),
            ),
            (
                &[0x1F, 1, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 9],
                3,
                KeySource::Eight(0x0807_0605_0403_0201),
                Some(9),
            ),
        ] {
            let mut r = Reader::new(bytes, L);
            let a = AuxSecurity::parse(&mut r, Version::V2006).unwrap();
            assert_eq!(
                (a.key_id_mode(), a.frame_counter, a.key_source, a.key_index),
                (mode, Some(1), source, index)
            );
            assert_eq!(a.buffer_len(), bytes.len());
            let mut out = [0u8; 16];
            let mut w = Writer::new(&mut out, L);
            a.emit(&mut w).unwrap();
            assert_eq!(w.written(), bytes);
        }
        // 2015 frame counter suppression; the same bit is reserved (kept) in a 2006 frame.
        let mut r = Reader::new(&[0x25, 3], L);
        let a = AuxSecurity::parse(&mut r, Version::V2015).unwrap();
        assert_eq!((a.frame_counter, a.key_index), (None, None));
        assert_eq!(a.level(), Level::ENC_MIC_32);
    }

    #[test]
    fn nonce_is_big_endian() {
        assert_eq!(
            nonce(0x0011_2233_4455_6677, 0x0102_0304, Level::ENC_MIC_64),
            [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 1, 2, 3, 4, 6]
        );
    }

    #[cfg(feature = "crypto")]
    #[test]
    fn ccm_matches_rfc_3610_packet_vector_1() {
        // RFC 3610 §8, Packet Vector #1: M = 8, L = 2, 8 octets of associated data.
        let key: [u8; 16] = core::array::from_fn(|i| 0xC0 + i as u8);
        let nonce = [
            0x00, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5,
        ];
        let a: [u8; 8] = core::array::from_fn(|i| i as u8);
        let mut m: [u8; 23] = core::array::from_fn(|i| 0x08 + i as u8);
        let mut mic = [0u8; 8];
        assert!(seal(&key, &nonce, Level::ENC_MIC_64, &a, &mut m, &mut mic));
        assert_eq!(
            m,
            [
                0x58, 0x8C, 0x97, 0x9A, 0x61, 0xC6, 0x63, 0xD2, 0xF0, 0x66, 0xD0, 0xC2, 0xC0, 0xF9,
                0x89, 0x80, 0x6D, 0x5F, 0x6B, 0x61, 0xDA, 0xC3, 0x84
            ]
        );
        assert_eq!(mic, [0x17, 0xE8, 0xD1, 0x2C, 0xFD, 0xF9, 0x26, 0xE0]);
        assert!(open(&key, &nonce, Level::ENC_MIC_64, &a, &mut m, &mic));
        assert_eq!(m, core::array::from_fn::<u8, 23, _>(|i| 0x08 + i as u8));
        // A flipped MIC bit fails and leaves no plaintext behind.
        let mut c = m;
        assert!(seal(&key, &nonce, Level::ENC_MIC_64, &a, &mut c, &mut mic));
        mic[0] ^= 1;
        assert!(!open(&key, &nonce, Level::ENC_MIC_64, &a, &mut c, &mic));
        assert_eq!(c, [0u8; 23]);
        // ENC without a MIC is the same key stream.
        let mut e: [u8; 23] = core::array::from_fn(|i| 0x08 + i as u8);
        assert!(seal(&key, &nonce, Level::ENC, &a, &mut e, &mut []));
        assert_eq!(e[0], 0x58);
    }
}
