//! A job's tables as one workbook (`--xlsx FILE`): each CSV a sheet of
//! the same name, its header the first row, every cell typed so a
//! spreadsheet can compute with it: numbers as numbers, `YYYY-MM-DD` as
//! dates, `HH:MM` as times, money columns (`cost`, `cost_change`,
//! `*_cost`, `objective`, `bound`) in the currency's format
//! (`¥#,##0.00` for yuan), everything else as text. Written with
//! `rust_xlsxwriter`; the sheets hold exactly the CSVs' values (a test reads
//! them back).
//!
//! ```
//! use wfm::core::money::Money;
//! let csv = b"date,channel,cost\n2026-02-16,phone,1234.5\n";
//! let bytes = wfm::io::workbook::workbook(&[("fix.csv", &csv[..])], &Money::new("CNY")).unwrap();
//! assert_eq!(&bytes[..2], b"PK"); // an xlsx file is a zip archive
//! ```

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::core::money::Money;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkbookError {
    /// A table is not the CSV it should be (a bug).
    #[error("workbook: table {table}: {message}")]
    Table {
        /// The table's file name.
        table: String,
        /// What was wrong.
        message: String,
    },
    /// The writer failed.
    #[error("workbook: {0}")]
    Xlsx(String),
}

fn xlsx(e: rust_xlsxwriter::XlsxError) -> WorkbookError {
    WorkbookError::Xlsx(e.to_string())
}

/// Whether column `name` holds money.
pub fn is_money_column(name: &str) -> bool {
    name == "cost"
        || name == "cost_change"
        || name.ends_with("_cost")
        || name.starts_with("cost_")
        || name == "objective"
        || name == "bound"
}

/// The sheet name of table `name`: its file name less `.csv`, cut to
/// Excel's 31 characters, without the characters Excel refuses.
pub fn sheet_name(name: &str) -> String {
    let stem = name.strip_suffix(".csv").unwrap_or(name);
    stem.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

/// The Excel number format of an amount in `money`.
fn money_format(money: &Money) -> String {
    match money.symbol() {
        Some(s) => format!("\"{s}\"#,##0.00"),
        None => format!("#,##0.00 \"{}\"", money.code),
    }
}

/// The workbook of `tables` (file name, CSV bytes): one sheet per CSV, in
/// order; tables that are not CSV files (the HTML page) are left out.
pub fn workbook(tables: &[(&str, &[u8])], money: &Money) -> Result<Vec<u8>, WorkbookError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm");
    let amount = Format::new().set_num_format(money_format(money));
    for (name, bytes) in tables.iter().filter(|(n, _)| n.ends_with(".csv")) {
        let bad = |message: String| WorkbookError::Table {
            table: name.to_string(),
            message,
        };
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(name)).map_err(xlsx)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(*bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(String::from)
            .collect();
        for (c, h) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(xlsx)?;
        }
        for (r, record) in reader.records().enumerate() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let row = (r + 1) as u32;
            for (c, cell) in record.iter().enumerate() {
                let col = c as u16;
                if cell.is_empty() {
                    continue;
                }
                let money_col = header.get(c).is_some_and(|h| is_money_column(h));
                if let Some(v) = cell.parse::<f64>().ok().filter(|v| v.is_finite()) {
                    if money_col {
                        sheet
                            .write_number_with_format(row, col, v, &amount)
                            .map_err(xlsx)?;
                    } else {
                        sheet.write_number(row, col, v).map_err(xlsx)?;
                    }
                } else if let Some(d) = as_date(cell) {
                    sheet
                        .write_datetime_with_format(row, col, &d, &date)
                        .map_err(xlsx)?;
                } else if let Some(t) = as_time(cell) {
                    sheet
                        .write_datetime_with_format(row, col, &t, &time)
                        .map_err(xlsx)?;
                } else {
                    sheet.write_string(row, col, cell).map_err(xlsx)?;
                }
            }
        }
    }
    book.save_to_buffer().map_err(xlsx)
}

/// `YYYY-MM-DD` as an Excel date.
fn as_date(s: &str) -> Option<ExcelDateTime> {
    if s.len() != 10 {
        return None;
    }
    let d: jiff::civil::Date = s.parse().ok()?;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok()
}

/// `HH:MM` as an Excel time of day.
fn as_time(s: &str) -> Option<ExcelDateTime> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60)
        .then(|| ExcelDateTime::from_hms(h, m, 0).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_columns_and_sheet_names() {
        assert!(is_money_column("cost") && is_money_column("groups_cost"));
        assert!(!is_money_column("currency") && !is_money_column("costly"));
        assert_eq!(sheet_name("fix_summary.csv"), "fix_summary");
        assert_eq!(sheet_name("a/b.csv"), "a_b");
        assert_eq!(money_format(&Money::new("CNY")), "\"¥\"#,##0.00");
        assert_eq!(money_format(&Money::new("CHF")), "#,##0.00 \"CHF\"");
        assert!(as_date("2026-02-16").is_some() && as_date("2026-02-30").is_none());
        assert!(
            as_time("09:30").is_some() && as_time("24:00").is_none() && as_time("9:30").is_none()
        );
    }

    #[test]
    fn a_workbook_is_written_and_a_page_left_out() {
        let csv = b"date,time,channel,cost,note\n2026-02-16,09:30,phone,12.5,\"a, b\"\n";
        let page = b"<html></html>";
        let bytes = workbook(
            &[("index.html", &page[..]), ("fix.csv", &csv[..])],
            &Money::new("CNY"),
        )
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
