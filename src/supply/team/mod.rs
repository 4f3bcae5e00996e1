//! The team as it is: agents on the books, their standing roster, leave and
//! headcount changes, turned into the agents available in every interval.
//!
//! A team file (TOML) has one table per agent group:
//!
//! ```toml
//! calendar = "calendar_china_2026.csv"   # optional; paths relative to this file
//!
//! [group.phone]
//! channels = ["phone"]            # default: the group's name
//! headcount = 120                 # agents on the books at the start of the review
//! roster = "week_roster.csv"      # the standing roster for one typical week
//! concurrency = 1                 # as in the channels file, for chat groups
//! max_overtime_h_day = 2          # overtime an agent may add per day
//! makeup_weekday = "mon"          # roster weekday worked on make-up workdays
//! holiday_weekday = "sun"         # roster weekday worked on holidays
//!
//! [[group.phone.leave]]           # agents away; overlapping leave adds up
//! from = "2026-02-13"
//! to = "2026-02-22"
//! agents = 45                     # or share = 0.35 of the headcount
//!
//! [[group.phone.change]]          # headcount changes from a date on
//! date = "2026-02-24"
//! share = -0.08                   # or agents = 20 (hires)
//! aht_factor = [1.4, 1.2, 1.1]    # hires' AHT multiplier by week after joining
//! ```
//!
//! # From the standing roster to the agents available
//! The roster is `wfm schedule`'s roster CSV
//! (`date,shift,start,end,agents,breaks,channel`) for one typical week; its
//! rows for the group (the `channel` column naming the group or one of its
//! channels) are kept by weekday. On date `d` of the review the roster of a
//! weekday is worked: `d`'s own, `makeup_weekday`'s on a make-up workday,
//! `holiday_weekday`'s on a holiday (statutory or not) of the calendar.
//!
//! Agents on the books on `d`: `H(d) = headcount + Σ changes on or before d`
//! (`agents`, or `share × headcount`, rounded to the nearest agent).
//! Available: `A(d) = H(d) − Σ leave covering d` (same rounding); leave above
//! the agents on the books is an error. The roster is scaled by
//! `r = A(d) / headcount`: its `N` agents become `T = ⌊N·r + ½⌋`, shared
//! among its rows by the **largest-remainder method**: row i first gets
//! `⌊n_i·r⌋`, then the `T − Σ⌊n_i·r⌋` agents left go one each to the rows
//! with the largest fractional parts `n_i·r − ⌊n_i·r⌋`, earlier rows first
//! on ties. So the day's total is exactly `T` and no row moves by more than
//! one agent from its exact share.
//!
//! Each scaled row then covers the intervals from its start to its end (past
//! midnight into the next day) less its breaks: the result is the agents on
//! duty per interval, in the `date,time,group,agents` format of
//! `wfm simulate --staffing`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::calendar::weekday;
use crate::core::calendar::{weekday_index, Calendar, DayType};
use crate::core::input::{InputError, Warning};
use crate::core::textio::{minute_of_day, parse_date, resolve};
use crate::models::requirement::{StaffingRow, StaffingTable};
use crate::optimize::shifts::ShiftRules;

mod build;

/// A team file as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    /// Calendar CSV (relative to the team file): make-up workdays and holidays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// The groups, by name.
    #[serde(default)]
    pub group: BTreeMap<String, TeamGroup>,
}

/// One agent group of the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamGroup {
    /// Channels the group serves (default: the group's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// Agents on the books at the start of the review.
    pub headcount: u32,
    /// The standing roster CSV for one typical week (relative to the team file).
    pub roster: String,
    /// Contacts one agent handles at once (chat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Overtime an agent may add per day, hours.
    #[serde(default)]
    pub max_overtime_h_day: f64,
    /// The roster weekday worked on make-up workdays (`mon` … `sun`; default `mon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub makeup_weekday: Option<String>,
    /// The roster weekday worked on holidays (default `sun`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday_weekday: Option<String>,
    /// Leave: agents away.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave: Vec<Leave>,
    /// Headcount changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub change: Vec<Change>,
}

/// Agents away from `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leave {
    /// First day away, `YYYY-MM-DD`.
    pub from: String,
    /// Last day away, inclusive.
    pub to: String,
    /// Agents away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<u32>,
    /// Or a share of the headcount, in `[0, 1]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// A headcount change from `date` on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The first day with the new headcount.
    pub date: String,
    /// Agents added (negative: leavers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<i64>,
    /// Or a share of the headcount (negative: leavers), in `[-1, 10]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// New hires' AHT multiplier by week after `date` (week 1 first);
    /// after the last week they work at the team's AHT.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aht_factor: Vec<f64>,
}

/// One row of a standing roster, placed on its weekday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterShift {
    /// Monday = 0 … Sunday = 6.
    pub weekday: usize,
    /// Shift type name.
    pub shift: String,
    /// Start, minutes from the day's midnight.
    pub start_min: u32,
    /// End, minutes from the day's midnight (past 1440 into the next day).
    pub end_min: u32,
    /// Breaks `(start, end)`, minutes from the day's midnight.
    pub breaks: Vec<(u32, u32)>,
    /// Agents on the shift.
    pub agents: u32,
    /// Line of the roster CSV.
    pub line: u64,
}

impl RosterShift {
    /// Whether the shift works (is present, not on a break) at minute `m`
    /// from its day's midnight.
    pub fn works(&self, m: u32) -> bool {
        m >= self.start_min
            && m < self.end_min
            && !self.breaks.iter().any(|&(a, b)| m >= a && m < b)
    }

    /// Paid hours of one agent (start to end; breaks are paid, as in the
    /// shift rules' `length_min`).
    pub fn paid_hours(&self) -> f64 {
        f64::from(self.end_min.saturating_sub(self.start_min)) / 60.0
    }
}

/// A group of a loaded team: its settings and its roster by weekday.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSupply {
    /// The group's name.
    pub name: String,
    /// Channels it serves.
    pub channels: Vec<String>,
    /// The settings as written.
    pub spec: TeamGroup,
    /// The standing roster's rows.
    pub roster: Vec<RosterShift>,
    /// The roster the group's people work, date by date, when it was
    /// scheduled for them ([`Team::scheduled`]); it replaces the standing
    /// roster replayed by weekday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dated: Option<BTreeMap<Date, Vec<RosterShift>>>,
    /// Parsed leave `(from, to, agents)` and changes `(date, agents, aht_factor)`.
    leave: Vec<(Date, Date, u32)>,
    changes: Vec<(Date, i64, Vec<f64>)>,
    makeup_weekday: usize,
    holiday_weekday: usize,
}

/// A team, loaded and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    /// Where it came from, for errors.
    pub source: String,
    /// The calendar (empty without one).
    pub calendar: Calendar,
    /// The groups, by name.
    pub groups: BTreeMap<String, GroupSupply>,
}

/// What the team supplies over a review: agents on duty per interval, and
/// per day and group the agents, paid hours and cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Supply {
    /// Agents on duty (not on a break) per interval and group.
    pub staffing: StaffingTable,
    /// Per day and group.
    pub days: Vec<DaySupply>,
}

/// Levers on the supply, for what-ifs: overtime on the rostered shifts and
/// temporary shifts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Levers {
    /// Every rostered agent of `group` works `minutes` more at the end of
    /// the shift on the days `from..=to` (capped by the group's
    /// `max_overtime_h_day`). Overtime minutes on a workday or make-up day
    /// are paid 150% (Labour Law art. 44); on rest days and statutory
    /// holidays the day's premium applies.
    pub overtime: Vec<OvertimeLever>,
    /// `agents` extra agents of `group` work `shift` on the days `from..=to`.
    pub temporary: Vec<TemporaryLever>,
}

/// Overtime of one group over some days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OvertimeLever {
    /// Group.
    pub group: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Minutes per agent per day.
    pub minutes: u32,
}

/// Temporary agents of one group over some days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemporaryLever {
    /// Group.
    pub group: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Agents a day.
    pub agents: u32,
    /// The shift they work (its times and breaks; weekday ignored).
    pub shift: RosterShift,
}

impl TemporaryLever {
    /// The shift type `name` of `rules` as worked by temporary agents: from
    /// its earliest start, each break at the start of its window.
    pub fn shift_from_rules(rules: &ShiftRules, name: &str) -> Option<RosterShift> {
        let s = rules.shift.iter().find(|s| s.name == name)?;
        let start = crate::core::textio::parse_time(&s.earliest_start).map(minute_of_day)?;
        let mut breaks = Vec::new();
        let mut free = 0;
        for b in &s.breaks {
            let at = b.window_start_min.max(free);
            breaks.push((start + at, start + at + b.length_min));
            free = at + b.length_min;
        }
        Some(RosterShift {
            weekday: 0,
            shift: s.name.clone(),
            start_min: start,
            end_min: start + s.length_min,
            breaks,
            agents: 0,
            line: 0,
        })
    }
}

/// One day of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySupply {
    /// Date.
    pub date: Date,
    /// Group.
    pub group: String,
    /// The roster weekday worked (Monday = 0).
    pub roster_weekday: usize,
    /// Agents on the books.
    pub on_books: u32,
    /// Agents on leave.
    pub on_leave: u32,
    /// Agents rostered that day after scaling.
    pub rostered: u32,
    /// Paid hours of the shifts starting that day.
    pub paid_hours: f64,
    /// Their cost with premiums (holiday pay), in cost units.
    pub cost: f64,
}

fn bad(source: &str, key: String, msg: impl Into<String>) -> InputError {
    InputError::at_key(source, key, msg)
}

/// Shares `n` scaled by `ratio` so that the total is `⌊N·ratio + ½⌋`, by the
/// largest-remainder method (ties: earlier rows first).
///
/// ```
/// use wfm::supply::team::scale_counts;
/// // 10 + 7 + 3 agents at 65%: 6.5, 4.55, 1.95 → total 13 = 6 + 4 + 1 + 2 left,
/// // to the largest remainders .95 and .55.
/// assert_eq!(scale_counts(&[10, 7, 3], 0.65), vec![6, 5, 2]);
/// ```
pub fn scale_counts(n: &[u32], ratio: f64) -> Vec<u32> {
    let ratio = if ratio.is_finite() {
        ratio.max(0.0)
    } else {
        0.0
    };
    let total: f64 = n.iter().map(|&x| f64::from(x)).sum();
    let target = (total * ratio + 0.5).floor() as u64;
    let exact: Vec<f64> = n.iter().map(|&x| f64::from(x) * ratio).collect();
    let mut out: Vec<u32> = exact.iter().map(|e| e.floor() as u32).collect();
    let given: u64 = out.iter().map(|&x| u64::from(x)).sum();
    let mut order: Vec<usize> = (0..n.len()).collect();
    // Largest fractional part first; earlier rows first on ties.
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().take(target.saturating_sub(given) as usize) {
        out[i] += 1;
    }
    out
}

impl Team {
    /// The leave of group `g` as parsed: `(first day, last day, agents)`
    /// (a share is turned into agents of the headcount).
    pub fn leave_of<'a>(&self, g: &'a GroupSupply) -> &'a [(Date, Date, u32)] {
        &g.leave
    }

    /// The headcount changes of group `g` as parsed: `(date, agents,
    /// AHT multipliers by week)`.
    pub fn changes_of<'a>(&self, g: &'a GroupSupply) -> &'a [(Date, i64, Vec<f64>)] {
        &g.changes
    }

    /// The group that serves `channel`, if any.
    pub fn group_of(&self, channel: &str) -> Option<&GroupSupply> {
        self.groups
            .values()
            .find(|g| g.channels.iter().any(|c| c == channel))
    }

    /// The agents a team supplies from `from` to `to` on intervals of
    /// `interval_min` minutes, with the cost of their shifts under `rules`
    /// (premiums priced with the team's calendar unless the rules have one).
    pub fn supply(
        &self,
        from: Date,
        to: Date,
        interval_min: u32,
        rules: &ShiftRules,
    ) -> Result<Supply, InputError> {
        self.supply_with(from, to, interval_min, rules, &Levers::default())
    }

    /// As [`Team::supply`], with `levers` (overtime, temporary shifts).
    pub fn supply_with(
        &self,
        from: Date,
        to: Date,
        interval_min: u32,
        rules: &ShiftRules,
        levers: &Levers,
    ) -> Result<Supply, InputError> {
        let grid = crate::core::grid::IntervalGrid::covering(interval_min, from, to)
            .map_err(|e| InputError::file(&self.source, format!("{from} to {to}: {e}")))?;
        let priced;
        let rules = if rules.calendar.is_none() {
            priced = rules.clone().with_calendar(self.calendar.clone());
            &priced
        } else {
            rules
        };
        let per_day = grid.per_day();
        let mut staffing = StaffingTable::default();
        let mut days = Vec::new();
        for g in self.groups.values() {
            let mut on_duty = vec![0u32; grid.len()];
            // The day before the review too: its night shifts reach into the first day.
            let mut d = from.yesterday().unwrap_or(from);
            while d <= to {
                let (scaled, day) = self.scaled_day(g, d, rules, levers)?;
                if d >= from {
                    days.push(day);
                }
                let base = (d - from).get_days() as i64 * per_day as i64;
                for (r, n) in &scaled {
                    if *n == 0 {
                        continue;
                    }
                    let mut m = r.start_min - r.start_min % interval_min;
                    while m < r.end_min {
                        if r.works(m) {
                            let i = base + i64::from(m / interval_min);
                            if i >= 0 && (i as usize) < on_duty.len() {
                                on_duty[i as usize] = on_duty[i as usize].saturating_add(*n);
                            }
                        }
                        m += interval_min;
                    }
                }
                d = match d.tomorrow() {
                    Ok(n) => n,
                    Err(_) => break,
                };
            }
            for (i, &n) in on_duty.iter().enumerate() {
                if let Some((date, time)) = grid.at(i) {
                    staffing.rows.push(StaffingRow::new(date, time, &g.name, n));
                }
            }
        }
        Ok(Supply { staffing, days })
    }

    /// Agents on the books and on leave of group `g` on `d`.
    pub fn headcount_on(&self, g: &GroupSupply, d: Date) -> Result<(u32, u32), InputError> {
        let books: i64 = i64::from(g.spec.headcount)
            + g.changes
                .iter()
                .filter(|c| c.0 <= d)
                .map(|c| c.1)
                .sum::<i64>();
        let books = books.max(0);
        let away: i64 = g
            .leave
            .iter()
            .filter(|l| l.0 <= d && d <= l.1)
            .map(|l| i64::from(l.2))
            .sum();
        if away > books {
            return Err(bad(
                &self.source,
                format!("[[group.{}.leave]]", g.name),
                format!("{away} agents on leave on {d}, more than the {books} on the books"),
            ));
        }
        Ok((books.min(i64::from(u32::MAX)) as u32, away as u32))
    }

    /// The roster weekday group `g` works on `d`.
    pub fn roster_weekday(&self, g: &GroupSupply, d: Date) -> usize {
        if self.calendar.is_makeup_workday(d) {
            g.makeup_weekday
        } else if self.calendar.day_type(d) == DayType::Holiday {
            g.holiday_weekday
        } else {
            weekday_index(d)
        }
    }

    /// AHT multiplier of group `g` on `d`: hires of a change with
    /// `aht_factor` work slower in their first weeks; the group's AHT is the
    /// head-weighted mean `(H₀ + Σ hires·f_w) / (H₀ + Σ hires)`.
    pub fn aht_factor(&self, g: &GroupSupply, d: Date) -> f64 {
        let mut weight = f64::from(g.spec.headcount);
        let mut total = weight;
        for (date, n, f) in &g.changes {
            if *n <= 0 || *date > d || f.is_empty() {
                continue;
            }
            let week = ((d - *date).get_days() / 7) as usize;
            let factor = f.get(week).copied().unwrap_or(1.0);
            weight += *n as f64 * factor;
            total += *n as f64;
        }
        if total > 0.0 {
            weight / total
        } else {
            1.0
        }
    }

    fn scaled_day(
        &self,
        g: &GroupSupply,
        d: Date,
        rules: &ShiftRules,
        levers: &Levers,
    ) -> Result<(Vec<(RosterShift, u32)>, DaySupply), InputError> {
        let (books, away) = self.headcount_on(g, d)?;
        let wd = self.roster_weekday(g, d);
        let mut rows: Vec<(RosterShift, u32)> = match &g.dated {
            // Scheduled for the people available: worked as it is.
            Some(dated) => dated
                .get(&d)
                .into_iter()
                .flatten()
                .map(|r| (r.clone(), r.agents))
                .collect(),
            None => {
                let rows: Vec<&RosterShift> = g.roster.iter().filter(|r| r.weekday == wd).collect();
                let ratio = f64::from(books - away) / f64::from(g.spec.headcount);
                let counts =
                    scale_counts(&rows.iter().map(|r| r.agents).collect::<Vec<_>>(), ratio);
                rows.into_iter().cloned().zip(counts).collect()
            }
        };
        // Overtime: every rostered agent stays longer.
        let extra: u32 = levers
            .overtime
            .iter()
            .filter(|o| o.group == g.name && o.from <= d && d <= o.to)
            .map(|o| o.minutes)
            .sum::<u32>()
            .min((g.spec.max_overtime_h_day * 60.0).round() as u32);
        let mut overtime_minutes = Vec::new();
        if extra > 0 {
            for (r, _) in &mut rows {
                overtime_minutes.push((r.end_min, r.end_min + extra));
                r.end_min += extra;
            }
        }
        // Temporary shifts.
        for t in levers
            .temporary
            .iter()
            .filter(|t| t.group == g.name && t.from <= d && d <= t.to && t.agents > 0)
        {
            overtime_minutes.push((0, 0));
            rows.push((t.shift.clone(), t.agents));
        }
        let mut paid_hours = 0.0;
        let mut cost = 0.0;
        let next = d.tomorrow().unwrap_or(d);
        for (k, (r, n)) in rows.iter().enumerate() {
            let n = *n;
            paid_hours += r.paid_hours() * f64::from(n);
            let rate = rules
                .shift
                .iter()
                .find(|s| s.name == r.shift)
                .map_or(0.0, |s| s.cost_per_hour);
            let (ot_a, ot_b) = if extra > 0 {
                overtime_minutes.get(k).copied().unwrap_or((0, 0))
            } else {
                (0, 0)
            };
            let mut c = 0.0;
            for m in r.start_min..r.end_min {
                let day = if m >= 1440 { next } else { d };
                let overtime = m >= ot_a && m < ot_b;
                let class = rules.calendar_data.pay_class(day);
                let ot = if overtime
                    && matches!(
                        class,
                        crate::core::calendar::PayClass::Workday
                            | crate::core::calendar::PayClass::Makeup
                    ) {
                    1.5
                } else {
                    1.0
                };
                c += rate / 60.0 * rules.multiplier(day, m % 1440) * ot;
            }
            cost += c * f64::from(n);
        }
        let counts: Vec<u32> = rows.iter().map(|r| r.1).collect();
        let day = DaySupply {
            date: d,
            group: g.name.clone(),
            roster_weekday: wd,
            on_books: books,
            on_leave: away,
            rostered: counts.iter().sum(),
            paid_hours,
            cost,
        };
        Ok((rows, day))
    }
}

mod scheduled;
pub(crate) mod standing;
pub use standing::{read_roster, RosterRows};

#[cfg(test)]
mod tests;
