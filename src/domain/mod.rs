//! The programme as plain types and pure rules. Nothing here touches SQL or the terminal;
//! every rule that depends on the date takes `today` as an argument.

pub mod check;
pub mod dates;
pub mod figures;
pub mod flags;
pub mod model;
pub mod pairing;
pub mod plausible;
pub mod reserve;
pub mod review;
pub mod schedule;
pub mod term;

pub use model::*;
