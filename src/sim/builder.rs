//! The simulation as specified: channels, groups, and the builder that checks them.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::{ChannelRt, GroupRt, SimError, Simulation, MAX_AGENTS};
use crate::models::arrivals::{ArrivalProcess, Overdispersion};
use crate::models::channels::{ChannelKind, ChannelSimSettings};
use crate::models::erlang::SlDefinition;

mod build;

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

/// Builds a [`Simulation`] step by step; every default is in [`SimBuilder::new`].
///
/// ```
/// use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder};
/// use wfm::models::channels::{ChannelBook, ChannelKind};
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
    limits: SimLimits,
    overflow: Vec<(String, Vec<String>)>,
    blend: Vec<(String, String, u32)>,
    lists: Vec<(String, Vec<u32>)>,
    campaigns: Vec<(String, crate::models::dialer::Campaign)>,
    pacings: Vec<(String, Vec<f64>)>,
}

/// Bounds on the work of one run, checked by [`SimBuilder::build`] before
/// anything is simulated, so that a mistaken input (a row of 10⁹ contacts,
/// a row a century away) is refused at once instead of running for hours or
/// filling the memory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct SimLimits {
    /// Most contacts to simulate over all replications (volumes ×
    /// replications; the event loop handles about 5 million contacts a
    /// second per core)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 5e8, value_name = "N"))]
    pub max_contacts: f64,
    /// Most interval results kept (intervals × (channels + groups) ×
    /// replications; about 200 bytes each, 10⁷ is about 2 GB)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1e7, value_name = "N"))]
    pub max_cells: f64,
}

impl Default for SimLimits {
    fn default() -> Self {
        Self {
            max_contacts: 5e8,
            max_cells: 1e7,
        }
    }
}

/// Most agent slots (agents × concurrency) of one group in one interval:
/// slots are numbered in 30 bits inside the event loop.
pub const MAX_SLOTS: u64 = MAX_AGENTS as u64;

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
            limits: SimLimits::default(),
            overflow: Vec::new(),
            blend: Vec::new(),
            lists: Vec::new(),
            campaigns: Vec::new(),
            pacings: Vec::new(),
        }
    }

    /// Bounds on the work of the run ([`SimLimits`]).
    pub fn limits(mut self, limits: SimLimits) -> Self {
        self.limits = limits;
        self
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
    /// Blending (Bhulai & Koole 2003): `group` also calls out on channel
    /// `outbound` (which it must serve; its volumes should be 0: nothing
    /// arrives; its [`SimBuilder::call_list`] bounds the attempts, else the
    /// list is unlimited). An agent of the group who comes free with no
    /// inbound contact waiting starts an outbound call when at least
    /// `reserve` other agents of the group are idle, so `reserve` agents
    /// stay idle for inbound while the list is worked; with a predictive
    /// [`SimBuilder::campaign`] the group's dialer instead keeps lines
    /// ringing for its idle agents beyond the reserve
    /// ([`crate::models::dialer::lines_wanted`]) and an answered call takes any idle
    /// agent of the group or is dropped after `answer_wait_s`. Voice groups
    /// only (concurrency 1).
    pub fn blend(mut self, group: &str, outbound: &str, reserve: u32) -> Self {
        self.blend
            .push((group.to_string(), outbound.to_string(), reserve));
        self
    }
    /// The call list of an outbound channel: the attempts a blended group
    /// may make in each interval (what it does not make is unreached, in
    /// the interval's `backlog`); without one the list is unlimited. No
    /// attempt is made in an interval whose list is empty (the contact
    /// window: outbound work is forecast only inside it).
    pub fn call_list(mut self, channel: &str, attempts: Vec<u32>) -> Self {
        self.lists.push((channel.to_string(), attempts));
        self
    }
    /// The call model of a blended outbound channel: each attempt calls an
    /// account of the day's list (the day's attempts over
    /// [`crate::models::dialer::expected_attempts`] accounts, round robin), rings
    /// `dial_s` (exponential), is answered by the right party with
    /// probability `reach` (then talks `talk_s`, exponential), by someone
    /// else with probability `connect − reach` (`wrong_party_s`) or by
    /// nobody, and is logged `wrap_s`; a reached account is not called
    /// again that day, and no account gets more than `attempts_per_day`
    /// attempts, `max_connected_per_day` answered calls or
    /// `max_unanswered_per_day` unanswered attempts in a day (compliance by
    /// construction). The dialer mode decides who waits through the ring
    /// (preview and progressive: the agent; predictive: nobody). Without
    /// it an outbound call is one agent time of the channel's `aht_s`.
    pub fn campaign(mut self, channel: &str, c: crate::models::dialer::Campaign) -> Self {
        self.campaigns.push((channel.to_string(), c));
        self
    }
    /// A predictive campaign's pacing per interval: lines the dialer keeps
    /// ringing per idle agent beyond the group's reserve. Without it each
    /// interval takes the campaign's `pacing`, else the pacing
    /// [`crate::models::dialer::staff_campaign`] chose for the interval's call list
    /// (what the staffing model planned, for the attempts rounded up to the
    /// next power of 1.05 above 20; an unlimited list then needs one).
    pub fn pacing(mut self, channel: &str, pacing: Vec<f64>) -> Self {
        self.pacings.push((channel.to_string(), pacing));
        self
    }
    /// Overflow: a contact of a channel that both `group` and a group of
    /// `from` serve goes to `group` only when no agent of those groups is
    /// free (specialists first, the general group as overflow). The
    /// relation must be acyclic.
    pub fn overflow_from(mut self, group: &str, from: &[String]) -> Self {
        if !from.is_empty() {
            self.overflow.push((group.to_string(), from.to_vec()));
        }
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
}
