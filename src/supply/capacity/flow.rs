//! The weekly headcount flow of one group: attrition, classes in
//! training, graduates and their nesting weeks, changes and leave.

use serde::{Deserialize, Serialize};

/// A class of hires: its start week (index from the horizon's first week;
/// negative: started before it) and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Class {
    /// The week the class starts (index from the horizon's first week).
    pub start_week: i64,
    /// Agents hired into it.
    pub size: u32,
}

/// A group of new agents working slower in their first weeks: `agents`
/// from week `first_week` on, at `1 / aht[k]` of an agent in week
/// `first_week + k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nesting {
    /// The first week they work.
    pub first_week: i64,
    /// How many.
    pub agents: u32,
    /// AHT multipliers by week.
    pub aht: Vec<f64>,
}

/// Everything about one group that the flow needs, per week of the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupInputs {
    /// Trained agents on the books at the start of week 0.
    pub headcount: u32,
    /// Required FTE per week.
    pub required_fte: Vec<f64>,
    /// Agents added (negative: removed) by the start of week `w + 1`,
    /// per week `w` (the team file's changes).
    pub changes: Vec<i64>,
    /// Share of the headcount that does not come back, counted in week `w`
    /// (the hiring file's `after_holiday`), per week.
    pub one_off: Vec<f64>,
    /// Agent-days of leave per week, divided by 7: FTE away.
    pub leave_fte: Vec<f64>,
    /// Nesting agents from the team file's changes with `aht_factor`.
    pub nesting: Vec<Nesting>,
    /// Shrinkage of the group's channel (absence, meetings, coaching), share.
    pub shrinkage: f64,
}

/// The flow's parameters from the hiring file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowParams {
    /// Share of trained agents leaving per week.
    pub weekly_attrition: f64,
    /// Weeks in class.
    pub training_weeks: u32,
    /// Share of a class that graduates.
    pub graduation: f64,
    /// AHT multipliers of graduates by week after graduation.
    pub nesting_aht: Vec<f64>,
    /// Cost of one hire.
    pub cost_per_hire: f64,
    /// Cost of one agent on the books per week.
    pub weekly_cost_per_agent: f64,
}

impl FlowParams {
    /// Graduates of a class of `size`: `round(graduation × size)`.
    pub fn graduates(&self, size: u32) -> u32 {
        (self.graduation * f64::from(size)).round() as u32
    }
}

/// One week of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowWeek {
    /// Required FTE.
    pub required_fte: f64,
    /// Trained agents on the books at the start of the week (nesting
    /// agents included).
    pub headcount: u32,
    /// Agents in class.
    pub in_training: u32,
    /// Agents in their nesting weeks.
    pub nesting_agents: u32,
    /// What the nesting agents are worth: `Σ 1 / multiplier`.
    pub nesting_fte: f64,
    /// Trained agents leaving during the week (attrition and one-off).
    pub leavers: u32,
    /// Trainees graduating at the end of the week.
    pub graduates: u32,
    /// Agents hired into classes starting this week.
    pub hires: u32,
    /// Changes of the team file taking effect by next week (a removal is
    /// cut to the agents there are).
    pub changes: i64,
    /// FTE on leave.
    pub leave_fte: f64,
    /// `(headcount − nesting_agents + nesting_fte) × (1 − shrinkage) − leave_fte`.
    pub net_fte: f64,
    /// `net_fte − required_fte`.
    pub gap_fte: f64,
    /// `(headcount + in_training) × weekly cost + hires × cost per hire`.
    pub cost: f64,
}

/// The weekly flow of a group with `classes`:
///
/// ```text
/// headcount(w+1) = headcount(w) − leavers(w) + graduates(w) + changes(w)
/// leavers(w)     = round(a·Σ_{v≤w} headcount(v)) − round(a·Σ_{v<w} headcount(v))
///                  + round(one_off(w) · headcount(w))        (at most headcount(w))
/// graduates(w)   = Σ round(graduation · size) of classes with start + T − 1 = w
/// net_fte(w)     = (headcount − nesting + Σ nesting / multiplier)·(1 − shrinkage) − leave
/// ```
///
/// Attrition is rounded on its running total, so no fraction of an agent
/// is lost or made up over the horizon and every figure is whole agents.
/// A class started so long before the horizon that it graduated before
/// week 0 is taken as part of the team's headcount.
pub fn flow(g: &GroupInputs, p: &FlowParams, classes: &[Class]) -> Vec<FlowWeek> {
    let weeks = g.required_fte.len();
    let t = i64::from(p.training_weeks);
    let mut nesting = g.nesting.clone();
    let mut graduates = vec![0u32; weeks];
    let mut in_training = vec![0u32; weeks];
    let mut hires = vec![0u32; weeks];
    for c in classes {
        let grad_week = c.start_week + t - 1;
        if t > 0 && grad_week < 0 {
            continue;
        }
        for w in c.start_week.max(0)..(c.start_week + t).min(weeks as i64) {
            in_training[w as usize] += c.size;
        }
        if (0..weeks as i64).contains(&c.start_week) {
            hires[c.start_week as usize] += c.size;
        }
        let n = p.graduates(c.size);
        if (0..weeks as i64).contains(&grad_week) {
            graduates[grad_week as usize] += n;
        }
        if !p.nesting_aht.is_empty() {
            nesting.push(Nesting {
                first_week: c.start_week + t,
                agents: n,
                aht: p.nesting_aht.clone(),
            });
        }
    }
    let mut out = Vec::with_capacity(weeks);
    let mut h = i64::from(g.headcount);
    let mut cum = 0.0f64;
    for w in 0..weeks {
        let hw = h.max(0) as u32;
        let before = (p.weekly_attrition * cum).round();
        cum += f64::from(hw);
        let after = (p.weekly_attrition * cum).round();
        let one_off = (g.one_off.get(w).copied().unwrap_or(0.0) * f64::from(hw)).round();
        let leavers = ((after - before) + one_off).clamp(0.0, f64::from(hw)) as u32;
        let (mut nest_agents, mut nest_fte) = (0u32, 0.0f64);
        for n in &nesting {
            let k = w as i64 - n.first_week;
            if k >= 0 && (k as usize) < n.aht.len() {
                nest_agents += n.agents;
                nest_fte += f64::from(n.agents) / n.aht[k as usize];
            }
        }
        let scale = if nest_agents > hw {
            f64::from(hw) / f64::from(nest_agents)
        } else {
            1.0
        };
        let (nest_agents, nest_fte) = (nest_agents.min(hw), nest_fte * scale);
        let leave = g.leave_fte.get(w).copied().unwrap_or(0.0);
        let productive = f64::from(hw - nest_agents) + nest_fte;
        let net = productive * (1.0 - g.shrinkage) - leave;
        let required = g.required_fte[w];
        // A removal never takes the books below zero.
        let staying = i64::from(hw) - i64::from(leavers) + i64::from(graduates[w]);
        let change = g.changes.get(w).copied().unwrap_or(0).max(-staying);
        out.push(FlowWeek {
            required_fte: required,
            headcount: hw,
            in_training: in_training[w],
            nesting_agents: nest_agents,
            nesting_fte: nest_fte,
            leavers,
            graduates: graduates[w],
            hires: hires[w],
            changes: change,
            leave_fte: leave,
            net_fte: net,
            gap_fte: net - required,
            cost: f64::from(hw + in_training[w]) * p.weekly_cost_per_agent
                + f64::from(hires[w]) * p.cost_per_hire,
        });
        h = staying + change;
    }
    out
}
