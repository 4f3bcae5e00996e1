//! Shift rules: shift types, breaks, premiums, opening hours and the weekly
//! days-off rule, from a TOML file, and the candidate shifts they allow.
//!
//! ```toml
//! [[shift]]
//! name = "early"
//! earliest_start = "07:00"
//! latest_start = "09:00"
//! start_step_min = 30
//! length_min = 540          # paid length, breaks included
//! cost_per_hour = 1.0
//! channels = ["phone"]      # optional: the channels (or groups) it may cover; default all
//! min_agents = 0            # optional, per day
//! max_agents = 40           # optional, per day
//! [[shift.break]]
//! length_min = 60
//! window_start_min = 180    # the break starts at least this long after the shift starts
//! window_end_min = 300      # and at most this long after
//!
//! [[premium]]               # cost multipliers by time window
//! name = "night"
//! start = "22:00"
//! end = "07:00"
//! multiplier = 1.5
//! [[premium]]
//! name = "weekend"
//! days = ["sat", "sun"]
//! multiplier = 1.25
//!
//! [open.phone]              # opening hours: no coverage needed or paid outside
//! start = "08:00"
//! end = "21:00"
//!
//! [weekly]                  # optional: a weekly roster with days off
//! max_days = 5
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::calendar::weekday_index;
use crate::core::input::InputError;
use crate::core::textio::{minute_of_day, parse_time};
mod candidates;

mod check;

fn step30() -> u32 {
    30
}
fn five() -> u32 {
    5
}
fn yes() -> bool {
    true
}

/// A shift rules file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftRules {
    /// Shift types.
    #[serde(default)]
    pub shift: Vec<ShiftType>,
    /// Cost multipliers by time window or weekday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub premium: Vec<Premium>,
    /// Opening hours per channel or group.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub open: BTreeMap<String, OpenHours>,
    /// The weekly days-off rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly: Option<Weekly>,
    /// A calendar CSV (relative to the rules file) for `[[premium]]
    /// day_types`; without one, holiday premiums only apply where the
    /// caller gives a calendar ([`ShiftRules::with_calendar`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// The calendar premiums are priced with (loaded from `calendar`, or given).
    #[serde(skip)]
    pub calendar_data: crate::core::calendar::Calendar,
}

/// A shift type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftType {
    /// Name, written in the roster.
    pub name: String,
    /// Earliest start, `HH:MM`.
    pub earliest_start: String,
    /// Latest start, `HH:MM` (before `earliest_start` means the next day).
    pub latest_start: String,
    /// Minutes between candidate starts.
    #[serde(default = "step30")]
    pub start_step_min: u32,
    /// Paid length, breaks included, minutes.
    pub length_min: u32,
    /// Cost per paid hour.
    pub cost_per_hour: f64,
    /// Channels (or groups) it may cover; all when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// Fewest agents on this type per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_agents: Option<u32>,
    /// Most agents on this type per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_agents: Option<u32>,
    /// Breaks, in the order they are taken.
    #[serde(default, rename = "break", skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakRule>,
}

/// A break inside a shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakRule {
    /// Length, minutes.
    pub length_min: u32,
    /// Earliest start, minutes after the shift starts.
    pub window_start_min: u32,
    /// Latest start, minutes after the shift starts.
    pub window_end_min: u32,
}

/// A cost multiplier on the paid minutes inside a time window and/or on
/// given weekdays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Premium {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Window start `HH:MM` (with `end`); all day when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Window end `HH:MM`, exclusive; before `start` wraps past midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Weekdays (`mon` … `sun`); every day when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<String>>,
    /// Pay classes of the day ([`crate::core::calendar::PayClass`]: `workday`,
    /// `makeup`, `weekend`, `holiday`, `statutory`); every day when left
    /// out. With `days` too, both must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_types: Option<Vec<String>>,
    /// The multiplier: premiums that apply together multiply.
    pub multiplier: f64,
}

/// Opening hours of a channel or group, every day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenHours {
    /// Opening time `HH:MM`.
    pub start: String,
    /// Closing time `HH:MM` (`24:00` allowed).
    pub end: String,
    /// Whether shifts covering it must start and end inside the hours.
    #[serde(default = "yes")]
    pub shifts_inside: bool,
}

/// The weekly roster rule: each agent works at most `max_days` of 7 days,
/// with days off from the given patterns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weekly {
    /// Working days per week at most.
    #[serde(default = "five")]
    pub max_days: u32,
    /// Days-off patterns, e.g. `["sat,sun", "sun,mon"]`; default: every run
    /// of `7 − max_days` consecutive days (wrapping over the week).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_off: Option<Vec<String>>,
    /// At most this many agents per channel on the roster (a headcount cap);
    /// coverage that needs more is reported as a shortfall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_headcount: Option<u32>,
}

/// A candidate shift: a type, a day, a start and break positions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Index of the shift type.
    pub shift: usize,
    /// Index of the day in the horizon.
    pub day: usize,
    /// First interval (index in the horizon).
    pub start: usize,
    /// One past the last interval.
    pub end: usize,
    /// Break intervals `(first, end)`.
    pub breaks: Vec<(usize, usize)>,
    /// Cost in the rules' money: paid hours × `cost_per_hour` × premiums.
    pub cost: f64,
    /// The cost in units of the rules' cheapest hour
    /// ([`ShiftRules::cost_unit`]): what the optimizers minimize, so that
    /// their search (tolerances, ties, branching) does not depend on the
    /// currency the rules are priced in. `cost = weight × cost_unit`.
    pub weight: f64,
}

impl Candidate {
    /// Whether the candidate works (is present and not on a break) in interval t.
    pub fn works(&self, t: usize) -> bool {
        t >= self.start && t < self.end && !self.breaks.iter().any(|&(a, b)| t >= a && t < b)
    }
}

impl ShiftRules {
    /// The money of the rules' cheapest hour: the least positive
    /// `cost_per_hour` of its shift types (1 when none is positive).
    /// Optimizers work in this unit ([`Candidate::weight`]), so rules priced
    /// at 45 and 51.75 yuan give the same rosters as rules priced at 1 and
    /// 1.15.
    pub fn cost_unit(&self) -> f64 {
        let least = self
            .shift
            .iter()
            .map(|s| s.cost_per_hour)
            .filter(|c| *c > 0.0)
            .fold(f64::INFINITY, f64::min);
        if least.is_finite() {
            least
        } else {
            1.0
        }
    }
}

/// The default bound on candidate shifts per channel
/// ([`ShiftRules::candidates`]): two million.
pub const DEFAULT_MAX_CANDIDATES: usize = 2_000_000;

/// The highest `cost_per_hour` accepted: a million per hour. Costs far
/// beyond any wage only destroy the solver's numerics.
pub const MAX_COST_PER_HOUR: f64 = 1e6;

/// The highest premium multiplier accepted.
pub const MAX_MULTIPLIER: f64 = 100.0;

fn hhmm(s: &str, source: &str, key: &str) -> Result<u32, InputError> {
    if s.trim() == "24:00" {
        return Ok(1440);
    }
    parse_time(s)
        .map(minute_of_day)
        .ok_or_else(|| InputError::at_key(source, key, format!("expected a time HH:MM, got {s:?}")))
}

pub use crate::core::calendar::weekday;

impl ShiftRules {
    /// Parses the TOML text; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self, InputError> {
        let r: ShiftRules =
            toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))?;
        r.check(source)?;
        Ok(r)
    }

    /// Reads a shift rules file.
    pub fn from_path(path: &Path) -> Result<Self, InputError> {
        let text = crate::core::textio::read_text(path)?;
        let mut rules = Self::parse(&text, &path.display().to_string())?;
        if let Some(c) = &rules.calendar {
            let dir = path.parent().unwrap_or(Path::new(""));
            rules.calendar_data =
                crate::core::calendar::Calendar::from_path(&crate::core::textio::resolve(dir, c))?
                    .0;
        }
        Ok(rules)
    }

    /// The opening hours of `channel` in minutes since midnight
    /// `(open, close)`, `close` up to 1440 (`24:00`); `None` when the
    /// channel has no `[open.CHANNEL]` table (open all day). The one parser
    /// of opening hours: errors name `source` and the key.
    pub fn open_minutes(
        &self,
        channel: &str,
        source: &str,
    ) -> Result<Option<(u32, u32)>, InputError> {
        let Some(o) = self.open.get(channel) else {
            return Ok(None);
        };
        let a = hhmm(&o.start, source, &format!("[open.{channel}] start"))?;
        let b = hhmm(&o.end, source, &format!("[open.{channel}] end"))?;
        if b <= a {
            return Err(InputError::at_key(
                source,
                format!("[open.{channel}] end"),
                format!("expected a closing time after {}, got {}", o.start, o.end),
            ));
        }
        Ok(Some((a, b)))
    }

    /// The `[open.NAME]` tables that name none of `channels`.
    pub fn unused_open<'a>(&'a self, channels: &[&str]) -> Vec<&'a str> {
        self.open
            .keys()
            .map(String::as_str)
            .filter(|n| !channels.contains(n))
            .collect()
    }

    /// The days-off patterns as working-day masks (Monday = bit 0).
    pub fn work_patterns(&self) -> Vec<u8> {
        let Some(w) = &self.weekly else {
            return Vec::new();
        };
        match &w.days_off {
            Some(list) => list
                .iter()
                .map(|p| {
                    let off: u8 = p
                        .split(',')
                        .filter_map(weekday)
                        .fold(0, |m, d| m | (1 << d));
                    !off & 0x7f
                })
                .collect(),
            None => {
                let off_days = 7 - w.max_days as usize;
                (0..7)
                    .map(|first| {
                        let off: u8 = (0..off_days).fold(0, |m, k| m | (1 << ((first + k) % 7)));
                        !off & 0x7f
                    })
                    .collect::<std::collections::BTreeSet<u8>>()
                    .into_iter()
                    .collect()
            }
        }
    }

    /// The rules with `calendar` for `[[premium]] day_types` (replacing
    /// the one the file names, if any).
    pub fn with_calendar(mut self, calendar: crate::core::calendar::Calendar) -> Self {
        self.calendar_data = calendar;
        self
    }

    /// The cost of one shift of type `shift` starting on `date`, worked
    /// from `start_min` to `end_min` (minutes from that date's midnight,
    /// past 1440 the next day): its `cost_per_hour` × each paid minute's
    /// premium multiplier / 60, as the optimizer prices its candidates
    /// (breaks are paid). `None` for an unknown type.
    pub fn cost_of(&self, shift: &str, date: Date, start_min: u32, end_min: u32) -> Option<f64> {
        let s = self.shift.iter().find(|s| s.name == shift)?;
        let next = date.tomorrow().unwrap_or(date);
        let weight: f64 = (start_min..end_min)
            .map(|m| {
                let day = if m >= 1440 { next } else { date };
                self.multiplier(day, m % 1440)
            })
            .sum();
        Some(s.cost_per_hour * weight / 60.0)
    }

    /// The cost multiplier of minute `m` (0..1440) of date `date`.
    pub fn multiplier(&self, date: Date, m: u32) -> f64 {
        let wd = weekday_index(date);
        let class = self.calendar_data.pay_class(date);
        let mut f = 1.0;
        for p in &self.premium {
            if let Some(days) = &p.days {
                if !days.iter().filter_map(|d| weekday(d)).any(|d| d == wd) {
                    continue;
                }
            }
            if let Some(types) = &p.day_types {
                if !types
                    .iter()
                    .filter_map(|t| crate::core::calendar::PayClass::parse(t))
                    .any(|t| t == class)
                {
                    continue;
                }
            }
            if let (Some(a), Some(b)) = (&p.start, &p.end) {
                let a = hhmm(a, "", "").unwrap_or(0);
                let b = hhmm(b, "", "").unwrap_or(0);
                let inside = if a <= b {
                    m >= a && m < b
                } else {
                    m >= a || m < b
                };
                if !inside {
                    continue;
                }
            }
            f *= p.multiplier;
        }
        f
    }
}

#[cfg(test)]
mod tests;
