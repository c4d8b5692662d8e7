//! bindcheck finds why a digital-wallet bind will fail before anyone tries it.
//!
//! The library's validators work everywhere, including WebAssembly in a browser form:
//!
//! ```
//! use bindcheck::validate::{validate_phone, PhoneOptions, Lang};
//!
//! let check = validate_phone("１３８ ００１３ ８０００", &PhoneOptions::default());
//! assert!(check.valid);
//! assert_eq!(check.e164.unwrap().masked(), "+86138****8000");
//!
//! let check = validate_phone("0351-38272781", &PhoneOptions::default());
//! assert!(!check.valid);
//! println!("{}", check.findings[0].message(Lang::ZhCn));
//! ```
//!
//! The `cli` feature (on by default) adds the `bindcheck` command line; the `wasm` feature
//! (off by default) adds the JavaScript bindings (`bindcheck::wasm`), the `python` feature
//! the Python ones (`bindcheck::python`, built into a wheel by maturin: docs/python.md).

pub mod validate;

#[cfg(any(feature = "probe", feature = "report"))]
pub mod probe;

#[cfg(feature = "batch")]
pub mod batch;

#[cfg(feature = "report")]
pub mod file;

#[cfg(feature = "report")]
pub mod profile;

#[cfg(feature = "report")]
pub mod report;

#[cfg(feature = "check")]
pub mod check;

#[cfg(feature = "serve")]
pub mod serve;

#[cfg(feature = "wasm")]
pub mod wasm;

#[cfg(feature = "python")]
pub mod python;

// The Rust examples in the README and the user guide are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/guide.md")]
pub struct GuideDoctests;
