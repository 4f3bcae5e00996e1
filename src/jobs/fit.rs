//! Learning a scenario from history as a job (`wfm fit`): weekday and
//! intraday shapes, day levels, repayment dates, holiday profiles and
//! outliers, with the hold-out's accuracy written into the scenario's head.
//!
//! ```no_run
//! use wfm::jobs::fit::{prepare, Request};
//! let mut req = Request::on(None);
//! req.history = Some("scenarios/history_2026.csv".into());
//! let out = prepare(&req).unwrap().run().unwrap();
//! println!("{}", out.scenario_text().unwrap());
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::calendar::Calendar;
use crate::core::centre::{Centre, Item};
use crate::demand::fit::{FitOptions, FitReport};
use crate::demand::forecast::Forecast;
use crate::demand::scenario::{Repayment, Scenario, WhenClosed};

/// What to learn from. The history left `None` is the centre's `history`;
/// the template, its `scenario`; the calendar (with no template), its first
/// calendar. With the `cli` feature the fields are the flags of `wfm fit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// The centre.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// History CSV with the forecast's columns (actual volumes) [default:
    /// the centre's `history`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub history: Option<PathBuf>,
    /// A scenario whose calendar, `[[repayment]]`, `[month_end]` and
    /// `[holidays]` say what to estimate (its factors are ignored) [default:
    /// the centre's `scenario`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub template: Option<PathBuf>,
    /// Calendar CSV of holidays and make-up workdays (over the template's)
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub calendar: Option<PathBuf>,
    /// Repayment due days of the month, e.g. 10,25 (estimates offsets
    /// -3..+2)
    #[cfg_attr(feature = "cli", arg(long, value_delimiter = ',', value_name = "DAYS"))]
    pub due_days: Vec<u32>,
    /// Estimate a month-end factor for the last N days of each month (over
    /// the template's)
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub month_end_days: Option<u32>,
    /// Interval length of the history, minutes
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// Days held out at the end to measure the fit
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 7, value_name = "DAYS"))]
    pub holdout_days: u32,
    /// Fit on the last N days of the history only
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub fit_days: Option<u32>,
    /// The folder the scenario will be written in (its calendar path is
    /// written relative to it).
    #[cfg_attr(feature = "cli", arg(skip))]
    pub written_in: Option<PathBuf>,
}

impl Request {
    /// A fit of `centre`'s history with the defaults (a week held out).
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            history: None,
            template: None,
            calendar: None,
            due_days: Vec::new(),
            month_end_days: None,
            interval_min: 30,
            holdout_days: 7,
            fit_days: None,
            written_in: None,
        }
    }
}

/// The history, template and calendar of a fit or backtest: the given
/// ones, else the centre's `history` and `scenario`, and with no template
/// the centre's first calendar.
pub(crate) fn history_inputs(
    s: &mut Setup,
    history: Option<&Path>,
    template: Option<&Path>,
    calendar: Option<&Path>,
) -> Result<(PathBuf, Option<PathBuf>, Option<PathBuf>), Error> {
    let history = s.need(Item::History, history, "Request.history")?;
    let template = s.pick(Item::Scenario, template, "Request.template");
    let calendar = match (calendar, &s.centre) {
        (Some(c), _) => Some(c.to_path_buf()),
        (None, Some(c)) if template.is_none() => c.calendar_paths().into_iter().next(),
        _ => None,
    };
    s.input("Request.history", &history);
    for (what, p) in [
        ("Request.template", &template),
        ("Request.calendar", &calendar),
    ] {
        if let Some(p) = p {
            s.input(what, p);
        }
    }
    Ok((history, template, calendar))
}

/// Fills `opts` from a template scenario and a calendar; returns the
/// calendar's path.
pub fn template_and_calendar(
    s: &mut Setup,
    opts: &mut FitOptions,
    template: Option<&Path>,
    calendar: Option<&Path>,
) -> Result<Option<PathBuf>, Error> {
    let mut calendar_path = None;
    if let Some(t) = template {
        let (sc, w) = Scenario::from_path(t)?;
        s.warn(w);
        opts.calendar = sc.calendar_data.clone();
        calendar_path = sc
            .calendar
            .as_ref()
            .map(|c| crate::demand::scenario::resolve(t.parent().unwrap_or(Path::new("")), c));
        opts.repayment = sc.repayment.clone();
        opts.month_end_days = sc.month_end.as_ref().map(|m| m.days);
        opts.holidays = sc.holidays.clone();
    }
    if let Some(c) = calendar {
        let (cal, w) = Calendar::from_path(c)?;
        s.warn(w);
        opts.calendar = cal;
        calendar_path = Some(c.to_path_buf());
    }
    Ok(calendar_path)
}

/// `target` relative to the folder `from` (both made absolute), else as
/// given.
fn path_from(from: &Path, target: &Path) -> String {
    let (Ok(f), Ok(t)) = (std::fs::canonicalize(from), std::fs::canonicalize(target)) else {
        return target.display().to_string();
    };
    let fc: Vec<_> = f.components().collect();
    let tc: Vec<_> = t.components().collect();
    let common = fc.iter().zip(&tc).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..fc.len() {
        rel.push("..");
    }
    for c in &tc[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}

/// A history whose times all fall on a coarser grid than `interval_min`
/// (every time on the half hour, read with `--interval-min 15`) would look
/// half missing: an error that names the history's own interval.
pub(crate) fn check_history_interval(
    hist: &Forecast,
    path: &Path,
    interval_min: u32,
) -> Result<(), Error> {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let step = hist.rows.iter().fold(1440u32, |g, r| {
        gcd(
            g,
            u32::from(r.time.hour() as u8) * 60 + u32::from(r.time.minute() as u8),
        )
    });
    if hist.rows.len() > 1 && step > interval_min && step % interval_min == 0 {
        return Err(Error::Input(crate::core::input::InputError::at_key(
            &path.display().to_string(),
            "time",
            format!(
                "every time is on a {step}-minute grid, not the {interval_min}-minute intervals asked for (Request.interval_min {interval_min}): every day would look {}% missing; give Request.interval_min {step}",
                100 - 100 * interval_min / step
            ),
        )));
    }
    Ok(())
}

/// A fit read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    history: Forecast,
    history_name: String,
    opts: FitOptions,
}

/// Reads the history, template and calendar of `r` and checks its settings.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    let mut s = Setup::new(r.centre.clone());
    let (history, template, calendar) = history_inputs(
        &mut s,
        r.history.as_deref(),
        r.template.as_deref(),
        r.calendar.as_deref(),
    )?;
    let (hist, w) = Forecast::from_path(&history, r.interval_min)?;
    s.warn(w);
    check_history_interval(&hist, &history, r.interval_min)?;
    /// A century of days: longer windows are mistakes, not histories.
    const MAX_DAYS: u32 = 36_600;
    if let Some(n) = r.fit_days.filter(|n| !(1..=MAX_DAYS).contains(n)) {
        return Err(Error::Request(format!(
            "Request.fit_days: expected 1 to {MAX_DAYS} days, got {n}"
        )));
    }
    if r.holdout_days > MAX_DAYS {
        return Err(Error::Request(format!(
            "Request.holdout_days: expected 0 to {MAX_DAYS} days, got {}",
            r.holdout_days
        )));
    }
    let mut opts = FitOptions {
        holdout_days: r.holdout_days,
        fit_days: r.fit_days,
        ..FitOptions::default()
    };
    let calendar_path =
        template_and_calendar(&mut s, &mut opts, template.as_deref(), calendar.as_deref())?;
    if !r.due_days.is_empty() {
        if let Some(bad) = r.due_days.iter().find(|d| !(1..=31).contains(*d)) {
            return Err(Error::Request(format!(
                "Request.due_days: expected days of the month 1-31, got {bad}"
            )));
        }
        opts.repayment.push(Repayment {
            name: Some("due days from Request.due_days".into()),
            due_days: r.due_days.clone(),
            channels: None,
            day_factors: (-3..=2).map(|o| (o, 1.0)).collect(),
            reminder_time: None,
            reminder_days: vec![-2],
            reminder_hours: 1.0,
            reminder_factor: 1.0,
            when_closed: WhenClosed::SameDay,
        });
    }
    // The calendar as the written scenario will see it: relative to its folder.
    let out_dir = match r.written_in.as_deref() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    opts.calendar_path = calendar_path.map(|c| path_from(&out_dir, &c));
    if let Some(d) = r.month_end_days {
        let max = crate::demand::scenario::MAX_MONTH_END_DAYS;
        if !(1..=max).contains(&d) {
            return Err(Error::Request(format!(
                "Request.month_end_days: expected 1 to {max} days (the last days of each month), got {d}"
            )));
        }
        opts.month_end_days = Some(d);
    }
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        history: hist,
        history_name: history.display().to_string(),
        opts,
    })
}

/// A scenario learnt, with what was measured and noticed.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The history's name.
    pub history: String,
    /// The scenario, its hold-out quality, weekday groups, outliers and
    /// warnings.
    pub report: FitReport,
}

impl Prepared {
    /// Fits the scenario.
    pub fn run(&self) -> Result<Outcome, Error> {
        let report = crate::demand::fit::fit(&self.history, &self.opts)
            .map_err(|e| Error::Request(format!("{}: cannot fit: {e}", self.history_name)))?;
        Ok(Outcome {
            history: self.history_name.clone(),
            report,
        })
    }
}

fn recency(half_life_days: f64) -> String {
    if half_life_days.is_finite() {
        format!("weighted to the recent past (half-life {half_life_days} days)")
    } else {
        "from the whole history".to_string()
    }
}

impl Outcome {
    /// What the fit measured and noticed: per channel the hold-out's
    /// accuracy, holiday profiles, weekday groups and outliers.
    pub fn summary(&self) -> Vec<String> {
        let report = &self.report;
        let mut out = Vec::new();
        for q in &report.quality {
            out.push(format!(
                "channel {}: last {} days held out: daily MAPE {:.1}%, interval WAPE {:.1}%; shapes {}, day level {}",
                q.channel,
                q.holdout_days,
                100.0 * q.daily_mape,
                100.0 * q.interval_wape,
                recency(q.shape_half_life_days),
                recency(q.day_half_life_days),
            ));
        }
        for (name, ch) in &report.scenario.channel {
            if !ch.holiday_profile.is_empty() {
                let names: Vec<&str> = ch.holiday_profile.keys().map(String::as_str).collect();
                out.push(format!(
                    "channel {name}: holiday profiles learned from their last occurrence: {}",
                    names.join(", ")
                ));
            }
        }
        out.extend(report.weekdays.iter().cloned());
        for o in &report.outliers {
            out.push(format!(
                "channel {}: {} left out as an outlier ({:.2} × the model)",
                o.channel, o.date, o.ratio
            ));
        }
        out
    }

    /// The scenario TOML, headed by the summary as comments.
    pub fn scenario_text(&self) -> Result<String, Error> {
        let mut head = format!("# Fitted by `wfm fit` from {}.\n", self.history);
        if self.report.quality.is_empty() {
            head.push_str("# Fit quality: history too short for a hold-out week.\n");
        }
        for line in self.summary() {
            head.push_str(&format!("# {line}\n"));
        }
        let body = toml::to_string(&self.report.scenario)
            .map_err(|e| Error::Request(format!("writing the scenario: {e}")))?;
        Ok(format!("{head}\n{body}"))
    }

    /// The scenario file.
    pub fn table(&self) -> Result<Table, Error> {
        Ok(Table {
            name: "scenario.toml",
            bytes: self.scenario_text()?.into_bytes(),
        })
    }
}
