//! Wired M-Bus: the link layer of EN 13757-2 and the application layer of EN 13757-3.
//!
//! | module | what |
//! |---|---|
//! | [`link`] | ACK, short, control and long frames; C field; checksum; serial deframer |
//! | [`app`] | CI field: variable-data headers, fixed data structure, application errors, master CIs |
//! | [`record`] | DIF/DIFE/VIF/VIFE data records, read lazily |
//! | [`vif`] | the VIF tables (primary, `FB`, `FD`) and combinable VIFEs |
//! | [`data`] | integer, BCD, real, date/time and LVAR data types |
//! | [`points`] | records to canonical points |
//! | [`encode`] | master requests and an RSP_UD builder |
//! | [`master`] | sans-IO master: read a meter completely, scan secondary addresses |

pub mod app;
pub mod data;
pub mod encode;
#[cfg(feature = "alloc")]
pub mod json;
pub mod link;
pub mod master;
pub mod points;
pub mod record;
pub mod vif;
