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

use std::io::{Read, Write};
use std::path::Path;

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::core::input::{InputError, Warning};
use crate::core::textio::{csv_reader, each_record, format_time, read_header, read_text};

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

/// The most contacts one interval of a forecast or history may hold:
/// beyond any centre (a value like 1e308 is a broken export).
pub const MAX_VOLUME: f64 = 1e7;
/// The longest handle time or patience a forecast row may give, seconds.
pub const MAX_SECONDS: f64 = 86_400.0;

/// The columns of the forecast CSV, in the order written.
pub const COLUMNS: [&str; 6] = ["date", "time", "channel", "volume", "aht_s", "patience_s"];

struct Cols {
    date: usize,
    time: usize,
    channel: usize,
    volume: usize,
    aht_s: usize,
    patience_s: Option<usize>,
}

impl Forecast {
    /// Reads a forecast CSV from `rdr`; `source` names it in errors.
    /// Returns the forecast and warnings (unknown columns).
    pub fn read<R: Read>(
        rdr: R,
        source: &str,
        interval_min: u32,
    ) -> Result<(Forecast, Vec<Warning>), InputError> {
        crate::core::grid::check_interval_min(interval_min)
            .map_err(|e| InputError::file(source, e.to_string()))?;
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
            let volume = cell.number_in(
                c.volume,
                0.0,
                MAX_VOLUME,
                "a number of contacts >= 0 (at most 1e7 in an interval)",
            )?;
            let aht_s = if volume == 0.0 && cell.raw(c.aht_s).is_empty() {
                0.0
            } else if volume > 0.0 {
                cell.number_in(
                    c.aht_s,
                    f64::MIN_POSITIVE,
                    MAX_SECONDS,
                    "a handle time in seconds > 0 (at most a day, 86400)",
                )?
            } else {
                cell.number_in(
                    c.aht_s,
                    0.0,
                    MAX_SECONDS,
                    "a handle time in seconds >= 0 (at most a day, 86400)",
                )?
            };
            let patience_s = cell.opt_number(
                c.patience_s,
                "a patience in seconds > 0 (at most a day, 86400), or empty",
            )?;
            if patience_s.is_some_and(|p| p > MAX_SECONDS) {
                return Err(cell.err(
                    c.patience_s.unwrap_or(0),
                    "a patience in seconds > 0 (at most a day, 86400), or empty",
                ));
            }
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

    /// The channels of the forecast, each once, sorted.
    pub fn channels(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.rows.iter().map(|r| r.channel.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Reads a forecast CSV file.
    pub fn from_path(
        path: &Path,
        interval_min: u32,
    ) -> Result<(Forecast, Vec<Warning>), InputError> {
        let name = path.display().to_string();
        let text = read_text(path)?;
        Self::read(text.as_bytes(), &name, interval_min)
    }

    /// Writes the forecast CSV (the `patience_s` column only when some row
    /// has one), through `csv::Writer` (names with commas or quotes are quoted).
    pub fn write<W: Write>(&self, w: W) -> std::io::Result<()> {
        self.write_with(w, &[])
    }

    /// [`Forecast::write`] with extra numeric columns after the others:
    /// `(name, one value per row)`, such as prediction quantiles.
    pub fn write_with<W: Write>(&self, w: W, extra: &[(String, Vec<f64>)]) -> std::io::Result<()> {
        use std::fmt::Write as _;
        let with_patience = self.rows.iter().any(|r| r.patience_s.is_some());
        let mut out = csv::Writer::from_writer(w);
        let cols = if with_patience {
            &COLUMNS[..]
        } else {
            &COLUMNS[..5]
        };
        let mut head: Vec<&str> = cols.to_vec();
        head.extend(extra.iter().map(|(n, _)| n.as_str()));
        out.write_record(&head)?;
        let mut buf = String::with_capacity(32);
        for (k, r) in self.rows.iter().enumerate() {
            buf.clear();
            let _ = write!(
                buf,
                "{:04}-{:02}-{:02}",
                r.date.year(),
                r.date.month(),
                r.date.day()
            );
            out.write_field(&buf)?;
            buf.clear();
            let _ = write!(buf, "{:02}:{:02}", r.time.hour(), r.time.minute());
            out.write_field(&buf)?;
            out.write_field(&r.channel)?;
            buf.clear();
            crate::core::textio::push_num(&mut buf, r.volume, 4);
            out.write_field(&buf)?;
            buf.clear();
            crate::core::textio::push_num(&mut buf, r.aht_s, 3);
            out.write_field(&buf)?;
            if with_patience {
                buf.clear();
                if let Some(p) = r.patience_s {
                    crate::core::textio::push_num(&mut buf, p, 3);
                }
                out.write_field(&buf)?;
            }
            for (_, v) in extra {
                buf.clear();
                if let Some(x) = v.get(k).filter(|x| x.is_finite()) {
                    crate::core::textio::push_num(&mut buf, *x, 4);
                }
                out.write_field(&buf)?;
            }
            out.write_record(None::<&[u8]>)?;
        }
        out.flush()
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
            "f.csv:2: column 4 (volume): expected a number of contacts >= 0 (at most 1e7 in an interval), got \"-1\""
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
