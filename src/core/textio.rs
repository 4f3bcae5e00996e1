//! Low-level text helpers shared by every reader and writer: dates and
//! times as they appear in CSV files, the positioned CSV record loop, number
//! formatting, and the size-capped file reader. This module depends only on
//! [`crate::core::input`]; every domain module may use it.

use std::collections::HashSet;
use std::io::Read;

use jiff::civil::{Date, Time};

use crate::core::input::{InputError, Warning};

/// The years a date may fall in: planning beyond them is a typo, and the
/// date type's end (9999-12-31) would stall day-by-day loops.
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2199;

/// Parses `YYYY-MM-DD` in [`YEARS`].
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok().filter(|d| YEARS.contains(&d.year()))
}

/// Parses `HH:MM` (or `HH:MM:00`).
pub fn parse_time(s: &str) -> Option<Time> {
    let s = s.trim();
    let mut parts = s.split(':');
    let h: i8 = parts.next()?.parse().ok()?;
    let m_str = parts.next()?;
    if m_str.len() != 2 {
        return None;
    }
    let m: i8 = m_str.parse().ok()?;
    if let Some(sec) = parts.next() {
        if sec != "00" {
            return None;
        }
    }
    if parts.next().is_some() {
        return None;
    }
    Time::new(h, m, 0, 0).ok()
}

/// Formats a time as `HH:MM`.
pub fn format_time(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Minutes since midnight.
pub fn minute_of_day(t: Time) -> u32 {
    t.hour() as u32 * 60 + t.minute() as u32
}

/// The largest input file read: 256 MiB. A year of 15-minute history for
/// twenty channels is about 35 MB; anything far larger is a mistake (or a
/// device such as `/dev/zero`), refused before it fills the memory.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

thread_local! {
    /// Every file [`read_text`] has opened on this thread since the last
    /// [`take_files_read`].
    static FILES_READ: std::cell::RefCell<Vec<std::path::PathBuf>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The files read on this thread since the last call (every reader of the
/// crate goes through [`read_text`]), and forgets them: the one registry of
/// a job's inputs, whoever named them (a team's roster CSV, the shift
/// rules' calendar, a template's calendar), so that no output replaces one.
pub fn take_files_read() -> Vec<std::path::PathBuf> {
    FILES_READ.with(|f| std::mem::take(&mut *f.borrow_mut()))
}

/// Reads a whole file as UTF-8 text, with the file named in the error;
/// refuses files over [`MAX_INPUT_BYTES`]. The file is recorded for
/// [`take_files_read`].
pub fn read_text(path: &std::path::Path) -> Result<String, InputError> {
    FILES_READ.with(|f| f.borrow_mut().push(path.to_path_buf()));
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| InputError::file(&name, format!("cannot read: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(InputError::file(&name, "is a directory; expected a file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::file(
            &name,
            format!(
                "larger than {} MiB; inputs are capped at that size",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        InputError::at(&name, line, "invalid UTF-8 (files must be UTF-8)")
    })
}

/// `s` cut to at most `max_chars` characters (with `…` and the full
/// length when cut): error messages quote what they found, never a 1 MB field.
pub fn shorten(s: &str, max_chars: usize) -> String {
    let n = s.chars().count();
    if n <= max_chars {
        return s.to_string();
    }
    let head: String = s.chars().take(max_chars).collect();
    format!("{head}… ({n} characters)")
}

/// Parses a number in a CSV cell, or says what was expected.
pub(crate) fn parse_f64(s: &str) -> Option<f64> {
    let v: f64 = s.trim().parse().ok()?;
    v.is_finite().then_some(v)
}

fn find_columns(
    headers: &csv::StringRecord,
    source: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<(Vec<Option<usize>>, Vec<Warning>), InputError> {
    let names: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    // What error messages show of a name: a header with an unmatched quote
    // swallows the whole file into one field.
    let shown: Vec<String> = names.iter().map(|n| shorten(n, 60)).collect();
    let mut warnings = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = HashSet::new();
    for (i, n) in names.iter().enumerate() {
        if !seen.insert(n.as_str()) {
            return Err(InputError::at_column(
                source,
                1,
                format!("column {} ({})", i + 1, shown[i]),
                "duplicate column name",
            ));
        }
        if !required.contains(&n.as_str()) && !optional.contains(&n.as_str()) {
            unknown.push(shown[i].clone());
            warnings.push(Warning(format!(
                "{source}:1: column {} ({}): unknown column, ignored (known: {})",
                i + 1,
                shown[i],
                required
                    .iter()
                    .chain(optional)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
    }
    let mut idx = Vec::new();
    for want in required {
        match names.iter().position(|n| n == want) {
            Some(i) => idx.push(Some(i)),
            None => {
                let hint = if unknown.is_empty() {
                    String::new()
                } else {
                    format!("; found unknown column(s) {}", unknown.join(","))
                };
                return Err(InputError::at(
                    source,
                    1,
                    format!(
                        "missing column {want} (the header must name {}{}){hint}",
                        required.join(","),
                        if optional.is_empty() {
                            String::new()
                        } else {
                            format!(" and may name {}", optional.join(","))
                        }
                    ),
                ));
            }
        }
    }
    for want in optional {
        idx.push(names.iter().position(|n| n == want));
    }
    Ok((idx, warnings))
}

/// A CSV cell reader that names the line and column in its errors.
pub(crate) struct Cell<'a> {
    pub source: &'a str,
    pub line: u64,
    pub record: &'a csv::StringRecord,
    pub headers: &'a csv::StringRecord,
}

impl Cell<'_> {
    fn name(&self, i: usize) -> String {
        let h = self
            .headers
            .get(i)
            .unwrap_or("")
            .trim_start_matches('\u{feff}')
            .trim();
        format!("column {} ({h})", i + 1)
    }

    pub fn raw(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("").trim()
    }

    pub fn err(&self, i: usize, expected: &str) -> InputError {
        InputError::at_column(
            self.source,
            self.line,
            self.name(i),
            format!("expected {expected}, got {:?}", shorten(self.raw(i), 60)),
        )
    }

    pub fn date(&self, i: usize) -> Result<Date, InputError> {
        parse_date(self.raw(i)).ok_or_else(|| self.err(i, "a date YYYY-MM-DD from 1900 to 2199"))
    }

    pub fn time(&self, i: usize, interval_min: u32) -> Result<Time, InputError> {
        let t = parse_time(self.raw(i)).ok_or_else(|| self.err(i, "a time HH:MM"))?;
        if minute_of_day(t) % interval_min != 0 {
            return Err(self.err(
                i,
                &format!("a time on the {interval_min}-minute grid (HH:MM with minutes since midnight a multiple of {interval_min})"),
            ));
        }
        Ok(t)
    }

    pub fn text(&self, i: usize, what: &str) -> Result<String, InputError> {
        let s = self.raw(i);
        if s.is_empty() {
            return Err(self.err(i, what));
        }
        Ok(s.to_string())
    }

    pub fn number(&self, i: usize, min: f64, what: &str) -> Result<f64, InputError> {
        match parse_f64(self.raw(i)) {
            Some(v) if v >= min => Ok(v),
            _ => Err(self.err(i, what)),
        }
    }

    /// A number from `min` to `max`, or an error naming `what` was expected.
    pub fn number_in(&self, i: usize, min: f64, max: f64, what: &str) -> Result<f64, InputError> {
        match parse_f64(self.raw(i)) {
            Some(v) if v >= min && v <= max => Ok(v),
            _ => Err(self.err(i, what)),
        }
    }

    pub fn opt_number(&self, i: Option<usize>, what: &str) -> Result<Option<f64>, InputError> {
        let Some(i) = i else { return Ok(None) };
        if self.raw(i).is_empty() {
            return Ok(None);
        }
        match parse_f64(self.raw(i)) {
            Some(v) if v > 0.0 => Ok(Some(v)),
            _ => Err(self.err(i, what)),
        }
    }
}

/// Opens a CSV reader with the crate's settings (header row, trimmed
/// whitespace, all rows the same length).
pub(crate) fn csv_reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(r)
}

/// Calls `f` with a positioned [`Cell`] reader for every record after the
/// header; CSV errors carry their line.
pub(crate) fn each_record<R: Read>(
    rdr: &mut csv::Reader<R>,
    source: &str,
    headers: &csv::StringRecord,
    mut f: impl FnMut(&Cell) -> Result<(), InputError>,
) -> Result<(), InputError> {
    let mut record = csv::StringRecord::new();
    while rdr
        .read_record(&mut record)
        .map_err(|e| InputError::from_csv(source, &e))?
    {
        let cell = Cell {
            source,
            line: record.position().map_or(0, |p| p.line()),
            record: &record,
            headers,
        };
        f(&cell)?;
    }
    Ok(())
}

/// A CSV header: the record, the indices of the required then optional
/// columns, and warnings for unknown columns.
pub(crate) type Header = (csv::StringRecord, Vec<Option<usize>>, Vec<Warning>);

/// Reads a CSV header and returns the indices of `required` then `optional`
/// columns, with warnings for unknown columns.
pub(crate) fn read_header<R: Read>(
    rdr: &mut csv::Reader<R>,
    source: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<Header, InputError> {
    let headers = rdr
        .headers()
        .map_err(|e| InputError::from_csv(source, &e))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].trim().is_empty()) {
        return Err(InputError::file(
            source,
            "empty file: expected a header row",
        ));
    }
    let (idx, warnings) = find_columns(&headers, source, required, optional)?;
    Ok((headers, idx, warnings))
}

/// Formats a number with at most `decimals` decimals (at most 9), trailing
/// zeros trimmed; infinity as `inf`.
pub fn fmt_num(v: f64, decimals: usize) -> String {
    let mut s = String::new();
    push_num(&mut s, v, decimals);
    s
}

/// [`fmt_num`] for a CSV cell: an empty cell where the value is not
/// finite (a metric undefined in that interval, or a one-replication
/// half-width).
pub fn fmt_cell(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        fmt_num(v, decimals)
    } else {
        String::new()
    }
}

/// Appends [`fmt_num`]'s text to `out`. Numbers below 9e15 / 10^decimals are
/// rounded in integer arithmetic (fast); larger ones use `format!`.
pub fn push_num(out: &mut String, v: f64, decimals: usize) {
    use std::fmt::Write as _;
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if v.is_nan() {
        out.push_str("nan");
        return;
    }
    let decimals = decimals.min(9);
    let scale = 10u64.pow(decimals as u32);
    let scaled = (v.abs() * scale as f64).round();
    if scaled >= 9e15 {
        let t = format!("{v:.decimals$}");
        let t = if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.')
        } else {
            &t
        };
        out.push_str(t);
        return;
    }
    let n = scaled as u64;
    if n == 0 {
        out.push('0');
        return;
    }
    if v < 0.0 {
        out.push('-');
    }
    let (int, mut frac) = (n / scale, n % scale);
    let _ = write!(out, "{int}");
    if frac > 0 {
        let mut width = decimals;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// `p` relative to `dir` unless absolute.
pub fn resolve(dir: &std::path::Path, p: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(p);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(fmt_num(1.0, 3), "1");
        assert_eq!(fmt_num(0.123_456_78, 6), "0.123457");
        assert_eq!(fmt_num(f64::INFINITY, 3), "inf");
        assert_eq!(fmt_num(-0.000_000_1, 3), "0");
    }
}
