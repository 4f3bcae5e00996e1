//! The calendar: which days are workdays, weekends and public holidays.
//!
//! China's public holidays come with *make-up workdays*: weekend days that are
//! worked to bridge a long holiday. A calendar file lists the exceptions to
//! the Monday–Friday week, one per line (CSV, UTF-8, header row):
//!
//! | column | meaning |
//! |---|---|
//! | `date` | `YYYY-MM-DD` |
//! | `day_type` | `statutory` (a statutory holiday: 300% pay for work), `holiday` (another day off of a holiday block: a rest day, 200%), or `workday` (a make-up workday) |
//! | `name` | optional: the holiday's name, e.g. `Spring Festival` |
//!
//! Every other day is a workday from Monday to Friday and a weekend day on
//! Saturday and Sunday. A *long holiday* is a run of at least
//! `long_min_days` consecutive days off (holidays and the weekends that
//! touch them); the days just before and after it are where the pre-holiday
//! rush and the post-holiday backlog fall.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::core::input::{InputError, Warning};
use crate::core::textio::{csv_reader, each_record, read_header};

/// The kind of a day, which picks its intraday profile and base factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayType {
    /// A working day (Monday–Friday, or a make-up workday).
    Workday,
    /// Saturday or Sunday, not worked.
    Weekend,
    /// A public holiday.
    Holiday,
}

impl DayType {
    /// All day types, in order.
    pub const ALL: [DayType; 3] = [DayType::Workday, DayType::Weekend, DayType::Holiday];

    /// The name used in files: `workday`, `weekend`, `holiday`.
    pub fn name(self) -> &'static str {
        match self {
            DayType::Workday => "workday",
            DayType::Weekend => "weekend",
            DayType::Holiday => "holiday",
        }
    }
}

/// A run of days off around a named public holiday: see
/// [`Calendar::named_blocks`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayBlock {
    /// The holiday's name (the calendar CSV's `name` column).
    pub name: String,
    /// The first day off of the run.
    pub first: Date,
    /// The last day off of the run.
    pub last: Date,
}

/// One exception in a calendar file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// `Holiday` for a day off, `Workday` for a make-up workday.
    pub day_type: DayType,
    /// The holiday's name, if given.
    pub name: String,
    /// A statutory holiday (`statutory` in the file): work on it is paid
    /// 300% (Labour Law art. 44). Its day type is `Holiday`.
    #[serde(default)]
    pub statutory: bool,
}

/// How a day is paid, for premiums (`[[premium]] day_types`): exactly one
/// class per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayClass {
    /// Monday–Friday, not a holiday.
    Workday,
    /// A weekend day worked to bridge a holiday.
    Makeup,
    /// Saturday or Sunday, not worked by the calendar (a rest day).
    Weekend,
    /// A day off of a holiday block that is not a statutory holiday (a rest day).
    Holiday,
    /// A statutory holiday.
    Statutory,
}

impl PayClass {
    /// The names used in files.
    pub const NAMES: [&'static str; 5] = ["workday", "makeup", "weekend", "holiday", "statutory"];

    /// Parses a name of [`PayClass::NAMES`].
    pub fn parse(s: &str) -> Option<PayClass> {
        Some(match s.trim() {
            "workday" => PayClass::Workday,
            "makeup" => PayClass::Makeup,
            "weekend" => PayClass::Weekend,
            "holiday" => PayClass::Holiday,
            "statutory" => PayClass::Statutory,
            _ => return None,
        })
    }
}

/// A calendar of public holidays and make-up workdays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Calendar {
    /// The exceptions to the working week, by date.
    pub days: BTreeMap<Date, CalendarDay>,
    /// The days of the week that are not worked (Monday = 0); `None`:
    /// Saturday and Sunday. See [`parse_workweek`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekend: Option<[bool; 7]>,
}

/// Parses a weekday name (`mon` … `sun`, or full English names) to its
/// index, Monday = 0.
pub fn weekday(s: &str) -> Option<usize> {
    let s = s.trim().to_ascii_lowercase();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|d| s.starts_with(d))
}

/// Parses a working week: a range `sun-thu` or a list `mon,tue,wed,thu,sat`
/// of the weekdays worked (`mon` … `sun`); returns the days *not* worked,
/// Monday first.
///
/// ```
/// let we = wfm::core::calendar::parse_workweek("sun-thu").unwrap();
/// assert_eq!(we, [false, false, false, false, true, true, false]);
/// ```
pub fn parse_workweek(s: &str) -> Option<[bool; 7]> {
    let day = |t: &str| weekday(t.trim());
    let mut worked = [false; 7];
    let s = s.trim();
    if let Some((a, b)) = s.split_once('-') {
        let (a, b) = (day(a)?, day(b)?);
        let mut d = a;
        loop {
            worked[d] = true;
            if d == b {
                break;
            }
            d = (d + 1) % 7;
        }
    } else {
        for t in s.split(',') {
            worked[day(t)?] = true;
        }
    }
    if !worked.iter().any(|&w| w) {
        return None;
    }
    Some(worked.map(|w| !w))
}

/// Monday = 0 … Sunday = 6.
pub fn weekday_index(d: Date) -> usize {
    d.weekday().to_monday_zero_offset() as usize
}

impl Calendar {
    /// Whether `d`'s weekday is not worked in this calendar's week.
    pub fn is_weekend(&self, d: Date) -> bool {
        match &self.weekend {
            Some(w) => w[weekday_index(d)],
            None => matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// Reads a calendar CSV; `source` names it in errors.
    pub fn read<R: std::io::Read>(
        rdr: R,
        source: &str,
    ) -> Result<(Calendar, Vec<Warning>), InputError> {
        let mut rdr = csv_reader(rdr);
        let (headers, idx, warnings) =
            read_header(&mut rdr, source, &["date", "day_type"], &["name"])?;
        let mut cal = Calendar::default();
        let mut lines: BTreeMap<Date, u64> = BTreeMap::new();
        each_record(&mut rdr, source, &headers, |cell| {
            let line = cell.line;
            let date = cell.date(idx[0].unwrap_or(0))?;
            let t = idx[1].unwrap_or(0);
            let (day_type, statutory) = match cell.raw(t) {
                "statutory" => (DayType::Holiday, true),
                "holiday" => (DayType::Holiday, false),
                "workday" => (DayType::Workday, false),
                _ => {
                    return Err(cell.err(
                        t,
                        "a day type: statutory (a statutory holiday), holiday (another day off) or workday (a make-up workday)",
                    ))
                }
            };
            let name = idx[2].map(|i| cell.raw(i).to_string()).unwrap_or_default();
            if let Some(first) = lines.insert(date, line) {
                return Err(InputError::at(
                    source,
                    line,
                    format!("{date} is listed twice (first on line {first})"),
                ));
            }
            cal.days.insert(
                date,
                CalendarDay {
                    day_type,
                    name,
                    statutory,
                },
            );
            Ok(())
        })?;
        Ok((cal, warnings))
    }

    /// The years with at least one day in this calendar: a year not listed
    /// has no holidays or make-up workdays as far as the calendar knows.
    pub fn years(&self) -> std::collections::BTreeSet<i16> {
        self.days.keys().map(|d| d.year()).collect()
    }

    /// Adds `other`'s days (another year's file, say). A date in both must
    /// agree; `source` names `other` in the error.
    pub fn merge(&mut self, other: Calendar, source: &str) -> Result<(), InputError> {
        for (d, day) in other.days {
            match self.days.get(&d) {
                Some(old) if *old != day => {
                    return Err(InputError::file(
                        source,
                        format!("{d} is listed differently in an earlier calendar of the centre"),
                    ))
                }
                _ => {
                    self.days.insert(d, day);
                }
            }
        }
        if other.weekend.is_some() {
            self.weekend = other.weekend;
        }
        Ok(())
    }

    /// Reads a calendar file.
    pub fn from_path(path: &Path) -> Result<(Calendar, Vec<Warning>), InputError> {
        let text = crate::core::textio::read_text(path)?;
        Self::read(text.as_bytes(), &path.display().to_string())
    }

    /// The day type of `d`.
    pub fn day_type(&self, d: Date) -> DayType {
        match self.days.get(&d) {
            Some(c) => c.day_type,
            None if self.is_weekend(d) => DayType::Weekend,
            None => DayType::Workday,
        }
    }

    /// Whether `d` is a statutory holiday.
    pub fn is_statutory(&self, d: Date) -> bool {
        self.days.get(&d).is_some_and(|c| c.statutory)
    }

    /// How work on `d` is paid.
    pub fn pay_class(&self, d: Date) -> PayClass {
        match self.days.get(&d) {
            Some(c) if c.statutory => PayClass::Statutory,
            Some(c) if c.day_type == DayType::Holiday => PayClass::Holiday,
            Some(_) if self.is_weekend(d) => PayClass::Makeup,
            Some(_) => PayClass::Workday,
            None if self.is_weekend(d) => PayClass::Weekend,
            None => PayClass::Workday,
        }
    }

    /// Whether `d` is a make-up workday (a weekend day that is worked).
    pub fn is_makeup_workday(&self, d: Date) -> bool {
        self.is_weekend(d)
            && self
                .days
                .get(&d)
                .is_some_and(|c| c.day_type == DayType::Workday)
    }

    /// Whether `d` is a day off (weekend or holiday).
    pub fn is_day_off(&self, d: Date) -> bool {
        self.day_type(d) != DayType::Workday
    }

    /// The long holidays overlapping `[from, to]` (with a margin): runs of at
    /// least `min_days` consecutive days off that contain a public holiday,
    /// as (first day, last day).
    pub fn long_holidays(&self, from: Date, to: Date, min_days: u32) -> Vec<(Date, Date)> {
        let margin = jiff::Span::new().days(40);
        let (Ok(start), Ok(end)) = (from.checked_sub(margin), to.checked_add(margin)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut d = start;
        while d <= end {
            if self.is_day_off(d) {
                let first = d;
                let mut last = d;
                let mut has_holiday = false;
                while d <= end && self.is_day_off(d) {
                    has_holiday |= self.day_type(d) == DayType::Holiday;
                    last = d;
                    d = d.tomorrow().unwrap_or(d);
                    if d == last {
                        break;
                    }
                }
                let len = (last - first).get_days() + 1;
                if has_holiday && len >= min_days as i32 {
                    out.push((first, last));
                }
            } else {
                d = match d.tomorrow() {
                    Ok(n) => n,
                    Err(_) => break,
                };
            }
        }
        out
    }

    /// The named holiday blocks of the calendar: each run of consecutive
    /// days off (weekend days included) that holds a public holiday with a
    /// name, named after its first named holiday, in date order. Spring
    /// Festival 2026 (`2026-02-15` to `2026-02-23`) is one block whatever
    /// its days' pay classes. Runs are followed at most 60 days each way.
    ///
    /// ```
    /// use wfm::core::calendar::Calendar;
    /// let csv = "date,day_type,name\n2026-05-01,statutory,Labour Day\n2026-05-04,holiday,Labour Day\n";
    /// let (cal, _) = Calendar::read(csv.as_bytes(), "cal").unwrap();
    /// let b = cal.named_blocks();
    /// // Friday 1 May, the weekend and Monday 4 May.
    /// assert_eq!((b[0].first.to_string(), b[0].last.to_string()), ("2026-05-01".into(), "2026-05-04".into()));
    /// assert_eq!(b[0].name, "Labour Day");
    /// ```
    pub fn named_blocks(&self) -> Vec<HolidayBlock> {
        let mut out: Vec<HolidayBlock> = Vec::new();
        for (d, c) in &self.days {
            if c.day_type != DayType::Holiday || c.name.trim().is_empty() {
                continue;
            }
            if out.last().is_some_and(|b| *d <= b.last) {
                continue;
            }
            let (mut first, mut last) = (*d, *d);
            for _ in 0..60 {
                match first.yesterday() {
                    Ok(p) if self.is_day_off(p) => first = p,
                    _ => break,
                }
            }
            for _ in 0..60 {
                match last.tomorrow() {
                    Ok(n) if self.is_day_off(n) => last = n,
                    _ => break,
                }
            }
            out.push(HolidayBlock {
                name: c.name.trim().to_string(),
                first,
                last,
            });
        }
        out
    }

    /// Writes the calendar CSV.
    pub fn write<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["date", "day_type", "name"])?;
        for (d, c) in &self.days {
            let t = if c.statutory {
                "statutory"
            } else {
                c.day_type.name()
            };
            out.write_record([d.to_string(), t.to_string(), c.name.clone()])?;
        }
        out.flush()
    }
}

/// Serde for an optional date written `YYYY-MM-DD` in a file, read in the
/// years of [`crate::core::textio::YEARS`] (`#[serde(with =
/// "crate::core::calendar::opt_date")]`): a date out of reason is an
/// error at its line, where the file is read.
pub mod opt_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Reads `"YYYY-MM-DD"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let s = String::deserialize(d)?;
        crate::core::textio::parse_date(&s)
            .map(Some)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "expected a date YYYY-MM-DD from 1900 to 2199, got {:?}",
                    crate::core::textio::shorten(&s, 60)
                ))
            })
    }

    /// Writes `"YYYY-MM-DD"` (only called for `Some`, with
    /// `skip_serializing_if = "Option::is_none"`).
    pub fn serialize<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn china_2026() -> Calendar {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calendar_china_2026.csv");
        Calendar::from_path(&path).unwrap().0
    }

    #[test]
    fn shipped_china_2026_calendar_matches_the_state_council_notice() {
        let c = china_2026();
        // Spring Festival: Feb 15 (Sun) – Feb 23 (Mon) off; Feb 14 and 28 (Sat) worked.
        assert_eq!(c.day_type(d("2026-02-15")), DayType::Holiday);
        assert_eq!(c.day_type(d("2026-02-23")), DayType::Holiday);
        assert_eq!(c.day_type(d("2026-02-24")), DayType::Workday);
        assert!(c.is_makeup_workday(d("2026-02-14")));
        assert!(c.is_makeup_workday(d("2026-02-28")));
        // National Day: Oct 1–7 off, Sep 20 (Sun) and Oct 10 (Sat) worked.
        assert_eq!(c.day_type(d("2026-10-07")), DayType::Holiday);
        assert!(c.is_makeup_workday(d("2026-09-20")));
        assert!(c.is_makeup_workday(d("2026-10-10")));
        // An ordinary weekend.
        assert_eq!(c.day_type(d("2026-03-14")), DayType::Weekend);
        let long = c.long_holidays(d("2026-01-01"), d("2026-12-31"), 5);
        assert!(long.contains(&(d("2026-02-15"), d("2026-02-23"))));
        assert!(long.contains(&(d("2026-10-01"), d("2026-10-07"))));
        assert!(long.contains(&(d("2026-05-01"), d("2026-05-05"))));
        assert_eq!(long.len(), 3);
    }

    #[test]
    fn unknown_day_type_names_line_and_column() {
        let e = Calendar::read("date,day_type\n2026-01-01,festival\n".as_bytes(), "cal.csv")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cal.csv:2: column 2 (day_type): expected a day type"),
            "{e}"
        );
    }
}
