//! The first number of every region in one process: what a region costs the first time
//! bindcheck sees one of its numbers (pattern compilation, before the table automata), against
//! the same number once the region is warm. Built and run by benches/first_number.sh, against
//! the bindcheck crate at a given path, so that one program measures both sides of a change.
//!
//!   first_number fixtures/phone/reference.csv
//!
//! One input per region: the first row of the reference corpus with a `+` number that
//! libphonenumber found valid for that region. The first region measured also pays for the
//! process-wide tables, so it is measured but left out of the figures.

use bindcheck::validate::{validate_phone, PhoneOptions};
use std::time::Instant;

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/phone/reference.csv".to_owned());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let mut seen = std::collections::HashSet::new();
    let mut inputs = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let [input, _default, _parse, valid, _possible, _e164, region, ..] = cols.as_slice() else {
            continue;
        };
        if input.starts_with('+') && *valid == "true" && !region.is_empty() && seen.insert(region.to_string()) {
            inputs.push((region.to_string(), input.to_string()));
        }
    }
    let options = PhoneOptions::default();
    let mut first = Vec::new();
    let mut warm = Vec::new();
    let mut worst = (0.0, String::new());
    for (i, (region, input)) in inputs.iter().enumerate() {
        let t = Instant::now();
        let check = std::hint::black_box(validate_phone(std::hint::black_box(input), &options));
        let cold = t.elapsed().as_secs_f64() * 1e6;
        assert!(check.valid, "{region}: {input} should be valid");
        let t = Instant::now();
        for _ in 0..20 {
            std::hint::black_box(validate_phone(std::hint::black_box(input), &options));
        }
        let hot = t.elapsed().as_secs_f64() * 1e6 / 20.0;
        if i == 0 {
            continue;
        }
        if cold > worst.0 {
            worst = (cold, region.clone());
        }
        first.push(cold);
        warm.push(hot);
    }
    let total: f64 = first.iter().sum();
    first.sort_by(f64::total_cmp);
    warm.sort_by(f64::total_cmp);
    println!(
        "regions {} | first number µs: median {:.1} p90 {:.1} max {:.1} ({}) total {:.0} | warm µs: median {:.2}",
        first.len(),
        quantile(&first, 0.5),
        quantile(&first, 0.9),
        worst.0,
        worst.1,
        total,
        quantile(&warm, 0.5),
    );
}
