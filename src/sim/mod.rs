//! The discrete-event simulator of a contact center.
//!
//! ```text
//!  arrivals ──▶ bot/IVR ──solved──▶ (done)
//!  (per channel,   │
//!   NHPP)          ▼ transferred
//!             ┌─────────┐  longest-idle eligible agent   ┌──────────────┐
//!             │ queue c │ ─────────────────────────────▶ │ agent groups │──▶ answered
//!             └─────────┘ ◀── idle agent takes the oldest │ (skills in   │
//!               │    │        contact of its highest-     │  priority    │
//!   patience ◀──┘    │        priority skill              │  order)      │
//!   expires:         └─▶ callback request (expected wait  └──────────────┘
//!   abandoned ─▶ retry     over threshold), worked when no live contact waits
//! ```
//!
//! # What it models
//! - **Arrivals**: per channel, the forecast's volumes through the exact
//!   arrival process of [`crate::models::arrivals`], optionally overdispersed.
//! - **Bot/IVR**: a share `containment` of arrivals is solved by the bot after
//!   an exponential `bot_time_s` (0 = at once); the rest transfer after it.
//! - **Handle times and patience**: [`crate::models::dist`] shapes times the
//!   interval's `aht_s` and `patience_s` (of the interval the contact arrived
//!   in). Exponential unless the channel says otherwise; no patience mean
//!   means nobody abandons. Deferred channels never abandon.
//! - **Retrials and channel switching**: an abandoned contact returns with
//!   probability `retry_prob` after an exponential `retry_delay_s`, on
//!   `retry_channel` (default the same) as a new arrival.
//! - **Callbacks (virtual hold)**: when `(waiting + 1) · aht / capacity` of the
//!   channel exceeds `callback_threshold_s`, a share `callback_share` of
//!   arrivals leave a callback request. Requests are worked oldest first when
//!   no live contact of the agent's skills waits, before deferred work; a
//!   callback made later than `callback_deadline_s` after the request is late.
//! - **Priorities and routing**: each group serves its channels in priority
//!   order. An arriving contact goes to the longest-idle eligible agent
//!   (across groups); a freed agent takes the oldest waiting contact of its
//!   highest-priority channel with anyone waiting, then callbacks, then
//!   deferred work. Priorities are **not pre-emptive**: a contact in service
//!   is never interrupted.
//! - **Chat concurrency**: an agent of a group with concurrency k has k
//!   slots; each free slot is an idle server (the slot model of the staffing
//!   formulas).
//! - **Deferred work's deadline** counts working time: the seconds during
//!   which some group serving the channel has agents (so e-mail that arrives
//!   at closing is counted from the next opening, as service agreements do).
//! - **Staffing by interval**: agents per group per interval. At a decrease,
//!   idle agents leave at once and busy ones finish their contact first; an
//!   increase first keeps agents who were about to leave. An interval with no
//!   agents is **closed**: contacts still arrive, queue and abandon by their
//!   patience (or wait, for deferred work) until agents return.
//! - **Start state**: contacts waiting and contacts in service at time 0.
//!
//! The run stops at the end of the last interval: contacts still with the
//! bot or waiting then are "in system". Every offered contact is exactly one
//! of bot-solved, answered, abandoned, callback request or in system.
//!
//! # Reproducibility
//! Replication r draws everything, in event order, from
//! [`crate::models::arrivals::stream_rng`]`(seed, r)`; replications run in parallel
//! with rayon and are summarised in index order, so the output is the same
//! for any number of threads.

mod blend;
mod builder;
mod engine;
mod event;
mod from_forecast;
mod queue;
mod result;
mod stats;

use std::io::Write;

use jiff::civil::{Date, Time};
use rayon::prelude::*;

pub use crate::models::requirement::{StaffingRow, StaffingTable};
pub use blend::{choose_reserves, choose_reserves_and_run, ReserveChoice, ReserveTrial};
pub use builder::{ChannelSpec, GroupSpec, SimBuilder, SimLimits, MAX_SLOTS};
pub use from_forecast::{forecast_grid, from_forecast, MAX_SIM_INTERVALS};
pub use result::{CampaignDay, CampaignDayResult, Period, SimResult, SimRow};
pub use stats::{
    misses_target, t975, Cell, Estimate, Replication, SimMetrics, METRICS, MISS_CI_FACTOR,
};

use crate::models::arrivals::{stream_rng, ArrivalProcess};
use crate::models::channels::ChannelKind;
use crate::models::dist::UnitDist;
use crate::models::erlang::SlDefinition;

/// Why a simulation cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// No intervals.
    #[error("the simulation has no intervals")]
    NoIntervals,
    /// An interval length of zero or one that does not divide a day.
    #[error("interval must be a whole number of minutes that divides a day, got {0}")]
    Interval(u32),
    /// A per-interval vector of the wrong length.
    #[error("{what} has {got} values for {want} intervals")]
    Length {
        /// Which vector.
        what: String,
        /// Its length.
        got: usize,
        /// The number of intervals.
        want: usize,
    },
    /// A bad channel parameter.
    #[error("channel {channel}: {message}")]
    Channel {
        /// Channel.
        channel: String,
        /// What is wrong.
        message: String,
    },
    /// A group that names a channel the simulation does not have.
    #[error("group {group}: unknown channel {channel:?}")]
    UnknownChannel {
        /// Group.
        group: String,
        /// Channel.
        channel: String,
    },
    /// A channel no group serves.
    #[error("channel {0} has no group to serve it: add it to a group's channels")]
    Unserved(String),
    /// An overflow naming a group the simulation does not have.
    #[error("overflow_from: unknown group {0:?}")]
    UnknownGroup(String),
    /// Groups that overflow from each other in a circle.
    #[error("overflow_from: cyclic overflow {0}: a group cannot wait for itself")]
    CyclicOverflow(String),
    /// A blended group that cannot blend.
    #[error("group {group}: blend: {why}")]
    Blend {
        /// Group.
        group: String,
        /// What is wrong.
        why: String,
    },
    /// Concurrency above one for a voice channel, or zero.
    #[error("group {group}: concurrency {concurrency} {why}")]
    Concurrency {
        /// Group.
        group: String,
        /// Its concurrency.
        concurrency: u32,
        /// Why not.
        why: String,
    },
    /// More agents in an interval than the simulator takes.
    #[error("group {group}: {agents} agents in an interval; the simulator takes at most {max}")]
    TooManyAgents {
        /// Group.
        group: String,
        /// Its largest agent count.
        agents: u32,
        /// [`MAX_AGENTS`].
        max: u32,
    },
    /// No replications.
    #[error("replications must be at least 1")]
    Replications,
    /// A start-state channel the simulation does not have.
    #[error("start state: unknown channel {0:?}")]
    StartChannel(String),
    /// The run would take more work than its limits allow.
    #[error("{what}: about {estimate:.3e}, above the limit of {limit:.3e}; raise the limit ({flag}) if the run is meant to be this large")]
    TooMuchWork {
        /// What was estimated.
        what: String,
        /// The estimate.
        estimate: f64,
        /// The limit.
        limit: f64,
        /// The setting that raises it (`SimLimits.max_contacts`; the CLI names its flag).
        flag: String,
    },
    /// A limit that is not a number of at least 1.
    #[error("{setting}: expected a number >= 1, got {value}")]
    Limit {
        /// The setting (`SimLimits.max_contacts`).
        setting: String,
        /// Its value.
        value: f64,
    },
    /// A channel's arrival process cannot be built (its volumes).
    #[error("channel {channel}: arrivals")]
    Arrivals {
        /// Channel.
        channel: String,
        /// Why.
        #[source]
        source: crate::models::arrivals::ArrivalError,
    },
    /// Interval labels that do not match the intervals.
    #[error("labels: {0}")]
    Labels(String),
    /// The rayon thread pool could not be built.
    #[error("cannot start {0} threads")]
    Threads(usize),
}

/// The most agents one group may have in an interval (agents are numbered
/// in 30 bits inside the event loop; this leaves room for those finishing a
/// contact after their shift). The same cap as the staffing search's.
pub use crate::models::staffing::MAX_AGENTS;

/// A checked, ready-to-run simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    interval_s: f64,
    intervals: usize,
    labels: Vec<(Date, Time)>,
    channels: Vec<ChannelRt>,
    groups: Vec<GroupRt>,
    groups_of: Vec<Vec<usize>>,
    /// Per group: the groups it overflows from (see [`SimBuilder::overflow_from`]).
    overflow_from: Vec<Vec<usize>>,
    /// Per channel: the call list per interval (empty: unlimited).
    call_lists: Vec<Vec<u32>>,
    /// Per channel: a predictive campaign's lines per idle agent per
    /// interval (empty for other channels).
    pacing: Vec<Vec<f64>>,
    start_waiting: Vec<(usize, u32)>,
    start_busy: Vec<(usize, u32)>,
    replications: usize,
    seed: u64,
    threads: Option<usize>,
}

#[derive(Debug, Clone)]
struct ChannelRt {
    name: String,
    kind: ChannelKind,
    process: ArrivalProcess,
    containment: f64,
    bot_time_s: f64,
    handle: UnitDist,
    patience: UnitDist,
    aht_s: Vec<f64>,
    patience_s: Vec<Option<f64>>,
    answer_within_s: f64,
    sl_definition: SlDefinition,
    retry_prob: f64,
    retry_delay_s: f64,
    retry_channel: Option<usize>,
    callback_threshold_s: Option<f64>,
    callback_share: f64,
    callback_deadline_s: f64,
    /// An outbound campaign's call model (blended channels only).
    campaign: Option<crate::models::dialer::Campaign>,
}

#[derive(Debug, Clone)]
struct GroupRt {
    name: String,
    realtime: Vec<usize>,
    deferred: Vec<usize>,
    concurrency: u32,
    agents: Vec<u32>,
    /// Blending: the outbound channel the group calls out on with an
    /// unlimited list, and how many agents it keeps idle for inbound.
    outbound: Option<(usize, u32)>,
    /// Blending: the reserve per interval when it varies (set by
    /// [`choose_reserves`] day by day); empty, `outbound`'s.
    reserves: Vec<u32>,
}

impl Simulation {
    /// Number of intervals.
    pub fn intervals(&self) -> usize {
        self.intervals
    }

    fn periods(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=self.intervals {
            if i == self.intervals || self.labels[i].0 != self.labels[start].0 {
                out.push((start, i));
                start = i;
            }
        }
        out.push((0, self.intervals));
        out
    }

    /// Runs one replication; `trace` receives a CSV line per contact outcome.
    fn replication(
        &self,
        r: usize,
        periods: &[(usize, usize)],
        trace: Option<&mut dyn Write>,
    ) -> std::io::Result<Replication> {
        let engine = engine::Engine::new(self, stream_rng(self.seed, r as u64), trace);
        Ok(engine.run()?.condense(periods))
    }

    /// Sets the agents of group `g` per interval, keeping everything else:
    /// a search over staffings simulates each candidate on the one built
    /// simulation (the same seed: common random numbers).
    pub fn set_group_agents(&mut self, g: usize, agents: &[u32]) -> Result<(), SimError> {
        let Some(group) = self.groups.get_mut(g) else {
            return Err(SimError::Length {
                what: "group index".into(),
                got: g,
                want: self.groups.len(),
            });
        };
        if agents.len() != self.intervals {
            return Err(SimError::Length {
                what: format!("group {} agents", group.name),
                got: agents.len(),
                want: self.intervals,
            });
        }
        if let Some(&most) = agents.iter().max().filter(|&&m| m > MAX_AGENTS) {
            return Err(SimError::TooManyAgents {
                group: group.name.clone(),
                agents: most,
                max: MAX_AGENTS,
            });
        }
        let most = agents.iter().copied().max().unwrap_or(0);
        if u64::from(most) * u64::from(group.concurrency) > builder::MAX_SLOTS {
            return Err(SimError::Concurrency {
                group: group.name.clone(),
                concurrency: group.concurrency,
                why: format!(
                    "gives {most} agents × {} slots in an interval; the simulator takes at most {}",
                    group.concurrency,
                    builder::MAX_SLOTS
                ),
            });
        }
        group.agents = agents.to_vec();
        Ok(())
    }

    /// Runs every replication in parallel; `progress` is called once per
    /// finished replication (from worker threads).
    pub fn run(&self, progress: Option<&(dyn Fn() + Sync)>) -> Result<SimResult, SimError> {
        let periods = self.periods();
        let one = |r: usize| {
            let rep = self
                .replication(r, &periods, None)
                .expect("no trace, no I/O");
            if let Some(p) = progress {
                p();
            }
            rep
        };
        let work =
            || -> Vec<Replication> { (0..self.replications).into_par_iter().map(one).collect() };
        // More threads than cores only cost memory: the machine bounds them.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let replications = match self.threads.filter(|&t| t > 0).map(|t| t.min(cores)) {
            None => work(),
            // One thread: in the caller's, without building a pool (a
            // search that runs many small simulations in parallel itself).
            Some(1) => (0..self.replications).map(one).collect(),
            Some(t) => rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|_| SimError::Threads(t))?
                .install(work),
        };
        Ok(SimResult {
            channels: self.channels.iter().map(|c| c.name.clone()).collect(),
            labels: self.labels.clone(),
            replications,
            periods,
            groups_of: self.groups_of.clone(),
            sl: self.channels.iter().map(|c| c.sl_definition).collect(),
            groups: self.groups.iter().map(|g| g.name.clone()).collect(),
        })
    }

    /// Runs replication 0 alone, writing a CSV line per contact:
    /// `contact,channel,arrival_s,outcome,wait_s,handle_s,group,account`. Its numbers
    /// are those of replication 0 of [`Simulation::run`].
    pub fn trace(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.replication(0, &self.periods(), Some(w)).map(|_| ())
    }
}
