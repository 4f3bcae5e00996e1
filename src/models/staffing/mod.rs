//! The staffing search: the fewest agents that meet every target at once.
//!
//! A [`Workload`] is one interval of one channel (volume, handle time,
//! patience, bot containment, chat concurrency); [`Targets`] are the service
//! goals; [`required_agents`] returns the smallest agent count meeting them all
//! with its [`Metrics`], and [`metrics_for`] answers the reverse question.
//!
//! # Models per kind of channel
//! - **Voice** (and any real-time channel with concurrency 1): Erlang C, or
//!   Erlang A when a patience is known ([`Model`]).
//! - **Chat with concurrency k**: each agent is k independent servers
//!   ("slots"), so N agents form an M/M/(N·k) queue and `aht_s` is the mean
//!   duration of one chat *as handled at that concurrency* (it already
//!   includes the slow-down of sharing the agent). This is the standard
//!   slot model of multi-chat staffing; see G. Koole, *Call Center
//!   Optimization* (2013), §5.7, and Tezcan & Zhang, "Routing and staffing in
//!   customer service chat systems with impatient customers", *Operations
//!   Research* 62(4), 2014, where it is the limit of their model when the
//!   service rate does not depend on the number of chats in progress.
//!   Occupancy is then the share of slots in use.
//! - **Deferred work** (email, tickets, forms): no queueing formula applies,
//!   since a reply within hours is a deadline, not a wait in line. The
//!   fluid deadline model of [`deferred_requirement`] spreads each interval's
//!   work evenly over the intervals up to its deadline, which meets every
//!   deadline with the least peak capacity for a single interval's work
//!   (Koole 2013, ch. 10 on "multi-channel" and e-mail blending).
//!
//! # Search
//! Service level rises and ASA, abandonment and occupancy fall as agents are
//! added, so the search is for the first agent count where a monotone
//! predicate turns true. Erlang C starts at `⌊A⌋ + 1` servers (below that
//! the queue is unstable) and steps Erlang B forward in O(1) per agent, so the
//! cost is O(√A) whatever the load. Erlang A starts from Erlang C's answer
//! (or the square-root-staffing point `A + √A`), tries the estimate of
//! the fluid (efficiency-driven) model next and closes in by secant and Illinois steps.

use serde::{Deserialize, Serialize};

use crate::models::erlang::{erlang_b, ErlangA, ErlangC, Metrics, ModelError, SlDefinition};

mod search;
use search::{fluid_agents, search_a, search_c};

/// Which queueing model to staff with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    /// M/M/N: nobody abandons. See [`ErlangC`].
    ErlangC,
    /// M/M/N+M: exponential patience. See [`ErlangA`]. Needs a patience.
    ErlangA,
}

impl std::str::FromStr for Model {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "erlang-c" => Ok(Self::ErlangC),
            "erlang-a" => Ok(Self::ErlangA),
            _ => Err(format!("expected erlang-c or erlang-a, got {s:?}")),
        }
    }
}

impl std::fmt::Display for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Model::ErlangC => "erlang-c",
            Model::ErlangA => "erlang-a",
        })
    }
}

/// Service targets for one interval. `None` means "no such target".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// Share of contacts to answer within `answer_within_s`, in `[0, 1)`.
    pub service_level: Option<f64>,
    /// The service-level threshold T, seconds.
    pub answer_within_s: f64,
    /// Highest acceptable average speed of answer, seconds.
    pub max_asa_s: Option<f64>,
    /// Highest acceptable abandonment rate, share (Erlang A only).
    pub max_abandon: Option<f64>,
    /// Highest acceptable occupancy, share.
    pub max_occupancy: Option<f64>,
    /// How the service level counts abandoned contacts.
    pub sl_definition: SlDefinition,
}

impl Default for Targets {
    /// 80% within 20 s, counted over all offered contacts; no other target.
    fn default() -> Self {
        Self {
            service_level: Some(0.8),
            answer_within_s: 20.0,
            max_asa_s: None,
            max_abandon: None,
            max_occupancy: None,
            sl_definition: SlDefinition::Offered,
        }
    }
}

impl Targets {
    /// Whether `m` meets every target (a tiny slack absorbs rounding, so that
    /// a target met exactly on paper is met here too).
    pub fn met_by(&self, m: &Metrics) -> bool {
        const SLACK: f64 = 1e-12;
        self.service_level
            .is_none_or(|s| m.service_level >= s - SLACK)
            && self.max_asa_s.is_none_or(|x| m.asa_s <= x * (1.0 + SLACK))
            && self.max_abandon.is_none_or(|x| m.abandon_rate <= x + SLACK)
            && self.max_occupancy.is_none_or(|x| m.occupancy <= x + SLACK)
    }

    /// The worst target's margin: positive when all are met, growing with
    /// agents. Used to interpolate in the search, never to decide.
    fn margin(&self, m: &Metrics) -> f64 {
        // On log scales: the chance of missing the service level, the ASA and
        // the abandonment all fall roughly exponentially with agents, so
        // their logs are close to linear and interpolate well.
        let ln = |x: f64| x.max(1e-300).ln();
        let mut g = f64::INFINITY;
        if let Some(s) = self.service_level {
            g = g.min(ln(1.0 - s) - ln(1.0 - m.service_level));
        }
        if let Some(x) = self.max_asa_s {
            g = g.min(ln(x) - ln(m.asa_s));
        }
        if let Some(x) = self.max_abandon {
            g = g.min(ln(x) - ln(m.abandon_rate));
        }
        if let Some(x) = self.max_occupancy {
            g = g.min(x - m.occupancy);
        }
        g
    }

    fn has_any(&self) -> bool {
        self.service_level.is_some_and(|s| s > 0.0)
            || self.max_asa_s.is_some()
            || self.max_abandon.is_some()
            || self.max_occupancy.is_some()
    }

    /// Rejects targets no finite number of agents can meet under `model`,
    /// saying why.
    pub fn check(&self, model: Model) -> Result<(), StaffingError> {
        let imp = |target: &'static str, reason: String| {
            Err(StaffingError::Impossible { target, reason })
        };
        if !(self.answer_within_s.is_finite() && self.answer_within_s >= 0.0) {
            return imp(
                "answer_within_s",
                format!(
                    "must be a number of seconds >= 0, got {}",
                    self.answer_within_s
                ),
            );
        }
        if let Some(s) = self.service_level {
            if !(0.0..=1.0).contains(&s) {
                return imp(
                    "service_level",
                    format!("must be a share in [0, 1), got {s}"),
                );
            }
            if s >= 1.0 {
                return imp(
                    "service_level",
                    format!(
                        "100% within {} s cannot be met by any number of agents: arrivals \
                         are random, so some contact always has a positive chance of waiting \
                         longer; use a share below 1",
                        self.answer_within_s
                    ),
                );
            }
        }
        if let Some(x) = self.max_asa_s {
            if x.is_nan() || x <= 0.0 {
                return imp(
                    "max_asa_s",
                    format!(
                        "an average speed of answer of {x} s cannot be met: with random arrivals \
                         some contacts always wait, so the ASA is above 0"
                    ),
                );
            }
        }
        if let Some(x) = self.max_abandon {
            if model == Model::ErlangC {
                return imp(
                    "max_abandon",
                    "needs a patience (Erlang A): Erlang C assumes nobody abandons".into(),
                );
            }
            if x.is_nan() || x <= 0.0 || x > 1.0 {
                return imp(
                    "max_abandon",
                    format!(
                        "must be a share in (0, 1], got {x}: with exponential patience some \
                         waiting contacts always abandon"
                    ),
                );
            }
        }
        if let Some(x) = self.max_occupancy {
            if x.is_nan() || x <= 0.0 || x > 1.0 {
                return imp(
                    "max_occupancy",
                    format!(
                        "must be a share in (0, 1], got {x}: agents handling contacts are occupied"
                    ),
                );
            }
        }
        Ok(())
    }
}

/// Why a staffing question has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// A parameter of the queue is out of range.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A target that no number of agents can meet.
    #[error("target {target} cannot be met: {reason}")]
    Impossible {
        /// The target's key, as in the channels file.
        target: &'static str,
        /// Why.
        reason: String,
    },
    /// Targets that are possible on paper but not reached before the search
    /// gave up (floating-point saturation at extreme targets).
    #[error("no staff up to {max_agents} agents meets the targets (tighter than double precision can resolve)")]
    Unreachable {
        /// The largest agent count tried.
        max_agents: u32,
    },
    /// A load beyond the largest staff the search tries.
    #[error("an offered load of {load_erl:.0} Erlangs needs more than the {MAX_AGENTS} agents the search tries: check volume and aht_s")]
    TooLarge {
        /// The offered load, Erlangs.
        load_erl: f64,
    },
    /// No target was given, so no agent count is "required".
    #[error("no target given: set service_level, max_asa_s, max_abandon or max_occupancy")]
    NoTarget,
    /// Erlang A was asked for without a patience.
    #[error(
        "erlang-a needs a patience: give patience_s (column, channel setting or ChannelSettings.patience_s)"
    )]
    NeedsPatience,
    /// Concurrency below one.
    #[error("concurrency must be at least 1, got {0}")]
    Concurrency(u32),
    /// Containment outside `[0, 1]`.
    #[error("containment must be a share in [0, 1], got {0}")]
    Containment(f64),
    /// Shrinkage outside `[0, 1)`.
    #[error("shrinkage must be a share in [0, 1), got {0}")]
    Shrinkage(f64),
}

/// The work of one interval of one real-time channel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Contacts offered in the interval (before the bot), `>= 0`.
    pub volume: f64,
    /// Mean handle time of a human-handled contact, seconds.
    pub aht_s: f64,
    /// Interval length, minutes.
    pub interval_min: f64,
    /// Mean patience, seconds (Erlang A).
    pub patience_s: Option<f64>,
    /// Share of the volume solved by the bot or IVR without an agent, `[0, 1]`.
    pub containment: f64,
    /// Contacts one agent handles at once (chat), `>= 1`.
    pub concurrency: u32,
}

impl Workload {
    /// A single-skill voice interval: no bot, concurrency 1, no patience.
    pub fn voice(volume: f64, aht_s: f64, interval_min: f64) -> Self {
        Self {
            volume,
            aht_s,
            interval_min,
            patience_s: None,
            containment: 0.0,
            concurrency: 1,
        }
    }

    /// Offered load on the agents, Erlangs: `volume · (1 − containment) · aht_s / (60 · interval_min)`.
    pub fn load_erl(&self) -> f64 {
        crate::models::erlang::offered_load_erl(
            self.volume * (1.0 - self.containment),
            self.aht_s,
            self.interval_min,
        )
    }

    fn validate(&self) -> Result<(), StaffingError> {
        if self.concurrency == 0 {
            return Err(StaffingError::Concurrency(0));
        }
        if !(0.0..=1.0).contains(&self.containment) {
            return Err(StaffingError::Containment(self.containment));
        }
        if !(self.volume.is_finite() && self.volume >= 0.0) {
            return Err(ModelError::Load(self.volume).into());
        }
        if !(self.interval_min.is_finite() && self.interval_min > 0.0) {
            return Err(ModelError::Load(self.load_erl()).into());
        }
        Ok(())
    }
}

/// A queue for one interval: the chosen model with servers = agents × concurrency.
#[derive(Debug, Clone, Copy)]
enum Queue {
    C(ErlangC),
    A(ErlangA),
}

fn queue(work: &Workload, model: Model) -> Result<Queue, StaffingError> {
    work.validate()?;
    let load = work.load_erl();
    Ok(match model {
        Model::ErlangC => Queue::C(ErlangC::new(load, work.aht_s)?),
        Model::ErlangA => {
            let p = work.patience_s.ok_or(StaffingError::NeedsPatience)?;
            Queue::A(ErlangA::new(load, work.aht_s, p)?)
        }
    })
}

fn slots(agents: u32, k: u32) -> u32 {
    agents.saturating_mul(k)
}

fn eval(q: &Queue, agents: u32, k: u32, t: &Targets) -> Metrics {
    let mut m = match q {
        Queue::C(c) => c.metrics(slots(agents, k), t.answer_within_s),
        Queue::A(a) => a.metrics(slots(agents, k), t.answer_within_s, t.sl_definition),
    };
    m.agents = agents;
    m
}

/// The metrics of `work` staffed with `agents` agents (the reverse of
/// [`required_agents`]); `targets` supplies the threshold T and the
/// service-level definition.
pub fn metrics_for(
    work: &Workload,
    model: Model,
    targets: &Targets,
    agents: u32,
) -> Result<Metrics, StaffingError> {
    let q = queue(work, model)?;
    Ok(eval(&q, agents, work.concurrency, targets))
}

/// The largest agent count the search will try.
pub const MAX_AGENTS: u32 = 10_000_000;

/// The fewest agents meeting every target, with their metrics.
///
/// Zero volume needs zero agents. Targets no agent count can meet are an
/// [`StaffingError::Impossible`] naming the target and why.
///
/// ```
/// use wfm::models::staffing::{required_agents, Model, Targets, Workload};
/// // 400 calls in a half hour, 4 minutes each, 80% answered within 20 s.
/// let work = Workload::voice(400.0, 240.0, 30.0);
/// let m = required_agents(&work, Model::ErlangC, &Targets::default()).unwrap();
/// assert_eq!(m.agents, 60);
/// assert!(m.service_level >= 0.8);
/// ```
pub fn required_agents(
    work: &Workload,
    model: Model,
    targets: &Targets,
) -> Result<Metrics, StaffingError> {
    let q = queue(work, model)?;
    targets.check(model)?;
    let k = work.concurrency;
    let load = work.load_erl();
    if load <= 0.0 {
        return Ok(eval(&q, 0, k, targets));
    }
    if !targets.has_any() {
        return Err(StaffingError::NoTarget);
    }
    if load / k as f64 >= MAX_AGENTS as f64 {
        return Err(StaffingError::TooLarge { load_erl: load });
    }
    match q {
        Queue::C(c) => search_c(&c, k, targets),
        Queue::A(qa) => {
            // Erlang C's answer for the same SL, ASA and occupancy targets is a
            // cheap, close starting point: abandonment usually lowers it a little.
            let c_targets = Targets {
                max_abandon: None,
                ..*targets
            };
            let guess = ErlangC::new(load, work.aht_s)
                .ok()
                .filter(|_| c_targets.has_any())
                .and_then(|c| search_c(&c, k, &c_targets).ok())
                .map(|m| m.agents);
            let low = fluid_agents(load, qa.patience_s(), k, targets);
            search_a(&qa, load, k, targets, guess, low)
        }
    }
}

/// Scheduled FTE after shrinkage: `agents / (1 − shrinkage)`.
///
/// ```
/// assert!((wfm::models::staffing::fte(21, 0.3) - 30.0).abs() < 1e-12);
/// ```
pub fn fte(agents: u32, shrinkage: f64) -> f64 {
    agents as f64 / (1.0 - shrinkage)
}

/// One interval of deferred work, for [`deferred_requirement`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DeferredInterval {
    /// Items arriving in the interval, after bot containment.
    pub volume: f64,
    /// Handle time per item, seconds.
    pub aht_s: f64,
}

/// The staffing of deferred work in the fluid deadline model.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DeferredStaffing {
    /// Agents needed in the interval.
    pub agents: u32,
    /// Agent-seconds of work planned in the interval.
    pub work_s: f64,
    /// Occupancy of those agents.
    pub occupancy: f64,
}

/// Agents per interval for deferred work (email, tickets) that must be
/// answered within `answer_within_s` seconds, counted over the intervals
/// given, which are the consecutive *working* intervals of the channel.
///
/// # Model
/// The work of interval j, `w_j = volume_j · aht_s_j`, is spread evenly over
/// the `d = max(1, ⌊answer_within_s / interval⌋)` intervals `j … j+d−1`, so
/// every item is worked within its deadline; the part of a window that lies
/// past the last interval given is due after the horizon and is not planned
/// here (`work_s` then sums to less than the work offered). Interval i then plans
/// `W_i = Σ_j share_j(i)` agent-seconds and needs
/// `⌈W_i / (interval_s · max_occupancy)⌉` agents. Spreading evenly is the
/// smallest peak capacity that meets the deadline of one interval's work
/// taken alone; the mean response is about half the window.
///
/// ```
/// use wfm::models::staffing::{deferred_requirement, DeferredInterval};
/// // 60 e-mails of 5 minutes at 09:00 and nothing after, answered within 2 h
/// // on a 30-minute grid: 5 agent-hours spread over 4 intervals.
/// let mut work = vec![DeferredInterval { volume: 0.0, aht_s: 300.0 }; 6];
/// work[0].volume = 60.0;
/// let plan = deferred_requirement(&work, 30.0, 7200.0, 1.0);
/// let agents: Vec<u32> = plan.iter().map(|p| p.agents).collect();
/// assert_eq!(agents, vec![3, 3, 3, 3, 0, 0]);
/// ```
pub fn deferred_requirement(
    intervals: &[DeferredInterval],
    interval_min: f64,
    answer_within_s: f64,
    max_occupancy: f64,
) -> Vec<DeferredStaffing> {
    let interval_s = interval_min * 60.0;
    let n = intervals.len();
    if !(interval_s.is_finite() && interval_s > 0.0) {
        return vec![DeferredStaffing::default(); n];
    }
    let max_occupancy = if max_occupancy > 0.0 && max_occupancy <= 1.0 {
        max_occupancy
    } else {
        1.0
    };
    // The deadline in whole intervals, as a float: a deadline far past the
    // horizon (1e23 s) spreads the work over intervals that are not there.
    let d = (answer_within_s / interval_s).floor().max(1.0);
    let d = if d.is_nan() { 1.0 } else { d };
    let mut work = vec![0.0_f64; n];
    for (j, iv) in intervals.iter().enumerate() {
        let w = iv.volume * iv.aht_s;
        if !(w > 0.0 && w.is_finite()) {
            continue;
        }
        let share = w / d;
        let end = if d >= (n - j) as f64 {
            n
        } else {
            j + d as usize
        };
        for slot in &mut work[j..end] {
            *slot += share;
        }
    }
    work.into_iter()
        .map(|w| {
            let need = w / (interval_s * max_occupancy);
            let agents = if need <= 1e-9 {
                0
            } else {
                (need - 1e-9).ceil().min(f64::from(MAX_AGENTS)) as u32
            };
            DeferredStaffing {
                agents,
                work_s: w,
                occupancy: if agents > 0 {
                    w / (agents as f64 * interval_s)
                } else {
                    0.0
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
