//! The corpus and the answers the shared rules give it. `build.rs` records
//! the native build's answers; `tests/agree.rs`, built for wasm32 and run
//! by `cargo xtask test`, checks the browser build gives the same.

mod corpus;

pub use corpus::{answers, inputs};

/// The native build's answers, one line per input of [`inputs`].
pub const NATIVE_ANSWERS: &str = include_str!(concat!(env!("OUT_DIR"), "/native_answers.txt"));
