//! The first number of every region in one process: what a region costs the first time
//! bindcheck sees one of its numbers (pattern compilation, before the table automata), against
//! the same number once the region is warm. Built and run by benches/first_number.sh, against
//! the bindcheck crate at a given path, so that one program measures both sides of a change.
//!
//!   first_number fixtures/phone/reference.csv
//!
//! Then the same for the as-you-type formatter (`format_as_you_type`), whose number formats
//! are still compiled with the `regex` crate on first use, format by format.
//!
//! One input per region: the first row of the reference corpus with a `+` number that
//! libphonenumber found valid for that region. The first region measured also pays for the
//! process-wide tables, so it is measured but left out of the figures.

#![allow(clippy::print_stdout)] // a command-line tool: printing is its job

use bindcheck::validate::{format_as_you_type, validate_phone, PhoneOptions};
use std::time::Instant;

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// The first call and the mean of 20 more, in µs.
fn time<T>(mut f: impl FnMut() -> T) -> (f64, f64) {
    let t = Instant::now();
    std::hint::black_box(f());
    let cold = t.elapsed().as_secs_f64() * 1e6;
    let t = Instant::now();
    for _ in 0..20 {
        std::hint::black_box(f());
    }
    (cold, t.elapsed().as_secs_f64() * 1e6 / 20.0)
}

/// A line of figures over the regions, the first left out.
fn summary(what: &str, mut cold: Vec<(f64, &str)>, mut warm: Vec<f64>) -> String {
    let total: f64 = cold.iter().map(|c| c.0).sum();
    cold.sort_by(|a, b| a.0.total_cmp(&b.0));
    warm.sort_by(f64::total_cmp);
    let first: Vec<f64> = cold.iter().map(|c| c.0).collect();
    let worst = cold.last().copied().unwrap_or_default();
    let over: Vec<&str> = cold.iter().filter(|c| c.0 > 50.0).map(|c| c.1).collect();
    format!(
        "{what}: first µs median {:.1} p90 {:.1} max {:.1} ({}) total {:.0}, {} over 50 µs{} | warm µs median {:.2}",
        quantile(&first, 0.5),
        quantile(&first, 0.9),
        worst.0,
        worst.1,
        total,
        over.len(),
        if over.len() <= 12 {
            format!(" {over:?}")
        } else {
            String::new()
        },
        quantile(&warm, 0.5),
    )
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
    // As benches/throughput.rs: libphonenumber's validity, whatever the number's type.
    let options = PhoneOptions {
        require_mobile: false,
        ..PhoneOptions::default()
    };
    let (mut check_cold, mut check_warm, mut format_cold, mut format_warm) = (vec![], vec![], vec![], vec![]);
    for (i, (region, input)) in inputs.iter().enumerate() {
        let (cold, warm) = time(|| validate_phone(std::hint::black_box(input), &options));
        assert!(
            validate_phone(input, &options).is_valid_number(),
            "{region}: {input} should be valid"
        );
        let (f_cold, f_warm) = time(|| format_as_you_type(std::hint::black_box(input), input.len(), None));
        if i > 0 {
            check_cold.push((cold, region.as_str()));
            check_warm.push(warm);
            format_cold.push((f_cold, region.as_str()));
            format_warm.push(f_warm);
        }
    }
    println!(
        "{} regions | {} | {}",
        check_cold.len(),
        summary("validate", check_cold, check_warm),
        summary("as-you-type", format_cold, format_warm)
    );
}
