//! Single-threaded throughput of one validator over a file of inputs, timed the same way as
//! the reference implementations in `benches/compare/run.sh`: one warm-up pass over the
//! whole list, then the best of 5 passes, reported in nanoseconds per item.
//!
//! ```sh
//! cargo bench --bench throughput -- write-inputs DIR   # writes DIR/phone.tsv, email.txt, card.txt
//! cargo bench --bench throughput -- phone DIR/phone.tsv
//! cargo bench --bench throughput -- email DIR/email.txt
//! cargo bench --bench throughput -- card DIR/card.txt
//! ```
//!
//! The last line printed is `RESULT <kind> <items> <ns per item> <valid>`; `valid` counts
//! libphonenumber-valid numbers (`is_valid_number`), valid emails, valid cards, as a check
//! that every side checked the same inputs.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool: printing is its job

mod common;

use bindcheck::validate::{validate_card, validate_email, validate_phone, CardPolicy, EmailPolicy, PhoneOptions};
use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const PASSES: usize = 5;

/// Runs `pass` once to warm up, then `PASSES` times; returns the best time in ns per item
/// and what the last pass returned.
fn best_of(items: usize, mut pass: impl FnMut() -> usize) -> (f64, usize) {
    let mut result = black_box(pass());
    let mut best = f64::INFINITY;
    for _ in 0..PASSES {
        let start = Instant::now();
        result = black_box(pass());
        let ns = start.elapsed().as_nanos() as f64;
        best = best.min(ns / items as f64);
    }
    (best, result)
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo bench --bench throughput -- (phone|email|card) FILE | write-inputs DIR");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    // `cargo bench` appends `--bench` (and passes any other flag through): skip flags.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let [kind, path] = args.as_slice() else {
        // A plain `cargo bench` (or one with a criterion filter) runs this target too:
        // without a kind and a file there is nothing to do, and that is not an error.
        if args.len() < 2 {
            eprintln!("throughput: nothing to do without a kind and a file");
            let _ = usage();
            return ExitCode::SUCCESS;
        }
        return usage();
    };
    let path = Path::new(path);
    let (items, (ns, valid)) = match kind.as_str() {
        "write-inputs" => {
            if let Err(e) = common::write_inputs(path) {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote phone.tsv, email.txt, card.txt to {}", path.display());
            return ExitCode::SUCCESS;
        }
        "phone" => {
            let inputs: Vec<(String, PhoneOptions)> = common::read_phone_file(path)
                .into_iter()
                .map(|(input, region)| {
                    let options = PhoneOptions {
                        default_region: region.map(|r| r.parse().expect("a known region")),
                        allowed_regions: None,
                        require_mobile: false,
                        ..PhoneOptions::default()
                    };
                    (input, options)
                })
                .collect();
            let timing = best_of(inputs.len(), || {
                inputs
                    .iter()
                    .filter(|(input, options)| validate_phone(black_box(input), options).is_valid_number())
                    .count()
            });
            (inputs.len(), timing)
        }
        "email" => {
            let inputs = common::read_lines(path);
            let policy = EmailPolicy::default();
            let timing = best_of(inputs.len(), || {
                inputs
                    .iter()
                    .filter(|input| validate_email(black_box(input), &policy).valid)
                    .count()
            });
            (inputs.len(), timing)
        }
        "card" => {
            let inputs = common::read_lines(path);
            let policy = CardPolicy::default();
            let timing = best_of(inputs.len(), || {
                inputs
                    .iter()
                    .filter(|input| validate_card(black_box(input), &policy).valid)
                    .count()
            });
            (inputs.len(), timing)
        }
        _ => return usage(),
    };
    println!("bindcheck {kind}: {items} items, best of {PASSES} passes: {ns:.1} ns/item, {valid} valid");
    println!("RESULT {kind} {items} {ns:.1} {valid}");
    ExitCode::SUCCESS
}
