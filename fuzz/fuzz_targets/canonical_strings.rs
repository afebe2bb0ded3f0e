//! Canonical ids, decimals and date-times: arbitrary text never panics, and whatever parses
//! renders to text that parses to the same value.
#![no_main]
use causeway_core::{DateTime, Decimal, PointId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = s.parse::<PointId>() {
        assert_eq!(id.to_string().parse::<PointId>().unwrap(), id);
    }
    if let Ok(d) = s.parse::<Decimal>() {
        assert_eq!(d.to_string().parse::<Decimal>().unwrap(), d);
        let _ = d.to_f64();
    }
    if let Ok(t) = s.parse::<DateTime>() {
        assert_eq!(t.to_string().parse::<DateTime>().unwrap(), t);
    }
});
