//! Every codec in the registry (each Modbus framing in both directions, M-Bus) on arbitrary
//! bytes: no panic, and whatever decodes re-encodes to the same bytes (Modbus ASCII aside, whose
//! hex digits may be lower case) or fails cleanly.
#![no_main]
use causeway_codecs::registry::codecs;
use causeway_codecs::Role;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for codec in codecs() {
        for role in [Role::Request, Role::Response] {
            if !codec.needs_role && role == Role::Response {
                continue;
            }
            if (codec.decode)(Some(role), data).is_ok() {
                let again = (codec.reencode)(Some(role), data).expect("decodable frames re-encode");
                if codec.name != "modbus-ascii" {
                    assert_eq!(again, data, "{} {:?}", codec.name, role);
                }
            }
        }
    }
});
