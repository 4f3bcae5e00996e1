//! The standing roster CSV: `wfm schedule`'s roster for one typical week.

use jiff::civil::Date;

use super::RosterShift;
use crate::core::calendar::weekday_index;
use crate::core::input::{InputError, Warning};
use crate::core::textio::{csv_reader, each_record, minute_of_day, read_header};

/// The rows of a roster CSV, each with its `channel` column.
pub type RosterRows = Vec<(String, RosterShift)>;

/// Reads a roster CSV (`date,shift,start,end,agents[,breaks][,channel]`,
/// as `wfm schedule` writes it) for one typical week: each row placed on its
/// date's weekday, with its channel (empty when the column is missing).
/// Dates must span at most 7 days, or 8 when the first is the day before
/// the week (`wfm schedule` writes the night shift of the day before the
/// requirement): those rows are the week's last night, on the same
/// weekday, unless the week's last day has a night of its own for that
/// channel (then they repeat it and are dropped). A standing week thus
/// covers every night, its first morning included.
pub fn read_roster<R: std::io::Read>(
    rdr: R,
    source: &str,
) -> Result<(RosterRows, Vec<Warning>), InputError> {
    let mut rdr = csv_reader(rdr);
    let (headers, idx, warnings) = read_header(
        &mut rdr,
        source,
        &["date", "shift", "start", "end", "agents"],
        &["breaks", "channel"],
    )?;
    let mut rows: Vec<(Date, String, RosterShift)> = Vec::new();
    each_record(&mut rdr, source, &headers, |cell| {
        let date = cell.date(idx[0].unwrap_or(0))?;
        let shift = cell.text(idx[1].unwrap_or(0), "a shift name")?;
        let hm = |i: usize| -> Result<u32, InputError> {
            parse_hm(cell.raw(i)).ok_or_else(|| cell.err(i, "a time HH:MM"))
        };
        let start = hm(idx[2].unwrap_or(0))?;
        let mut end = hm(idx[3].unwrap_or(0))?;
        if end <= start {
            end += 1440;
        }
        let ai = idx[4].unwrap_or(0);
        let agents: u32 = cell
            .raw(ai)
            .parse()
            .ok()
            .filter(|&n| n <= crate::models::staffing::MAX_AGENTS)
            .ok_or_else(|| cell.err(ai, "a whole number of agents"))?;
        let breaks = match idx[5] {
            Some(bi) => parse_breaks(cell.raw(bi), start, end).map_err(|e| cell.err(bi, e))?,
            None => Vec::new(),
        };
        let channel = idx[6].map(|i| cell.raw(i).to_string()).unwrap_or_default();
        rows.push((
            date,
            channel,
            RosterShift {
                weekday: weekday_index(date),
                shift,
                start_min: start,
                end_min: end,
                breaks,
                agents,
                line: cell.line,
            },
        ));
        Ok(())
    })?;
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.0).min(),
        rows.iter().map(|r| r.0).max(),
    ) else {
        return Err(InputError::file(source, "the roster has no rows"));
    };
    let span = (last - first).get_days() + 1;
    if span > 8 {
        let far = rows.iter().find(|r| r.0 == last).map_or(0, |r| r.2.line);
        return Err(InputError::at(
            source,
            far,
            format!("the roster runs from {first} to {last} ({span} days); a standing roster is one typical week"),
        ));
    }
    if span == 8 {
        // The night before the week is the week's last night when the
        // roster has none of its own for that channel (a schedule of one
        // week puts the night into its first morning on the day before):
        // the same weekday, so it stays, placed on that weekday. Where the
        // last day has its own night, the leading one repeats it: dropped.
        let own_night = |c: &str| {
            rows.iter()
                .any(|r| r.0 == last && r.1 == c && r.2.end_min > 1440)
        };
        let dup: Vec<bool> = rows
            .iter()
            .map(|r| r.0 == first && own_night(&r.1))
            .collect();
        let mut k = 0;
        rows.retain(|_| {
            k += 1;
            !dup[k - 1]
        });
    }
    Ok((rows.into_iter().map(|(_, c, r)| (c, r)).collect(), warnings))
}

/// A time `HH:MM` as minutes from midnight (`24:00` is 1440).
pub(crate) fn parse_hm(s: &str) -> Option<u32> {
    if s.trim() == "24:00" {
        return Some(1440);
    }
    crate::core::textio::parse_time(s).map(minute_of_day)
}

/// Breaks `HH:MM-HH:MM;...` of a shift from `start` to `end` (minutes from
/// its day's midnight; times before the start are the next day's); the
/// error says what was expected.
pub(crate) fn parse_breaks(s: &str, start: u32, end: u32) -> Result<Vec<(u32, u32)>, &'static str> {
    let mut breaks = Vec::new();
    for part in s.split(';').filter(|p| !p.trim().is_empty()) {
        let (a, b) = part
            .split_once('-')
            .and_then(|(a, b)| {
                Some((
                    minute_of_day(crate::core::textio::parse_time(a)?),
                    minute_of_day(crate::core::textio::parse_time(b)?),
                ))
            })
            .ok_or("breaks HH:MM-HH:MM separated by ;")?;
        let a = if a < start { a + 1440 } else { a };
        let b = if b < a { b + 1440 } else { b };
        if a < start || b > end {
            return Err("breaks inside the shift");
        }
        breaks.push((a, b));
    }
    Ok(breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "date,shift,start,end,agents,breaks,channel\n";

    /// A week Monday 2026-03-09 to Sunday 2026-03-15 as `wfm schedule` writes
    /// it, with the first morning's night on Sunday 2026-03-08.
    fn week(last_night: bool) -> String {
        let mut s = String::from(HEAD);
        s.push_str("2026-03-08,night,22:00,07:00,2,,phone\n");
        for d in 9..=15 {
            s.push_str(&format!("2026-03-{d:02},day,09:00,17:00,5,,phone\n"));
        }
        if last_night {
            s.push_str("2026-03-15,night,22:00,07:00,3,,phone\n");
        }
        s
    }

    #[test]
    fn the_night_before_the_week_is_its_last_night() {
        let (rows, _) = read_roster(week(false).as_bytes(), "w.csv").unwrap();
        let sunday_nights: Vec<u32> = rows
            .iter()
            .filter(|(_, r)| r.weekday == 6 && r.end_min > 1440)
            .map(|(_, r)| r.agents)
            .collect();
        assert_eq!(sunday_nights, vec![2], "kept as Sunday's night");
        // With its own Sunday night the leading one repeats it: dropped.
        let (rows, _) = read_roster(week(true).as_bytes(), "w.csv").unwrap();
        let sunday_nights: Vec<u32> = rows
            .iter()
            .filter(|(_, r)| r.weekday == 6 && r.end_min > 1440)
            .map(|(_, r)| r.agents)
            .collect();
        assert_eq!(sunday_nights, vec![3]);
    }
}
