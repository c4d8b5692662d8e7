//! Criterion benchmarks of the validators, per element:
//!
//! - `phone/mixed_regions`: the `input,default_region` columns of
//!   fixtures/phone/reference.csv (7,564 numbers from about 240 regions);
//! - `email/mixed`: about 2,000 generated addresses with typos and invalid ones;
//! - `card/reference`: the `number` column of fixtures/card/reference.csv (5,701 numbers).
//!
//! Run: `cargo bench --bench validate` (add a filter such as `phone` to run one group).
//! Each iteration checks the whole list; criterion reports elements per second.

mod common;

use bindcheck::validate::{validate_card, validate_email, validate_phone, CardPolicy, EmailPolicy, PhoneOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn phone(c: &mut Criterion) {
    let inputs: Vec<(String, PhoneOptions)> = common::phone_inputs()
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
    let mut group = c.benchmark_group("phone");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("mixed_regions", |b| {
        b.iter(|| {
            let mut valid = 0usize;
            for (input, options) in &inputs {
                valid += usize::from(black_box(validate_phone(black_box(input), options)).is_valid_number());
            }
            valid
        })
    });
    // The CLI's defaults (CN default region, SMS-capable numbers only) on the same inputs.
    let defaults = PhoneOptions::default();
    group.bench_function("mixed_regions_cli_defaults", |b| {
        b.iter(|| {
            let mut valid = 0usize;
            for (input, _) in &inputs {
                valid += usize::from(black_box(validate_phone(black_box(input), &defaults)).valid);
            }
            valid
        })
    });
    group.finish();
}

fn email(c: &mut Criterion) {
    let inputs = common::email_inputs();
    let policy = EmailPolicy::default();
    let mut group = c.benchmark_group("email");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("mixed", |b| {
        b.iter(|| {
            let mut valid = 0usize;
            for input in &inputs {
                valid += usize::from(black_box(validate_email(black_box(input), &policy)).valid);
            }
            valid
        })
    });
    group.finish();
}

fn card(c: &mut Criterion) {
    let inputs = common::card_inputs();
    let policy = CardPolicy::default();
    let mut group = c.benchmark_group("card");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("reference", |b| {
        b.iter(|| {
            let mut valid = 0usize;
            for input in &inputs {
                valid += usize::from(black_box(validate_card(black_box(input), &policy)).valid);
            }
            valid
        })
    });
    group.finish();
}

fn config() -> Criterion {
    // Each iteration is a whole list (milliseconds), so fewer, longer samples suffice.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
}

criterion_group! {
    name = benches;
    config = config();
    targets = phone, email, card
}
criterion_main!(benches);
