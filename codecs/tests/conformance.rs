//! Runs every case in `conformance-vectors/*.json` through the codec its `protocol` names.

use std::path::Path;

use causeway_codecs::conformance::{check_with, load_dir};
use causeway_codecs::registry::codecs;

#[test]
fn every_conformance_vector_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance-vectors");
    let cases = load_dir(&dir).expect("vectors load");
    assert!(!cases.is_empty(), "no vectors found in {}", dir.display());
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for (file, case) in &cases {
        assert!(
            names.insert(case.name.clone()),
            "duplicate vector name {}",
            case.name
        );
        if let Err(why) = check_with(codecs(), case) {
            failures.push(format!(
                "{} [{}]: {why}",
                case.name,
                file.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    println!(
        "{} conformance vectors, {} failed",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
