//! Staffing as a job (`wfm staff`): agents and FTE per interval for a
//! forecast (Erlang C/A, chat, deferred work, outbound dialers), or per
//! cross-trained group by simulation.
//!
//! ```no_run
//! use wfm::jobs::staff::{prepare, Request};
//! let mut req = Request::on(None);
//! req.forecast = Some("scenarios/lender_day.csv".into());
//! req.channels = Some("scenarios/channels.toml".into());
//! let out = prepare(&req).unwrap().run().unwrap();
//! if let wfm::jobs::staff::Staffing::Channels(rows) = &out.staffing {
//!     assert!(rows.iter().all(|r| r.agents > 0 || r.volume == 0.0));
//! }
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Error, Setup, Table};
use crate::core::centre::Centre;
use crate::demand::forecast::Forecast;
use crate::models::channels::{ChannelBook, ChannelSettings};
use crate::models::requirement::StaffRow;
use crate::models::staffing::Model;
use crate::optimize::multiskill::{GroupStaffOptions, GroupStaffing};

/// What to staff. The forecast left `None` is the centre's `forecast`, else
/// its scenario's forecast over the scenario's dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The centre.
    pub centre: Option<Centre>,
    /// The forecast CSV.
    pub forecast: Option<PathBuf>,
    /// Channel settings (else the scenario's `channels_file`, else the
    /// centre's `channels`).
    pub channels: Option<PathBuf>,
    /// Shift rules: contacts in a channel's closed hours move to its
    /// opening (else the scenario's `shifts_file`, else the centre's).
    pub shifts: Option<PathBuf>,
    /// Interval length of the forecast CSV, minutes.
    pub interval_min: u32,
    /// The queueing model (else Erlang A with a patience, C without).
    pub model: Option<Model>,
    /// Staff the channels file's groups by simulation instead.
    pub groups: Option<GroupStaffOptions>,
    /// Channel settings for what the channels file leaves out.
    pub channel_defaults: ChannelSettings,
}

impl Request {
    /// Staffing of `centre`'s demand with the defaults.
    pub fn on(centre: Option<Centre>) -> Request {
        Request {
            centre,
            forecast: None,
            channels: None,
            shifts: None,
            interval_min: 30,
            model: None,
            groups: None,
            channel_defaults: ChannelSettings::default(),
        }
    }
}

/// Staffing read and checked, ready to run.
#[derive(Debug)]
pub struct Prepared {
    /// The notes, warnings and input files of the preparation.
    pub setup: Setup,
    forecast: Forecast,
    source: String,
    book: ChannelBook,
    request: Request,
}

/// Reads the demand, the channel settings and the opening hours of `r`.
pub fn prepare(r: &Request) -> Result<Prepared, Error> {
    let mut s = Setup::new(r.centre.clone());
    let (mut forecast, source, scenario) = s.demand(r.forecast.as_deref(), r.interval_min)?;
    let sc = scenario.as_ref().map(|(x, p)| (x, p.as_path()));
    let (channels, shifts) = s.scenario_files(sc, r.channels.as_deref(), r.shifts.as_deref());
    for (what, p) in [("Request.channels", &channels), ("Request.shifts", &shifts)] {
        if let Some(p) = p {
            s.input(what, p);
        }
    }
    if let Some(p) = &shifts {
        let rules = crate::optimize::shifts::ShiftRules::from_path(p)?;
        crate::models::opening::move_to_opening(&mut forecast, &rules, &p.display().to_string())?;
    }
    let book = s.channel_book(
        channels.as_deref(),
        &r.channel_defaults,
        forecast.channels(),
    )?;
    s.warn(crate::models::requirement::outbound_time_warnings(
        &forecast, &book,
    ));
    if let Some(g) = &r.groups {
        super::check_replications(g.replications)?;
        if !(g.bucket_share.is_finite() && g.bucket_share > 0.0 && g.bucket_share <= 1.0) {
            return Err(Error::Request(format!(
                "Request.groups.bucket_share: expected a share in (0, 1], got {}",
                g.bucket_share
            )));
        }
        if !(g.max_contacts.is_finite() && g.max_contacts >= 1.0) {
            return Err(Error::Request(format!(
                "Request.groups.max_contacts: expected a number >= 1, got {}",
                g.max_contacts
            )));
        }
    }
    s.record_files_read();
    Ok(Prepared {
        setup: s,
        forecast,
        source,
        book,
        request: r.clone(),
    })
}

/// The staffing found.
#[derive(Debug, Clone)]
pub enum Staffing {
    /// Per interval and channel.
    Channels(Vec<StaffRow>),
    /// Per interval and group, with the search's account.
    Groups(GroupStaffing),
}

/// Staffing done.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The staffing.
    pub staffing: Staffing,
}

impl Prepared {
    /// Staffs every interval.
    pub fn run(&self) -> Result<Outcome, Error> {
        let staffing = match &self.request.groups {
            Some(g) => Staffing::Groups(crate::optimize::multiskill::staff_groups(
                &self.forecast,
                &self.book,
                g,
            )?),
            None => Staffing::Channels(crate::models::requirement::staff_forecast(
                &self.forecast,
                &self.book,
                self.request.model,
                &self.source,
            )?),
        };
        Ok(Outcome { staffing })
    }
}

impl Outcome {
    /// The summary of a group search (nothing for channels).
    pub fn summary(&self) -> Vec<String> {
        let Staffing::Groups(found) = &self.staffing else {
            return Vec::new();
        };
        let mut out = vec![format!(
            "{} block(s) of like load in {} component(s), {} simulations; each staffing locally optimal on its sample (no removal, move or two-for-one exchange keeps every target for less)",
            found.search.blocks,
            found.search.components,
            found.search.simulations
        )];
        if found.search.unmet > 0 {
            out.push(format!(
                "{} interval(s) of a component meet no staffing with every target (up to {} agents a group): the best found is written",
                found.search.unmet,
                crate::models::staffing::MAX_AGENTS.min(20_000)
            ));
        }
        out
    }

    /// Whether every interval met its targets (a group search can fail
    /// some).
    pub fn met(&self) -> bool {
        match &self.staffing {
            Staffing::Groups(found) => found.search.unmet == 0,
            Staffing::Channels(_) => true,
        }
    }

    /// The staffing CSV.
    pub fn table(&self) -> Result<Table, Error> {
        match &self.staffing {
            Staffing::Channels(rows) => Table::write("staff.csv", |b| {
                crate::models::requirement::write_staffing(b, rows)
            }),
            Staffing::Groups(found) => Table::write("staff.csv", |b| {
                crate::models::requirement::write_staffing_table_as(&found.table, b, "group")
            }),
        }
    }
}
