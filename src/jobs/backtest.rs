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
/// [`super::fit::Request`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The centre.
    pub centre: Option<Centre>,
    /// History CSV.
    pub history: Option<PathBuf>,
    /// A template scenario for the fits.
    pub template: Option<PathBuf>,
    /// Calendar CSV.
    pub calendar: Option<PathBuf>,
    /// Forecast origins.
    pub origins: usize,
    /// Days forecast from each origin.
    pub horizon_days: u32,
    /// Interval length of the history, minutes.
    pub interval_min: u32,
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
