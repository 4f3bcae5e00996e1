//! The hiring optimizer: class starts and sizes at least cost, as an
//! integer program on the crate's solver layer.

use serde::{Deserialize, Serialize};

use super::flow::{flow, Class, FlowParams, GroupInputs};
use super::hiring::Hiring;
use crate::optimize::solver::{
    branch_and_bound, relaxation, Limits, LinearModel, Row, SolverChoice,
};

/// The hiring problem of a horizon: the groups as they are (with the
/// classes decided), the flow's parameters and the pipeline's limits.
#[derive(Debug, Clone)]
pub struct HiringModel {
    /// Groups: name, inputs and the classes already decided.
    pub groups: Vec<(String, GroupInputs, Vec<Class>)>,
    /// The flow's parameters.
    pub params: FlowParams,
    /// Lead time, class sizes, training capacity, penalty.
    pub hiring: Hiring,
    /// Which groups the optimizer may hire for.
    pub hire_for: Vec<bool>,
}

/// The objective's precomputed parts (see `HiringModel::prepare`).
struct Prepared {
    slots: Vec<Slot>,
    per: Vec<(Vec<f64>, f64)>,
    base: Vec<Vec<f64>>,
    cap: Vec<i64>,
}

/// A class the optimizer may start: group and start week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    group: usize,
    start: usize,
}

/// What the optimizer found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HiringSolution {
    /// New classes: group index and class.
    pub classes: Vec<(usize, Class)>,
    /// The program's objective: the expected cost of the new classes plus
    /// the penalty of the FTE-weeks still short.
    pub objective: f64,
    /// The best proven lower bound of the objective (when the solver gives one).
    pub bound: Option<f64>,
    /// `(objective − bound) / objective` (0 when proven optimal).
    pub gap: f64,
    /// Whether the search closed the gap.
    pub proven: bool,
    /// FTE-weeks short in the program's solution, per group and week.
    pub short: Vec<(usize, usize, f64)>,
}

/// How the optimizer may run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HiringLimits {
    /// The MIP solver.
    pub solver: SolverChoice,
    /// Branch-and-bound nodes at most (`None`: no limit).
    pub node_limit: Option<u64>,
    /// Seconds at most.
    pub time_limit_s: f64,
    /// Relative gap at which the search may stop.
    pub mip_gap: f64,
}

impl Default for HiringLimits {
    /// microlp, 20,000 nodes, 60 s, a 0.1% gap.
    fn default() -> Self {
        HiringLimits {
            solver: SolverChoice::Microlp,
            node_limit: Some(20_000),
            time_limit_s: 60.0,
            mip_gap: 1e-3,
        }
    }
}

impl HiringModel {
    fn weeks(&self) -> usize {
        self.groups.first().map_or(0, |g| g.1.required_fte.len())
    }

    /// The classes the optimizer may start: each group it hires for, each
    /// week from `lead_weeks` on whose class graduates inside the horizon.
    fn slots(&self) -> Vec<Slot> {
        let t = self.hiring.training_weeks as usize;
        let weeks = self.weeks();
        let mut out = Vec::new();
        for (g, _) in self.groups.iter().enumerate() {
            if !self.hire_for[g] {
                continue;
            }
            for s in self.hiring.lead_weeks as usize..weeks {
                if s + t < weeks {
                    out.push(Slot { group: g, start: s });
                }
            }
        }
        out
    }

    /// Net FTE per group and week with the decided classes only.
    pub fn base_net(&self) -> Vec<Vec<f64>> {
        self.groups
            .iter()
            .map(|(_, gi, decided)| {
                flow(gi, &self.params, decided)
                    .iter()
                    .map(|w| w.net_fte)
                    .collect()
            })
            .collect()
    }

    /// Expected survival of a graduate from week `p` to week `w`.
    fn survival(&self, g: usize, p: usize, w: usize) -> f64 {
        let gi = &self.groups[g].1;
        (p..w)
            .map(|v| {
                (1.0 - self.params.weekly_attrition)
                    * (1.0 - gi.one_off.get(v).copied().unwrap_or(0.0))
            })
            .product()
    }

    /// What one agent hired into a class of group `g` starting in week `s`
    /// adds to net FTE in each week (in expectation: graduation share,
    /// survival, nesting and shrinkage), and what it costs over the horizon.
    fn per_agent(&self, g: usize, s: usize) -> (Vec<f64>, f64) {
        let weeks = self.weeks();
        let t = self.hiring.training_weeks as usize;
        let p = s + t;
        let q = self.params.graduation;
        let shrink = self.groups[g].1.shrinkage;
        let mut contrib = vec![0.0; weeks];
        let mut cost = self.params.cost_per_hire
            + self.params.weekly_cost_per_agent * (p.min(weeks) - s.min(weeks)) as f64;
        for (w, c) in contrib.iter_mut().enumerate().skip(p) {
            let surv = self.survival(g, p, w);
            let k = w - p;
            let nest = self
                .params
                .nesting_aht
                .get(k)
                .map_or(0.0, |m| 1.0 - 1.0 / m);
            *c = q * (1.0 - shrink) * (surv - nest);
            cost += q * surv * self.params.weekly_cost_per_agent;
        }
        (contrib, cost)
    }

    /// The training capacity left per week after the decided classes.
    fn capacity_left(&self) -> Vec<i64> {
        let t = i64::from(self.hiring.training_weeks);
        let mut left = vec![i64::from(self.hiring.max_classes_in_training); self.weeks()];
        for (_, _, decided) in &self.groups {
            for c in decided {
                for w in c.start_week.max(0)..(c.start_week + t).min(left.len() as i64) {
                    left[w as usize] -= 1;
                }
            }
        }
        left
    }

    /// What the objective needs, computed once: the slots, each slot's
    /// per-agent contribution and cost, the base net FTE and the training
    /// capacity left.
    fn prepare(&self) -> Prepared {
        let slots = self.slots();
        let per = slots
            .iter()
            .map(|sl| self.per_agent(sl.group, sl.start))
            .collect();
        Prepared {
            per,
            base: self.base_net(),
            cap: self.capacity_left(),
            slots,
        }
    }

    /// The objective for a class size per slot (0: no class); `None` when
    /// a size or the training capacity breaks a rule.
    fn cost_of(&self, p: &Prepared, sizes: &[u32]) -> Option<f64> {
        let h = &self.hiring;
        let weeks = self.weeks();
        let t = h.training_weeks as usize;
        let mut used = vec![0i64; weeks];
        let mut add = vec![vec![0.0; weeks]; self.groups.len()];
        let mut cost = 0.0;
        for (k, &n) in sizes.iter().enumerate() {
            if n == 0 {
                continue;
            }
            if n < h.class_min.max(1) || n > h.class_max {
                return None;
            }
            let sl = p.slots[k];
            for u in &mut used[sl.start..(sl.start + t).min(weeks)] {
                *u += 1;
            }
            cost += p.per[k].1 * f64::from(n);
            for (a, x) in add[sl.group].iter_mut().zip(&p.per[k].0) {
                *a += x * f64::from(n);
            }
        }
        if used.iter().zip(&p.cap).any(|(u, c)| *u > (*c).max(0)) {
            return None;
        }
        let penalty = h.short_penalty();
        for (g, (_, gi, _)) in self.groups.iter().enumerate() {
            for ((req, base), added) in gi.required_fte.iter().zip(&p.base[g]).zip(&add[g]) {
                let short = req - base - added;
                if short > 0.0 {
                    cost += penalty * short;
                }
            }
        }
        Some(cost)
    }

    /// The classes of a size per slot.
    fn classes_of(p: &Prepared, sizes: &[u32]) -> Vec<(usize, Class)> {
        sizes
            .iter()
            .zip(&p.slots)
            .filter(|(n, _)| **n > 0)
            .map(|(&n, sl)| {
                (
                    sl.group,
                    Class {
                        start_week: sl.start as i64,
                        size: n,
                    },
                )
            })
            .collect()
    }

    /// Local search from `sizes`: the best single move (a class added at a
    /// free slot at any allowed size, a class resized, removed or moved a
    /// week earlier or later) while one lowers the objective.
    fn improve(&self, p: &Prepared, mut sizes: Vec<u32>) -> Vec<u32> {
        let h = &self.hiring;
        let (lo, hi) = (h.class_min.max(1), h.class_max);
        let Some(mut best) = self.cost_of(p, &sizes) else {
            return sizes;
        };
        for _round in 0..500 {
            let mut best_move: Option<(f64, Vec<u32>)> = None;
            let consider = |cand: Vec<u32>, best_move: &mut Option<(f64, Vec<u32>)>| {
                if let Some(c) = self.cost_of(p, &cand) {
                    if c < best - 1e-9 && best_move.as_ref().is_none_or(|(b, _)| c < *b) {
                        *best_move = Some((c, cand));
                    }
                }
            };
            for k in 0..sizes.len() {
                if sizes[k] == 0 {
                    for n in lo..=hi {
                        let mut c = sizes.clone();
                        c[k] = n;
                        consider(c, &mut best_move);
                    }
                } else {
                    for n in [0, sizes[k].saturating_sub(1), sizes[k] + 1] {
                        if n == 0 || (lo..=hi).contains(&n) {
                            let mut c = sizes.clone();
                            c[k] = n;
                            consider(c, &mut best_move);
                        }
                    }
                    for j in [k.wrapping_sub(1), k + 1] {
                        if j < sizes.len() && sizes[j] == 0 && p.slots[j].group == p.slots[k].group
                        {
                            let mut c = sizes.clone();
                            c.swap(j, k);
                            consider(c, &mut best_move);
                        }
                    }
                }
            }
            match best_move {
                Some((c, cand)) => {
                    best = c;
                    sizes = cand;
                }
                None => break,
            }
        }
        sizes
    }

    /// The program's objective for a set of new classes, in expectation
    /// (what [`HiringModel::solve`] minimises): their cost plus the penalty
    /// of the FTE-weeks still short; `None` when the classes break a rule
    /// (lead time, sizes, training capacity, graduating after the horizon,
    /// two classes in one group's week).
    pub fn expected_cost(&self, classes: &[(usize, Class)]) -> Option<f64> {
        let p = self.prepare();
        let mut sizes = vec![0u32; p.slots.len()];
        for &(g, c) in classes {
            let s = usize::try_from(c.start_week).ok()?;
            let k = p
                .slots
                .iter()
                .position(|sl| *sl == Slot { group: g, start: s })?;
            if sizes[k] > 0 || c.size == 0 {
                return None;
            }
            sizes[k] = c.size;
        }
        self.cost_of(&p, &sizes)
    }

    /// The program's variables for `classes`: y and n per slot, and the
    /// shortfall each coverage row is left with.
    fn encode(
        &self,
        slots: &[Slot],
        classes: &[(usize, Class)],
        short_vars: &[(usize, usize, usize)],
        per: &[(Vec<f64>, f64)],
        base: &[Vec<f64>],
        len: usize,
    ) -> Vec<f64> {
        let mut x = vec![0.0; len];
        for &(g, c) in classes {
            if let Some(k) = slots
                .iter()
                .position(|sl| sl.group == g && sl.start as i64 == c.start_week)
            {
                x[2 * k] = 1.0;
                x[2 * k + 1] = f64::from(c.size);
            }
        }
        for &(g, w, j) in short_vars {
            let added: f64 = slots
                .iter()
                .enumerate()
                .filter(|(_, sl)| sl.group == g)
                .map(|(k, _)| per[k].0[w] * x[2 * k + 1])
                .sum();
            x[j] = (self.groups[g].1.required_fte[w] - base[g][w] - added).max(0.0);
        }
        x
    }

    /// Solves the program:
    ///
    /// ```text
    /// min  Σ_{g,s} c_{gs}·n_{gs} + P·Σ_{g,w} short_{gw}
    /// s.t. Σ_s a_{gsw}·n_{gs} + short_{gw} ≥ required_{gw} − base_{gw}   every group, week
    ///      class_min·y_{gs} ≤ n_{gs} ≤ class_max·y_{gs},  y binary, n integer
    ///      Σ_{g, s ≤ w < s+T} y_{gs} ≤ max_classes_in_training − decided in class at w
    /// ```
    ///
    /// with `a_{gsw}` the expected net FTE one hire adds in week `w`
    /// (graduation share × survival × nesting × (1 − shrinkage)), `c_{gs}`
    /// its expected cost over the horizon (hire, training weeks, salary
    /// while it stays) and `P` the penalty per FTE-week short. Classes
    /// start from week `lead_weeks` and must graduate inside the horizon.
    pub fn solve(&self, limits: &HiringLimits) -> Result<HiringSolution, String> {
        let h = &self.hiring;
        // The slots, their per-agent figures, the base and the capacity, once.
        let prep = self.prepare();
        let (slots, base, per) = (&prep.slots, &prep.base, &prep.per);
        let t = h.training_weeks as usize;
        let mut cost = Vec::new();
        let mut integer = Vec::new();
        let mut rows = Vec::new();
        // y then n per slot.
        for (k, &(_, c)) in per.iter().enumerate() {
            cost.push(0.0);
            integer.push(true);
            cost.push(c);
            integer.push(true);
            let (y, n) = (2 * k, 2 * k + 1);
            rows.push(Row {
                terms: vec![(n, 1.0), (y, -f64::from(h.class_max))],
                at_most: true,
                rhs: 0.0,
            });
            rows.push(Row {
                terms: vec![(n, 1.0), (y, -f64::from(h.class_min.max(1)))],
                at_most: false,
                rhs: 0.0,
            });
            rows.push(Row {
                terms: vec![(y, 1.0)],
                at_most: true,
                rhs: 1.0,
            });
        }
        // Shortfall variables and coverage rows.
        let mut short_vars = Vec::new();
        let mut start = vec![0.0; cost.len()];
        for (g, (_, gi, _)) in self.groups.iter().enumerate() {
            for (w, (req, b)) in gi.required_fte.iter().zip(&base[g]).enumerate() {
                let rhs = req - b;
                if rhs <= 1e-9 {
                    continue;
                }
                let j = cost.len();
                cost.push(h.short_penalty());
                integer.push(false);
                start.push(rhs);
                short_vars.push((g, w, j));
                let mut terms = vec![(j, 1.0)];
                for (k, sl) in slots.iter().enumerate() {
                    if sl.group == g && per[k].0[w] != 0.0 {
                        terms.push((2 * k + 1, per[k].0[w]));
                    }
                }
                rows.push(Row {
                    terms,
                    at_most: false,
                    rhs,
                });
            }
        }
        // Training capacity.
        let left = &prep.cap;
        for (w, &l) in left.iter().enumerate() {
            let terms: Vec<(usize, f64)> = slots
                .iter()
                .enumerate()
                .filter(|(_, sl)| sl.start <= w && w < sl.start + t)
                .map(|(k, _)| (2 * k, 1.0))
                .collect();
            if !terms.is_empty() {
                rows.push(Row {
                    terms,
                    at_most: true,
                    rhs: l.max(0) as f64,
                });
            }
        }
        let model = LinearModel {
            cost,
            integer,
            rows,
        };
        // A start better than hiring no one: the relaxation's classes
        // rounded up to whole agents and the class sizes, the smallest
        // classes dropped where the training capacity is exceeded, kept
        // only if it costs less.
        if let Ok(lp) = relaxation(limits.solver, &model) {
            let mut classes: Vec<(usize, Class)> = slots
                .iter()
                .enumerate()
                .filter(|(k, _)| lp[2 * k + 1] > 1e-6)
                .map(|(k, sl)| {
                    let n = (lp[2 * k + 1] - 1e-6)
                        .ceil()
                        .max(f64::from(h.class_min.max(1)));
                    (
                        sl.group,
                        Class {
                            start_week: sl.start as i64,
                            size: (n as u32).min(h.class_max),
                        },
                    )
                })
                .collect();
            for (w, &l) in left.iter().enumerate() {
                loop {
                    let in_class: Vec<usize> = (0..classes.len())
                        .filter(|&i| {
                            let s = classes[i].1.start_week as usize;
                            s <= w && w < s + t
                        })
                        .collect();
                    if in_class.len() as i64 <= l.max(0) {
                        break;
                    }
                    let smallest = *in_class
                        .iter()
                        .min_by_key(|&&i| classes[i].1.size)
                        .expect("a class");
                    classes.remove(smallest);
                }
            }
            let mut sizes = vec![0u32; prep.slots.len()];
            for (g, c) in &classes {
                if let Some(k) = prep
                    .slots
                    .iter()
                    .position(|sl| sl.group == *g && sl.start as i64 == c.start_week)
                {
                    sizes[k] = c.size;
                }
            }
            let zero = vec![0u32; prep.slots.len()];
            let (a, b) = (self.improve(&prep, sizes), self.improve(&prep, zero));
            let better = match (self.cost_of(&prep, &a), self.cost_of(&prep, &b)) {
                (Some(x), Some(y)) if y < x => b,
                _ => a,
            };
            let classes = Self::classes_of(&prep, &better);
            start = self.encode(slots, &classes, &short_vars, per, base, model.cost.len());
        }
        let outcome = branch_and_bound(
            limits.solver,
            &model,
            &start,
            &Limits {
                time_limit_s: limits.time_limit_s,
                node_limit: limits.node_limit,
                gap: limits.mip_gap,
            },
        )?;
        let values = outcome.values.unwrap_or(start);
        let objective: f64 = model.cost.iter().zip(&values).map(|(c, x)| c * x).sum();
        let mut classes = Vec::new();
        for (k, sl) in slots.iter().enumerate() {
            let n = values[2 * k + 1].round();
            if n >= 0.5 {
                classes.push((
                    sl.group,
                    Class {
                        start_week: sl.start as i64,
                        size: n as u32,
                    },
                ));
            }
        }
        let short = short_vars
            .iter()
            .filter(|(_, _, j)| values[*j] > 1e-6)
            .map(|&(g, w, j)| (g, w, values[j]))
            .collect();
        let bound = outcome.bound.map(|b| b.min(objective));
        let gap = match bound {
            _ if outcome.closed && limits.mip_gap == 0.0 => 0.0,
            Some(b) if objective > 0.0 => ((objective - b) / objective).max(0.0),
            _ if outcome.closed => limits.mip_gap,
            _ => f64::NAN,
        };
        Ok(HiringSolution {
            classes,
            objective,
            bound,
            gap,
            proven: outcome.closed,
            short,
        })
    }
}
