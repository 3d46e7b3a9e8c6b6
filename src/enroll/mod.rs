//! The enrollment journey (SPEC §2), one module per step.

pub mod account;
pub mod steps;
pub mod welcome;
