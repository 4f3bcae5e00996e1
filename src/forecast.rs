//! The forecast: contacts offered per interval and channel, and its CSV format.
//!
//! One row per (interval, channel), UTF-8 with a header row (a leading BOM is
//! accepted):
//!
//! | column | meaning |
//! |---|---|
//! | `date` | `YYYY-MM-DD`, local date |
//! | `time` | `HH:MM`, start of the interval, local civil time, on the grid |
//! | `channel` | channel name, e.g. `phone`, `chat`, `wechat`, `email` |
//! | `volume` | contacts offered in the interval, `>= 0`, may be fractional |
//! | `aht_s` | average handle time, seconds, `> 0` when volume `> 0` |
//! | `patience_s` | optional: mean patience, seconds (Erlang A) |
//!
//! Times must fall on the grid of `interval_min` minutes from midnight. Rows
//! may come in any order; a duplicate (date, time, channel) is an error; an
//! unknown column is returned as a [`Warning`].

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::input::{parse_f64, InputError, Warning};

/// One interval of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// Local date.
    pub date: Date,
    /// Start of the interval, local civil time.
    pub time: Time,
    /// Channel name.
    pub channel: String,
    /// Contacts offered in the interval.
    pub volume: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
    /// Mean patience, seconds, if known for this interval.
    pub patience_s: Option<f64>,
    /// The line of the source file the row came from (0 when not from a file).
    #[serde(skip)]
    pub line: u64,
}

/// A forecast: rows on a grid of `interval_min` minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Interval length, minutes.
    pub interval_min: u32,
    /// The rows, in the order read or generated.
    pub rows: Vec<ForecastRow>,
}

/// The columns of the forecast CSV, in the order written.
pub const COLUMNS: [&str; 6] = ["date", "time", "channel", "volume", "aht_s", "patience_s"];

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
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

/// Checks an interval length: a whole number of minutes in `1..=1440`.
pub fn check_interval_min(interval_min: u32) -> Result<(), String> {
    if interval_min == 0 || interval_min > 1440 {
        Err(format!(
            "interval must be 1 to 1440 minutes, got {interval_min}"
        ))
    } else {
        Ok(())
    }
}

struct Cols {
    date: usize,
    time: usize,
    channel: usize,
    volume: usize,
    aht_s: usize,
    patience_s: Option<usize>,
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
    let mut warnings = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = HashSet::new();
    for (i, n) in names.iter().enumerate() {
        if !seen.insert(n.as_str()) {
            return Err(InputError::at_column(
                source,
                1,
                format!("column {} ({n})", i + 1),
                "duplicate column name",
            ));
        }
        if !required.contains(&n.as_str()) && !optional.contains(&n.as_str()) {
            unknown.push(n.clone());
            warnings.push(Warning(format!(
                "{source}:1: column {} ({n}): unknown column, ignored (known: {})",
                i + 1,
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
            format!("expected {expected}, got {:?}", self.raw(i)),
        )
    }

    pub fn date(&self, i: usize) -> Result<Date, InputError> {
        parse_date(self.raw(i)).ok_or_else(|| self.err(i, "a date YYYY-MM-DD"))
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

impl Forecast {
    /// Reads a forecast CSV from `rdr`; `source` names it in errors.
    /// Returns the forecast and warnings (unknown columns).
    pub fn read<R: Read>(
        rdr: R,
        source: &str,
        interval_min: u32,
    ) -> Result<(Forecast, Vec<Warning>), InputError> {
        check_interval_min(interval_min).map_err(|m| InputError::file(source, m))?;
        let mut rdr = csv_reader(rdr);
        let (headers, idx, warnings) = read_header(&mut rdr, source, &COLUMNS[..5], &COLUMNS[5..])?;
        let c = Cols {
            date: idx[0].unwrap_or(0),
            time: idx[1].unwrap_or(0),
            channel: idx[2].unwrap_or(0),
            volume: idx[3].unwrap_or(0),
            aht_s: idx[4].unwrap_or(0),
            patience_s: idx[5],
        };
        let mut rows = Vec::new();
        let mut seen: std::collections::HashMap<(Date, Time, String), u64> = Default::default();
        each_record(&mut rdr, source, &headers, |cell| {
            let line = cell.line;
            let date = cell.date(c.date)?;
            let time = cell.time(c.time, interval_min)?;
            let channel = cell.text(c.channel, "a channel name")?;
            let volume = cell.number(c.volume, 0.0, "a number of contacts >= 0")?;
            let aht_s = if volume == 0.0 && cell.raw(c.aht_s).is_empty() {
                0.0
            } else if volume > 0.0 {
                cell.number(c.aht_s, f64::MIN_POSITIVE, "a handle time in seconds > 0")?
            } else {
                cell.number(c.aht_s, 0.0, "a handle time in seconds >= 0")?
            };
            let patience_s =
                cell.opt_number(c.patience_s, "a patience in seconds > 0, or empty")?;
            if let Some(first) = seen.insert((date, time, channel.clone()), line) {
                return Err(InputError::at(
                    source,
                    line,
                    format!(
                        "duplicate row for {date} {} {channel} (first on line {first})",
                        format_time(time)
                    ),
                ));
            }
            rows.push(ForecastRow {
                date,
                time,
                channel,
                volume,
                aht_s,
                patience_s,
                line,
            });
            Ok(())
        })?;
        Ok((Forecast { interval_min, rows }, warnings))
    }

    /// Reads a forecast CSV file.
    pub fn from_path(
        path: &Path,
        interval_min: u32,
    ) -> Result<(Forecast, Vec<Warning>), InputError> {
        let name = path.display().to_string();
        let text = crate::input::read_text(path)?;
        Self::read(text.as_bytes(), &name, interval_min)
    }

    /// Writes the forecast CSV (the `patience_s` column only when some row has one).
    pub fn write<W: Write>(&self, w: W) -> std::io::Result<()> {
        use std::fmt::Write as _;
        let with_patience = self.rows.iter().any(|r| r.patience_s.is_some());
        let mut out = std::io::BufWriter::new(w);
        let cols = if with_patience {
            &COLUMNS[..]
        } else {
            &COLUMNS[..5]
        };
        writeln!(out, "{}", cols.join(","))?;
        let mut line = String::with_capacity(96);
        let mut quoted = std::collections::HashMap::new();
        for r in &self.rows {
            line.clear();
            let channel = quoted
                .entry(r.channel.as_str())
                .or_insert_with(|| csv_field(&r.channel));
            let _ = write!(
                line,
                "{:04}-{:02}-{:02},{:02}:{:02},{},",
                r.date.year(),
                r.date.month(),
                r.date.day(),
                r.time.hour(),
                r.time.minute(),
                channel
            );
            crate::report::push_num(&mut line, r.volume, 4);
            line.push(',');
            crate::report::push_num(&mut line, r.aht_s, 3);
            if with_patience {
                line.push(',');
                if let Some(p) = r.patience_s {
                    crate::report::push_num(&mut line, p, 3);
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        out.flush()
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(Forecast, Vec<Warning>), InputError> {
        Forecast::read(text.as_bytes(), "f.csv", 30)
    }

    #[test]
    fn reads_rows_in_any_order_with_bom_and_optional_patience() {
        let (f, w) = read(
            "\u{feff}date,time,channel,volume,aht_s,patience_s\n\
             2026-03-02,09:30,phone,120.5,240,\n\
             2026-03-02,09:00,phone,100,240,180\n",
        )
        .unwrap();
        assert!(w.is_empty());
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.rows[0].patience_s, None);
        assert_eq!(f.rows[1].patience_s, Some(180.0));
        assert_eq!(f.rows[1].line, 3);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e =
            read("date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,-1,240\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.csv:2: column 4 (volume): expected a number of contacts >= 0, got \"-1\""
        );
        let e = read("date,time,channel,volume,aht_s\n2026-03-02,09:10,phone,1,240\n").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("f.csv:2: column 2 (time): expected a time on the 30-minute grid"));
        let e = read("date,time,channel,volumne,aht_s\n").unwrap_err();
        assert!(e.to_string().contains("missing column volume"));
        assert!(e.to_string().contains("volumne"));
        let e = read("date,time,channel,volume,aht_s\n2026-03-02,09:00,phone,1,240\n2026-03-02,09:00,phone,1,240\n")
            .unwrap_err();
        assert!(e.to_string().contains("duplicate row"));
        assert!(e.to_string().contains("first on line 2"));
    }

    #[test]
    fn unknown_columns_are_warned() {
        let (_, w) =
            read("date,time,channel,volume,aht_s,site\n2026-03-02,09:00,phone,1,240,sh\n").unwrap();
        assert_eq!(w.len(), 1);
        assert!(w[0].0.contains("site"));
    }

    #[test]
    fn round_trips_through_csv() {
        let (f, _) =
            read("date,time,channel,volume,aht_s\n2026-03-02,09:00,chat,12.25,300\n").unwrap();
        let mut buf = Vec::new();
        f.write(&mut buf).unwrap();
        let (g, _) = Forecast::read(&buf[..], "g.csv", 30).unwrap();
        assert_eq!(f.rows[0].volume, g.rows[0].volume);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "date,time,channel,volume,aht_s\n2026-03-02,09:00,chat,12.25,300\n"
        );
    }
}
