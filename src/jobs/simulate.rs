//! The simulation as a job (`wfm simulate`): replications of the
//! discrete-event simulator on a forecast and a staffing (or the Erlang
//! requirement), with confidence intervals, a trace, and blended groups'
//! reserves chosen by simulation.
//!
//! ```no_run
//! use wfm::jobs::simulate::{prepare, Request};
//! let mut req = Request::on(None);
//! req.forecast = Some("scenarios/lender_day.csv".into());
//! req.channels = Some("scenarios/channels.toml".into());
//! let out = prepare(&req).unwrap().run(None).unwrap();
//! let phone = out.result.channel_index("phone").unwrap();
//! println!("{:?}", out.result.summary_all(phone).unwrap().service_level);
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::Centre;
use crate::models::channels::{ChannelBook, ChannelSettings};
use crate::models::requirement::{StaffingRow, StaffingTable};
use crate::sim::{ReserveChoice, SimError, SimLimits, SimResult, Simulation};

/// What to simulate. The forecast left `None` is the centre's (see
/// [`Setup::demand`]); no staffing simulates the Erlang requirement. With
/// the `cli` feature the fields are the flags of `wfm simulate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// The centre.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub centre: Option<Centre>,
    /// Forecast CSV: `date,time,channel,volume,aht_s[,patience_s]` [default:
    /// the centre's `forecast`, else its `scenario`'s forecast]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub forecast: Option<PathBuf>,
    /// Staffing CSV: date,time,group,agents (or channel; `wfm staff` output
    /// as is) [default: the Erlang requirement of the forecast, as `wfm
    /// staff` gives it]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub staffing: Option<PathBuf>,
    /// Channel settings TOML ([channel.NAME] and [group.NAME] tables)
    /// [default: the scenario's `channels_file`, else the centre's
    /// `channels`]
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub channels: Option<PathBuf>,
    /// Interval length, minutes
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// Replications (at least 1)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "N"))]
    pub replications: usize,
    /// Seed: the same seed gives the same output for any number of threads
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1, value_name = "SEED"))]
    pub seed: u64,
    /// Worker threads [default: one per core; never more than the cores]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::threads, value_name = "N"))]
    pub threads: Option<usize>,
    /// Bounds on the work.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub limits: SimLimits,
    /// Day- and interval-level busyness.
    #[cfg_attr(feature = "cli", command(flatten))]
    pub overdispersion: crate::models::arrivals::Overdispersion,
    /// Contacts waiting at the start, CHANNEL=N (repeatable)
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::channel_count, value_name = "CHANNEL=N"))]
    pub start_waiting: Vec<(String, u32)>,
    /// Contacts in service at the start, CHANNEL=N (repeatable)
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::channel_count, value_name = "CHANNEL=N"))]
    pub start_busy: Vec<(String, u32)>,
    /// Blended groups: choose each group's reserve by simulation (the least
    /// that keeps every inbound target and, predictive, every day's dropped
    /// calls within the cap: the most outbound calls) and simulate with it
    #[cfg_attr(feature = "cli", arg(long))]
    pub choose_reserve: bool,
    /// Also write every event of the first replication.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub trace: bool,
    /// Channel settings for what the channels file leaves out.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub channel_defaults: ChannelSettings,
}

impl Request {
    /// A simulation of `centre`'s demand: 30 replications, seed 1.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            forecast: None,
            staffing: None,
            channels: None,
            interval_min: 30,
            replications: 30,
            seed: 1,
            threads: None,
            limits: SimLimits::default(),
            overdispersion: Default::default(),
            start_waiting: Vec::new(),
            start_busy: Vec::new(),
            choose_reserve: false,
            trace: false,
            channel_defaults: ChannelSettings::default(),
        }
    }
}

/// A simulation built and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    sim: Simulation,
    book: ChannelBook,
    request: Request,
}

/// Reads the inputs of `r` and builds the simulation (every limit checked).
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    super::check_overdispersion(&r.overdispersion)?;
    let mut s = Setup::new(r.centre.clone());
    let (forecast, source, scenario) = s.demand(r.forecast.as_deref(), r.interval_min)?;
    let sc = scenario.as_ref().map(|(x, p)| (x, p.as_path()));
    let (channels, _) = s.scenario_files(sc, r.channels.as_deref(), None);
    if let Some(c) = &channels {
        s.input("Request.channels", c);
    }
    if let Some(p) = &r.staffing {
        s.input("Request.staffing", p);
    }
    if forecast.rows.is_empty() {
        return Err(Error::Request(format!(
            "{source}: the forecast has no rows"
        )));
    }
    let book = s.channel_book(
        channels.as_deref(),
        &r.channel_defaults,
        forecast.channels(),
    )?;
    let (staffing, staffing_source) = match &r.staffing {
        Some(p) => {
            let (t, w) = StaffingTable::from_path(p, r.interval_min)?;
            s.warn(w);
            (t, p.display().to_string())
        }
        None => {
            s.notes.push(crate::core::input::Warning(
                "no Request.staffing: simulating the Erlang requirement of the forecast (wfm staff's agents per interval)".to_string(),
            ));
            let rows = crate::models::requirement::staff_forecast(&forecast, &book, None, &source)?;
            let t = StaffingTable {
                rows: rows
                    .iter()
                    .map(|x| StaffingRow::new(x.date, x.time, &x.channel, x.agents))
                    .collect(),
            };
            (t, "the Erlang requirement".to_string())
        }
    };
    let mut builder = crate::sim::from_forecast(&forecast, &staffing, &book, &staffing_source)?
        .replications(r.replications)
        .seed(r.seed)
        .threads(r.threads)
        .limits(r.limits)
        .overdispersion(r.overdispersion);
    for (c, n) in &r.start_waiting {
        builder = builder.start_waiting(c, *n);
    }
    for (c, n) in &r.start_busy {
        builder = builder.start_busy(c, *n);
    }
    super::check_replications(r.replications)?;
    // Routing and distribution errors come from the channels file's tables.
    let sim = builder.build().map_err(|e| match (&channels, &e) {
        (
            Some(p),
            SimError::Channel { .. }
            | SimError::UnknownChannel { .. }
            | SimError::Unserved(_)
            | SimError::Concurrency { .. },
        ) => Error::Request(format!("{}: {e}", p.display())),
        _ => Error::Sim(e),
    })?;
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        sim,
        book,
        request: r.clone(),
    })
}

/// A simulation run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The blended groups' reserves, when chosen.
    pub reserves: Option<ReserveChoice>,
    /// The results of every replication.
    pub result: SimResult,
    /// Every event of the first replication, when asked.
    pub trace: Option<Vec<u8>>,
}

impl Prepared {
    /// Runs the replications; `progress` is called once per replication
    /// done.
    pub fn run(mut self, progress: Option<&(dyn Fn() + Sync)>) -> Result<Outcome, Error> {
        let reserves = if self.request.choose_reserve {
            let book = &self.book;
            let choice = crate::sim::choose_reserves(&mut self.sim, &|c: &str| {
                book.resolve(c).ok().map(|x| x.targets)
            })?;
            if choice.chosen.is_empty() {
                return Err(Error::Request(
                    "Request.choose_reserve: no blended group ([group.NAME] blend = ...) in the channels"
                        .to_string(),
                ));
            }
            Some(choice)
        } else {
            None
        };
        let result = self.sim.run(progress)?;
        let trace = if self.request.trace {
            let mut buf = Vec::new();
            self.sim.trace(&mut buf).map_err(|source| Error::Table {
                table: "the trace".to_string(),
                source,
            })?;
            Some(buf)
        } else {
            None
        };
        Ok(Outcome {
            reserves,
            result,
            trace,
        })
    }

    /// Replications the run makes.
    pub fn replications(&self) -> usize {
        self.request.replications
    }
}

impl Outcome {
    /// The reserve search's trials and choices, and the campaigns' days.
    pub fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(choice) = &self.reserves {
            for t in &choice.trials {
                let dropped = if t.abandon_share > 0.0 {
                    format!(
                        ", at most {:.2}% of a day's answered calls dropped ({} day(s) over the cap)",
                        100.0 * t.abandon_share,
                        t.days_over_cap
                    )
                } else {
                    String::new()
                };
                out.push(format!(
                    "{} reserves {}: {} inbound interval(s) missing a target, {:.0} outbound calls{dropped}",
                    t.group,
                    t.by_day
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                    t.inbound_misses,
                    t.outbound_calls
                ));
            }
            for (g, d, r) in &choice.by_day {
                out.push(format!("{g}: {d} reserve {r} chosen"));
            }
        }
        out.extend(super::campaign_lines(&self.result.campaigns()));
        out
    }

    /// The interval table.
    pub fn intervals_table(&self) -> Result<Table, Error> {
        Table::write("intervals.csv", |b| self.result.write_intervals(b))
    }

    /// The summary table (per channel and day, then the whole run).
    pub fn summary_table(&self) -> Result<Table, Error> {
        Table::write("summary.csv", |b| self.result.write_summary(b))
    }
}
