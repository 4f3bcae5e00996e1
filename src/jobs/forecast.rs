//! The forecast as a job (`wfm forecast`): expected volumes per interval and
//! channel from a scenario, or a sampled history, with prediction quantiles.
//!
//! ```no_run
//! use wfm::jobs::forecast::{prepare, Request};
//! let mut req = Request::on(None);
//! req.scenario = Some("scenarios/lender_week.toml".into());
//! let out = prepare(&req).unwrap().run().unwrap();
//! assert!(!out.forecast.rows.is_empty());
//! ```

use std::path::PathBuf;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::{Centre, Item};
use crate::demand::forecast::Forecast;
use crate::demand::scenario::Scenario;

/// What to forecast. A scenario left `None` is the centre's `scenario`.
/// With the `cli` feature the fields are the flags of `wfm forecast`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// The centre.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Scenario TOML [default: the centre's `scenario`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub scenario: Option<PathBuf>,
    /// First day [default: the scenario's `from`]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub from: Option<Date>,
    /// Last day, inclusive [default: the scenario's `to`]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::date, value_name = "DATE"))]
    pub to: Option<Date>,
    /// Interval length, minutes [default: the scenario's `interval_min`,
    /// else 30]
    #[cfg_attr(feature = "cli", arg(long, value_name = "MIN"))]
    pub interval_min: Option<u32>,
    /// Draw random counts with this seed (a synthetic history) instead of
    /// expected volumes
    #[cfg_attr(feature = "cli", arg(long, value_name = "SEED"))]
    pub sample_seed: Option<u64>,
    /// With `sample_seed`: day-level and interval-level busyness.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub overdispersion: crate::models::arrivals::Overdispersion,
    /// Prediction quantiles, e.g. 0.1,0.9: adds columns
    /// volume_p10,volume_p90 from the scenario's day_cv and interval_cv
    /// (negative binomial)
    #[cfg_attr(feature = "cli", arg(long, value_delimiter = ',', value_name = "Q"))]
    pub quantiles: Vec<f64>,
    /// Most forecast rows (days × intervals × channels)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = crate::demand::scenario::DEFAULT_MAX_FORECAST_ROWS, value_name = "N"))]
    pub max_rows: u64,
}

impl Request {
    /// A forecast of `centre`'s scenario over its dates.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            scenario: None,
            from: None,
            to: None,
            interval_min: None,
            sample_seed: None,
            overdispersion: Default::default(),
            quantiles: Vec::new(),
            max_rows: crate::demand::scenario::DEFAULT_MAX_FORECAST_ROWS,
        }
    }
}

/// A forecast read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    scenario: Scenario,
    from: Date,
    to: Date,
    request: Request,
}

/// Reads and checks the scenario and the settings of `r`.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    super::check_from_to(r.from, r.to)?;
    let mut s = Setup::new(r.centre.clone());
    let path = s.need(Item::Scenario, r.scenario.as_deref(), "Request.scenario")?;
    let source = path.display().to_string();
    let mut scenario = s.scenario(&path)?;
    if let Some(im) = r.interval_min {
        scenario.interval_min = im;
        scenario.compile(&source)?;
    }
    let (from, to) = scenario.date_range(r.from, r.to, &source)?;
    s.check_calendar(&scenario, &path, from, to);
    quantile_columns(&r.quantiles)?;
    super::check_overdispersion(&r.overdispersion)?;
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        scenario,
        from,
        to,
        request: r.clone(),
    })
}

/// The column of each quantile (`volume_p10` for 0.1); quantiles outside
/// (0, 1), or whose columns would be `volume_p0`, `volume_p100` or the same
/// column twice, are an error.
pub fn quantile_columns(quantiles: &[f64]) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = Vec::with_capacity(quantiles.len());
    for &q in quantiles {
        if !(q > 0.0 && q < 1.0) {
            return Err(Error::Request(format!(
                "Request.quantiles: expected shares between 0 and 1 (exclusive), got {q}"
            )));
        }
        let pct = crate::core::textio::fmt_num(100.0 * q, 2);
        let name = format!("volume_p{pct}");
        if pct == "0" || pct == "100" {
            return Err(Error::Request(format!(
                "Request.quantiles: {q} would be column {name}; expected quantiles from 0.0001 to 0.9999"
            )));
        }
        if let Some(j) = names.iter().position(|n| *n == name) {
            return Err(Error::Request(format!(
                "Request.quantiles: {} and {q} are both column {name}; give each quantile once (they are kept to 0.0001)",
                quantiles[j]
            )));
        }
        names.push(name);
    }
    Ok(names)
}

/// A forecast made, with its quantile columns.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The forecast (sampled counts with a sample seed).
    pub forecast: Forecast,
    /// Quantile columns: `volume_p10` and its value per row.
    pub quantiles: Vec<(String, Vec<f64>)>,
}

impl Prepared {
    /// Forecasts the dates.
    pub fn run(&self) -> Result<Outcome, Error> {
        let r = &self.request;
        let mut forecast = self
            .scenario
            .forecast_at_most(self.from, self.to, r.max_rows)?;
        // The quantiles are of the arrival distribution around the expected
        // volume, whether or not the volume column is a random draw.
        let expected = forecast.clone();
        if let Some(seed) = r.sample_seed {
            forecast = crate::models::arrivals::sample_forecast(&forecast, r.overdispersion, seed)?;
        }
        let quantiles = quantile_columns(&r.quantiles)?
            .into_iter()
            .zip(&r.quantiles)
            .map(|(name, &q)| {
                let v = expected
                    .rows
                    .iter()
                    .map(|x| {
                        crate::models::arrivals::count_quantile(
                            x.volume,
                            self.scenario.overdispersion(&x.channel),
                            q,
                        )
                    })
                    .collect();
                (name, v)
            })
            .collect();
        Ok(Outcome {
            forecast,
            quantiles,
        })
    }
}

impl Outcome {
    /// The forecast CSV.
    pub fn table(&self) -> Result<Table, Error> {
        Table::write("forecast.csv", |b| {
            self.forecast.write_with(b, &self.quantiles)
        })
    }
}
