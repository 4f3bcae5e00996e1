//! The rolling-origin backtest as a job (`wfm backtest`): `fit` against
//! naive baselines and AutoETS on the centre's history, origin by origin.
//!
//! ```no_run
//! use wfm::jobs::backtest::{prepare, Request};
//! let mut req = Request::on(None);
//! req.history = Some("scenarios/history_2026.csv".into());
//! let out = prepare(&req).unwrap().run().unwrap();
//! print!("{}", out.text());
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::Centre;
use crate::demand::backtest::{BacktestOptions, BacktestRow, METHODS};
use crate::demand::fit::FitOptions;
use crate::demand::forecast::Forecast;

/// What to backtest. Paths left `None` are the centre's (see
/// [`super::fit::Request`]). With the `cli` feature the fields are the
/// flags of `wfm backtest`.
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
    /// A scenario whose calendar, repayment products, month-end and
    /// holiday effects say what `fit` estimates [default: the centre's
    /// `scenario`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub template: Option<PathBuf>,
    /// Calendar CSV of holidays and make-up workdays
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub calendar: Option<PathBuf>,
    /// Origins, a week apart, the last one a horizon before the history's
    /// end
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 4, value_name = "N"))]
    pub origins: usize,
    /// Days forecast from each origin
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 28, value_name = "DAYS"))]
    pub horizon_days: u32,
    /// Interval length of the history, minutes
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// Fit each origin on its last N days only [default: all the history
    /// before it]
    #[serde(default)]
    #[cfg_attr(feature = "cli", arg(long, value_name = "DAYS"))]
    pub fit_days: Option<u32>,
    /// Most history rows fitted over all origins (origins × rows each):
    /// more is refused up front
    #[serde(default = "default_max_fit_rows")]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = DEFAULT_MAX_FIT_ROWS, value_name = "N"))]
    pub max_fit_rows: f64,
}

/// The default of [`Request::max_fit_rows`]: ten years of half-hours on
/// three channels, four times.
pub const DEFAULT_MAX_FIT_ROWS: f64 = 2e6;

fn default_max_fit_rows() -> f64 {
    DEFAULT_MAX_FIT_ROWS
}

impl Request {
    /// A backtest of `centre`'s history: 4 origins, 28 days each.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            history: None,
            template: None,
            calendar: None,
            origins: 4,
            horizon_days: 28,
            interval_min: 30,
            fit_days: None,
            max_fit_rows: DEFAULT_MAX_FIT_ROWS,
        }
    }
}

/// A backtest read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    history: Forecast,
    history_name: String,
    opts: BacktestOptions,
}

/// Reads the history, template and calendar of `r`.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    let mut s = Setup::new(r.centre.clone());
    let (history, template, calendar) = super::fit::history_inputs(
        &mut s,
        r.history.as_deref(),
        r.template.as_deref(),
        r.calendar.as_deref(),
    )?;
    let (hist, w) = Forecast::from_path(&history, r.interval_min)?;
    super::fit::check_history_interval(&hist, &history, r.interval_min)?;
    s.warn(w);
    let mut fit = FitOptions::default();
    super::fit::template_and_calendar(&mut s, &mut fit, template.as_deref(), calendar.as_deref())?;
    check_work(r, &hist)?;
    fit.fit_days = r.fit_days;
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        history: hist,
        history_name: history.display().to_string(),
        opts: BacktestOptions {
            origins: r.origins,
            horizon_days: r.horizon_days,
            fit,
            ..BacktestOptions::default()
        },
    })
}

/// The fits a backtest runs, bounded up front: `origins` fits, each on the
/// history before its origin (or its last `fit_days` days).
fn check_work(r: &Request, hist: &Forecast) -> Result<(), Error> {
    if let Some(n) = r.fit_days.filter(|n| !(1..=36_600).contains(n)) {
        return Err(Error::Request(format!(
            "Request.fit_days: expected 1 to 36600 days, got {n}"
        )));
    }
    if !(r.max_fit_rows.is_finite() && r.max_fit_rows >= 1.0) {
        return Err(Error::Request(format!(
            "Request.max_fit_rows: expected a number >= 1, got {}",
            r.max_fit_rows
        )));
    }
    let (Some(first), Some(last)) = (
        hist.rows.iter().map(|x| x.date).min(),
        hist.rows.iter().map(|x| x.date).max(),
    ) else {
        return Ok(());
    };
    let days = f64::from((last - first).get_days()) + 1.0;
    let per_day = hist.rows.len() as f64 / days;
    let each = match r.fit_days {
        Some(n) => (f64::from(n) * per_day).min(hist.rows.len() as f64),
        None => hist.rows.len() as f64,
    };
    let rows = each * r.origins as f64;
    if rows > r.max_fit_rows {
        return Err(Error::Request(format!(
            "{} origin(s) × about {each:.0} history rows each = {rows:.3e} rows to fit, above the limit of {:.3e}; fit on fewer days (Request.fit_days), fewer origins (Request.origins), or raise the limit (Request.max_fit_rows)",
            r.origins, r.max_fit_rows
        )));
    }
    Ok(())
}

/// A backtest done: one row per method and origin.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The scores.
    pub rows: Vec<BacktestRow>,
}

impl Prepared {
    /// Fits and scores every method at every origin.
    pub fn run(&self) -> Result<Outcome, Error> {
        let rows = crate::demand::backtest::backtest(&self.history, &self.opts)
            .map_err(|e| Error::Request(format!("{}: {e}", self.history_name)))?;
        Ok(Outcome { rows })
    }
}

impl Outcome {
    /// The scores as a table for people, method by method.
    pub fn text(&self) -> String {
        let pct = |v: f64| {
            if v.is_finite() {
                format!("{:7.1}%", 100.0 * v)
            } else {
                "      -".into()
            }
        };
        let mut text = String::from(
            "method          origin      daily MAPE  interval WAPE    bias  80% coverage\n",
        );
        for m in METHODS {
            for r in self.rows.iter().filter(|r| r.method == m) {
                text.push_str(&format!(
                    "{:<15} {}    {}       {}  {}      {}\n",
                    r.method,
                    r.origin,
                    pct(r.daily_mape),
                    pct(r.interval_wape),
                    pct(r.bias),
                    pct(r.coverage_80)
                ));
            }
        }
        text
    }

    /// The scores CSV.
    pub fn table(&self) -> Result<Table, Error> {
        Table::write("backtest.csv", |b| {
            crate::demand::backtest::write_backtest(b, &self.rows)
        })
    }
}
