//! Keys for secured frames, chosen by (PAN, source address, key index), and the short → extended
//! address table the CCM* nonce needs when a frame names its sender by short address.
//!
//! The store borrows caller slices, so firmware keeps its keys in static arrays and nothing is
//! allocated. A key field left `None` matches anything; among the keys that match a frame, the
//! one that names the most fields wins.

use core::fmt;

use causeway_core::WpanAddr;

/// One key and the frames it applies to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The AES-128 key.
    pub key: [u8; 16],
    /// Only frames of this PAN.
    pub pan: Option<u16>,
    /// Only frames from this sender (short or extended address).
    pub src: Option<WpanAddr>,
    /// Only frames naming this key index.
    pub key_index: Option<u8>,
}

impl Key {
    /// A key for every frame.
    pub const fn any(key: [u8; 16]) -> Self {
        Key {
            key,
            pan: None,
            src: None,
            key_index: None,
        }
    }

    fn specificity(&self) -> usize {
        usize::from(self.pan.is_some())
            + usize::from(self.src.is_some())
            + usize::from(self.key_index.is_some())
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("key", &"<secret>")
            .field("pan", &self.pan)
            .field("src", &self.src)
            .field("key_index", &self.key_index)
            .finish()
    }
}

/// A node's extended address, known from configuration or an association exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExtendedAddress {
    /// Its PAN.
    pub pan: u16,
    /// Its short address.
    pub short: u16,
    /// Its extended address.
    pub ext: u64,
}

/// Keys and address mappings, borrowed from the caller.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyStore<'k> {
    /// The keys.
    pub keys: &'k [Key],
    /// Short → extended address mappings.
    pub addresses: &'k [ExtendedAddress],
}

impl<'k> KeyStore<'k> {
    /// A store of `keys` without address mappings.
    pub const fn new(keys: &'k [Key]) -> Self {
        KeyStore {
            keys,
            addresses: &[],
        }
    }

    /// Whether the store holds no key.
    pub const fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The extended address of `src` in `pan`: itself, or the mapping of a short address.
    pub fn extended(&self, pan: Option<u16>, src: Option<WpanAddr>) -> Option<u64> {
        match src? {
            WpanAddr::Extended(e) => Some(e),
            WpanAddr::Short(s) => self
                .addresses
                .iter()
                .find(|m| m.short == s && pan.map_or(true, |p| p == m.pan))
                .map(|m| m.ext),
        }
    }

    /// The keys for a frame from `src` in `pan` naming `key_index`, most specific first (in
    /// store order among equals).
    pub fn keys_for(
        &self,
        pan: Option<u16>,
        src: Option<WpanAddr>,
        key_index: Option<u8>,
    ) -> impl Iterator<Item = &'k Key> + 'k {
        let ext = self.extended(pan, src).map(WpanAddr::Extended);
        let keys = self.keys;
        (0..=3).rev().flat_map(move |specificity| {
            keys.iter()
                .filter(move |k| k.specificity() == specificity)
                .filter(move |k| k.pan.is_none() || k.pan == pan)
                .filter(move |k| k.src.is_none() || k.src == src || (ext.is_some() && k.src == ext))
                .filter(move |k| k.key_index.is_none() || k.key_index == key_index)
        })
    }

    /// The most specific key for a frame from `src` in `pan` naming `key_index`.
    pub fn key_for(
        &self,
        pan: Option<u16>,
        src: Option<WpanAddr>,
        key_index: Option<u8>,
    ) -> Option<&'k Key> {
        self.keys_for(pan, src, key_index).next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_matching_key_wins() {
        let keys = [
            Key::any([1; 16]),
            Key {
                key_index: Some(2),
                ..Key::any([2; 16])
            },
            Key {
                pan: Some(0x1234),
                src: Some(WpanAddr::Extended(0xAA)),
                ..Key::any([3; 16])
            },
        ];
        let addresses = [ExtendedAddress {
            pan: 0x1234,
            short: 0x0102,
            ext: 0xAA,
        }];
        let store = KeyStore {
            keys: &keys,
            addresses: &addresses,
        };
        let pick = |pan, src, index| store.key_for(pan, src, index).map(|k| k.key[0]);
        assert_eq!(pick(Some(1), Some(WpanAddr::Short(9)), Some(1)), Some(1));
        let all: std::vec::Vec<u8> = store
            .keys_for(Some(0x1234), Some(WpanAddr::Short(0x0102)), Some(2))
            .map(|k| k.key[0])
            .collect();
        assert_eq!(all, [3, 2, 1]);
        assert_eq!(pick(Some(1), Some(WpanAddr::Short(9)), Some(2)), Some(2));
        // The short address maps to the key's extended one.
        assert_eq!(
            pick(Some(0x1234), Some(WpanAddr::Short(0x0102)), None),
            Some(3)
        );
        assert_eq!(
            store.extended(Some(0x1234), Some(WpanAddr::Short(0x0102))),
            Some(0xAA)
        );
        assert_eq!(store.extended(Some(7), Some(WpanAddr::Short(0x0102))), None);
        assert!(!std::format!("{:?}", keys[0]).contains("1, 1"));
    }
}
