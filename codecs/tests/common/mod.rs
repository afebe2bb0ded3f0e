//! Strategies the property tests share.

use proptest::prelude::*;

/// A type code of the shared data-type table (docs/profiles/README.md) with value octets of the
/// right size for it; variable-size and unknown types get up to `max_len` octets.
pub fn typed_value(max_len: usize) -> impl Strategy<Value = (u8, Vec<u8>)> {
    let fixed = prop::sample::select(vec![
        (1u8, 1usize),
        (2, 1),
        (3, 2),
        (4, 4),
        (5, 1),
        (6, 2),
        (7, 4),
        (8, 4),
        (11, 7),
        (12, 6),
        (13, 6),
        (21, 8),
        (0x40, 8),
        (0x41, 8),
        (0x42, 8),
    ])
    .prop_flat_map(|(code, n)| (Just(code), prop::collection::vec(any::<u8>(), n)));
    let variable = (
        prop::sample::select(vec![9u8, 10, 14, 0x77]),
        prop::collection::vec(any::<u8>(), 0..max_len),
    );
    prop_oneof![fixed, variable]
}
