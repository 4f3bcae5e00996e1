//! Multi-skill staffing by simulation: the cheapest agents per group such
//! that every channel meets its service-level target when the groups serve
//! their channels in priority order (the simulator's skill-based routing).
//!
//! # Method
//! The staffing of one interval (or a block of intervals with the same
//! load, simulated as `periods` identical intervals after one of warm-up)
//! is searched over whole agents per group on **common random numbers**:
//! every candidate is simulated with the same seed, so two staffings differ
//! only by the agents, and the differences the search acts on are finite
//! differences of the simulated service level, not noise (the subgradient
//! idea of Cezik and L'Ecuyer, Management Science 2008, used greedily):
//!
//! 1. **Start** from analytic estimates: each channel's Erlang
//!    requirement for its target ([`crate::models::staffing::required_agents`])
//!    given to the cheapest group that serves it first; and, for each
//!    cross-trained group, the Erlang requirement of its channels' pooled
//!    load given to it. Each start is searched; the cheapest result wins.
//! 2. **Repair**: while a target is missed, add the agent (to one group)
//!    with the largest reduction of the total shortfall
//!    `Σ_c max(0, target_c − SL_c)` per unit cost.
//! 3. **Descend**: remove an agent, move one to another group, or replace
//!    two by one of a third group (two specialists by one cross-trained
//!    agent), whenever every target stays met and the cost falls; the
//!    cheapest such move first, until none is left.
//!
//! The result is **locally optimal** on the sample: no such move keeps
//! every target at lower cost (that is the evidence it reports, with the
//! number of simulations). It is not a global bound; on
//! small instances the tests compare it with an exhaustive search.

use serde::{Deserialize, Serialize};

use crate::sim::{ChannelSpec, GroupSpec, SimBuilder, SimError};

/// One channel of the problem: its simulation settings for one interval
/// (one value in `volumes`, `aht_s`, `patience_s`) and its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillChannel {
    /// The channel as the simulator takes it (one interval's values).
    pub spec: ChannelSpec,
    /// Share to answer within the channel's `answer_within_s`.
    pub target_sl: f64,
}

/// One agent group: the channels it serves in priority order, and what an
/// agent costs (e.g. 1.0 for a specialist, 1.1 for a cross-trained agent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillGroup {
    /// Name.
    pub name: String,
    /// Channels served, highest priority first.
    pub channels: Vec<String>,
    /// Contacts an agent handles at once.
    pub concurrency: u32,
    /// Cost of one agent for the interval.
    pub cost_per_agent: f64,
    /// Groups this one is the overflow of (see
    /// [`crate::sim::SimBuilder::overflow_from`]).
    #[serde(default)]
    pub overflow_from: Vec<String>,
}

/// A multi-skill staffing problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillProblem {
    /// Interval length, minutes.
    pub interval_min: u32,
    /// Channels.
    pub channels: Vec<SkillChannel>,
    /// Groups.
    pub groups: Vec<SkillGroup>,
    /// Identical intervals measured (after one of warm-up).
    pub periods: usize,
    /// Replications per candidate.
    pub replications: usize,
    /// Seed shared by every candidate (common random numbers).
    pub seed: u64,
    /// Most agents per group searched.
    pub max_agents: u32,
}

/// The staffing found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillStaffing {
    /// Agents per group, in the problem's order.
    pub agents: Vec<u32>,
    /// `Σ agents × cost_per_agent`.
    pub cost: f64,
    /// Simulated service level per channel.
    pub service_level: Vec<f64>,
    /// Whether every target is met.
    pub feasible: bool,
    /// Simulations run.
    pub evaluations: usize,
}

/// Why a problem cannot be solved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SkillError {
    /// The simulation refused the problem.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// A group or channel is wrong.
    #[error("{0}")]
    Problem(String),
}

impl SkillProblem {
    /// Checks that every group serves known channels, without repeats, and
    /// every channel is served by some group.
    pub fn check(&self) -> Result<(), SkillError> {
        for g in &self.groups {
            for (i, c) in g.channels.iter().enumerate() {
                if !self.channels.iter().any(|x| &x.spec.name == c) {
                    return Err(SkillError::Problem(format!(
                        "group {}: unknown channel {c}",
                        g.name
                    )));
                }
                if g.channels[..i].contains(c) {
                    return Err(SkillError::Problem(format!(
                        "group {}: channel {c} listed twice",
                        g.name
                    )));
                }
            }
            if !(g.cost_per_agent.is_finite() && g.cost_per_agent > 0.0) {
                return Err(SkillError::Problem(format!(
                    "group {}: cost_per_agent must be > 0",
                    g.name
                )));
            }
        }
        for c in &self.channels {
            // A target no number of agents meets (100% within 0 s) is refused
            // here, before a search that would add agents to the limit.
            let s = &c.spec;
            let work = crate::models::staffing::Workload::voice(
                s.volumes.first().copied().unwrap_or(0.0).max(1.0),
                s.aht_s.first().copied().unwrap_or(1.0).max(1.0),
                f64::from(self.interval_min),
            );
            let targets = crate::models::staffing::Targets {
                service_level: Some(c.target_sl),
                answer_within_s: s.answer_within_s,
                sl_definition: s.sl_definition,
                ..crate::models::staffing::Targets::default()
            };
            if let Err(e) = crate::models::staffing::required_agents(
                &work,
                crate::models::staffing::Model::ErlangC,
                &targets,
            ) {
                if c.target_sl >= 1.0 || s.answer_within_s <= 0.0 {
                    return Err(SkillError::Problem(format!(
                        "channel {}: target cannot be met: {e}",
                        s.name
                    )));
                }
            }
            if !self
                .groups
                .iter()
                .any(|g| g.channels.contains(&c.spec.name))
            {
                return Err(SkillError::Problem(format!(
                    "channel {}: no group serves it",
                    c.spec.name
                )));
            }
        }
        Ok(())
    }

    /// Cost of a staffing.
    pub fn cost(&self, agents: &[u32]) -> f64 {
        agents
            .iter()
            .zip(&self.groups)
            .map(|(n, g)| f64::from(*n) * g.cost_per_agent)
            .sum()
    }

    /// The simulated service level of each channel with `agents` per group
    /// (same seed for every call: common random numbers). Builds the
    /// simulation each time; a search uses [`SkillProblem::evaluator`].
    pub fn service_levels(&self, agents: &[u32]) -> Result<Vec<f64>, SkillError> {
        self.evaluator(agents)?.service_levels(agents)
    }

    /// The problem's simulation, built once with `agents` per group, to
    /// evaluate staffings on (see [`SkillEvaluator`]).
    pub fn evaluator(&self, agents: &[u32]) -> Result<SkillEvaluator, SkillError> {
        let n = self.periods + 1;
        let mut b = SimBuilder::new(self.interval_min, n)
            .replications(self.replications)
            .seed(self.seed)
            .threads(Some(1));
        for c in &self.channels {
            let s = &c.spec;
            b = b.channel(ChannelSpec {
                volumes: vec![s.volumes.first().copied().unwrap_or(0.0); n],
                aht_s: vec![s.aht_s.first().copied().unwrap_or(0.0); n],
                patience_s: vec![s.patience_s.first().copied().flatten(); n],
                ..s.clone()
            });
        }
        for (i, g) in self.groups.iter().enumerate() {
            b = b.overflow_from(&g.name, &g.overflow_from);
            b = b.group(GroupSpec {
                name: g.name.clone(),
                channels: g.channels.clone(),
                concurrency: g.concurrency,
                agents: vec![agents.get(i).copied().unwrap_or(0); n],
            });
        }
        let contacts_per_run = self
            .channels
            .iter()
            .map(|c| c.spec.volumes.first().copied().unwrap_or(0.0))
            .sum::<f64>()
            * n as f64
            * self.replications as f64;
        Ok(SkillEvaluator {
            budget: None,
            contacts_per_run,
            sim: b.build()?,
            periods: n,
            channels: self.channels.len(),
            cache: std::collections::HashMap::new(),
            runs: 0,
        })
    }

    /// `Σ_c max(0, target_c − SL_c)`: how far the service levels `sl` fall
    /// short of the targets (a channel with work and no measured contact
    /// counts its whole target).
    pub fn shortfall(&self, sl: &[f64]) -> f64 {
        self.channels
            .iter()
            .zip(sl)
            .map(|(c, s)| {
                // No contact measured: a miss if the channel has work.
                if s.is_nan() {
                    if c.spec.volumes.first().copied().unwrap_or(0.0) > 0.0 {
                        c.target_sl
                    } else {
                        0.0
                    }
                } else {
                    (c.target_sl - s).max(0.0)
                }
            })
            .sum()
    }

    /// The analytic start: each channel's Erlang requirement given to the
    /// cheapest group that lists it first (else the cheapest that serves it).
    pub fn analytic_start(&self) -> Vec<u32> {
        let mut agents = vec![0u32; self.groups.len()];
        for c in &self.channels {
            let s = &c.spec;
            let work = crate::models::staffing::Workload {
                volume: s.volumes.first().copied().unwrap_or(0.0),
                aht_s: s.aht_s.first().copied().unwrap_or(1.0).max(1.0),
                interval_min: f64::from(self.interval_min),
                patience_s: s.patience_s.first().copied().flatten(),
                containment: s.containment,
                concurrency: self
                    .groups
                    .iter()
                    .find(|g| g.channels.contains(&s.name))
                    .map_or(1, |g| g.concurrency.max(1)),
            };
            let model = if work.patience_s.is_some() {
                crate::models::staffing::Model::ErlangA
            } else {
                crate::models::staffing::Model::ErlangC
            };
            let targets = crate::models::staffing::Targets {
                service_level: Some(c.target_sl),
                answer_within_s: s.answer_within_s,
                sl_definition: s.sl_definition,
                ..crate::models::staffing::Targets::default()
            };
            let n = crate::models::staffing::required_agents(&work, model, &targets)
                .map_or(0, |m| m.agents);
            let first = |only_first: bool| {
                self.groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| {
                        if only_first {
                            g.channels.first() == Some(&s.name)
                        } else {
                            g.channels.contains(&s.name)
                        }
                    })
                    .min_by(|a, b| a.1.cost_per_agent.total_cmp(&b.1.cost_per_agent))
                    .map(|(i, _)| i)
            };
            if let Some(g) = first(true).or_else(|| first(false)) {
                agents[g] += n;
            }
        }
        agents
    }

    /// Searches the cheapest staffing that meets every target: see the
    /// module documentation.
    pub fn optimize(&self) -> Result<SkillStaffing, SkillError> {
        self.optimize_within(None)
    }

    /// As [`SkillProblem::optimize`], counting every simulation's contacts
    /// against a `budget` shared with other searches: past it, the search
    /// stops with [`SimError::TooMuchWork`] (checked by the caller with
    /// [`WorkBudget::exceeded`]).
    pub fn optimize_within(
        &self,
        budget: Option<std::sync::Arc<WorkBudget>>,
    ) -> Result<SkillStaffing, SkillError> {
        self.check()?;
        let first = self.analytic_start();
        let mut ev = self.evaluator(&first)?;
        ev.budget = budget;
        let mut starts = vec![first];
        starts.extend(self.pooled_starts());
        starts.dedup();
        // Repair and descend from every start; the cheapest result wins.
        let mut best: Option<(Vec<u32>, Vec<f64>)> = None;
        for st in starts {
            let (a, sl) = self.repair(&mut ev, st)?;
            let (a, sl) = if self.met(&sl) {
                self.descend(&mut ev, a, sl)?
            } else {
                (a, sl)
            };
            let better = match &best {
                None => true,
                Some((b, bsl)) => {
                    let (f, bf) = (self.met(&sl), self.met(bsl));
                    (f && !bf) || (f == bf && self.cost(&a) < self.cost(b))
                }
            };
            if better {
                best = Some((a, sl));
            }
        }
        let (cur, sl) = best.expect("at least one start");
        Ok(SkillStaffing {
            cost: self.cost(&cur),
            feasible: self.met(&sl),
            service_level: sl,
            agents: cur,
            evaluations: ev.runs(),
        })
    }

    fn met(&self, sl: &[f64]) -> bool {
        self.shortfall(sl) <= 0.0
    }

    /// Pooled starts: for each group serving several channels, the Erlang
    /// requirement of their combined load (volume-weighted handle time, the
    /// strictest target) given to it, the other channels to their
    /// specialists.
    pub fn pooled_starts(&self) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        for (gi, g) in self.groups.iter().enumerate() {
            if g.channels.len() < 2 {
                continue;
            }
            let mine: Vec<&SkillChannel> = self
                .channels
                .iter()
                .filter(|c| g.channels.contains(&c.spec.name))
                .collect();
            let volume: f64 = mine
                .iter()
                .map(|c| c.spec.volumes.first().copied().unwrap_or(0.0))
                .sum();
            if volume <= 0.0 {
                continue;
            }
            let aht = mine
                .iter()
                .map(|c| {
                    c.spec.volumes.first().copied().unwrap_or(0.0)
                        * c.spec.aht_s.first().copied().unwrap_or(1.0)
                })
                .sum::<f64>()
                / volume;
            let target = mine.iter().map(|c| c.target_sl).fold(0.0, f64::max);
            let within = mine
                .iter()
                .map(|c| c.spec.answer_within_s)
                .fold(f64::INFINITY, f64::min);
            let work = crate::models::staffing::Workload {
                concurrency: g.concurrency.max(1),
                ..crate::models::staffing::Workload::voice(
                    volume,
                    aht.max(1.0),
                    f64::from(self.interval_min),
                )
            };
            let targets = crate::models::staffing::Targets {
                service_level: Some(target),
                answer_within_s: within,
                ..crate::models::staffing::Targets::default()
            };
            let n = crate::models::staffing::required_agents(
                &work,
                crate::models::staffing::Model::ErlangC,
                &targets,
            )
            .map_or(0, |m| m.agents);
            let mut start = self.analytic_start();
            // The pooled channels' specialists give way to the pooled group.
            for (hi, h) in self.groups.iter().enumerate() {
                if hi != gi && h.channels.iter().all(|c| g.channels.contains(c)) {
                    start[hi] = 0;
                }
            }
            start[gi] = n.min(self.max_agents);
            out.push(start);
        }
        out
    }

    /// Repair from `start`: while a target is missed, the agent (to one
    /// group) with the largest reduction of the shortfall per unit cost.
    fn repair(
        &self,
        ev: &mut SkillEvaluator,
        start: Vec<u32>,
    ) -> Result<(Vec<u32>, Vec<f64>), SkillError> {
        let mut cur = start;
        let mut sl = ev.service_levels(&cur)?;
        while !self.met(&sl) {
            let base = self.shortfall(&sl);
            let mut best: Option<(f64, usize, Vec<f64>)> = None;
            for g in 0..self.groups.len() {
                if cur[g] >= self.max_agents {
                    continue;
                }
                let mut t = cur.clone();
                t[g] += 1;
                let s = ev.service_levels(&t)?;
                let gain = (base - self.shortfall(&s)) / self.groups[g].cost_per_agent;
                if best.as_ref().is_none_or(|b| gain > b.0) {
                    best = Some((gain, g, s));
                }
            }
            match best {
                Some((_, g, s)) => {
                    cur[g] += 1;
                    sl = s;
                }
                None => break,
            }
        }
        Ok((cur, sl))
    }

    /// Descent: one agent out; one out and one in elsewhere; two out and
    /// one in (two specialists for one cross-trained agent): the cheapest
    /// such staffing that keeps every target, until none is left.
    fn descend(
        &self,
        ev: &mut SkillEvaluator,
        mut cur: Vec<u32>,
        mut sl: Vec<f64>,
    ) -> Result<(Vec<u32>, Vec<f64>), SkillError> {
        loop {
            let ng = self.groups.len();
            let mut moves: Vec<Vec<u32>> = Vec::new();
            for g in 0..ng {
                if cur[g] == 0 {
                    continue;
                }
                let mut t = cur.clone();
                t[g] -= 1;
                moves.push(t.clone());
                for h in (0..ng).filter(|&h| h != g) {
                    let mut u = t.clone();
                    u[h] += 1;
                    moves.push(u);
                }
                for g2 in g..ng {
                    if t[g2] == 0 {
                        continue;
                    }
                    let mut t2 = t.clone();
                    t2[g2] -= 1;
                    for h in (0..ng).filter(|&h| h != g && h != g2) {
                        let mut u = t2.clone();
                        u[h] += 1;
                        moves.push(u);
                    }
                }
            }
            let now = self.cost(&cur);
            moves.retain(|m| self.cost(m) < now - 1e-9 && m.iter().all(|&n| n <= self.max_agents));
            moves.sort_by(|a, b| self.cost(a).total_cmp(&self.cost(b)).then(a.cmp(b)));
            moves.dedup();
            let mut moved = false;
            for m in moves {
                let s = ev.service_levels(&m)?;
                if self.met(&s) {
                    cur = m;
                    sl = s;
                    moved = true;
                    break;
                }
            }
            if !moved {
                return Ok((cur, sl));
            }
        }
    }
}

mod evaluator;
mod groups;
#[cfg(test)]
mod tests;

pub use evaluator::{SkillEvaluator, WorkBudget};
pub use groups::{
    check_group_work, least_simulations, staff_groups, GroupSearch, GroupSetup, GroupStaffOptions,
    GroupStaffing, IntervalLoads, Load,
};
