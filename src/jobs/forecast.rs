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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The centre.
    pub centre: Option<Centre>,
    /// The scenario.
    pub scenario: Option<PathBuf>,
    /// First day (else the scenario's).
    pub from: Option<Date>,
    /// Last day (else the scenario's).
    pub to: Option<Date>,
    /// Interval length, minutes (else the scenario's).
    pub interval_min: Option<u32>,
    /// Draw random counts with this seed (a synthetic history) instead of
    /// expected volumes.
    pub sample_seed: Option<u64>,
    /// With `sample_seed`: day-level and interval-level busyness.
    pub overdispersion: crate::models::arrivals::Overdispersion,
    /// Prediction quantiles (shares in (0, 1)): a column each.
    pub quantiles: Vec<f64>,
    /// Most forecast rows.
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
    let mut s = Setup::new(r.centre.clone());
    let path = s.need(Item::Scenario, r.scenario.as_deref(), "--scenario")?;
    let source = path.display().to_string();
    let mut scenario = s.scenario(&path)?;
    if let Some(im) = r.interval_min {
        scenario.interval_min = im;
        scenario.compile(&source)?;
    }
    let (from, to) = scenario.date_range(r.from, r.to, &source)?;
    s.check_calendar(&scenario, &path, from, to);
    if let Some(q) = r.quantiles.iter().find(|q| !(**q > 0.0 && **q < 1.0)) {
        return Err(Error::Request(format!(
            "--quantiles: expected shares between 0 and 1, got {q}"
        )));
    }
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        scenario,
        from,
        to,
        request: r.clone(),
    })
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
        if let Some(seed) = r.sample_seed {
            forecast = crate::models::arrivals::sample_forecast(&forecast, r.overdispersion, seed)?;
        }
        let quantiles = r
            .quantiles
            .iter()
            .map(|&q| {
                let name = format!("volume_p{}", crate::core::textio::fmt_num(100.0 * q, 2));
                let v = forecast
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
