//! Output: sets of files written all or nothing.

pub mod output;
