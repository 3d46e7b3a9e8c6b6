//! Types and validation rules shared by the Partner Center app (browser) and
//! its reference server. Nothing here depends on a browser or a server, so the
//! same rules run on both sides and always agree.

pub mod countries;
mod countries_data;
pub mod documents;
pub mod enrollment;
pub mod lists;
pub mod problem;
pub mod profile;
pub mod review;
pub mod routes;
pub mod text;
pub mod types;
pub mod users;
pub mod validation;

pub use enrollment::*;
pub use problem::{FieldError, FieldErrors, Problem};
pub use types::*;
