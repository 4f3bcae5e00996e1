//! The agents CSV and the assignments CSV.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::LabourRules;
use crate::core::calendar::weekday;
use crate::core::input::{InputError, Warning};
use crate::core::textio::{csv_reader, each_record, format_time, parse_date, read_header};
use crate::supply::team::standing::{parse_breaks, parse_hm};

/// One named agent (a row of the agents CSV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Groups (skills) the agent may cover.
    pub groups: Vec<String>,
    /// Contract label fairness compares within (`full-time`, `part-time`).
    pub contract: String,
    /// Contracted paid hours per week (a target; see `contract_tolerance`).
    pub hours_per_week: f64,
    /// Seniority (larger: more senior), for leave priority.
    pub seniority: f64,
    /// Dates the agent cannot work, as inclusive ranges.
    pub unavailable: Vec<(Date, Date)>,
    /// Shift names wished.
    pub prefer_shifts: Vec<String>,
    /// Weekdays off wished (Monday = 0).
    pub prefer_days_off: Vec<usize>,
    /// Line of the agents CSV.
    pub line: u64,
}

impl Agent {
    /// The contract's working hours from `from` to `to`: `hours_per_week /
    /// 5` per working day of `calendar` (a day that is not a day off:
    /// weekends and holidays are off, make-up working days are not). Paid
    /// holidays and weekends carry no contracted hours, so a week with a
    /// statutory holiday asks for fewer (the standard working-hours
    /// system's 8 hours × 5 days).
    pub fn contract_hours(
        &self,
        calendar: &crate::core::calendar::Calendar,
        from: Date,
        to: Date,
    ) -> f64 {
        let mut n = 0u32;
        let mut d = from;
        while d <= to {
            if !calendar.is_day_off(d) {
                n += 1;
            }
            d = match d.tomorrow() {
                Ok(x) => x,
                Err(_) => break,
            };
        }
        self.hours_per_week / 5.0 * f64::from(n)
    }

    /// Whether the agent is unavailable on `d`.
    pub fn is_unavailable(&self, d: Date) -> bool {
        self.unavailable.iter().any(|&(a, b)| a <= d && d <= b)
    }
}

/// Reads the agents CSV (`agent` and `groups` required; `name, contract,
/// hours_per_week, seniority, unavailable, prefer` optional, unknown
/// columns warned): ids unique, `groups` and `unavailable` `;`-separated,
/// `unavailable` dates or ranges `A..B` that must not overlap, `prefer`
/// shift names and `days_off=sat,sun`.
pub fn read_agents<R: std::io::Read>(
    rdr: R,
    source: &str,
) -> Result<(Vec<Agent>, Vec<Warning>), InputError> {
    let mut rdr = csv_reader(rdr);
    let (headers, idx, warnings) = read_header(
        &mut rdr,
        source,
        &["agent", "groups"],
        &[
            "name",
            "contract",
            "hours_per_week",
            "seniority",
            "unavailable",
            "prefer",
        ],
    )?;
    let mut agents: Vec<Agent> = Vec::new();
    let mut seen = BTreeSet::new();
    each_record(&mut rdr, source, &headers, |cell| {
        let ai = idx[0].unwrap_or(0);
        let id = cell.text(ai, "an agent id")?;
        if !seen.insert(id.clone()) {
            return Err(cell.err(ai, "an agent id not used on an earlier line"));
        }
        let gi = idx[1].unwrap_or(0);
        let groups: Vec<String> = cell
            .raw(gi)
            .split(';')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
            .collect();
        if groups.is_empty() {
            return Err(cell.err(gi, "the groups the agent covers, separated by ;"));
        }
        let opt = |k: usize| idx[k].map(|i| cell.raw(i)).filter(|s| !s.is_empty());
        let name = opt(2).unwrap_or(&id).to_string();
        let contract = opt(3).unwrap_or("full-time").to_string();
        let hours_per_week = match idx[4] {
            Some(i) if !cell.raw(i).is_empty() => {
                cell.number(i, 0.0, "paid hours per week >= 0")?
            }
            _ => 40.0,
        };
        if hours_per_week > 168.0 {
            return Err(cell.err(idx[4].unwrap_or(0), "paid hours per week up to 168"));
        }
        let seniority = match idx[5] {
            Some(i) if !cell.raw(i).is_empty() => cell.number_in(
                i,
                -1e6,
                1e6,
                "a number from -1e6 to 1e6 (larger: more senior)",
            )?,
            _ => 0.0,
        };
        let mut unavailable: Vec<(Date, Date)> = Vec::new();
        if let Some(ui) = idx[6] {
            for part in cell
                .raw(ui)
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let (a, b) = match part.split_once("..") {
                    Some((a, b)) => (parse_date(a.trim()), parse_date(b.trim())),
                    None => (parse_date(part), parse_date(part)),
                };
                let (Some(a), Some(b)) = (a, b) else {
                    return Err(
                        cell.err(ui, "dates or ranges YYYY-MM-DD..YYYY-MM-DD separated by ;")
                    );
                };
                if b < a {
                    return Err(cell.err(ui, "ranges whose end is not before their start"));
                }
                if unavailable.iter().any(|&(x, y)| a <= y && x <= b) {
                    return Err(cell.err(ui, "dates and ranges that do not overlap"));
                }
                unavailable.push((a, b));
            }
        }
        let (mut prefer_shifts, mut prefer_days_off) = (Vec::new(), Vec::new());
        if let Some(pi) = idx[7] {
            for part in cell
                .raw(pi)
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match part.strip_prefix("days_off=") {
                    Some(days) => {
                        for d in days.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                            let w = weekday(d).ok_or_else(|| {
                                cell.err(pi, "shift names and days_off=mon,…,sun separated by ;")
                            })?;
                            prefer_days_off.push(w);
                        }
                    }
                    None => prefer_shifts.push(part.to_string()),
                }
            }
        }
        agents.push(Agent {
            id,
            name,
            groups,
            contract,
            hours_per_week,
            seniority,
            unavailable,
            prefer_shifts,
            prefer_days_off,
            line: cell.line,
        });
        Ok(())
    })?;
    if agents.is_empty() {
        return Err(InputError::file(source, "the agents file has no rows"));
    }
    Ok((agents, warnings))
}

/// Checks agents against the rules and the groups there are: an agent
/// whose contract exceeds `max_hours_week`, or who names a group that does
/// not exist, is an error at its line.
pub fn check_agents(
    agents: &[Agent],
    rules: &LabourRules,
    groups: &[&str],
    source: &str,
) -> Result<(), InputError> {
    for a in agents {
        if a.hours_per_week > rules.max_hours_week + 1e-9 {
            return Err(InputError::at(
                source,
                a.line,
                format!(
                    "agent {}: hours_per_week {} is above the rules' max_hours_week {}",
                    a.id, a.hours_per_week, rules.max_hours_week
                ),
            ));
        }
        if let Some(g) = a.groups.iter().find(|g| !groups.contains(&g.as_str())) {
            return Err(InputError::at(
                source,
                a.line,
                format!(
                    "agent {}: unknown group {g:?} (the requirement has {})",
                    a.id,
                    groups.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Every shift an agent prefers is a shift type of the rules: a misspelt
/// preference is an error at the agent's line, not a wish never met.
pub fn check_preferences(
    agents: &[Agent],
    shifts: &crate::optimize::shifts::ShiftRules,
    source: &str,
) -> Result<(), InputError> {
    for a in agents {
        if let Some(p) = a
            .prefer_shifts
            .iter()
            .find(|p| !shifts.shift.iter().any(|s| s.name == **p))
        {
            return Err(InputError::at(
                source,
                a.line,
                format!(
                    "agent {}: prefer: no shift {} in the shift rules (they have {})",
                    crate::core::textio::shorten(&a.id, 60),
                    crate::core::textio::shorten(p, 60),
                    shifts
                        .shift
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Working hours of a shift from `start_min` to `end_min` with `breaks`
/// (minutes): its length less the breaks of at least `meal_break_min`
/// minutes (none when it is 0), the hours the labour rules and the
/// contract count.
pub fn work_hours(start_min: u32, end_min: u32, breaks: &[(u32, u32)], meal_break_min: u32) -> f64 {
    let meals: u32 = breaks
        .iter()
        .map(|(a, b)| b.saturating_sub(*a))
        .filter(|m| meal_break_min > 0 && *m >= meal_break_min)
        .sum();
    f64::from(end_min.saturating_sub(start_min).saturating_sub(meals)) / 60.0
}

/// One shift of one agent (a row of `assignments.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Agent id.
    pub agent: String,
    /// The shift's start date.
    pub date: Date,
    /// Shift type name.
    pub shift: String,
    /// Start, minutes from the date's midnight.
    pub start_min: u32,
    /// End, minutes from the date's midnight (past 1440: the next day).
    pub end_min: u32,
    /// Breaks `(start, end)`, minutes from the date's midnight.
    pub breaks: Vec<(u32, u32)>,
    /// The group covered.
    pub group: String,
    /// Paid hours (start to end; breaks are paid, as in the shift rules).
    pub paid_h: f64,
    /// Line of the assignments CSV (0 when made here).
    pub line: u64,
}

impl Assignment {
    /// Working hours: the paid hours less the meal breaks (breaks of at
    /// least `meal_break_min` minutes; none when it is 0), the hours the
    /// labour rules and the contract count.
    ///
    /// ```
    /// use wfm::optimize::roster::Assignment;
    /// let a = Assignment {
    ///     agent: "A1".into(),
    ///     date: jiff::civil::date(2026, 9, 21),
    ///     shift: "early".into(),
    ///     start_min: 480,
    ///     end_min: 1020,
    ///     breaks: vec![(660, 720), (870, 900)],
    ///     group: "phone".into(),
    ///     paid_h: 9.0,
    ///     line: 0,
    /// };
    /// // Nine paid hours with a one-hour lunch: eight hours of work.
    /// assert_eq!(a.work_h(60), 8.0);
    /// assert_eq!(a.work_h(0), 9.0);
    /// ```
    pub fn work_h(&self, meal_break_min: u32) -> f64 {
        work_hours(self.start_min, self.end_min, &self.breaks, meal_break_min)
    }

    /// Start and end in minutes from the Unix epoch's date (for rest
    /// between shifts across days).
    pub fn span_abs(&self) -> (i64, i64) {
        let day = i64::from((self.date - Date::constant(1970, 1, 1)).get_days());
        (
            day * 1440 + i64::from(self.start_min),
            day * 1440 + i64::from(self.end_min),
        )
    }

    /// Whether the shift has a paid minute in 22:00–06:00.
    pub fn is_night(&self) -> bool {
        Self::night_minutes(self.start_min, self.end_min)
    }

    /// Whether `[start_min, end_min)` (minutes from a midnight) holds a
    /// minute in 22:00–06:00 of some day: unless it is empty, it does
    /// exactly when it does not lie inside one day's 06:00–22:00.
    pub fn night_minutes(start_min: u32, end_min: u32) -> bool {
        if end_min <= start_min {
            return false;
        }
        let s = start_min % 1440;
        !(360 <= s && s + (end_min - start_min) <= 1320)
    }
}

/// The columns of `assignments.csv` ([`Assignment`]'s `CsvRow`).
pub const ASSIGNMENT_COLUMNS: [&str; 8] =
    crate::io::table::names(<Assignment as crate::io::table::CsvRow>::COLUMNS);

/// A minute of the day (or past midnight) as `HH:MM`.
fn hm(m: u32) -> String {
    let m = m % 1440;
    format_time(jiff::civil::Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap_or_default())
}

/// `assignments.csv`: one row per shift given to an agent.
impl crate::io::table::CsvRow for Assignment {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("agent", |a| a.agent.clone()),
        ("date", |a| a.date.to_string()),
        ("shift", |a| a.shift.clone()),
        ("start", |a| hm(a.start_min)),
        ("end", |a| hm(a.end_min)),
        ("breaks", |a| {
            let breaks: Vec<String> = a
                .breaks
                .iter()
                .map(|&(x, y)| format!("{}-{}", hm(x), hm(y)))
                .collect();
            breaks.join(";")
        }),
        ("group", |a| a.group.clone()),
        ("paid_h", |a| crate::core::textio::fmt_num(a.paid_h, 2)),
    ];
}

/// Reads `assignments.csv` (as [`write_assignments`] writes it).
pub fn read_assignments<R: std::io::Read>(
    rdr: R,
    source: &str,
) -> Result<(Vec<Assignment>, Vec<Warning>), InputError> {
    let mut rdr = csv_reader(rdr);
    let (headers, idx, warnings) = read_header(
        &mut rdr,
        source,
        &["agent", "date", "shift", "start", "end", "group"],
        &["breaks", "paid_h"],
    )?;
    let mut out = Vec::new();
    each_record(&mut rdr, source, &headers, |cell| {
        let agent = cell.text(idx[0].unwrap_or(0), "an agent id")?;
        let date = cell.date(idx[1].unwrap_or(0))?;
        let shift = cell.text(idx[2].unwrap_or(0), "a shift name")?;
        let hm = |i: usize| parse_hm(cell.raw(i)).ok_or_else(|| cell.err(i, "a time HH:MM"));
        let start_min = hm(idx[3].unwrap_or(0))?;
        let mut end_min = hm(idx[4].unwrap_or(0))?;
        if end_min <= start_min {
            end_min += 1440;
        }
        let breaks = match idx[6] {
            Some(bi) => {
                parse_breaks(cell.raw(bi), start_min, end_min).map_err(|e| cell.err(bi, e))?
            }
            None => Vec::new(),
        };
        let group = cell.text(idx[5].unwrap_or(0), "a group")?;
        let paid_h = f64::from(end_min - start_min) / 60.0;
        // A paid_h column, when there, is the shift's length (as written
        // by `wfm roster`): anything else is a broken or edited file.
        if let Some(pi) = idx[7].filter(|&i| !cell.raw(i).is_empty()) {
            let given = cell.number_in(pi, 0.0, 24.0, "paid hours from 0 to 24")?;
            if (given - paid_h).abs() > 0.01 {
                return Err(cell.err(
                    pi,
                    &format!(
                        "the shift's {} paid hours from start to end",
                        crate::core::textio::fmt_num(paid_h, 2)
                    ),
                ));
            }
        }
        out.push(Assignment {
            agent,
            date,
            shift,
            start_min,
            end_min,
            breaks,
            group,
            paid_h,
            line: cell.line,
        });
        Ok(())
    })?;
    Ok((out, warnings))
}

/// Writes `assignments.csv` (columns: [`Assignment`]'s `CsvRow`).
pub fn write_assignments<W: std::io::Write>(w: W, rows: &[Assignment]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}
