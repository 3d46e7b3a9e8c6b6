//! The enrollment journey (SPEC §2), one module per step.

pub mod account;
pub mod agreement;
pub mod company;
pub mod contact;
pub mod done;
pub mod draft;
pub mod guard;
pub mod layout;
pub mod review;
pub mod steps;
pub mod welcome;
