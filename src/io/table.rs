//! CSV tables whose header is derived from their row type.
//!
//! A row type lists its columns once, each a name with the cell it writes
//! ([`CsvRow::COLUMNS`]); the header and every row are written from that
//! one list by [`write_rows`], so a column cannot be added to the rows and
//! forgotten in the header (or the reverse), and a planning tool can read a
//! table's header from the type ([`CsvRow::header`]) without writing it.
//!
//! ```
//! use wfm::io::table::{write_rows, Column, CsvRow};
//!
//! struct Day { date: &'static str, short_h: f64 }
//! impl CsvRow for Day {
//!     const COLUMNS: &'static [Column<Self>] = &[
//!         ("date", |d| d.date.to_string()),
//!         ("short_h", |d| format!("{:.1}", d.short_h)),
//!     ];
//! }
//! let mut csv = Vec::new();
//! write_rows(&mut csv, &[Day { date: "2026-02-16", short_h: 3.25 }]).unwrap();
//! assert_eq!(String::from_utf8(csv).unwrap(), "date,short_h\n2026-02-16,3.2\n");
//! assert_eq!(Day::header(), ["date", "short_h"]);
//! ```

use std::io::Write;

/// One column: its name in the header, and the cell it writes for a row.
pub type Column<R> = (&'static str, fn(&R) -> String);

/// A row of a CSV table: its columns, in order.
pub trait CsvRow: Sized + 'static {
    /// The columns, each a header name and its cell.
    const COLUMNS: &'static [Column<Self>];

    /// The header: the columns' names.
    fn header() -> Vec<&'static str> {
        Self::COLUMNS.iter().map(|(name, _)| *name).collect()
    }

    /// This row's cells, in the columns' order.
    fn cells(&self) -> Vec<String> {
        Self::COLUMNS.iter().map(|(_, cell)| cell(self)).collect()
    }
}

/// Writes the header of `R` and one record per row.
pub fn write_rows<'a, R: CsvRow, W: Write>(
    w: W,
    rows: impl IntoIterator<Item = &'a R>,
) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(R::header())?;
    for r in rows {
        out.write_record(r.cells())?;
    }
    out.flush()
}

/// `csv` with a `currency` column of `code` appended to every record, when
/// its header has a money column (`cost`, a name starting `cost_` or
/// ending `_cost`, or holding `balance`) and no `currency` column; `None`
/// when it has none (nothing to add).
///
/// ```
/// let out = wfm::io::table::with_currency(b"day,cost\nmon,5\n", "CNY").unwrap().unwrap();
/// assert_eq!(out, b"day,cost,currency\nmon,5,CNY\n");
/// assert!(wfm::io::table::with_currency(b"day,agents\nmon,5\n", "CNY").unwrap().is_none());
/// ```
pub fn with_currency(csv: &[u8], code: &str) -> std::io::Result<Option<Vec<u8>>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let mut records = rd.records();
    let Some(head) = records.next().transpose().map_err(std::io::Error::other)? else {
        return Ok(None);
    };
    let money = |h: &str| {
        h == "cost" || h.starts_with("cost_") || h.ends_with("_cost") || h.contains("balance")
    };
    if !head.iter().any(money) || head.iter().any(|h| h == "currency") {
        return Ok(None);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = head;
    head.push_field("currency");
    w.write_record(&head)?;
    for r in records {
        let mut r = r.map_err(std::io::Error::other)?;
        r.push_field(code);
        w.write_record(&r)?;
    }
    w.into_inner().map(Some).map_err(|e| e.into_error())
}

/// The names of `columns` as an array, for a public constant that other
/// code (a reader's known columns) uses: `N` must be the number of columns,
/// checked when the constant is evaluated.
pub const fn names<R, const N: usize>(columns: &[Column<R>]) -> [&'static str; N] {
    assert!(columns.len() == N, "the array's length is not the columns'");
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = columns[i].0;
        i += 1;
    }
    out
}
