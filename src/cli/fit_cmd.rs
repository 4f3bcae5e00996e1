//! `wfm fit`: learn a scenario file from history.

use std::path::{Path, PathBuf};

use super::centre_ctx::Ctx;
use anyhow::{Context, Result};
use clap::Args;
use wfm::calendar::Calendar;
use wfm::centre::Item;
use wfm::fit::{fit, FitOptions};
use wfm::forecast::Forecast;
use wfm::scenario::{Repayment, Scenario, WhenClosed};

use wfm::output::OutputSet;

/// Arguments of `wfm fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// History CSV with the forecast's columns (actual volumes)
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Output scenario TOML [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// A scenario whose calendar, [[repayment]], [month_end] and [holidays]
    /// say what to estimate (its factors are ignored)
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Calendar CSV of holidays and make-up workdays
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// Due days of the month, e.g. 10,25 (estimates offsets -3..+2)
    #[arg(long, value_delimiter = ',', value_name = "DAYS")]
    due_days: Vec<u32>,
    /// Estimate a month-end factor for the last N days of each month
    #[arg(long, value_name = "N")]
    month_end_days: Option<u32>,
    /// Interval length of the history, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Days held out at the end to measure the fit
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    holdout_days: u32,
    /// Fit on the last N days of the history only
    #[arg(long, value_name = "N")]
    fit_days: Option<u32>,
}

/// `target` as seen from the directory `from`: a relative path when both
/// exist, else `target` as given.
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

/// Fills `opts` from a template scenario (its calendar, repayment products,
/// month-end and holiday effects) and a calendar file (which wins); returns
/// the calendar's path, if any. Shared by `wfm fit` and `wfm backtest`.
pub fn template_and_calendar(
    opts: &mut FitOptions,
    template: Option<&Path>,
    calendar: Option<&Path>,
) -> Result<Option<PathBuf>> {
    let mut calendar_path = None;
    if let Some(t) = template {
        let (s, w) = Scenario::from_path(t)?;
        super::warn_all(&w);
        opts.calendar = s.calendar_data.clone();
        calendar_path = s
            .calendar
            .as_ref()
            .map(|c| wfm::scenario::resolve(t.parent().unwrap_or(Path::new("")), c));
        opts.repayment = s.repayment.clone();
        opts.month_end_days = s.month_end.as_ref().map(|m| m.days);
        opts.holidays = s.holidays.clone();
    }
    if let Some(c) = calendar {
        let (cal, w) = Calendar::from_path(c)?;
        super::warn_all(&w);
        opts.calendar = cal;
        calendar_path = Some(c.to_path_buf());
    }
    Ok(calendar_path)
}

pub fn run(a: FitArgs, ctx: &Ctx) -> Result<i32> {
    let history = ctx.need(Item::History, a.history.as_deref(), "--history")?;
    let template = ctx.pick(Item::Scenario, a.template.as_deref(), "--template");
    let calendar = match (&a.calendar, &ctx.centre) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(c)) if template.is_none() => c.calendar_paths().into_iter().next(),
        _ => None,
    };
    let history_name = history.display().to_string();
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    outs.input("--history", &history);
    for (flag, p) in [("--template", &template), ("--calendar", &calendar)] {
        if let Some(p) = p {
            outs.input(flag, p);
        }
    }
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let (hist, warnings) = Forecast::from_path(&history, a.interval_min)?;
    super::warn_all(&warnings);
    let mut calendar_path: Option<PathBuf> = None;
    if a.fit_days == Some(0) {
        anyhow::bail!("--fit-days: expected at least 1 day, got 0");
    }
    let mut opts = FitOptions {
        holdout_days: a.holdout_days,
        fit_days: a.fit_days,
        ..FitOptions::default()
    };
    if let Some(p) = template_and_calendar(&mut opts, template.as_deref(), calendar.as_deref())? {
        calendar_path = Some(p);
    }
    if !a.due_days.is_empty() {
        if let Some(bad) = a.due_days.iter().find(|d| !(1..=31).contains(*d)) {
            anyhow::bail!("--due-days: expected days of the month 1-31, got {bad}");
        }
        opts.repayment.push(Repayment {
            name: Some("due days from --due-days".into()),
            due_days: a.due_days.clone(),
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
    let out_dir = match a.out.as_deref().and_then(Path::parent) {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    opts.calendar_path = calendar_path.map(|c| path_from(&out_dir, &c));
    if a.month_end_days.is_some() {
        opts.month_end_days = a.month_end_days;
    }
    let report = fit(&hist, &opts).with_context(|| format!("{history_name}: cannot fit"))?;
    for w in &report.warnings {
        diag!("wfm: warning: {w}");
    }
    let mut head = String::new();
    head.push_str(&format!("# Fitted by `wfm fit` from {history_name}.\n"));
    if report.quality.is_empty() {
        head.push_str("# Fit quality: history too short for a hold-out week.\n");
    }
    for q in &report.quality {
        let line =
            format!(
            "channel {}: last {} days held out: daily MAPE {:.1}%, interval WAPE {:.1}%; shapes {}, day level {}",
            q.channel,
            q.holdout_days,
            100.0 * q.daily_mape,
            100.0 * q.interval_wape,
            recency(q.shape_half_life_days),
            recency(q.day_half_life_days),
        );
        diag!("wfm: fit: {line}");
        head.push_str(&format!("# {line}\n"));
    }
    for (name, ch) in &report.scenario.channel {
        if !ch.holiday_profile.is_empty() {
            let names: Vec<&str> = ch.holiday_profile.keys().map(String::as_str).collect();
            let line = format!(
                "channel {name}: holiday profiles learned from their last occurrence: {}",
                names.join(", ")
            );
            diag!("wfm: fit: {line}");
            head.push_str(&format!("# {line}\n"));
        }
    }
    for line in &report.weekdays {
        diag!("wfm: fit: {line}");
        head.push_str(&format!("# {line}\n"));
    }
    for o in &report.outliers {
        let line = format!(
            "channel {}: {} left out as an outlier ({:.2} × the model)",
            o.channel, o.date, o.ratio
        );
        diag!("wfm: fit: {line}");
        head.push_str(&format!("# {line}\n"));
    }
    let body = toml::to_string(&report.scenario).context("writing the scenario")?;
    outs.set(out, format!("{head}\n{body}").into_bytes());
    outs.commit()?;
    Ok(0)
}

/// How a half-life reads in the fit's report.
fn recency(half_life_days: f64) -> String {
    if half_life_days.is_finite() {
        format!("weighted to the recent past (half-life {half_life_days} days)")
    } else {
        "from the whole history".to_string()
    }
}
