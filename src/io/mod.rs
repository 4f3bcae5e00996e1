//! Output: sets of files written all or nothing, and tables whose header
//! comes from their row type.

pub mod output;
pub mod table;
pub mod workbook;
