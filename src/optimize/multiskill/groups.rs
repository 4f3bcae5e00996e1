//! `wfm staff --groups`: the requirement per agent group of a forecast.

use serde::{Deserialize, Serialize};

use super::{SkillChannel, SkillError, SkillGroup, SkillProblem};
use crate::sim::ChannelSpec;

/// Options of [`staff_groups`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupStaffOptions {
    /// Replications per candidate.
    pub replications: usize,
    /// Seed shared by every candidate.
    pub seed: u64,
    /// Intervals whose loads fall in one bucket share a search: a
    /// channel's volume is rounded up to the next power of `1 +
    /// bucket_share` (so it is overstated by less than this share).
    pub bucket_share: f64,
    /// Most distinct blocks searched (each is a staffing search by
    /// simulation); more is refused up front.
    pub max_blocks: usize,
    /// Most contacts simulated over every search (each simulation counts
    /// its volume × replications): an estimate above it is refused up
    /// front, and a search that reaches it stops with the same error.
    #[serde(default = "default_max_contacts")]
    pub max_contacts: f64,
}

fn default_max_contacts() -> f64 {
    crate::sim::SimLimits::default().max_contacts
}

/// Intervals each staffing search simulates after its warm-up interval.
pub const SEARCH_PERIODS: usize = 3;

/// Simulations a staffing search of `groups` groups runs at the least
/// (its starts, a repair step and a pass of removals and moves): the
/// up-front estimate of [`staff_groups`]' work.
pub fn least_simulations(groups: usize) -> f64 {
    (2 * groups + 2) as f64
}

impl Default for GroupStaffOptions {
    /// 12 replications, seed 1, 5% buckets, at most 2,000 blocks and the
    /// simulation's 5e8 contacts.
    fn default() -> Self {
        GroupStaffOptions {
            replications: 12,
            seed: 1,
            bucket_share: 0.05,
            max_blocks: 2_000,
            max_contacts: default_max_contacts(),
        }
    }
}

/// One channel's load in an interval: `(volume, aht_s, patience_s)`.
pub type Load = (f64, f64, Option<f64>);

/// Each interval's loads, one per channel of [`GroupSetup::names`].
pub type IntervalLoads =
    std::collections::BTreeMap<(jiff::civil::Date, jiff::civil::Time), Vec<Load>>;

/// The groups of a channels file set up against a forecast's channels:
/// what [`staff_groups`] and the plan's raises by group build their
/// problems from.
#[derive(Debug, Clone)]
pub struct GroupSetup {
    /// The forecast's channels, sorted.
    pub names: Vec<String>,
    /// Their settings.
    pub channels: Vec<crate::models::channels::Channel>,
    /// The groups, in the file's (name) order, serving only channels of the
    /// forecast.
    pub groups: Vec<SkillGroup>,
    /// Interval length, minutes.
    pub interval_min: u32,
}

impl GroupSetup {
    /// Checks the channels file's `[group.NAME]` tables against the
    /// forecast: every group's channels known, every channel of the
    /// forecast served, no deferred channel, costs > 0, overflow acyclic.
    pub fn new(
        forecast: &crate::demand::forecast::Forecast,
        book: &crate::models::channels::ChannelBook,
    ) -> Result<GroupSetup, SkillError> {
        let groups = &book.file.group;
        if groups.is_empty() {
            return Err(SkillError::Problem(format!(
                "{}: no [group.NAME] tables: planning by groups needs the groups of the channels file",
                book.source
            )));
        }
        let names: Vec<String> = {
            let mut v: Vec<String> = forecast.rows.iter().map(|r| r.channel.clone()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut channels = Vec::new();
        for n in &names {
            let c = book
                .resolve(n)
                .map_err(|e| SkillError::Problem(e.to_string()))?;
            if c.kind == crate::models::channels::ChannelKind::Deferred {
                return Err(SkillError::Problem(format!(
                    "channel {n}: deferred work is not staffed by groups (staff it on its own)"
                )));
            }
            if c.outbound.is_some() {
                return Err(SkillError::Problem(format!(
                    "{}: [channel.{n}] outbound: an outbound campaign is not staffed by groups (its volume is attempts; staff it with its dialer, without Request.groups)",
                    book.source
                )));
            }
            if let Some(sl) = c.targets.service_level {
                if sl >= 1.0 || (sl > 0.0 && c.targets.answer_within_s <= 0.0) {
                    return Err(SkillError::Problem(format!(
                        "{}: [channel.{n}] service_level: {:.0}% within {} s cannot be met by any number of agents (arrivals are random); use a share below 1 and a threshold above 0",
                        book.source,
                        100.0 * sl,
                        c.targets.answer_within_s
                    )));
                }
            }
            channels.push(c);
        }
        let src = &book.source;
        book.file
            .check_overflow(src)
            .map_err(|e| SkillError::Problem(e.to_string()))?;
        let mut skill_groups: Vec<SkillGroup> = Vec::new();
        for (name, g) in groups {
            for c in &g.channels {
                if !names.contains(c) && !book.file.channel.contains_key(c) {
                    return Err(SkillError::Problem(format!(
                        "{src}: [group.{name}] channels: unknown channel {c:?} (neither in the forecast nor a [channel.{c}] table)"
                    )));
                }
            }
            let cost = g.cost_per_hour.unwrap_or(1.0);
            if !(cost.is_finite() && cost > 0.0) {
                return Err(SkillError::Problem(format!(
                    "{src}: [group.{name}] cost_per_hour: expected a factor > 0, got {cost}"
                )));
            }
            skill_groups.push(SkillGroup {
                name: name.clone(),
                // Channels of the file the forecast does not have carry no work here.
                channels: g
                    .channels
                    .iter()
                    .filter(|c| names.contains(c))
                    .cloned()
                    .collect(),
                concurrency: g.concurrency.unwrap_or(1).max(1),
                cost_per_agent: cost,
                overflow_from: g.overflow_from.clone(),
            });
        }
        if let Some(c) = names
            .iter()
            .find(|c| !skill_groups.iter().any(|g| g.channels.contains(c)))
        {
            return Err(SkillError::Problem(format!(
                "{src}: [group]: no group serves channel {c:?} of the forecast"
            )));
        }
        Ok(GroupSetup {
            names,
            channels,
            groups: skill_groups,
            interval_min: forecast.interval_min,
        })
    }

    /// The components of the routing graph: groups linked by the channels
    /// they serve, each as (its channels, its groups), by index, in order
    /// of their first channel. Components share no agent and no contact.
    pub fn components(&self) -> Vec<(Vec<usize>, Vec<usize>)> {
        let nc = self.names.len();
        // Union-find over channels.
        let mut parent: Vec<usize> = (0..nc).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let idx = |c: &str| self.names.iter().position(|n| n == c);
        for g in &self.groups {
            let ks: Vec<usize> = g.channels.iter().filter_map(|c| idx(c)).collect();
            for w in ks.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                parent[a.max(b)] = a.min(b);
            }
        }
        let mut out: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        let mut seen: Vec<Option<usize>> = vec![None; nc];
        for k in 0..nc {
            let r = root(&mut parent, k);
            let at = match seen[r] {
                Some(at) => at,
                None => {
                    out.push((Vec::new(), Vec::new()));
                    seen[r] = Some(out.len() - 1);
                    out.len() - 1
                }
            };
            out[at].0.push(k);
        }
        for (gi, g) in self.groups.iter().enumerate() {
            if let Some(k) = g.channels.iter().find_map(|c| idx(c)) {
                let r = root(&mut parent, k);
                if let Some(at) = seen[r] {
                    out[at].1.push(gi);
                }
            }
        }
        out
    }

    /// The problem of one interval over some channels and groups (indices
    /// into [`GroupSetup::names`] and [`GroupSetup::groups`]; `loads` per
    /// channel of `chans`).
    pub fn problem_of(
        &self,
        chans: &[usize],
        groups: &[usize],
        loads: &[(f64, f64, Option<f64>)],
        replications: usize,
        seed: u64,
    ) -> SkillProblem {
        let mut full = vec![(0.0, 0.0, None); self.names.len()];
        for (&k, l) in chans.iter().zip(loads) {
            full[k] = *l;
        }
        let mut p = self.problem(&full, replications, seed);
        p.channels = chans.iter().map(|&k| p.channels[k].clone()).collect();
        p.groups = groups.iter().map(|&g| p.groups[g].clone()).collect();
        let kept: Vec<String> = p.groups.iter().map(|g| g.name.clone()).collect();
        for g in &mut p.groups {
            g.overflow_from.retain(|f| kept.contains(f));
        }
        p
    }

    /// The problem of one interval: each channel's `(volume, aht_s,
    /// patience_s)` in [`GroupSetup::names`] order.
    pub fn problem(
        &self,
        loads: &[(f64, f64, Option<f64>)],
        replications: usize,
        seed: u64,
    ) -> SkillProblem {
        let chans: Vec<SkillChannel> = loads
            .iter()
            .enumerate()
            .map(|(k, &(v, a, p))| {
                let c = &self.channels[k];
                SkillChannel {
                    spec: ChannelSpec {
                        name: self.names[k].clone(),
                        kind: c.kind,
                        volumes: vec![v],
                        aht_s: vec![a.max(1.0)],
                        patience_s: vec![p.map(|p| p.max(1.0))],
                        containment: c.containment,
                        answer_within_s: c.targets.answer_within_s,
                        sl_definition: c.targets.sl_definition,
                        sim: c.sim.clone(),
                    },
                    target_sl: c.targets.service_level.unwrap_or(0.0),
                }
            })
            .collect();
        SkillProblem {
            interval_min: self.interval_min,
            channels: chans,
            groups: self.groups.clone(),
            periods: SEARCH_PERIODS,
            replications,
            seed,
            max_agents: crate::models::staffing::MAX_AGENTS.min(20_000),
        }
    }

    /// Each interval's loads: `(volume, aht_s, patience_s)` per channel in
    /// [`GroupSetup::names`] order.
    pub fn loads(&self, forecast: &crate::demand::forecast::Forecast) -> IntervalLoads {
        let mut per_interval = std::collections::BTreeMap::new();
        for r in &forecast.rows {
            let Some(k) = self.names.iter().position(|n| n == &r.channel) else {
                continue;
            };
            let e = per_interval
                .entry((r.date, r.time))
                .or_insert_with(|| vec![(0.0, 0.0, None); self.names.len()]);
            e[k] = (
                r.volume,
                r.aht_s,
                r.patience_s.or(self.channels[k].patience_s),
            );
        }
        per_interval
    }
}

/// The requirement per group of a forecast (`wfm staff --groups`): the
/// channels file's `[group.NAME]` tables (channels in priority order,
/// `concurrency`, `cost_per_hour`), each interval staffed by
/// [`SkillProblem::optimize`].
///
/// - Groups that share no channel, directly or through other groups, are
///   independent queueing systems: each **component** of the routing graph
///   (groups linked by the channels they serve) is searched on its own,
///   over its own channels and groups.
/// - In a component, intervals are gathered into **blocks** of like load:
///   each channel's volume rounded **up** to the next power of
///   `1 + bucket_share` (overstated by less than that share at any
///   volume), handle time and patience to 10 s; one search per block, on
///   the block's rounded-up load, so the answer is on the safe side.
/// - Blocks are searched in parallel; each search is deterministic, so the
///   result does not depend on the threads.
pub fn staff_groups(
    forecast: &crate::demand::forecast::Forecast,
    book: &crate::models::channels::ChannelBook,
    opts: &GroupStaffOptions,
) -> Result<GroupStaffing, SkillError> {
    use rayon::prelude::*;
    let Blocks {
        setup,
        components,
        blocks,
        work,
        too_much,
        ..
    } = Blocks::of(forecast, book, opts)?;
    let ratio = (1.0 + opts.bucket_share).ln();
    let volume_of = |l: Option<i64>| l.map_or(0.0, |l| (l as f64 * ratio).exp());
    let budget = std::sync::Arc::new(super::WorkBudget::new(opts.max_contacts));
    let solved: Vec<Result<super::SkillStaffing, SkillError>> = work
        .par_iter()
        .map(|(ci, key)| {
            let (chans, groups) = &components[*ci];
            let loads: Vec<(f64, f64, Option<f64>)> = key
                .iter()
                .map(|&(l, a, p)| {
                    (
                        volume_of(l),
                        a as f64 * 10.0,
                        (p >= 0).then_some(p as f64 * 10.0),
                    )
                })
                .collect();
            setup
                .problem_of(chans, groups, &loads, opts.replications, opts.seed)
                .optimize_within(Some(budget.clone()))
        })
        .collect();
    if budget.exceeded() {
        return Err(too_much(budget.used()));
    }
    let mut rows = Vec::new();
    let (mut simulations, mut unmet) = (0, 0);
    for ((ci, key), res) in work.iter().zip(solved) {
        let found = res?;
        simulations += found.evaluations;
        let at = &blocks[&(*ci, key.clone())];
        if !found.feasible {
            unmet += at.len();
        }
        let agents = found.agents;
        let groups = &components[*ci].1;
        for &(d, t) in at {
            for (&g, n) in groups.iter().zip(&agents) {
                rows.push(crate::models::requirement::StaffingRow::new(
                    d,
                    t,
                    &setup.groups[g].name,
                    *n,
                ));
            }
        }
    }
    rows.sort_by(|a, b| (a.date, a.time, &a.group).cmp(&(b.date, b.time, &b.group)));
    Ok(GroupStaffing {
        table: crate::models::requirement::StaffingTable { rows },
        search: GroupSearch {
            components: components.len(),
            blocks: work.len(),
            simulations,
            unmet,
        },
    })
}

/// What [`staff_groups`] found, with the evidence its method gives.
#[derive(Debug, Clone)]
pub struct GroupStaffing {
    /// Agents per group and interval (`date,time,group,agents`).
    pub table: crate::models::requirement::StaffingTable,
    /// How the search went.
    pub search: GroupSearch,
}

/// The evidence of a [`staff_groups`] search: each block's staffing is
/// locally optimal on its sample (no removal, move or two-for-one exchange
/// of agents keeps every target for less).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSearch {
    /// Components of the routing graph searched apart.
    pub components: usize,
    /// Blocks of like load searched (one staffing search each).
    pub blocks: usize,
    /// Simulations run over all searches (staffings met again are not run again).
    pub simulations: usize,
    /// Interval × component pairs whose search met no staffing with every
    /// target (up to the most agents searched): their staffing is the
    /// best found, short of a target.
    pub unmet: usize,
}

/// A block's key: each channel's volume bucket (None: no volume), handle
/// time and patience in tens of seconds.
type BlockKey = Vec<(Option<i64>, i64, i64)>;

/// The searches [`staff_groups`] would run, counted and checked against
/// its limits before any runs.
struct Blocks {
    setup: GroupSetup,
    components: Vec<(Vec<usize>, Vec<usize>)>,
    blocks:
        std::collections::BTreeMap<(usize, BlockKey), Vec<(jiff::civil::Date, jiff::civil::Time)>>,
    work: Vec<(usize, BlockKey)>,
    /// The error for an estimate (or a count) of contacts over the limit.
    too_much: Box<dyn Fn(f64) -> SkillError + Send + Sync>,
}

impl Blocks {
    fn of(
        forecast: &crate::demand::forecast::Forecast,
        book: &crate::models::channels::ChannelBook,
        opts: &GroupStaffOptions,
    ) -> Result<Blocks, SkillError> {
        use std::collections::BTreeMap;
        let setup = GroupSetup::new(forecast, book)?;
        let per_interval = setup.loads(forecast);
        let ratio = (1.0 + opts.bucket_share).ln();
        // A volume's bucket (None: no volume) and the bucket's volume.
        let level = |v: f64| (v > 0.0).then(|| (v.ln() / ratio).ceil() as i64);
        let volume_of = |l: Option<i64>| l.map_or(0.0, |l| (l as f64 * ratio).exp());
        type Key = BlockKey;
        let mut work: Vec<(usize, Key)> = Vec::new();
        let mut blocks: BTreeMap<(usize, Key), Vec<(jiff::civil::Date, jiff::civil::Time)>> =
            BTreeMap::new();
        let components = setup.components();
        for (ci, (chans, _)) in components.iter().enumerate() {
            for (at, v) in &per_interval {
                let key: Key = chans
                    .iter()
                    .map(|&k| {
                        let (vol, aht, pat) = v[k];
                        (
                            level(vol),
                            (aht / 10.0).round() as i64,
                            pat.map_or(-1, |p| (p / 10.0).round() as i64),
                        )
                    })
                    .collect();
                blocks.entry((ci, key)).or_default().push(*at);
            }
        }
        if blocks.len() > opts.max_blocks {
            return Err(SkillError::Problem(format!(
            "{} blocks of like load to search (each a staffing search by simulation), more than the limit of {}; raise it (GroupStaffOptions.max_blocks) or the bucket (GroupStaffOptions.bucket_share)",
            blocks.len(),
            opts.max_blocks
        )));
        }
        work.extend(blocks.keys().cloned());
        // The work up front: each block's simulation (its volume over the
        // warm-up and the periods, every replication) times the least number of
        // simulations a search runs; the searches then share a budget.
        let per_run = |key: &Key| -> f64 {
            let volume: f64 = key.iter().map(|&(l, _, _)| volume_of(l)).sum();
            volume * (SEARCH_PERIODS + 1) as f64 * opts.replications as f64
        };
        let estimate: f64 = work
            .iter()
            .map(|(ci, key)| per_run(key) * least_simulations(components[*ci].1.len()))
            .sum();
        let (searches, replications, limit) = (work.len(), opts.replications, opts.max_contacts);
        let too_much = move |estimate: f64| {
            SkillError::Sim(crate::sim::SimError::TooMuchWork {
            what: format!(
                "contacts to simulate in {searches} staffing search(es) (one per block of like load; {replications} replications per simulation)"
            ),
            estimate,
            limit,
            flag: "GroupStaffOptions.max_contacts".into(),
        })
        };
        if estimate.is_nan() || estimate > opts.max_contacts {
            return Err(too_much(estimate));
        }
        Ok(Blocks {
            setup,
            components,
            blocks,
            work,
            too_much: Box::new(too_much),
        })
    }
}

/// Checks, before any search runs, that [`staff_groups`] with `opts` is
/// within its limits (blocks, contacts): the whole plan by groups is
/// refused up front, not after its other parts have run.
pub fn check_group_work(
    forecast: &crate::demand::forecast::Forecast,
    book: &crate::models::channels::ChannelBook,
    opts: &GroupStaffOptions,
) -> Result<(), SkillError> {
    Blocks::of(forecast, book, opts).map(|_| ())
}
