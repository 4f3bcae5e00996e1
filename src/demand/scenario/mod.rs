//! The scenario file: a center's demand over a date range, per channel.
//!
//! A scenario is what a planner knows about demand — base volumes, the weekly
//! and daily rhythm, repayment dates, month-end, holidays and one-off events —
//! written as TOML. [`Scenario::forecast`] turns it into expected volumes per
//! interval (the forecast CSV of `wfm staff`).
//!
//! # How factors combine
//! All factors multiply. The expected volume of channel c in interval t of
//! date d is
//!
//! ```text
//! daily_volume(c)
//!   × growth          (1 + weekly_growth)^(weeks since base_date), the weeks
//!                     after it damped by trend_damping
//!   × day factor      dow_factors[weekday] on workdays and weekends,
//!                     makeup_factor on make-up workdays, holiday_factor on holidays
//!   × repayment       per product: the largest day_factors entry whose offset
//!                     matches d (products multiply with each other)
//!   × month-end       factor on the last `days` days of the month
//!   × around holidays before_factor / after_factor on the workdays just
//!                     before and after a long holiday
//!   × holiday profile per named holiday of the calendar, its factor on the
//!                     days before, of and after each occurrence
//!   × share(day type of d, t)   the intraday profile, summing to 1 over the day
//!   × reminder        reminder_factor in the reminder_hours after reminder_time
//!                     on reminder days
//!   × events          factor of every event whose window holds the interval start
//! ```
//!
//! Day-level factors come first and change the day's total; the intraday
//! share splits it; interval-level factors (reminders, events) then raise
//! single intervals, so they add volume to the day.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, DateTime, Time};
use serde::{Deserialize, Serialize};

use crate::core::calendar::{weekday_index, Calendar, DayType};
use crate::core::input::{InputError, Warning};
use crate::core::textio::{format_time, minute_of_day, parse_date, parse_time};
use crate::demand::forecast::{Forecast, ForecastRow};

mod compile;
mod effects;
mod holiday;

use compile::read_shares_csv;

pub use compile::{builtin_profile, Compiled, BUILTIN_PROFILES};
pub use effects::{around_holiday, repayment_factor, repayment_offsets, DEFAULT_MAX_FORECAST_ROWS};
pub use holiday::{HolidayProfile, PROFILE_DAYS_AFTER, PROFILE_DAYS_BEFORE};

fn default_interval() -> u32 {
    30
}
fn ones7() -> [f64; 7] {
    [1.0; 7]
}
fn half() -> f64 {
    0.5
}
fn one() -> f64 {
    1.0
}
fn minus_two() -> Vec<i32> {
    vec![-2]
}
fn three() -> u32 {
    3
}
fn is_one(x: &f64) -> bool {
    *x == 1.0
}
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// A scenario file. See the module documentation for how factors combine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A name for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// First date, `YYYY-MM-DD` in the file (a `--from` flag overrides it).
    #[serde(
        default,
        with = "crate::core::calendar::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<Date>,
    /// Last date, inclusive (a `--to` flag overrides it).
    #[serde(
        default,
        with = "crate::core::calendar::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    /// Interval length, minutes; must divide a day.
    #[serde(default = "default_interval")]
    pub interval_min: u32,
    /// The date the channels' `daily_volume` holds on, for `weekly_growth`
    /// (default: `from`).
    #[serde(
        default,
        with = "crate::core::calendar::opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub base_date: Option<Date>,
    /// Calendar CSV of holidays and make-up workdays, relative to the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// The weekdays worked (`"sun-thu"`, or `"mon,tue,wed,thu,sat"`); the
    /// others are the weekend for day types, make-up days and pay.
    /// Default Monday to Friday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workweek: Option<String>,
    /// Demand per channel.
    pub channel: BTreeMap<String, ChannelDemand>,
    /// Repayment products and their due days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repayment: Vec<Repayment>,
    /// The month-end effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_end: Option<MonthEnd>,
    /// Effects around long holidays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays: Option<HolidayEffects>,
    /// One-off shocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event: Vec<Event>,
    /// Collections books: the outbound workload of the repayment cycle
    /// (see [`crate::demand::collections`]), written by the forecast as channels
    /// `<name>_call` and `<name>_message`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<crate::demand::collections::Collections>,
    /// Channel settings TOML for `wfm plan`, relative to the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels_file: Option<String>,
    /// Shift rules TOML for `wfm plan`, relative to the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shifts_file: Option<String>,
    /// The calendar itself, loaded from `calendar` by [`Scenario::from_path`]
    /// (or set directly by a planning tool).
    #[serde(skip)]
    pub calendar_data: Calendar,
    /// Where the scenario came from (its path as given), for messages;
    /// empty for one a planning tool built.
    #[serde(skip)]
    pub source: String,
}

/// The demand of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelDemand {
    /// Contacts on a plain workday (factor 1), before any other factor.
    pub daily_volume: f64,
    /// Average handle time written to the forecast, seconds.
    pub aht_s: f64,
    /// Mean patience written to the forecast, seconds (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience_s: Option<f64>,
    /// Day-of-week factors, Monday to Sunday.
    #[serde(default = "ones7")]
    pub dow_factors: [f64; 7],
    /// Factor of a public holiday (instead of the day-of-week factor).
    #[serde(default = "half")]
    pub holiday_factor: f64,
    /// Factor of a make-up workday (instead of the day-of-week factor).
    #[serde(default = "one")]
    pub makeup_factor: f64,
    /// Growth per week, a share (0.02 = +2% a week, compounding), from the
    /// scenario's `base_date`, where `daily_volume` holds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weekly_growth: f64,
    /// Damping of the growth after `base_date`, per week (Gardner and
    /// McKenzie's damped trend): `h` weeks ahead the growth compounds over
    /// `φ + φ² + … + φ^h = φ(1 − φ^h)/(1 − φ)` weeks instead of `h`, so a
    /// trend fitted on the past fades instead of running on; 1 = no
    /// damping. Before `base_date` growth is undamped.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub trend_damping: f64,
    /// Day factors of named holidays, by the calendar's holiday name: see
    /// [`HolidayProfile`]. `wfm fit` learns them from each holiday's last
    /// occurrence in the history.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub holiday_profile: BTreeMap<String, HolidayProfile>,
    /// Intraday profile per day type.
    #[serde(default)]
    pub intraday: Intraday,
    /// Day-level overdispersion (coefficient of variation of a day's level
    /// around the forecast), for prediction intervals; `wfm fit` estimates it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub day_cv: f64,
    /// Interval-level overdispersion beyond Poisson, for prediction intervals.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interval_cv: f64,
    /// AHT by weekday (seven rows, Monday first) and interval (one value
    /// per interval from 00:00), seconds; replaces `aht_s` in the forecast
    /// where given. `wfm fit` writes it when the history's AHT varies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aht_by_interval: Option<Vec<Vec<f64>>>,
}

impl ChannelDemand {
    /// The growth factor `days` days after the scenario's `base_date`
    /// (negative: before it): `(1 + g)^w` with `w = days / 7` before the
    /// base date and `w = φ(1 − φ^h)/(1 − φ)`, `h = days / 7`, after it
    /// (`φ = trend_damping`; `w = h` when `φ = 1`).
    ///
    /// ```
    /// use wfm::demand::scenario::Scenario;
    /// let s = Scenario::parse("[channel.phone]\ndaily_volume = 100\naht_s = 200\nweekly_growth = 0.01\ntrend_damping = 0.5\n", "s").unwrap();
    /// let ch = &s.channel["phone"];
    /// assert!((ch.growth(7) - 1.01f64.powf(0.5)).abs() < 1e-12);
    /// // Damped: never more than φ/(1 − φ) = 1 week of growth.
    /// assert!(ch.growth(700) < 1.0100001);
    /// assert!((ch.growth(-14) - 1.01f64.powi(-2)).abs() < 1e-12);
    /// ```
    pub fn growth(&self, days: i64) -> f64 {
        if self.weekly_growth == 0.0 {
            return 1.0;
        }
        let h = days as f64 / 7.0;
        let phi = self.trend_damping;
        let weeks = if days <= 0 || phi >= 1.0 {
            h
        } else {
            phi * (1.0 - phi.powf(h)) / (1.0 - phi)
        };
        (1.0 + self.weekly_growth).powf(weeks)
    }
}

/// Intraday profiles: for each day type either a built-in shape's name or
/// the shares of the day's volume per interval (one per interval of the day,
/// from 00:00), or a CSV of shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intraday {
    /// Profile of workdays.
    #[serde(default = "Profile::workday")]
    pub workday: Profile,
    /// Profile of weekend days.
    #[serde(default = "Profile::weekend")]
    pub weekend: Profile,
    /// Profile of public holidays.
    #[serde(default = "Profile::holiday")]
    pub holiday: Profile,
    /// Seven profiles, Monday to Sunday, for the days that are neither
    /// holidays nor make-up workdays (which keep `holiday` and `workday`):
    /// for a centre whose week is not Monday–Friday, or whose Friday is not
    /// like its Tuesday. `wfm fit` writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_weekday: Option<Vec<Profile>>,
    /// A CSV `time,workday,weekend,holiday` of shares, relative to the
    /// scenario file; replaces the three profiles above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares_csv: Option<String>,
}

impl Default for Intraday {
    fn default() -> Self {
        Self {
            workday: Profile::workday(),
            weekend: Profile::weekend(),
            holiday: Profile::holiday(),
            by_weekday: None,
            shares_csv: None,
        }
    }
}

/// An intraday profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Profile {
    /// A built-in shape: `lender-workday`, `lender-weekend`, `lender-holiday`, `flat`.
    Builtin(String),
    /// Shares per interval from 00:00; normalised to sum to 1 (with a warning
    /// when they are off by more than 0.1%).
    Shares(Vec<f64>),
}

impl Profile {
    fn workday() -> Self {
        Profile::Builtin("lender-workday".into())
    }
    fn weekend() -> Self {
        Profile::Builtin("lender-weekend".into())
    }
    fn holiday() -> Self {
        Profile::Builtin("lender-holiday".into())
    }
}

/// What happens to a due date that falls on a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhenClosed {
    /// The due date stays (repayment is automatic; contacts come anyway).
    #[default]
    SameDay,
    /// The due date moves to the next workday.
    NextWorkday,
    /// The due date moves to the previous workday.
    PreviousWorkday,
}

/// A repayment product: its due days and the demand around them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repayment {
    /// A name for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Due days of the month, 1–31 (a day past the month's end means its last day).
    pub due_days: Vec<u32>,
    /// Channels affected; all when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// `[offset_days, factor]` pairs: e.g. `[[-2, 1.3], [0, 1.6], [1, 1.2]]`.
    pub day_factors: Vec<(i32, f64)>,
    /// Time a reminder batch is pushed, `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_time: Option<String>,
    /// Offsets from the due date on which reminders are pushed.
    #[serde(default = "minus_two")]
    pub reminder_days: Vec<i32>,
    /// Hours after the push that carry the spike.
    #[serde(default = "one")]
    pub reminder_hours: f64,
    /// Factor on the intervals of the spike.
    #[serde(default = "one")]
    pub reminder_factor: f64,
    /// What happens when a due date falls on a day off.
    #[serde(default)]
    pub when_closed: WhenClosed,
}

/// The month-end effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthEnd {
    /// The last `days` days of each month (1 to [`MAX_MONTH_END_DAYS`]).
    pub days: u32,
    /// Factor on those days.
    pub factor: f64,
    /// Channels affected; all when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
}

/// The longest month-end window accepted, days: half the shortest month.
pub const MAX_MONTH_END_DAYS: u32 = 14;

/// The pre-holiday rush and the post-holiday backlog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayEffects {
    /// A run of at least this many days off, holding a holiday, is long.
    #[serde(default = "three")]
    pub long_min_days: u32,
    /// Workdays before a long holiday with `before_factor`.
    #[serde(default)]
    pub before_days: u32,
    /// Factor on the workdays before.
    #[serde(default = "one")]
    pub before_factor: f64,
    /// Workdays after a long holiday with `after_factor`.
    #[serde(default)]
    pub after_days: u32,
    /// Factor on the workdays after.
    #[serde(default = "one")]
    pub after_factor: f64,
    /// Channels affected; all when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
}

/// A one-off shock: an outage, a marketing push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// A name for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Start, `YYYY-MM-DD HH:MM` local time.
    pub start: String,
    /// End (exclusive), `YYYY-MM-DD HH:MM`.
    pub end: String,
    /// Channels hit; all when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// Factor on the intervals that start inside the window.
    pub factor: f64,
}

/// Parses `YYYY-MM-DD HH:MM` (or with a `T`).
pub fn parse_datetime(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let (d, t) = s.split_once([' ', 'T'])?;
    Some(parse_date(d)?.to_datetime(parse_time(t)?))
}
impl Scenario {
    /// Parses scenario TOML; `source` names it in errors. The calendar named
    /// in the file is not loaded (see [`Scenario::from_path`]).
    pub fn parse(text: &str, source: &str) -> Result<Self, InputError> {
        let mut s: Scenario =
            toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))?;
        s.apply_workweek(source)?;
        s.source = source.to_string();
        Ok(s)
    }

    /// The scenario's name in messages: its path, or `scenario` for one
    /// built in memory.
    pub fn source(&self) -> &str {
        if self.source.is_empty() {
            "scenario"
        } else {
            &self.source
        }
    }

    /// Gives the calendar the scenario's `workweek`.
    fn apply_workweek(&mut self, source: &str) -> Result<(), InputError> {
        if let Some(w) = &self.workweek {
            let weekend = crate::core::calendar::parse_workweek(w).ok_or_else(|| {
                InputError::at_key(
                    source,
                    "workweek",
                    format!("expected the weekdays worked, a range like \"sun-thu\" or a list like \"mon,tue,wed,thu,sat\", got {w:?}"),
                )
            })?;
            self.calendar_data.weekend = Some(weekend);
        }
        Ok(())
    }

    /// Plans on `calendar` (a centre's calendars, for a scenario that names
    /// none): its `workweek` applies on top, and the demand is compiled
    /// again. `source` names the scenario in errors.
    pub fn use_calendar(&mut self, calendar: Calendar, source: &str) -> Result<(), InputError> {
        self.calendar_data = calendar;
        self.apply_workweek(source)?;
        self.compile(source)?;
        Ok(())
    }

    /// Reads a scenario file and the calendar and shares CSV it names
    /// (paths relative to the file). Returns warnings (normalised shares, ...).
    pub fn from_path(path: &Path) -> Result<(Self, Vec<Warning>), InputError> {
        let source = path.display().to_string();
        let text = crate::core::textio::read_text(path)?;
        let mut s = Self::parse(&text, &source)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut warnings = Vec::new();
        if let Some(cal) = &s.calendar {
            let (c, w) = Calendar::from_path(&resolve(&dir, cal))?;
            s.calendar_data = c;
            s.apply_workweek(&source)?;
            warnings.extend(w);
        }
        for (i, b) in s.collections.iter_mut().enumerate() {
            if let Some(p) = &b.loans_due_csv {
                let path = resolve(&dir, p);
                let text = crate::core::textio::read_text(&path).map_err(|e| InputError {
                    column: e
                        .column
                        .or(Some(format!("[[collections]] #{} loans_due_csv", i + 1))),
                    ..e
                })?;
                b.due_series = crate::demand::collections::read_due_series(
                    text.as_bytes(),
                    &path.display().to_string(),
                )?;
            }
        }
        for (name, ch) in s.channel.iter_mut() {
            if let Some(csv_path) = &ch.intraday.shares_csv {
                let p = resolve(&dir, csv_path);
                let [w, we, h] = read_shares_csv(&p, s.interval_min).map_err(|e| InputError {
                    column: e
                        .column
                        .or(Some(format!("[channel.{name}.intraday] shares_csv"))),
                    ..e
                })?;
                ch.intraday.workday = Profile::Shares(w);
                ch.intraday.weekend = Profile::Shares(we);
                ch.intraday.holiday = Profile::Shares(h);
            }
        }
        warnings.extend(s.compile(&source)?.1);
        Ok((s, warnings))
    }

    /// The overdispersion of `channel`'s counts around the forecast (its
    /// `day_cv` and `interval_cv`; none for an unknown channel), for
    /// prediction intervals ([`crate::models::arrivals::count_quantile`]).
    pub fn overdispersion(&self, channel: &str) -> crate::models::arrivals::Overdispersion {
        self.channel.get(channel).map_or(Default::default(), |c| {
            crate::models::arrivals::Overdispersion {
                day_cv: c.day_cv,
                interval_cv: c.interval_cv,
            }
        })
    }

    /// The files this scenario reads besides itself (the calendar and any
    /// intraday shares CSV), resolved against `path`, the scenario's own path.
    pub fn input_files(&self, path: &Path) -> Vec<PathBuf> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut files: Vec<PathBuf> = self.calendar.iter().map(|c| resolve(&dir, c)).collect();
        for ch in self.channel.values() {
            if let Some(p) = &ch.intraday.shares_csv {
                files.push(resolve(&dir, p));
            }
        }
        for b in &self.collections {
            if let Some(p) = &b.loans_due_csv {
                files.push(resolve(&dir, p));
            }
        }
        files
    }
    /// The scenario's date range, with `from`/`to` overriding the file's.
    pub fn date_range(
        &self,
        from: Option<Date>,
        to: Option<Date>,
        source: &str,
    ) -> Result<(Date, Date), InputError> {
        let from = match from {
            Some(d) => d,
            None => match self.from {
                Some(d) => d,
                None => {
                    return Err(InputError::at_key(
                        source,
                        "from",
                        "no first date: give `from` in the scenario or Request.from",
                    ))
                }
            },
        };
        let to = match to {
            Some(d) => d,
            None => match self.to {
                Some(d) => d,
                None => {
                    return Err(InputError::at_key(
                        source,
                        "to",
                        "no last date: give `to` in the scenario or Request.to",
                    ))
                }
            },
        };
        if to < from {
            return Err(InputError::at_key(
                source,
                "to",
                format!("the date range {from} to {to} has no days"),
            ));
        }
        Ok((from, to))
    }
}

pub use crate::core::textio::resolve;

#[cfg(test)]
mod tests;
