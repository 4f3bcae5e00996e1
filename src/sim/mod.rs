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
//!   arrival process of [`crate::arrivals`], optionally overdispersed.
//! - **Bot/IVR**: a share `containment` of arrivals is solved by the bot after
//!   an exponential `bot_time_s` (0 = at once); the rest transfer after it.
//! - **Handle times and patience**: [`crate::dist`] shapes times the
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
//! [`crate::arrivals::stream_rng`]`(seed, r)`; replications run in parallel
//! with rayon and are summarised in index order, so the output is the same
//! for any number of threads.

mod engine;
mod queue;
mod stats;

use std::collections::HashMap;
use std::io::Write;

use jiff::civil::{Date, Time};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::requirement::{StaffingRow, StaffingTable};
pub use stats::{
    misses_target, t975, Cell, Estimate, Replication, SimMetrics, METRICS, MISS_CI_FACTOR,
};

use crate::arrivals::{stream_rng, ArrivalProcess, Overdispersion};
use crate::channels::{ChannelBook, ChannelKind, ChannelSimSettings};
use crate::dist::UnitDist;
use crate::erlang::SlDefinition;
use crate::forecast::Forecast;
use crate::input::InputError;
use crate::textio::format_time;

/// One channel of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelSpec {
    /// Channel name.
    pub name: String,
    /// Real-time voice or chat, or deferred work.
    pub kind: ChannelKind,
    /// Contacts expected per interval (before the bot).
    pub volumes: Vec<f64>,
    /// Mean handle time per interval, seconds.
    pub aht_s: Vec<f64>,
    /// Mean patience per interval, seconds (`None`: nobody abandons).
    pub patience_s: Vec<Option<f64>>,
    /// Share solved by the bot.
    pub containment: f64,
    /// Service-level threshold (deferred: the reply deadline), seconds.
    pub answer_within_s: f64,
    /// How abandons count in the service level.
    pub sl_definition: SlDefinition,
    /// Distributions, bot time, retries, callbacks.
    pub sim: ChannelSimSettings,
}

/// One agent group of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSpec {
    /// Group name.
    pub name: String,
    /// Channels served, highest priority first.
    pub channels: Vec<String>,
    /// Contacts an agent handles at once.
    pub concurrency: u32,
    /// Agents per interval.
    pub agents: Vec<u32>,
}

/// Why a simulation cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    /// The rayon thread pool could not be built.
    #[error("cannot start {0} threads")]
    Threads(usize),
}

/// The most agents one group may have in an interval (agents are numbered
/// in 30 bits inside the event loop; this leaves room for those finishing a
/// contact after their shift). The same cap as the staffing search's.
pub use crate::staffing::MAX_AGENTS;

/// Builds a [`Simulation`] step by step; every default is in [`SimBuilder::new`].
///
/// ```
/// use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder};
/// use wfm::channels::{ChannelBook, ChannelKind};
/// // Two hours of a 20-agent phone queue offered 100 calls of 3 minutes per half hour.
/// let settings = ChannelBook::default().resolve("phone").unwrap().sim;
/// let sim = SimBuilder::new(30, 4)
///     .channel(ChannelSpec {
///         name: "phone".into(),
///         kind: ChannelKind::Voice,
///         volumes: vec![100.0; 4],
///         aht_s: vec![180.0; 4],
///         patience_s: vec![Some(120.0); 4],
///         containment: 0.0,
///         answer_within_s: 20.0,
///         sl_definition: Default::default(),
///         sim: settings,
///     })
///     .group(GroupSpec { name: "phone".into(), channels: vec!["phone".into()], concurrency: 1, agents: vec![12; 4] })
///     .replications(8)
///     .seed(1)
///     .build()
///     .unwrap();
/// let result = sim.run(None).unwrap();
/// let all = result.summary_all(0).unwrap();
/// assert!(all.service_level.mean > 0.5 && all.abandon_rate.mean < 0.2);
/// ```
#[derive(Debug, Clone)]
pub struct SimBuilder {
    interval_min: u32,
    intervals: usize,
    labels: Option<Vec<(Date, Time)>>,
    channels: Vec<ChannelSpec>,
    groups: Vec<GroupSpec>,
    overdispersion: Overdispersion,
    replications: usize,
    seed: u64,
    threads: Option<usize>,
    start_waiting: Vec<(String, u32)>,
    start_busy: Vec<(String, u32)>,
}

/// A checked, ready-to-run simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    interval_s: f64,
    intervals: usize,
    labels: Vec<(Date, Time)>,
    channels: Vec<ChannelRt>,
    groups: Vec<GroupRt>,
    groups_of: Vec<Vec<usize>>,
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
}

#[derive(Debug, Clone)]
struct GroupRt {
    name: String,
    realtime: Vec<usize>,
    deferred: Vec<usize>,
    concurrency: u32,
    agents: Vec<u32>,
}

impl SimBuilder {
    /// A simulation of `intervals` intervals of `interval_min` minutes with
    /// no channels yet; 30 replications, seed 1, no overdispersion, all
    /// threads, empty start.
    pub fn new(interval_min: u32, intervals: usize) -> Self {
        SimBuilder {
            interval_min,
            intervals,
            labels: None,
            channels: Vec::new(),
            groups: Vec::new(),
            overdispersion: Overdispersion::default(),
            replications: 30,
            seed: 1,
            threads: None,
            start_waiting: Vec::new(),
            start_busy: Vec::new(),
        }
    }

    /// Date and time labels of the intervals (for output).
    pub fn labels(mut self, labels: Vec<(Date, Time)>) -> Self {
        self.labels = Some(labels);
        self
    }
    /// Adds a channel.
    pub fn channel(mut self, c: ChannelSpec) -> Self {
        self.channels.push(c);
        self
    }
    /// Adds an agent group.
    pub fn group(mut self, g: GroupSpec) -> Self {
        self.groups.push(g);
        self
    }
    /// Gamma busyness factors on the arrivals.
    pub fn overdispersion(mut self, o: Overdispersion) -> Self {
        self.overdispersion = o;
        self
    }
    /// Number of replications.
    pub fn replications(mut self, n: usize) -> Self {
        self.replications = n;
        self
    }
    /// The seed.
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }
    /// Worker threads (`None`: rayon's default, one per core).
    pub fn threads(mut self, t: Option<usize>) -> Self {
        self.threads = t;
        self
    }
    /// `n` contacts of `channel` waiting at time 0.
    pub fn start_waiting(mut self, channel: &str, n: u32) -> Self {
        self.start_waiting.push((channel.to_string(), n));
        self
    }
    /// `n` contacts of `channel` in service at time 0.
    pub fn start_busy(mut self, channel: &str, n: u32) -> Self {
        self.start_busy.push((channel.to_string(), n));
        self
    }

    /// Checks everything and builds the simulation.
    pub fn build(self) -> Result<Simulation, SimError> {
        let n = self.intervals;
        if n == 0 {
            return Err(SimError::NoIntervals);
        }
        let im = self.interval_min;
        if crate::grid::check_interval_min(im).is_err() {
            return Err(SimError::Interval(im));
        }
        if self.replications == 0 {
            return Err(SimError::Replications);
        }
        let names: Vec<&str> = self.channels.iter().map(|c| c.name.as_str()).collect();
        let index = |name: &str| names.iter().position(|n| *n == name);
        let mut channels = Vec::new();
        for c in &self.channels {
            let err = |m: String| SimError::Channel {
                channel: c.name.clone(),
                message: m,
            };
            for (what, len) in [
                ("volumes", c.volumes.len()),
                ("aht_s", c.aht_s.len()),
                ("patience_s", c.patience_s.len()),
            ] {
                if len != n {
                    return Err(SimError::Length {
                        what: format!("channel {} {what}", c.name),
                        got: len,
                        want: n,
                    });
                }
            }
            if let Some((i, a)) = c
                .aht_s
                .iter()
                .enumerate()
                .find(|(i, a)| !(a.is_finite() && **a > 0.0) && c.volumes[*i] > 0.0)
            {
                return Err(err(format!("interval {i}: aht_s must be > 0, got {a}")));
            }
            if let Some(p) = c
                .patience_s
                .iter()
                .flatten()
                .find(|p| !(p.is_finite() && **p > 0.0))
            {
                return Err(err(format!("patience_s must be > 0, got {p}")));
            }
            if !(0.0..=1.0).contains(&c.containment) {
                return Err(err(format!(
                    "containment must be a share in [0, 1], got {}",
                    c.containment
                )));
            }
            let process = ArrivalProcess::new(&c.volumes, im)
                .and_then(|p| p.with_overdispersion(self.overdispersion))
                .map_err(|e| err(e.to_string()))?;
            let s = &c.sim;
            let retry_channel = match &s.retry_channel {
                None => None,
                Some(r) => Some(index(r).ok_or_else(|| {
                    err(format!(
                        "retry_channel {r:?} is not a channel of the simulation"
                    ))
                })?),
            };
            channels.push(ChannelRt {
                name: c.name.clone(),
                kind: c.kind,
                process,
                containment: c.containment,
                bot_time_s: s.bot_time_s,
                handle: s
                    .handle_time
                    .unit()
                    .map_err(|e| err(format!("handle_time: {e}")))?,
                patience: s
                    .patience
                    .unit()
                    .map_err(|e| err(format!("patience: {e}")))?,
                aht_s: c
                    .aht_s
                    .iter()
                    .map(|a| if a.is_finite() && *a > 0.0 { *a } else { 1.0 })
                    .collect(),
                patience_s: c.patience_s.clone(),
                answer_within_s: c.answer_within_s,
                sl_definition: c.sl_definition,
                retry_prob: s.retry_prob,
                retry_delay_s: s.retry_delay_s,
                retry_channel,
                callback_threshold_s: s.callback_threshold_s,
                callback_share: s.callback_share,
                callback_deadline_s: s.callback_deadline_s,
            });
        }
        let mut groups = Vec::new();
        let mut groups_of = vec![Vec::new(); channels.len()];
        for (gi, g) in self.groups.iter().enumerate() {
            if g.agents.len() != n {
                return Err(SimError::Length {
                    what: format!("group {} agents", g.name),
                    got: g.agents.len(),
                    want: n,
                });
            }
            if let Some(&most) = g.agents.iter().max().filter(|&&m| m > MAX_AGENTS) {
                return Err(SimError::TooManyAgents {
                    group: g.name.clone(),
                    agents: most,
                    max: MAX_AGENTS,
                });
            }
            if g.concurrency == 0 {
                return Err(SimError::Concurrency {
                    group: g.name.clone(),
                    concurrency: 0,
                    why: "must be at least 1".into(),
                });
            }
            let mut realtime = Vec::new();
            let mut deferred = Vec::new();
            for name in &g.channels {
                let c = index(name).ok_or_else(|| SimError::UnknownChannel {
                    group: g.name.clone(),
                    channel: name.clone(),
                })?;
                if g.concurrency > 1 && channels[c].kind == ChannelKind::Voice {
                    return Err(SimError::Concurrency {
                        group: g.name.clone(),
                        concurrency: g.concurrency,
                        why: format!(
                            "cannot serve voice channel {name}: an agent takes one call at a time"
                        ),
                    });
                }
                if channels[c].kind == ChannelKind::Deferred {
                    deferred.push(c);
                } else {
                    realtime.push(c);
                }
                groups_of[c].push(gi);
            }
            groups.push(GroupRt {
                name: g.name.clone(),
                realtime,
                deferred,
                concurrency: g.concurrency,
                agents: g.agents.clone(),
            });
        }
        for (c, gs) in groups_of.iter().enumerate() {
            if gs.is_empty() {
                return Err(SimError::Unserved(channels[c].name.clone()));
            }
        }
        let start = |list: &[(String, u32)]| -> Result<Vec<(usize, u32)>, SimError> {
            list.iter()
                .map(|(name, k)| {
                    index(name)
                        .map(|c| (c, *k))
                        .ok_or_else(|| SimError::StartChannel(name.clone()))
                })
                .collect()
        };
        let labels = self.labels.unwrap_or_else(|| {
            let d: Date = Date::constant(2000, 1, 1);
            (0..n)
                .map(|i| {
                    let min = (i as u32 * im) % 1440;
                    let day = (i as u32 * im / 1440) as i64;
                    (
                        d.checked_add(jiff::Span::new().days(day)).unwrap_or(d),
                        Time::new((min / 60) as i8, (min % 60) as i8, 0, 0).expect("minute of day"),
                    )
                })
                .collect()
        });
        Ok(Simulation {
            interval_s: im as f64 * 60.0,
            intervals: n,
            labels,
            channels,
            groups,
            groups_of,
            start_waiting: start(&self.start_waiting)?,
            start_busy: start(&self.start_busy)?,
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
        })
    }
}

/// The results of a run: every replication, condensed, and summaries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimResult {
    /// Channel names, in index order.
    pub channels: Vec<String>,
    /// Interval labels.
    pub labels: Vec<(Date, Time)>,
    /// The replications, in index order.
    pub replications: Vec<Replication>,
    /// Day spans `(first interval, end)` of the labels, then the whole run.
    pub periods: Vec<(usize, usize)>,
    groups_of: Vec<Vec<usize>>,
    sl: Vec<SlDefinition>,
}

/// Where a summary row belongs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Period {
    /// One interval.
    Interval(Date, Time),
    /// One day.
    Day(Date),
    /// The whole run.
    All,
}

/// A summary row: a channel over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimRow {
    /// The period.
    pub period: Period,
    /// Channel name.
    pub channel: String,
    /// Its metrics.
    pub metrics: SimMetrics,
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

    /// Runs every replication in parallel; `progress` is called once per
    /// finished replication (from worker threads).
    pub fn run(&self, progress: Option<&(dyn Fn() + Sync)>) -> Result<SimResult, SimError> {
        let periods = self.periods();
        let work = || -> Vec<Replication> {
            (0..self.replications)
                .into_par_iter()
                .map(|r| {
                    let rep = self
                        .replication(r, &periods, None)
                        .expect("no trace, no I/O");
                    if let Some(p) = progress {
                        p();
                    }
                    rep
                })
                .collect()
        };
        let replications = match self.threads {
            None => work(),
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
        })
    }

    /// Runs replication 0 alone, writing a CSV line per contact:
    /// `contact,channel,arrival_s,outcome,wait_s,handle_s,group`. Its numbers
    /// are those of replication 0 of [`Simulation::run`].
    pub fn trace(&self, w: &mut dyn Write) -> std::io::Result<()> {
        self.replication(0, &self.periods(), Some(w)).map(|_| ())
    }
}

impl SimResult {
    /// The index of channel `name`, if simulated.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c == name)
    }

    /// The index of the interval starting at `date` `time`, if simulated.
    pub fn interval_index(&self, date: Date, time: Time) -> Option<usize> {
        self.labels.binary_search(&(date, time)).ok()
    }

    /// Metrics of channel `name` in the interval starting at `date` `time`.
    pub fn interval_at(&self, name: &str, date: Date, time: Time) -> Option<SimMetrics> {
        self.interval(self.channel_index(name)?, self.interval_index(date, time)?)
    }

    /// Metrics of channel `c` in interval `i`; `None` when either is out of range.
    pub fn interval(&self, c: usize, i: usize) -> Option<SimMetrics> {
        if i >= self.labels.len() {
            return None;
        }
        let nc = self.channels.len();
        let (groups, sl) = (self.groups_of.get(c)?, *self.sl.get(c)?);
        Some(stats::summarize(
            &self.replications,
            c,
            i,
            i + 1,
            groups,
            sl,
            &|r| {
                r.interval_pct
                    .get(i * nc + c)
                    .copied()
                    .unwrap_or([f64::NAN; 2])
            },
        ))
    }

    /// Metrics of channel `c` over intervals `a..b` (no wait percentiles
    /// unless the span is one interval, a day or the whole run; all NaN for
    /// an empty span); `None` when `c` or the span is out of range.
    pub fn span(&self, c: usize, a: usize, b: usize) -> Option<SimMetrics> {
        if b > self.labels.len() || a > b {
            return None;
        }
        let nc = self.channels.len();
        let (groups, sl) = (self.groups_of.get(c)?, *self.sl.get(c)?);
        let p = self.periods.iter().position(|&x| x == (a, b));
        let get = |v: &Vec<[f64; 2]>, k: usize| v.get(k).copied().unwrap_or([f64::NAN; 2]);
        Some(stats::summarize(
            &self.replications,
            c,
            a,
            b,
            groups,
            sl,
            &|r| match p {
                Some(p) => get(&r.period_pct, p * nc + c),
                None if b == a + 1 => get(&r.interval_pct, a * nc + c),
                None => [f64::NAN; 2],
            },
        ))
    }

    /// Metrics of channel `c` over the whole run.
    pub fn summary_all(&self, c: usize) -> Option<SimMetrics> {
        self.span(c, 0, self.labels.len())
    }

    /// One row per interval and channel.
    pub fn interval_rows(&self) -> Vec<SimRow> {
        let mut out = Vec::new();
        for (i, &(d, t)) in self.labels.iter().enumerate() {
            for (c, name) in self.channels.iter().enumerate() {
                if let Some(metrics) = self.interval(c, i) {
                    out.push(SimRow {
                        period: Period::Interval(d, t),
                        channel: name.clone(),
                        metrics,
                    });
                }
            }
        }
        out
    }

    /// One row per channel and day, then per channel for the whole run.
    pub fn summary_rows(&self) -> Vec<SimRow> {
        let mut out = Vec::new();
        let (days, all) = self.periods.split_at(self.periods.len().saturating_sub(1));
        for (c, name) in self.channels.iter().enumerate() {
            if days.len() > 1 {
                for &(a, b) in days {
                    let (Some(&(date, _)), Some(metrics)) =
                        (self.labels.get(a), self.span(c, a, b))
                    else {
                        continue;
                    };
                    out.push(SimRow {
                        period: Period::Day(date),
                        channel: name.clone(),
                        metrics,
                    });
                }
            }
            if let Some(metrics) = all.first().and_then(|&(a, b)| self.span(c, a, b)) {
                out.push(SimRow {
                    period: Period::All,
                    channel: name.clone(),
                    metrics,
                });
            }
        }
        out
    }

    /// Writes the per-interval CSV: `date,time,channel`, then every metric of
    /// [`METRICS`] with its `_ci95`.
    pub fn write_intervals<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(w);
        let mut head = vec!["date".to_string(), "time".into(), "channel".into()];
        head.extend(metric_columns());
        writeln!(out, "{}", head.join(","))?;
        for row in self.interval_rows() {
            let Period::Interval(d, t) = row.period else {
                continue;
            };
            write!(
                out,
                "{d},{},{}",
                format_time(t),
                crate::textio::csv_field(&row.channel)
            )?;
            write_metrics(&mut out, &row.metrics)?;
        }
        out.flush()
    }

    /// Writes the summary CSV: `period` (a date, or `all`), `channel`, then
    /// every metric with its `_ci95`.
    pub fn write_summary<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(w);
        let mut head = vec!["period".to_string(), "channel".into()];
        head.extend(metric_columns());
        writeln!(out, "{}", head.join(","))?;
        for row in self.summary_rows() {
            let p = match row.period {
                Period::Day(d) => d.to_string(),
                _ => "all".into(),
            };
            write!(out, "{p},{}", crate::textio::csv_field(&row.channel))?;
            write_metrics(&mut out, &row.metrics)?;
        }
        out.flush()
    }

    /// Conservation per replication and channel: offered + started in service
    /// = bot-solved + answered + abandoned + callback requests + in system
    /// (+ those started in service, which are not offered). Returns the
    /// first (replication, channel) where it fails.
    pub fn conservation_violation(&self) -> Option<(usize, usize)> {
        for (r, rep) in self.replications.iter().enumerate() {
            for c in 0..self.channels.len() {
                let mut s = Cell::default();
                for iv in 0..self.labels.len() {
                    let x = rep.cells[iv * rep.channels + c];
                    s.offered += x.offered;
                    s.bot_solved += x.bot_solved;
                    s.answered += x.answered;
                    s.abandoned += x.abandoned;
                    s.callbacks += x.callbacks;
                }
                if s.offered
                    != s.bot_solved + s.answered + s.abandoned + s.callbacks + rep.in_system[c]
                {
                    return Some((r, c));
                }
            }
        }
        None
    }
}

fn metric_columns() -> Vec<String> {
    METRICS
        .iter()
        .flat_map(|m| [m.to_string(), format!("{m}_ci95")])
        .collect()
}

fn write_metrics<W: Write>(out: &mut W, m: &SimMetrics) -> std::io::Result<()> {
    let mut line = String::new();
    for e in m.values() {
        line.push(',');
        if e.mean.is_finite() {
            crate::textio::push_num(&mut line, e.mean, 4);
        }
        line.push(',');
        if e.ci95.is_finite() {
            crate::textio::push_num(&mut line, e.ci95, 4);
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// The interval grid of a forecast: every interval from its first row's
/// start to its last row's, as labels.
pub fn forecast_grid(f: &Forecast) -> Vec<(Date, Time)> {
    let im = f.interval_min as i64;
    let key = |d: Date, t: Time| d.to_datetime(t);
    let (Some(first), Some(last)) = (
        f.rows.iter().map(|r| key(r.date, r.time)).min(),
        f.rows.iter().map(|r| key(r.date, r.time)).max(),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = first;
    while at <= last {
        out.push((at.date(), at.time()));
        match at.checked_add(jiff::Span::new().minutes(im)) {
            Ok(n) => at = n,
            Err(_) => break,
        }
    }
    out
}

/// A builder for simulating `forecast` with `staffing` under the channel
/// settings of `book`: channels from the forecast (sorted by name), groups
/// from the book's `[group.NAME]` tables or one per channel, agents from the
/// staffing table. Staffing rows for intervals or groups the simulation does
/// not have are errors naming `staffing_source` and the line; intervals the
/// table does not list have no agents.
pub fn from_forecast(
    forecast: &Forecast,
    staffing: &StaffingTable,
    book: &ChannelBook,
    staffing_source: &str,
) -> Result<SimBuilder, InputError> {
    let im = forecast.interval_min;
    let grid = forecast_grid(forecast);
    let n = grid.len();
    let pos: HashMap<(Date, Time), usize> = grid.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut names: Vec<String> = forecast.rows.iter().map(|r| r.channel.clone()).collect();
    names.sort();
    names.dedup();
    let mut b = SimBuilder::new(im, n).labels(grid.clone());
    let mut resolved = Vec::new();
    for name in &names {
        let ch = book.resolve(name)?;
        let mut volumes = vec![0.0; n];
        let mut aht = vec![f64::NAN; n];
        let mut pat = vec![ch.patience_s; n];
        for r in forecast.rows.iter().filter(|r| &r.channel == name) {
            let i = pos[&(r.date, r.time)];
            volumes[i] = r.volume;
            aht[i] = r.aht_s;
            if r.patience_s.is_some() {
                pat[i] = r.patience_s;
            }
        }
        // Intervals without a row: the channel's mean handle time.
        let known: Vec<f64> = aht
            .iter()
            .copied()
            .filter(|a| a.is_finite() && *a > 0.0)
            .collect();
        let fill = if known.is_empty() {
            300.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        aht.iter_mut()
            .filter(|a| !(a.is_finite() && **a > 0.0))
            .for_each(|a| *a = fill);
        b = b.channel(ChannelSpec {
            name: name.clone(),
            kind: ch.kind,
            volumes,
            aht_s: aht,
            patience_s: pat,
            containment: ch.containment,
            answer_within_s: ch.targets.answer_within_s,
            sl_definition: ch.targets.sl_definition,
            sim: ch.sim.clone(),
        });
        resolved.push(ch);
    }
    let groups: Vec<(String, Vec<String>, u32)> = if book.file.group.is_empty() {
        resolved
            .iter()
            .map(|c| (c.name.clone(), vec![c.name.clone()], c.concurrency))
            .collect()
    } else {
        book.file
            .group
            .iter()
            .map(|(g, s)| {
                let chans: Vec<String> = s
                    .channels
                    .iter()
                    .filter(|c| names.contains(c))
                    .cloned()
                    .collect();
                (g.clone(), chans, s.concurrency.unwrap_or(1))
            })
            .collect()
    };
    let mut agents: Vec<Vec<u32>> = vec![vec![0; n]; groups.len()];
    for StaffingRow {
        date: d,
        time: t,
        group: g,
        agents: a,
        line,
    } in &staffing.rows
    {
        let Some(gi) = groups.iter().position(|x| &x.0 == g) else {
            return Err(InputError::at(
                staffing_source,
                *line,
                format!(
                    "unknown group {g:?}: the simulation's groups are {}",
                    groups
                        .iter()
                        .map(|x| x.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let Some(&i) = pos.get(&(*d, *t)) else {
            return Err(InputError::at(
                staffing_source,
                *line,
                format!(
                    "{d} {} is outside the forecast's intervals",
                    format_time(*t)
                ),
            ));
        };
        agents[gi][i] = *a;
    }
    for ((name, chans, k), ag) in groups.into_iter().zip(agents) {
        b = b.group(GroupSpec {
            name,
            channels: chans,
            concurrency: k,
            agents: ag,
        });
    }
    Ok(b)
}
