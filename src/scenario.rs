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
//!   × growth          (1 + weekly_growth)^(days since base_date / 7)
//!   × day factor      dow_factors[weekday] on workdays and weekends,
//!                     makeup_factor on make-up workdays, holiday_factor on holidays
//!   × repayment       per product: the largest day_factors entry whose offset
//!                     matches d (products multiply with each other)
//!   × month-end       factor on the last `days` days of the month
//!   × around holidays before_factor / after_factor on the workdays just
//!                     before and after a long holiday
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

use crate::calendar::{weekday_index, Calendar, DayType};
use crate::forecast::{Forecast, ForecastRow};
use crate::input::{InputError, Warning};
use crate::textio::{format_time, minute_of_day, parse_date, parse_time};

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
    /// First date, `YYYY-MM-DD` (a `--from` flag overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last date, inclusive (a `--to` flag overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Interval length, minutes; must divide a day.
    #[serde(default = "default_interval")]
    pub interval_min: u32,
    /// The date the channels' `daily_volume` holds on, for `weekly_growth`
    /// (default: `from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_date: Option<String>,
    /// Calendar CSV of holidays and make-up workdays, relative to the scenario file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
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
    /// Intraday profile per day type.
    #[serde(default)]
    pub intraday: Intraday,
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
    /// The last `days` days of each month.
    pub days: u32,
    /// Factor on those days.
    pub factor: f64,
    /// Channels affected; all when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
}

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

/// Built-in hourly weights (00:00 to 23:00) of a Chinese consumer lender.
fn builtin_hourly(name: &str) -> Option<[f64; 24]> {
    match name {
        // Rising from 08:00, peaks 09–11 and 14–16, a lunch dip, a long
        // evening tail (app users after work), low night volume.
        "lender-workday" => Some([
            0.6, 0.4, 0.3, 0.25, 0.25, 0.35, 0.7, 1.6, 4.2, 7.6, 8.0, 6.2, 4.4, 5.2, 7.4, 7.6, 6.4,
            5.4, 4.6, 4.4, 4.0, 3.2, 2.2, 1.2,
        ]),
        // Later start, one broad daytime plateau, a stronger evening.
        "lender-weekend" => Some([
            0.8, 0.5, 0.4, 0.3, 0.3, 0.4, 0.7, 1.3, 2.6, 4.4, 5.6, 5.6, 4.8, 5.0, 5.4, 5.4, 5.0,
            4.6, 4.4, 4.6, 4.4, 3.6, 2.6, 1.5,
        ]),
        // Flatter still: late mornings, long evenings.
        "lender-holiday" => Some([
            0.9, 0.6, 0.4, 0.3, 0.3, 0.4, 0.6, 1.0, 2.0, 3.6, 4.8, 5.2, 4.8, 4.8, 5.0, 5.0, 4.8,
            4.6, 4.6, 4.8, 4.6, 3.9, 2.9, 1.7,
        ]),
        "flat" => Some([1.0; 24]),
        _ => None,
    }
}

/// The names of the built-in intraday shapes.
pub const BUILTIN_PROFILES: [&str; 4] =
    ["lender-workday", "lender-weekend", "lender-holiday", "flat"];

/// A built-in shape on a grid of `interval_min` minutes: each interval gets
/// the hourly weight of the minutes it covers, normalised to sum to 1.
pub fn builtin_profile(name: &str, interval_min: u32) -> Option<Vec<f64>> {
    let hourly = builtin_hourly(name)?;
    let m = crate::grid::intervals_per_day(interval_min);
    let mut shares = vec![0.0; m];
    for (i, s) in shares.iter_mut().enumerate() {
        let (a, b) = (i as u32 * interval_min, (i as u32 + 1) * interval_min);
        for minute in a..b {
            *s += hourly[(minute / 60) as usize];
        }
    }
    let total: f64 = shares.iter().sum();
    shares.iter_mut().for_each(|s| *s /= total);
    Some(shares)
}

/// A scenario checked and compiled for generation: shares per channel and
/// day type, dates parsed.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Interval length, minutes.
    pub interval_min: u32,
    /// Channels in file order (sorted by name).
    pub channels: Vec<String>,
    /// Shares per channel per day type (`DayType as usize`).
    pub shares: Vec<[Vec<f64>; 3]>,
    events: Vec<EventWindow>,
    reminders: Vec<Reminder>,
}

/// An event, parsed: intervals starting in `[start, end)` get `factor` on the
/// channels in `mask`.
#[derive(Debug, Clone)]
struct EventWindow {
    start: DateTime,
    end: DateTime,
    mask: Vec<bool>,
    factor: f64,
}

/// A reminder push of repayment product `repayment`, parsed.
#[derive(Debug, Clone)]
struct Reminder {
    repayment: usize,
    start_min: f64,
    end_min: f64,
    factor: f64,
    mask: Vec<bool>,
    days: Vec<i32>,
}

fn channel_mask(
    list: &Option<Vec<String>>,
    channels: &[String],
    source: &str,
    key: &str,
) -> Result<Vec<bool>, InputError> {
    match list {
        None => Ok(vec![true; channels.len()]),
        Some(l) => {
            let mut mask = vec![false; channels.len()];
            for name in l {
                match channels.iter().position(|c| c == name) {
                    Some(i) => mask[i] = true,
                    None => {
                        return Err(InputError::at_key(
                            source,
                            key,
                            format!(
                                "unknown channel {name:?} (the scenario has {})",
                                channels.join(", ")
                            ),
                        ))
                    }
                }
            }
            Ok(mask)
        }
    }
}

fn check_factor(v: f64, source: &str, key: &str) -> Result<(), InputError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(InputError::at_key(
            source,
            key,
            format!("expected a factor >= 0, got {v}"),
        ))
    }
}

impl Scenario {
    /// Parses scenario TOML; `source` names it in errors. The calendar named
    /// in the file is not loaded (see [`Scenario::from_path`]).
    pub fn parse(text: &str, source: &str) -> Result<Self, InputError> {
        toml::from_str(text).map_err(|e| InputError::from_toml(source, text, &e))
    }

    /// Reads a scenario file and the calendar and shares CSV it names
    /// (paths relative to the file). Returns warnings (normalised shares, ...).
    pub fn from_path(path: &Path) -> Result<(Self, Vec<Warning>), InputError> {
        let source = path.display().to_string();
        let text = crate::textio::read_text(path)?;
        let mut s = Self::parse(&text, &source)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut warnings = Vec::new();
        if let Some(cal) = &s.calendar {
            let (c, w) = Calendar::from_path(&resolve(&dir, cal))?;
            s.calendar_data = c;
            warnings.extend(w);
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
        files
    }

    /// Checks every key and compiles the profiles; errors name `source` and the key.
    pub fn compile(&self, source: &str) -> Result<(Compiled, Vec<Warning>), InputError> {
        let mut warnings = Vec::new();
        let im = self.interval_min;
        if crate::grid::check_interval_min(im).is_err() {
            return Err(InputError::at_key(
                source,
                "interval_min",
                format!("expected a whole number of minutes that divides a day (15, 30, 60, ...), got {im}"),
            ));
        }
        if self.channel.is_empty() {
            return Err(InputError::at_key(
                source,
                "channel",
                "expected at least one [channel.NAME] table",
            ));
        }
        let m = crate::grid::intervals_per_day(im);
        let channels: Vec<String> = self.channel.keys().cloned().collect();
        let mut shares = Vec::new();
        for (name, ch) in &self.channel {
            let key = |k: &str| format!("[channel.{name}] {k}");
            if !(ch.daily_volume.is_finite() && ch.daily_volume >= 0.0) {
                return Err(InputError::at_key(
                    source,
                    key("daily_volume"),
                    format!("expected a volume >= 0, got {}", ch.daily_volume),
                ));
            }
            if !(ch.aht_s.is_finite() && ch.aht_s > 0.0) {
                return Err(InputError::at_key(
                    source,
                    key("aht_s"),
                    format!("expected seconds > 0, got {}", ch.aht_s),
                ));
            }
            if let Some(p) = ch.patience_s {
                if !(p.is_finite() && p > 0.0) {
                    return Err(InputError::at_key(
                        source,
                        key("patience_s"),
                        format!("expected seconds > 0, got {p}"),
                    ));
                }
            }
            for (i, f) in ch.dow_factors.iter().enumerate() {
                check_factor(*f, source, &key(&format!("dow_factors[{i}]")))?;
            }
            check_factor(ch.holiday_factor, source, &key("holiday_factor"))?;
            check_factor(ch.makeup_factor, source, &key("makeup_factor"))?;
            if !(ch.weekly_growth.is_finite() && ch.weekly_growth > -1.0) {
                return Err(InputError::at_key(
                    source,
                    key("weekly_growth"),
                    format!("expected a share above -1, got {}", ch.weekly_growth),
                ));
            }
            let mut per_type: [Vec<f64>; 3] = Default::default();
            for (t, p) in [
                &ch.intraday.workday,
                &ch.intraday.weekend,
                &ch.intraday.holiday,
            ]
            .into_iter()
            .enumerate()
            {
                let k = format!("[channel.{name}.intraday] {}", DayType::ALL[t].name());
                per_type[t] = compile_profile(p, im, m, source, &k, &mut warnings)?;
            }
            shares.push(per_type);
        }
        for (i, r) in self.repayment.iter().enumerate() {
            let key = |k: &str| format!("[[repayment]] #{} {k}", i + 1);
            if r.due_days.is_empty() || r.due_days.iter().any(|d| !(1..=31).contains(d)) {
                return Err(InputError::at_key(
                    source,
                    key("due_days"),
                    format!("expected days of the month 1-31, got {:?}", r.due_days),
                ));
            }
            for (o, f) in &r.day_factors {
                check_factor(*f, source, &key(&format!("day_factors[{o}]")))?;
            }
            check_factor(r.reminder_factor, source, &key("reminder_factor"))?;
            if !(r.reminder_hours.is_finite() && r.reminder_hours > 0.0) {
                return Err(InputError::at_key(
                    source,
                    key("reminder_hours"),
                    format!("expected hours > 0, got {}", r.reminder_hours),
                ));
            }
            if let Some(t) = &r.reminder_time {
                parse_time(t).ok_or_else(|| {
                    InputError::at_key(
                        source,
                        key("reminder_time"),
                        format!("expected HH:MM, got {t:?}"),
                    )
                })?;
            }
            channel_mask(&r.channels, &channels, source, &key("channels"))?;
        }
        if let Some(me) = &self.month_end {
            check_factor(me.factor, source, "[month_end] factor")?;
            channel_mask(&me.channels, &channels, source, "[month_end] channels")?;
        }
        if let Some(h) = &self.holidays {
            check_factor(h.before_factor, source, "[holidays] before_factor")?;
            check_factor(h.after_factor, source, "[holidays] after_factor")?;
            channel_mask(&h.channels, &channels, source, "[holidays] channels")?;
            if h.long_min_days == 0 {
                return Err(InputError::at_key(
                    source,
                    "[holidays] long_min_days",
                    "expected a number of days >= 1, got 0",
                ));
            }
        }
        let mut events = Vec::new();
        for (i, e) in self.event.iter().enumerate() {
            let key = |k: &str| format!("[[event]] #{} {k}", i + 1);
            let start = parse_datetime(&e.start).ok_or_else(|| {
                InputError::at_key(
                    source,
                    key("start"),
                    format!("expected YYYY-MM-DD HH:MM, got {:?}", e.start),
                )
            })?;
            let end = parse_datetime(&e.end).ok_or_else(|| {
                InputError::at_key(
                    source,
                    key("end"),
                    format!("expected YYYY-MM-DD HH:MM, got {:?}", e.end),
                )
            })?;
            if end <= start {
                return Err(InputError::at_key(
                    source,
                    key("end"),
                    format!("expected a time after start {}, got {}", e.start, e.end),
                ));
            }
            check_factor(e.factor, source, &key("factor"))?;
            events.push(EventWindow {
                start,
                end,
                mask: channel_mask(&e.channels, &channels, source, &key("channels"))?,
                factor: e.factor,
            });
        }
        let mut reminders = Vec::new();
        for (i, r) in self.repayment.iter().enumerate() {
            if let Some(t) = r.reminder_time.as_deref().and_then(parse_time) {
                let start_min = minute_of_day(t) as f64;
                reminders.push(Reminder {
                    repayment: i,
                    start_min,
                    end_min: start_min + r.reminder_hours * 60.0,
                    factor: r.reminder_factor,
                    mask: channel_mask(&r.channels, &channels, source, "")?,
                    days: r.reminder_days.clone(),
                });
            }
        }
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("base_date", &self.base_date),
        ] {
            if let Some(s) = v {
                crate::calendar::date_at_key(s, source, k)?;
            }
        }
        Ok((
            Compiled {
                interval_min: im,
                channels,
                shares,
                events,
                reminders,
            },
            warnings,
        ))
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
            None => match &self.from {
                Some(s) => crate::calendar::date_at_key(s, source, "from")?,
                None => {
                    return Err(InputError::at_key(
                        source,
                        "from",
                        "no first date: give `from` in the scenario or --from",
                    ))
                }
            },
        };
        let to = match to {
            Some(d) => d,
            None => match &self.to {
                Some(s) => crate::calendar::date_at_key(s, source, "to")?,
                None => {
                    return Err(InputError::at_key(
                        source,
                        "to",
                        "no last date: give `to` in the scenario or --to",
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

    /// The day-level factor of every channel on `d` (everything but the
    /// intraday share and interval-level factors), with the day type.
    pub fn day_factors(&self, d: Date, long_holidays: &[(Date, Date)]) -> (DayType, Vec<f64>) {
        let cal = &self.calendar_data;
        let day_type = cal.day_type(d);
        let makeup = cal.is_makeup_workday(d);
        let channels: Vec<&String> = self.channel.keys().collect();
        let applies = |list: &Option<Vec<String>>, c: &str| {
            list.as_ref().is_none_or(|l| l.iter().any(|x| x == c))
        };
        let mut out = Vec::with_capacity(channels.len());
        let month_end = self.month_end.as_ref().filter(|me| {
            let last = d.last_of_month();
            (last - d).get_days() < me.days as i32
        });
        let around = self
            .holidays
            .as_ref()
            .map(|h| around_holiday(cal, d, long_holidays, h));
        let base = self
            .base_date
            .as_deref()
            .or(self.from.as_deref())
            .and_then(parse_date);
        for name in &channels {
            let ch = &self.channel[*name];
            let growth = if ch.weekly_growth != 0.0 {
                base.map_or(1.0, |b| {
                    (1.0 + ch.weekly_growth).powf((d - b).get_days() as f64 / 7.0)
                })
            } else {
                1.0
            };
            let mut f = ch.daily_volume
                * growth
                * match day_type {
                    DayType::Holiday => ch.holiday_factor,
                    _ if makeup => ch.makeup_factor,
                    _ => ch.dow_factors[weekday_index(d)],
                };
            for r in &self.repayment {
                if applies(&r.channels, name) {
                    f *= repayment_factor(r, cal, d);
                }
            }
            if let Some(me) = month_end {
                if applies(&me.channels, name) {
                    f *= me.factor;
                }
            }
            if let (Some(h), Some((before, after))) = (&self.holidays, around) {
                if applies(&h.channels, name) {
                    if before {
                        f *= h.before_factor;
                    }
                    if after {
                        f *= h.after_factor;
                    }
                }
            }
            out.push(f);
        }
        (day_type, out)
    }

    /// Expected volumes per interval and channel from `from` to `to`
    /// inclusive: the forecast `wfm staff` reads.
    ///
    /// ```
    /// use wfm::scenario::Scenario;
    /// let s = Scenario::parse(r#"
    ///     [channel.phone]
    ///     daily_volume = 4800
    ///     aht_s = 240
    /// "#, "inline").unwrap();
    /// let d = "2026-03-10".parse().unwrap();
    /// let f = s.forecast(d, d).unwrap();
    /// assert_eq!(f.rows.len(), 48);
    /// let total: f64 = f.rows.iter().map(|r| r.volume).sum();
    /// assert!((total - 4800.0).abs() < 1e-6);
    /// ```
    pub fn forecast(&self, from: Date, to: Date) -> Result<Forecast, InputError> {
        self.forecast_at_most(from, to, DEFAULT_MAX_FORECAST_ROWS)
    }

    /// As [`Scenario::forecast`], refusing before any work a forecast of
    /// more than `max_rows` rows (days × intervals × channels).
    pub fn forecast_at_most(
        &self,
        from: Date,
        to: Date,
        max_rows: u64,
    ) -> Result<Forecast, InputError> {
        let (c, _) = self.compile("scenario")?;
        let days = i64::from((to - from).get_days()).max(-1) + 1;
        let rows = days as f64
            * crate::grid::intervals_per_day(c.interval_min) as f64
            * c.channels.len() as f64;
        if rows > max_rows as f64 {
            return Err(InputError::at_key(
                "scenario",
                "to",
                format!(
                    "{from} to {to} is {days} days: {rows:.3e} forecast rows (days × intervals × channels), more than the limit of {max_rows}; raise it (--max-rows) if that is meant"
                ),
            ));
        }
        let long = match &self.holidays {
            Some(h) => self.calendar_data.long_holidays(from, to, h.long_min_days),
            None => Vec::new(),
        };
        let m = c.shares[0][0].len();
        let days = (to - from).get_days().max(-1) + 1;
        let mut rows = Vec::with_capacity(days as usize * m * c.channels.len());
        let times: Vec<Time> = (0..m)
            .map(|i| {
                let min = i as u32 * c.interval_min;
                Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).expect("minute of day")
            })
            .collect();
        let chans: Vec<&ChannelDemand> = self.channel.values().collect();
        let mut d = from;
        let mut mult = vec![1.0; c.channels.len()];
        while d <= to {
            let (day_type, factors) = self.day_factors(d, &long);
            for (i, &time) in times.iter().enumerate() {
                mult.iter_mut().for_each(|x| *x = 1.0);
                c.interval_factors(self, d, time, &mut mult);
                for (k, name) in c.channels.iter().enumerate() {
                    let vol = factors[k] * c.shares[k][day_type as usize][i] * mult[k];
                    if !vol.is_finite() {
                        return Err(self.not_finite(name, d, time, factors[k], mult[k]));
                    }
                    rows.push(ForecastRow {
                        date: d,
                        time,
                        channel: name.clone(),
                        volume: vol,
                        aht_s: chans[k].aht_s,
                        patience_s: chans[k].patience_s,
                        line: 0,
                    });
                }
            }
            d = match d.tomorrow() {
                Ok(n) => n,
                Err(_) => break,
            };
        }
        Ok(Forecast {
            interval_min: c.interval_min,
            rows,
        })
    }
}

/// The default bound on forecast rows (days × intervals × channels): ten
/// million, about 400 MB of CSV (ten years of 30-minute intervals for
/// twenty channels is 3.5 million).
pub const DEFAULT_MAX_FORECAST_ROWS: u64 = 10_000_000;

impl Scenario {
    /// The error for a volume that overflowed: names the key that did it.
    fn not_finite(
        &self,
        channel: &str,
        d: Date,
        time: Time,
        day: f64,
        interval: f64,
    ) -> InputError {
        let ch = &self.channel[channel];
        let base = self
            .base_date
            .as_deref()
            .or(self.from.as_deref())
            .and_then(parse_date);
        let growth = base.map_or(1.0, |b| {
            (1.0 + ch.weekly_growth).powf((d - b).get_days() as f64 / 7.0)
        });
        let key = if !growth.is_finite() || (growth * ch.daily_volume).is_infinite() {
            format!("[channel.{channel}] weekly_growth")
        } else if !day.is_finite() || (interval.is_finite() && day >= interval) {
            format!("[channel.{channel}] daily_volume and the day factors (dow, holiday, [[repayment]] day_factors, [month_end], [holidays])")
        } else {
            "[[event]] factor and [[repayment]] reminder_factor".to_string()
        };
        InputError::at_key(
            "scenario",
            key,
            format!(
                "the forecast volume of {channel} on {d} {} is not a finite number; use smaller factors",
                format_time(time)
            ),
        )
    }
}

impl Compiled {
    /// Multiplies `mult[k]` by the interval-level factors (reminders, events)
    /// of channel k in the interval starting at `time` on `d`.
    pub fn interval_factors(&self, s: &Scenario, d: Date, time: Time, mult: &mut [f64]) {
        let at = d.to_datetime(time);
        for e in &self.events {
            if at >= e.start && at < e.end {
                scale(mult, &e.mask, e.factor);
            }
        }
        let minute = minute_of_day(time) as f64;
        for r in &self.reminders {
            if minute < r.start_min || minute >= r.end_min {
                continue;
            }
            let product = &s.repayment[r.repayment];
            let on_day = due_dates_near(product, &s.calendar_data, d)
                .iter()
                .any(|due| r.days.contains(&((d - *due).get_days())));
            if on_day {
                scale(mult, &r.mask, r.factor);
            }
        }
    }
}

fn scale(mult: &mut [f64], mask: &[bool], factor: f64) {
    for (m, &on) in mult.iter_mut().zip(mask) {
        if on {
            *m *= factor;
        }
    }
}

/// `p` relative to `dir` unless absolute.
pub fn resolve(dir: &Path, p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

fn compile_profile(
    p: &Profile,
    im: u32,
    m: usize,
    source: &str,
    key: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<f64>, InputError> {
    match p {
        Profile::Builtin(name) => builtin_profile(name, im).ok_or_else(|| {
            InputError::at_key(
                source,
                key,
                format!(
                    "unknown built-in profile {name:?} (known: {})",
                    BUILTIN_PROFILES.join(", ")
                ),
            )
        }),
        Profile::Shares(v) => {
            if v.len() != m {
                return Err(InputError::at_key(
                    source,
                    key,
                    format!(
                        "expected {m} shares (one per {im}-minute interval from 00:00), got {}",
                        v.len()
                    ),
                ));
            }
            if let Some((i, x)) = v
                .iter()
                .enumerate()
                .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
            {
                return Err(InputError::at_key(
                    source,
                    key,
                    format!("expected shares >= 0, got {x} at position {}", i + 1),
                ));
            }
            let total: f64 = v.iter().sum();
            if total <= 0.0 {
                return Err(InputError::at_key(
                    source,
                    key,
                    "the shares sum to 0: the day would have no volume",
                ));
            }
            if (total - 1.0).abs() > 1e-3 {
                warnings.push(Warning(format!(
                    "{source}: {key}: the shares sum to {total:.6}, not 1; normalised"
                )));
            }
            Ok(v.iter().map(|x| x / total).collect())
        }
    }
}

/// Reads a shares CSV `time,workday,weekend,holiday` on the grid.
fn read_shares_csv(path: &Path, im: u32) -> Result<[Vec<f64>; 3], InputError> {
    let source = path.display().to_string();
    let text = crate::textio::read_text(path)?;
    let mut rdr = crate::textio::csv_reader(text.as_bytes());
    let (headers, idx, _) = crate::textio::read_header(
        &mut rdr,
        &source,
        &["time", "workday", "weekend", "holiday"],
        &[],
    )?;
    let m = crate::grid::intervals_per_day(im);
    let mut out: [Vec<f64>; 3] = [vec![f64::NAN; m], vec![f64::NAN; m], vec![f64::NAN; m]];
    crate::textio::each_record(&mut rdr, &source, &headers, |cell| {
        let t = cell.time(idx[0].unwrap_or(0), im)?;
        let i = (minute_of_day(t) / im) as usize;
        for (k, col) in idx[1..4].iter().enumerate() {
            out[k][i] = cell.number(col.unwrap_or(0), 0.0, "a share >= 0")?;
        }
        Ok(())
    })?;
    for (i, x) in out[0].iter().enumerate() {
        if x.is_nan() {
            let min = i as u32 * im;
            return Err(InputError::file(
                &source,
                format!(
                    "no row for {} (every {im}-minute interval of the day needs a share)",
                    format_time(Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).expect("time"))
                ),
            ));
        }
    }
    Ok(out)
}

/// The due dates of product `r` within a few days of `d` (after moving for
/// days off), so that offsets up to ±10 days can be matched.
fn due_dates_near(r: &Repayment, cal: &Calendar, d: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let Ok(first) = d.first_of_month().checked_sub(jiff::Span::new().months(1)) else {
        return out;
    };
    for k in 0..3 {
        let Ok(month) = first.checked_add(jiff::Span::new().months(k)) else {
            continue;
        };
        for &day in &r.due_days {
            let last = month.last_of_month().day() as u32;
            let Ok(mut due) = month.with().day(day.min(last) as i8).build() else {
                continue;
            };
            if cal.is_day_off(due) {
                due = match r.when_closed {
                    WhenClosed::SameDay => due,
                    WhenClosed::NextWorkday => step_workday(cal, due, 1),
                    WhenClosed::PreviousWorkday => step_workday(cal, due, -1),
                };
            }
            if (d - due).get_days().abs() <= 10 {
                out.push(due);
            }
        }
    }
    out
}

fn step_workday(cal: &Calendar, mut d: Date, dir: i32) -> Date {
    for _ in 0..60 {
        let next = if dir > 0 { d.tomorrow() } else { d.yesterday() };
        match next {
            Ok(n) => d = n,
            Err(_) => return d,
        }
        if !cal.is_day_off(d) {
            return d;
        }
    }
    d
}

/// The factor of product `r` on `d`: the largest `day_factors` entry whose
/// offset matches a due date near `d`; 1 when none does.
pub fn repayment_factor(r: &Repayment, cal: &Calendar, d: Date) -> f64 {
    let mut best: Option<f64> = None;
    for due in due_dates_near(r, cal, d) {
        let off = (d - due).get_days();
        for (o, f) in &r.day_factors {
            if *o == off {
                best = Some(best.map_or(*f, |b: f64| b.max(*f)));
            }
        }
    }
    best.unwrap_or(1.0)
}

/// The repayment offsets (days from a due date) that `d` has for product `r`.
pub fn repayment_offsets(r: &Repayment, cal: &Calendar, d: Date) -> Vec<i32> {
    due_dates_near(r, cal, d)
        .iter()
        .map(|due| (d - *due).get_days())
        .collect()
}

/// Whether `d` is one of the workdays just before / just after a long holiday.
pub fn around_holiday(
    cal: &Calendar,
    d: Date,
    long: &[(Date, Date)],
    h: &HolidayEffects,
) -> (bool, bool) {
    if cal.is_day_off(d) {
        return (false, false);
    }
    let mut before = false;
    let mut after = false;
    for &(first, last) in long {
        if d < first && h.before_days > 0 {
            // count workdays from d (exclusive) to first (exclusive)
            let mut n = 0;
            let mut x = d;
            while let Ok(nx) = x.tomorrow() {
                x = nx;
                if x >= first {
                    break;
                }
                if !cal.is_day_off(x) {
                    n += 1;
                }
                if n >= h.before_days {
                    break;
                }
            }
            if n < h.before_days && (first - d).get_days() <= 30 {
                before = true;
            }
        }
        if d > last && h.after_days > 0 {
            let mut n = 0;
            let mut x = d;
            while let Ok(px) = x.yesterday() {
                x = px;
                if x <= last {
                    break;
                }
                if !cal.is_day_off(x) {
                    n += 1;
                }
                if n >= h.after_days {
                    break;
                }
            }
            if n < h.after_days && (d - last).get_days() <= 30 {
                after = true;
            }
        }
    }
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn builtin_workday_peaks_in_the_morning_and_afternoon() {
        let p = builtin_profile("lender-workday", 30).unwrap();
        assert_eq!(p.len(), 48);
        crate::prec::assert_close(p.iter().sum(), 1.0, 1e-12);
        let at = |h: usize| p[h * 2];
        assert!(at(10) > at(12) && at(15) > at(12) && at(10) > at(20) && at(20) > at(3));
        let q = builtin_profile("lender-workday", 15).unwrap();
        crate::prec::assert_close(q[40] * 2.0, p[20], 1e-12);
    }

    #[test]
    fn factors_multiply_as_documented() {
        let text = r#"
            [channel.phone]
            daily_volume = 1000
            aht_s = 300
            dow_factors = [1.2, 1, 1, 1, 1, 0.6, 0.5]
            intraday = { workday = "flat", weekend = "flat", holiday = "flat" }
            [[repayment]]
            due_days = [10]
            day_factors = [[-2, 1.3], [0, 1.5]]
            reminder_time = "10:00"
            reminder_factor = 2.0
            [month_end]
            days = 2
            factor = 1.1
            [[event]]
            start = "2026-03-31 14:00"
            end = "2026-03-31 15:00"
            factor = 3
        "#;
        let s = Scenario::parse(text, "t").unwrap();
        let day_total = |date: &str| -> f64 {
            let f = s.forecast(d(date), d(date)).unwrap();
            f.rows.iter().map(|r| r.volume).sum()
        };
        // Tue 2026-03-10 is a due day: 1000 × 1.5.
        crate::prec::assert_close(day_total("2026-03-10"), 1500.0, 1e-9);
        // Sun 2026-03-08 is two days before: 1000 × 0.5 × 1.3, plus the
        // 10:00–11:00 reminder doubling 2 of 48 flat intervals.
        crate::prec::assert_close(day_total("2026-03-08"), 650.0 * (1.0 + 2.0 / 48.0), 1e-9);
        // Mon 2026-03-30: month-end (last 2 days) × Monday 1.2.
        crate::prec::assert_close(day_total("2026-03-30"), 1320.0, 1e-9);
        // Tue 2026-03-31: month-end, and an outage tripling two intervals.
        crate::prec::assert_close(
            day_total("2026-03-31"),
            1100.0 * (1.0 + 2.0 * 2.0 / 48.0),
            1e-9,
        );
    }

    #[test]
    fn bad_keys_are_named() {
        let e = Scenario::parse(
            "[channel.phone]\ndaily_volume = 10\naht_s = 300\ndow_factor = [1,1,1,1,1,1,1]\n",
            "s.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("s.toml:4"), "{e}");
        let s = Scenario::parse(
            "[channel.phone]\ndaily_volume = 10\naht_s = 300\nholiday_factor = -1\n",
            "s.toml",
        )
        .unwrap();
        let e = s.compile("s.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.toml: [channel.phone] holiday_factor: expected a factor >= 0, got -1"
        );
        let s = Scenario::parse("[channel.phone]\ndaily_volume = 10\naht_s = 300\nintraday = { workday = [0.5, 0.4] }\n", "s.toml").unwrap();
        let e = s.compile("s.toml").unwrap_err();
        assert!(e.to_string().contains("expected 48 shares"), "{e}");
        let mut shares = vec![0.0; 48];
        shares[20] = 0.5;
        shares[30] = 0.6;
        let text = format!("[channel.phone]\ndaily_volume = 10\naht_s = 300\nintraday = {{ workday = {shares:?} }}\n");
        let (_, w) = Scenario::parse(&text, "s.toml")
            .unwrap()
            .compile("s.toml")
            .unwrap();
        assert!(w[0].0.contains("sum to 1.1"), "{:?}", w);
        let s = Scenario::parse(
            "[channel.phone]\ndaily_volume = 10\naht_s = 300\n",
            "s.toml",
        )
        .unwrap();
        let e = s
            .date_range(Some(d("2026-03-10")), Some(d("2026-03-09")), "s.toml")
            .unwrap_err();
        assert!(e.to_string().contains("has no days"));
    }

    #[test]
    fn due_dates_move_off_closed_days() {
        let cal = Calendar::default();
        let r = Repayment {
            name: None,
            due_days: vec![14], // 2026-03-14 is a Saturday
            channels: None,
            day_factors: vec![(0, 2.0)],
            reminder_time: None,
            reminder_days: vec![-2],
            reminder_hours: 1.0,
            reminder_factor: 1.0,
            when_closed: WhenClosed::NextWorkday,
        };
        assert_eq!(repayment_factor(&r, &cal, d("2026-03-16")), 2.0);
        assert_eq!(repayment_factor(&r, &cal, d("2026-03-14")), 1.0);
        let r = Repayment {
            when_closed: WhenClosed::PreviousWorkday,
            ..r
        };
        assert_eq!(repayment_factor(&r, &cal, d("2026-03-13")), 2.0);
        // Day 31 in a 30-day month is its last day.
        let r = Repayment {
            due_days: vec![31],
            when_closed: WhenClosed::SameDay,
            ..r
        };
        assert_eq!(repayment_factor(&r, &cal, d("2026-04-30")), 2.0);
    }

    #[test]
    fn pre_and_post_holiday_days() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/calendar_china_2026.csv");
        let cal = Calendar::from_path(&path).unwrap().0;
        let long = cal.long_holidays(d("2026-09-01"), d("2026-10-31"), 5);
        let h = HolidayEffects {
            long_min_days: 5,
            before_days: 2,
            before_factor: 1.3,
            after_days: 1,
            after_factor: 1.4,
            channels: None,
        };
        // National Day Oct 1–7: Sep 29, 30 before; Oct 8 after.
        assert_eq!(
            around_holiday(&cal, d("2026-09-30"), &long, &h),
            (true, false)
        );
        assert_eq!(
            around_holiday(&cal, d("2026-09-29"), &long, &h),
            (true, false)
        );
        assert_eq!(
            around_holiday(&cal, d("2026-09-28"), &long, &h),
            (false, false)
        );
        assert_eq!(
            around_holiday(&cal, d("2026-10-08"), &long, &h),
            (false, true)
        );
        assert_eq!(
            around_holiday(&cal, d("2026-10-09"), &long, &h),
            (false, false)
        );
    }

    #[test]
    fn a_volume_that_overflows_names_its_key() {
        let d: Date = "2026-03-10".parse().unwrap();
        let s = Scenario::parse(
            "base_date = \"1026-01-01\"\n[channel.phone]\ndaily_volume = 100\naht_s = 200\nweekly_growth = 0.9\n",
            "s.toml",
        )
        .unwrap();
        let e = s.forecast(d, d).unwrap_err().to_string();
        assert!(e.contains("[channel.phone] weekly_growth"), "{e}");
        assert!(e.contains("not a finite number"), "{e}");
        let s = Scenario::parse(
            "[channel.phone]\ndaily_volume = 100\naht_s = 200\n[[event]]\nstart = \"2026-03-10 09:00\"\nend = \"2026-03-10 10:00\"\nfactor = 1e308\n",
            "s.toml",
        )
        .unwrap();
        let e = s.forecast(d, d).unwrap_err().to_string();
        assert!(e.contains("[[event]] factor"), "{e}");
    }
}
