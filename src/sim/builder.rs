//! The simulation as specified: channels, groups, and the builder that checks them.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::{ChannelRt, GroupRt, SimError, Simulation, MAX_AGENTS};
use crate::models::arrivals::{ArrivalProcess, Overdispersion};
use crate::models::channels::{ChannelKind, ChannelSimSettings};
use crate::models::erlang::SlDefinition;

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
pub struct SimLimits {
    /// Most expected contacts over all replications (volumes ×
    /// replications). The event loop handles about 5 million contacts a
    /// second per core. Default 5·10⁸.
    pub max_contacts: f64,
    /// Most interval cells kept (intervals × (channels + groups) ×
    /// replications, about 200 bytes each). Default 10⁷ (about 2 GB).
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

    /// Checks everything and builds the simulation.
    pub fn build(self) -> Result<Simulation, SimError> {
        let n = self.intervals;
        if n == 0 {
            return Err(SimError::NoIntervals);
        }
        let im = self.interval_min;
        if crate::core::grid::check_interval_min(im).is_err() {
            return Err(SimError::Interval(im));
        }
        if self.replications == 0 {
            return Err(SimError::Replications);
        }
        if let Some(l) = &self.labels {
            if l.len() != n {
                return Err(SimError::Labels(format!(
                    "{} labels for {n} intervals",
                    l.len()
                )));
            }
            if let Some(i) = (1..l.len()).find(|&i| l[i] <= l[i - 1]) {
                return Err(SimError::Labels(format!(
                    "label {i} ({} {}) does not come after the one before",
                    l[i].0, l[i].1
                )));
            }
        }
        let reps = self.replications as f64;
        let cells = n as f64 * (self.channels.len() + self.groups.len()) as f64 * reps;
        if cells > self.limits.max_cells {
            return Err(SimError::TooMuchWork {
                what: format!(
                    "{n} intervals × {} channels and groups × {} replications of interval results",
                    self.channels.len() + self.groups.len(),
                    self.replications
                ),
                estimate: cells,
                limit: self.limits.max_cells,
                flag: "--max-cells".into(),
            });
        }
        // Arrivals, and the attempts of outbound call lists.
        let volume: f64 = self
            .channels
            .iter()
            .flat_map(|c| c.volumes.iter())
            .filter(|v| v.is_finite())
            .sum::<f64>()
            + self
                .lists
                .iter()
                .flat_map(|(_, l)| l.iter())
                .map(|&n| f64::from(n))
                .sum::<f64>();
        let contacts = volume * reps;
        if contacts.is_nan() || contacts > self.limits.max_contacts {
            return Err(SimError::TooMuchWork {
                what: format!(
                    "{volume:.3e} contacts × {} replications to simulate",
                    self.replications
                ),
                estimate: contacts,
                limit: self.limits.max_contacts,
                flag: "--max-contacts".into(),
            });
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
                .map_err(|source| SimError::Arrivals {
                    channel: c.name.clone(),
                    source,
                })?;
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
                campaign: None,
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
            let most = g.agents.iter().copied().max().unwrap_or(0);
            if u64::from(most) * u64::from(g.concurrency) > MAX_SLOTS {
                return Err(SimError::Concurrency {
                    group: g.name.clone(),
                    concurrency: g.concurrency,
                    why: format!(
                        "gives {most} agents × {} = {} slots in an interval; the simulator takes at most {MAX_SLOTS}",
                        g.concurrency,
                        u64::from(most) * u64::from(g.concurrency)
                    ),
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
                outbound: None,
                reserves: Vec::new(),
            });
        }
        for (c, gs) in groups_of.iter().enumerate() {
            if gs.is_empty() {
                return Err(SimError::Unserved(channels[c].name.clone()));
            }
        }
        let overflow_from = overflow_indices(&groups, &self.overflow)?;
        for (g, out, reserve) in &self.blend {
            let why = |w: String| SimError::Blend {
                group: g.clone(),
                why: w,
            };
            let gi = groups
                .iter()
                .position(|x| &x.name == g)
                .ok_or_else(|| SimError::UnknownGroup(g.clone()))?;
            let c = index(out).ok_or_else(|| why(format!("unknown channel {out:?}")))?;
            if !groups[gi].realtime.contains(&c) {
                return Err(why(format!(
                    "the group does not serve {out:?}: add it to its channels"
                )));
            }
            if groups[gi].concurrency != 1 {
                return Err(why(
                    "a blended group takes one call at a time (concurrency 1)".into(),
                ));
            }
            if groups[gi].outbound.is_some() {
                return Err(why("one outbound channel per group".into()));
            }
            groups[gi].outbound = Some((c, *reserve));
        }
        for (name, camp) in &self.campaigns {
            let c = index(name).ok_or_else(|| SimError::Blend {
                group: String::new(),
                why: format!("campaign of unknown channel {name:?}"),
            })?;
            if let Some((key, what)) = camp.invalid() {
                return Err(SimError::Blend {
                    group: String::new(),
                    why: format!("campaign {name}: outbound.{key}: {what}"),
                });
            }
            channels[c].campaign = Some(*camp);
        }
        let mut call_lists: Vec<Vec<u32>> = vec![Vec::new(); channels.len()];
        for (name, list) in &self.lists {
            let c = index(name).ok_or_else(|| SimError::Blend {
                group: String::new(),
                why: format!("call list of unknown channel {name:?}"),
            })?;
            if list.len() != n {
                return Err(SimError::Length {
                    what: format!("call list of {name}"),
                    got: list.len(),
                    want: n,
                });
            }
            call_lists[c] = list.clone();
        }
        let pacing = self.pacings(&channels, &call_lists, n)?;
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
            overflow_from,
            call_lists,
            pacing,
            start_waiting: start(&self.start_waiting)?,
            start_busy: start(&self.start_busy)?,
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
        })
    }
}

/// Each group's overflow sources as indices, checked: known groups, no
/// group its own source, no cycle (`a` after `b` after … after `a`).
fn overflow_indices(
    groups: &[super::GroupRt],
    overflow: &[(String, Vec<String>)],
) -> Result<Vec<Vec<usize>>, SimError> {
    let index = |name: &str| groups.iter().position(|g| g.name == name);
    let mut out = vec![Vec::new(); groups.len()];
    for (g, from) in overflow {
        let gi = index(g).ok_or_else(|| SimError::UnknownGroup(g.clone()))?;
        for f in from {
            let fi = index(f).ok_or_else(|| SimError::UnknownGroup(f.clone()))?;
            if !out[gi].contains(&fi) {
                out[gi].push(fi);
            }
        }
    }
    // A cycle: depth-first search with colours.
    fn visit(
        g: usize,
        out: &[Vec<usize>],
        colour: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        colour[g] = 1;
        path.push(g);
        for &h in &out[g] {
            if colour[h] == 1 {
                let at = path.iter().position(|&x| x == h).unwrap_or(0);
                let mut cycle = path[at..].to_vec();
                cycle.push(h);
                return Some(cycle);
            }
            if colour[h] == 0 {
                if let Some(c) = visit(h, out, colour, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        colour[g] = 2;
        None
    }
    let mut colour = vec![0u8; groups.len()];
    for g in 0..groups.len() {
        if colour[g] == 0 {
            if let Some(c) = visit(g, &out, &mut colour, &mut Vec::new()) {
                return Err(SimError::CyclicOverflow(
                    c.iter()
                        .map(|&i| groups[i].name.clone())
                        .collect::<Vec<_>>()
                        .join(" after "),
                ));
            }
        }
    }
    Ok(out)
}

impl SimBuilder {
    /// Each channel's predictive pacing per interval (empty for other
    /// channels): given, else the campaign's, else the staffing model's.
    fn pacings(
        &self,
        channels: &[super::ChannelRt],
        call_lists: &[Vec<u32>],
        n: usize,
    ) -> Result<Vec<Vec<f64>>, SimError> {
        use crate::models::dialer::{staff_campaign, DialerMode};
        let why = |name: &str, w: String| SimError::Blend {
            group: String::new(),
            why: format!("campaign {name}: {w}"),
        };
        let mut out = vec![Vec::new(); channels.len()];
        for (c, ch) in channels.iter().enumerate() {
            let Some(camp) = ch.campaign.filter(|k| k.mode == DialerMode::Predictive) else {
                continue;
            };
            if let Some((_, p)) = self.pacings.iter().rev().find(|(x, _)| *x == ch.name) {
                if p.len() != n {
                    return Err(SimError::Length {
                        what: format!("pacing of {}", ch.name),
                        got: p.len(),
                        want: n,
                    });
                }
                if let Some(bad) = p
                    .iter()
                    .find(|v| !(v.is_finite() && **v > 0.0 && **v <= 64.0))
                {
                    return Err(why(
                        &ch.name,
                        format!("pacing: expected lines per idle agent in (0, 64], got {bad}"),
                    ));
                }
                out[c] = p.clone();
            } else if let Some(p) = camp.pacing {
                out[c] = vec![p; n];
            } else if call_lists[c].is_empty() {
                return Err(why(
                    &ch.name,
                    "a predictive dialer with an unlimited call list needs outbound.pacing".into(),
                ));
            } else {
                // The staffing model's pacing of each interval's attempts,
                // by relative buckets (the next power of 1.05 above the
                // attempts, exact below 20: the pacing is a ratio that
                // moves slowly with the load, and each search simulates),
                // the buckets searched in parallel.
                let bucket = |k: u32| -> u32 {
                    if k <= 20 {
                        k
                    } else {
                        let b = (f64::from(k).ln() / 1.05f64.ln()).ceil();
                        (1.05f64.powf(b).round() as u32).max(k)
                    }
                };
                let mut keys: Vec<u32> = call_lists[c].iter().map(|&k| bucket(k)).collect();
                keys.sort_unstable();
                keys.dedup();
                use rayon::prelude::*;
                let found: Vec<(u32, f64)> = keys
                    .par_iter()
                    .map(|&k| {
                        staff_campaign(f64::from(k), self.interval_min, &camp)
                            .map(|s| (k, s.pacing))
                            .map_err(|e| why(&ch.name, e.to_string()))
                    })
                    .collect::<Result<_, _>>()?;
                let memo: std::collections::HashMap<u32, f64> = found.into_iter().collect();
                let v: Vec<f64> = call_lists[c]
                    .iter()
                    .map(|&k| {
                        let p = memo[&bucket(k)];
                        // An interval without attempts dials nothing anyway.
                        if p > 0.0 {
                            p
                        } else {
                            1.0
                        }
                    })
                    .collect();
                out[c] = v;
            }
        }
        Ok(out)
    }
}
