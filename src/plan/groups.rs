//! Planning by agent groups: the raises measured by simulation, what each
//! group did, and the comparison with planning each channel on its own.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::{plan, PlanError, PlanInputs, PlanOptions, PlanResult, PlanRound};
use crate::core::textio::fmt_num;
use crate::models::channels::ChannelBook;
use crate::models::requirement::Requirement;
use crate::optimize::multiskill::{GroupSetup, GroupStaffOptions, SkillError};
use crate::optimize::schedule::Roster;
use crate::sim::SimResult;

/// What one agent group of a plan does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupOutcome {
    /// Group name (the channel's when not planned by groups).
    pub name: String,
    /// Channels it serves, in priority order.
    pub channels: Vec<String>,
    /// The `cost_per_hour` factor of its agents (1 for a channel's own group).
    pub cost_factor: f64,
    /// Paid hours of its shifts.
    pub paid_hours: f64,
    /// Its roster's cost times `cost_factor`.
    pub cost: f64,
    /// Most agents on duty in an interval.
    pub peak_agents: u32,
    /// Per channel it serves: contacts it answered (mean over
    /// replications), and their share of the channel's answered contacts.
    pub served: Vec<(String, f64, f64)>,
}

/// The raises of a round planned by groups: for each interval with a
/// missed channel, the group (among those serving a missed channel) whose
/// one more agent most reduces the interval's shortfall
/// ([`crate::optimize::multiskill::SkillProblem::shortfall`]) per unit of cost, by
/// simulating the interval with the roster's agents and with one more in
/// each candidate (the same seed: common random numbers). When no
/// candidate reduces it (the interval's steady state meets the targets,
/// the roster's day does not), the cheapest group that lists a missed
/// channel first (else serves it). Each raise lifts the group's
/// requirement to one above what the roster staffs there. Intervals are
/// simulated in parallel; the result does not depend on the threads.
pub(super) fn group_raises(
    setup: &GroupSetup,
    loads: &crate::optimize::multiskill::IntervalLoads,
    req: &Requirement,
    staffing: &crate::models::requirement::StaffingTable,
    misses: &[(String, usize)],
    opts: &GroupStaffOptions,
) -> Result<Vec<(String, usize, u32)>, PlanError> {
    use rayon::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};
    let mut by_interval: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for (c, idx) in misses {
        by_interval.entry(*idx).or_default().insert(c.as_str());
    }
    let staffed: BTreeMap<(Date, Time, &str), u32> = staffing
        .rows
        .iter()
        .map(|r| ((r.date, r.time, r.group.as_str()), r.agents))
        .collect();
    let work: Vec<(usize, BTreeSet<&str>)> = by_interval.into_iter().collect();
    // Per interval: the group raised, the interval, and by how much.
    type Raise = Option<(String, usize, u32)>;
    let decided: Vec<Result<Raise, SkillError>> = work
        .par_iter()
        .map(|(idx, missed)| {
            let Some((d, t)) = req.grid().at(*idx) else {
                return Ok(None);
            };
            let Some(l) = loads.get(&(d, t)) else {
                return Ok(None);
            };
            let p = setup.problem(l, opts.replications, opts.seed);
            let cur: Vec<u32> = setup
                .groups
                .iter()
                .map(|g| staffed.get(&(d, t, g.name.as_str())).copied().unwrap_or(0))
                .collect();
            let base = p.shortfall(&p.service_levels(&cur)?);
            let serves = |g: &crate::optimize::multiskill::SkillGroup| {
                g.channels.iter().any(|c| missed.contains(c.as_str()))
            };
            let mut best: Option<(f64, usize)> = None;
            for (gi, g) in setup.groups.iter().enumerate().filter(|(_, g)| serves(g)) {
                let mut more = cur.clone();
                more[gi] += 1;
                let gain = (base - p.shortfall(&p.service_levels(&more)?)) / g.cost_per_agent;
                if gain > 1e-12 && best.is_none_or(|(b, _)| gain > b) {
                    best = Some((gain, gi));
                }
            }
            let gi = match best {
                Some((_, gi)) => gi,
                None => {
                    let pick = |first_only: bool| {
                        setup
                            .groups
                            .iter()
                            .enumerate()
                            .filter(|(_, g)| {
                                if first_only {
                                    g.channels
                                        .first()
                                        .is_some_and(|c| missed.contains(c.as_str()))
                                } else {
                                    serves(g)
                                }
                            })
                            .min_by(|a, b| a.1.cost_per_agent.total_cmp(&b.1.cost_per_agent))
                            .map(|(i, _)| i)
                    };
                    match pick(true).or_else(|| pick(false)) {
                        Some(gi) => gi,
                        None => return Ok(None),
                    }
                }
            };
            let name = setup.groups[gi].name.clone();
            let have = req.get(&name, *idx).unwrap_or(0);
            Ok(Some((name, *idx, cur[gi].saturating_sub(have) + 1)))
        })
        .collect();
    let mut out = Vec::new();
    for r in decided {
        if let Some(x) = r? {
            out.push(x);
        }
    }
    Ok(out)
}

/// Per group of the last roster: paid hours, cost with its factor, peak
/// agents, and what it served of each channel in the simulation.
pub(super) fn group_outcomes(
    roster: &Roster,
    sim: &SimResult,
    book: &ChannelBook,
    factor: &dyn Fn(&str) -> f64,
) -> Vec<GroupOutcome> {
    let im = f64::from(roster.grid.interval_min());
    let served: Vec<Vec<f64>> = (0..sim.groups.len())
        .map(|g| sim.served_by(g).unwrap_or_default())
        .collect();
    let total: Vec<f64> = (0..sim.channels.len())
        .map(|c| {
            served
                .iter()
                .map(|v| v.get(c).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    roster
        .channels
        .iter()
        .map(|c| {
            let channels: Vec<String> = book
                .file
                .group
                .get(&c.channel)
                .map_or_else(|| vec![c.channel.clone()], |g| g.channels.clone());
            let gi = sim.groups.iter().position(|g| g == &c.channel);
            let f = factor(&c.channel);
            GroupOutcome {
                name: c.channel.clone(),
                paid_hours: c
                    .shifts
                    .iter()
                    .map(|(cand, n)| (cand.end - cand.start) as f64 * im / 60.0 * f64::from(*n))
                    .sum(),
                cost: c.cost * f,
                cost_factor: f,
                peak_agents: c.scheduled.iter().copied().max().unwrap_or(0),
                served: channels
                    .iter()
                    .filter_map(|ch| {
                        let k = sim.channel_index(ch)?;
                        let n = gi.and_then(|g| served[g].get(k).copied()).unwrap_or(0.0);
                        Some((
                            ch.clone(),
                            n,
                            if total[k] > 0.0 { n / total[k] } else { 0.0 },
                        ))
                    })
                    .collect(),
                channels,
            }
        })
        .collect()
}

/// One channel's simulated service over the whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelService {
    /// Channel.
    pub channel: String,
    /// Its service-level target, if any.
    pub target_sl: Option<f64>,
    /// Service level planned by groups (mean over replications).
    pub groups_sl: f64,
    /// Service level planned channel by channel.
    pub single_sl: f64,
    /// Abandonment share planned by groups.
    pub groups_abandon: f64,
    /// Abandonment share planned channel by channel.
    pub single_abandon: f64,
    /// Intervals missing a target in the last round, planned by groups.
    pub groups_misses: usize,
    /// The same, planned channel by channel.
    pub single_misses: usize,
}

/// A plan by groups next to the plan of each channel on its own (both
/// simulated with the same seeds).
#[derive(Debug, Clone)]
pub struct GroupPlan {
    /// Planned by the channels file's groups.
    pub groups: PlanResult,
    /// Planned with one group per channel.
    pub single: PlanResult,
    /// Per channel: the service of both.
    pub service: Vec<ChannelService>,
}

impl GroupPlan {
    /// Cost of the last round planned by groups (with the groups' factors).
    pub fn groups_cost(&self) -> f64 {
        self.groups.rounds.last().map_or(0.0, |r| r.cost)
    }

    /// Cost of the last round planned channel by channel.
    pub fn single_cost(&self) -> f64 {
        self.single.rounds.last().map_or(0.0, |r| r.cost)
    }

    /// `1 − groups / single`: the share of the single-skill cost saved.
    pub fn saving(&self) -> f64 {
        let s = self.single_cost();
        if s > 0.0 {
            1.0 - self.groups_cost() / s
        } else {
            0.0
        }
    }
}

/// Plans by groups (`opts.groups`, default options when `None`) and, with
/// the same seeds, channel by channel, and sets their service side by
/// side. `on_round` hears each round, with `true` for the plan by groups.
pub fn compare_with_single(
    inputs: &PlanInputs<'_>,
    opts: &PlanOptions,
    mut on_round: impl FnMut(bool, &PlanRound),
) -> Result<GroupPlan, PlanError> {
    let single_opts = PlanOptions {
        groups: None,
        ..*opts
    };
    let search = opts.groups.unwrap_or_default();
    let group_opts = PlanOptions {
        groups: Some(search),
        ..*opts
    };
    let book = ChannelBook::new(
        inputs.channels.clone(),
        inputs.channels_source,
        Default::default(),
    );
    // The groups are checked before either plan runs.
    let forecast = inputs.scenario.forecast(inputs.from, inputs.to)?;
    GroupSetup::new(&forecast, &book)?;
    crate::optimize::multiskill::check_group_work(&forecast, &book, &search)?;
    let single = plan(inputs, &single_opts, |r| on_round(false, r))?;
    let groups = plan(inputs, &group_opts, |r| on_round(true, r))?;
    let misses_of = |p: &PlanResult, c: &str| -> usize {
        let Ok(ch) = book.resolve(c) else {
            return 0;
        };
        let Some(k) = p.simulation.channel_index(c) else {
            return 0;
        };
        (0..p.simulation.labels.len())
            .filter(|&i| {
                p.simulation.interval(k, i).is_some_and(|m| {
                    m.offered.mean > 0.0 && crate::sim::misses_target(&ch.targets, &m)
                })
            })
            .count()
    };
    let mut service = Vec::new();
    for c in &groups.simulation.channels {
        let all = |p: &PlanResult| {
            p.simulation
                .channel_index(c)
                .and_then(|k| p.simulation.summary_all(k))
        };
        let (g, s) = (all(&groups), all(&single));
        service.push(ChannelService {
            channel: c.clone(),
            target_sl: book.resolve(c).ok().and_then(|x| x.targets.service_level),
            groups_sl: g.as_ref().map_or(f64::NAN, |m| m.service_level.mean),
            single_sl: s.as_ref().map_or(f64::NAN, |m| m.service_level.mean),
            groups_abandon: g.as_ref().map_or(f64::NAN, |m| m.abandon_rate.mean),
            single_abandon: s.as_ref().map_or(f64::NAN, |m| m.abandon_rate.mean),
            groups_misses: misses_of(&groups, c),
            single_misses: misses_of(&single, c),
        });
    }
    Ok(GroupPlan {
        groups,
        single,
        service,
    })
}

/// One row of the groups CSV: a group and one channel it answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupServedRow {
    /// The group.
    pub group: String,
    /// The channels it serves.
    pub channels: Vec<String>,
    /// Its cost per paid hour, relative.
    pub cost_factor: f64,
    /// Its most agents in an interval.
    pub peak_agents: u32,
    /// Its paid hours.
    pub paid_hours: f64,
    /// Its cost.
    pub cost: f64,
    /// The channel answered.
    pub channel: String,
    /// Contacts of the channel it answered.
    pub answered: f64,
    /// Its share of the channel's answers.
    pub share: f64,
}

/// The groups CSV: one row per group and channel served.
impl crate::io::table::CsvRow for GroupServedRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("group", |r| r.group.clone()),
        ("channels", |r| r.channels.join(";")),
        ("cost_factor", |r| fmt_num(r.cost_factor, 3)),
        ("peak_agents", |r| r.peak_agents.to_string()),
        ("paid_hours", |r| fmt_num(r.paid_hours, 2)),
        ("cost", |r| fmt_num(r.cost, 2)),
        ("channel", |r| r.channel.clone()),
        ("answered", |r| fmt_num(r.answered, 1)),
        ("share", |r| fmt_num(r.share, 4)),
    ];
}

/// The groups' rows, one per group and channel served.
pub fn group_served_rows(groups: &[GroupOutcome]) -> Vec<GroupServedRow> {
    groups
        .iter()
        .flat_map(|g| {
            g.served.iter().map(|(c, n, share)| GroupServedRow {
                group: g.name.clone(),
                channels: g.channels.clone(),
                cost_factor: g.cost_factor,
                peak_agents: g.peak_agents,
                paid_hours: g.paid_hours,
                cost: g.cost,
                channel: c.clone(),
                answered: *n,
                share: *share,
            })
        })
        .collect()
}

/// Writes the groups CSV (columns: [`GroupServedRow`]'s `CsvRow`).
pub fn write_groups<W: std::io::Write>(w: W, groups: &[GroupOutcome]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, &group_served_rows(groups))
}

/// Writes `comparison.csv`: a row per channel with the service of both
/// plans, `channel,target_sl,groups_sl,single_sl,groups_abandon,single_abandon,groups_misses,single_misses`,
/// and the two plans' costs and the saving (`groups_cost,single_cost,saving`,
/// the same on every row).
pub fn write_comparison<W: std::io::Write>(w: W, gp: &GroupPlan) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "channel",
        "target_sl",
        "groups_sl",
        "single_sl",
        "groups_abandon",
        "single_abandon",
        "groups_misses",
        "single_misses",
        "groups_cost",
        "single_cost",
        "saving",
    ])?;
    let f = crate::core::textio::fmt_num;
    for c in &gp.service {
        out.write_record([
            c.channel.clone(),
            c.target_sl.map_or(String::new(), |t| f(t, 4)),
            f(c.groups_sl, 4),
            f(c.single_sl, 4),
            f(c.groups_abandon, 4),
            f(c.single_abandon, 4),
            c.groups_misses.to_string(),
            c.single_misses.to_string(),
            f(gp.groups_cost(), 2),
            f(gp.single_cost(), 2),
            f(gp.saving(), 4),
        ])?;
    }
    out.flush()
}

/// Either side of an interval, the window in which a contained group's
/// least need is kept by [`schedule_nested`] (the rest goes to a group
/// containing it): two hours, about what a part-time shift spans.
const SMOOTH_WINDOW_MIN: u32 = 120;

/// Schedules the groups of a plan by groups in layers of **substitution**:
/// an agent of a group whose channels include all of another group's (and
/// more) can take that group's work. Groups no other group contains are
/// scheduled first; then each further layer is scheduled against its
/// *residual* requirement: its own, less what the rosters of the groups
/// containing it cover above their own requirement in that interval (that
/// surplus is used once). This keeps a cross-trained group's shifts, which
/// over-cover its own peaks, from being paid for twice, without a joint
/// model; the `required` of each group's roster is that residual.
///
/// Before that, the requirement is **smoothed by substitution**: a
/// contained group keeps, in each interval, its least requirement within
/// [`SMOOTH_WINDOW_MIN`] either side, and the rest moves to the cheapest
/// group containing it (which serves the same channels and more). The
/// per-interval optimum often swaps agents between such groups from one
/// interval to the next; whole shifts cannot follow those swaps, a
/// containing group's agents can. The simulation of the plan, and its
/// raises, check the service that results.
pub(super) fn schedule_nested(
    req: &Requirement,
    rules: &crate::optimize::shifts::ShiftRules,
    opts: &crate::optimize::schedule::ScheduleOptions,
    source: &str,
    setup: &GroupSetup,
) -> Result<Roster, crate::optimize::schedule::ScheduleError> {
    let groups = &setup.groups;
    let n = groups.len();
    let contains = |h: usize, g: usize| {
        h != g
            && groups[h].channels.len() > groups[g].channels.len()
            && groups[g]
                .channels
                .iter()
                .all(|c| groups[h].channels.contains(c))
    };
    // Depth: 0 for groups no other contains, else one more than the
    // deepest group containing it.
    let mut depth = vec![0usize; n];
    for _ in 0..n {
        for g in 0..n {
            for h in 0..n {
                if contains(h, g) {
                    depth[g] = depth[g].max(depth[h] + 1);
                }
            }
        }
    }
    let len = req.grid().len();
    // Smoothing by substitution: what a contained group needs above its
    // least need within SMOOTH_WINDOW_MIN either side goes to the cheapest
    // group containing it, deepest groups first (so it can pass on up).
    let w = (SMOOTH_WINDOW_MIN / req.grid().interval_min().max(1)) as usize;
    let mut need: Vec<Vec<u32>> = groups
        .iter()
        .map(|g| {
            req.channels()
                .get(&g.name)
                .cloned()
                .unwrap_or_else(|| vec![0; len])
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(depth[g]));
    for g in order {
        let Some(h) = (0..n).filter(|&h| contains(h, g)).min_by(|&a, &b| {
            groups[a]
                .cost_per_agent
                .total_cmp(&groups[b].cost_per_agent)
                .then(groups[a].channels.len().cmp(&groups[b].channels.len()))
                .then(a.cmp(&b))
        }) else {
            continue;
        };
        let own = need[g].clone();
        for i in 0..len {
            let base = own[i.saturating_sub(w)..(i + w + 1).min(len)]
                .iter()
                .copied()
                .min()
                .unwrap_or(0);
            need[h][i] += own[i] - base;
            need[g][i] = base;
        }
    }
    let mut surplus: Vec<Vec<u32>> = vec![vec![0; len]; n];
    let mut merged: Option<Roster> = None;
    for layer in 0..=depth.iter().copied().max().unwrap_or(0) {
        let mut sub = std::collections::BTreeMap::new();
        for g in (0..n).filter(|&g| depth[g] == layer) {
            if !req.channels().contains_key(&groups[g].name) {
                continue;
            }
            let mut residual = need[g].clone();
            for (i, r) in residual.iter_mut().enumerate() {
                for h in (0..n).filter(|&h| contains(h, g)) {
                    let take = surplus[h][i].min(*r);
                    surplus[h][i] -= take;
                    *r -= take;
                }
            }
            sub.insert(groups[g].name.clone(), residual);
        }
        if sub.is_empty() {
            continue;
        }
        let sub_req = Requirement::new(*req.grid(), sub.clone())
            .map_err(|e| crate::core::input::InputError::file(source, e.to_string()))?;
        let roster = crate::optimize::schedule::schedule(&sub_req, rules, opts, source)?;
        for c in &roster.channels {
            let Some(g) = groups.iter().position(|x| x.name == c.channel) else {
                continue;
            };
            for (ri, &scheduled) in c.scheduled.iter().enumerate() {
                let Some((d, t)) = roster.grid.at(ri) else {
                    continue;
                };
                if let Some(i) = req.grid().index(d, t) {
                    surplus[g][i] = scheduled.saturating_sub(sub[&c.channel][i]);
                }
            }
        }
        merged = Some(match merged {
            None => roster,
            Some(mut m) => {
                m.channels.extend(roster.channels);
                m.channels.sort_by(|a, b| a.channel.cmp(&b.channel));
                m
            }
        });
    }
    merged.ok_or_else(|| {
        crate::core::input::InputError::file(source, "no group has a requirement".to_string())
            .into()
    })
}
