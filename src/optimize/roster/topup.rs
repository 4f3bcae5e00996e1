//! Filling the contracts: the shifts the agents' contracts pay for beyond
//! what the requirement needs.
//!
//! The shift optimizer covers the requirement at least cost; a team whose
//! contracts hold more hours than that would leave every agent short of
//! the contract. After the requirement's shifts are given to agents, the
//! assigner ([`super::assign_with_extra`]) gives each agent below
//! the contract, the furthest below first and one shift per agent per
//! round, one more day shift of a group it covers, on a working day
//! it is free (not a day off of the calendar, not unavailable, no shift
//! yet), under every labour rule, until no agent is more than half a
//! shift below the contract or none can take another. [`Filler`] chooses
//! which: of the group's own day shifts (a pattern the optimizer used,
//! with its breaks; no night), the longest the agent's week allows (with
//! `stable_week`, of the type it already works that week), and among
//! those the one with the most requirement per working hour relative to the coverage already
//! there (`Σ required(t) / (covered(t) + 1)` over its working intervals),
//! so the extra people go to the peaks, where they lift service most.
//!
//! Contracts count working hours: [`super::Agent::contract_hours`].

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::models::requirement::Requirement;
use crate::optimize::schedule::PlacedShift;

/// A full day shift a group may add: type, start and end (minutes from
/// the date's midnight), breaks (the same).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pattern {
    /// Shift type.
    pub shift: String,
    /// Start, minutes from midnight.
    pub start_min: u32,
    /// End, minutes from midnight.
    pub end_min: u32,
    /// Breaks, minutes from midnight.
    pub breaks: Vec<(u32, u32)>,
}

/// A group's requirement, coverage and patterns.
#[derive(Debug, Clone)]
struct GroupFill {
    required: Vec<u32>,
    covered: Vec<f64>,
    patterns: Vec<Pattern>,
}

/// The requirement and its coverage, group by group, from which the
/// contracts' extra shifts are chosen (see the module documentation).
#[derive(Debug, Clone)]
pub struct Filler {
    first: Date,
    days: usize,
    per_day: usize,
    interval_min: u32,
    groups: BTreeMap<String, GroupFill>,
}

impl Pattern {
    /// Whether minute `m` (from the date's midnight) is worked.
    fn works(&self, m: u32) -> bool {
        m >= self.start_min
            && m < self.end_min
            && !self.breaks.iter().any(|(a, b)| m >= *a && m < *b)
    }

    /// The pattern as a shift of `group` on `date`, one agent.
    pub fn on(&self, date: Date, group: &str) -> PlacedShift {
        PlacedShift {
            date,
            shift: self.shift.clone(),
            start_min: self.start_min,
            end_min: self.end_min,
            breaks: self.breaks.clone(),
            channel: group.to_string(),
            agents: 1,
        }
    }
}

impl Filler {
    /// The requirement `req` covered by `shifts` (the optimizer's), with
    /// each group's full day patterns among them.
    pub fn new(req: &Requirement, shifts: &[PlacedShift]) -> Filler {
        let grid = req.grid();
        let mut f = Filler {
            first: grid.first(),
            days: grid.days() as usize,
            per_day: grid.per_day(),
            interval_min: grid.interval_min(),
            groups: BTreeMap::new(),
        };
        for (group, required) in req.channels() {
            let mut patterns: Vec<Pattern> = shifts
                .iter()
                .filter(|s| &s.channel == group)
                .filter(|s| !super::Assignment::night_minutes(s.start_min, s.end_min))
                .map(|s| Pattern {
                    shift: s.shift.clone(),
                    start_min: s.start_min,
                    end_min: s.end_min,
                    breaks: s.breaks.clone(),
                })
                .collect();
            patterns.sort();
            patterns.dedup();
            f.groups.insert(
                group.clone(),
                GroupFill {
                    required: required.clone(),
                    covered: vec![0.0; required.len()],
                    patterns,
                },
            );
        }
        for s in shifts {
            let p = Pattern {
                shift: s.shift.clone(),
                start_min: s.start_min,
                end_min: s.end_min,
                breaks: s.breaks.clone(),
            };
            f.add(&s.channel, s.date, &p, f64::from(s.agents));
        }
        f
    }

    /// The interval indices `p` works on `date` in the grid.
    fn intervals(&self, date: Date, p: &Pattern) -> Vec<usize> {
        let Ok(k) = usize::try_from((date - self.first).get_days()) else {
            return Vec::new();
        };
        if k >= self.days {
            return Vec::new();
        }
        let im = self.interval_min;
        let mut out = Vec::new();
        let mut m = p.start_min - p.start_min % im;
        while m < p.end_min {
            if p.works(m) {
                out.push(k * self.per_day + (m / im) as usize);
            }
            m += im;
        }
        out
    }

    /// Adds `n` agents on `p` for `group` on `date` to the coverage.
    pub fn add(&mut self, group: &str, date: Date, p: &Pattern, n: f64) {
        let ts = self.intervals(date, p);
        if let Some(g) = self.groups.get_mut(group) {
            for t in ts {
                if let Some(c) = g.covered.get_mut(t) {
                    *c += n;
                }
            }
        }
    }

    /// `group`'s patterns on `date`: the longest first, then the most
    /// requirement per worked hour relative to the coverage
    /// (`Σ required / (covered + 1)`).
    pub fn ranked(&self, group: &str, date: Date) -> Vec<(f64, &Pattern)> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        let mut out: Vec<(f64, &Pattern)> = g
            .patterns
            .iter()
            .map(|p| {
                let ts = self.intervals(date, p);
                let gain: f64 = ts
                    .iter()
                    .filter_map(|&t| {
                        Some(f64::from(*g.required.get(t)?) / (g.covered.get(t)? + 1.0))
                    })
                    .sum();
                (gain / (ts.len().max(1) as f64), p)
            })
            .collect();
        // Full days first: a contract is filled with whole shifts where
        // the agent's week allows them.
        let len = |p: &Pattern| p.end_min.saturating_sub(p.start_min);
        out.sort_by(|a, b| {
            len(b.1)
                .cmp(&len(a.1))
                .then(b.0.total_cmp(&a.0))
                .then(a.1.cmp(b.1))
        });
        out
    }
}

/// The fill pass of [`super::assign_with_extra`] (see the module
/// documentation): agents furthest below the contract first, one more day
/// shift each per round, from `f`'s ranked patterns, kept only when the
/// checker of `ctx` passes; returns the shifts added (also added to
/// `mine` and to `f`'s coverage).
pub(super) fn fill(
    ctx: &super::improve::Ctx,
    mine: &mut [Vec<super::Assignment>],
    f: &mut Filler,
) -> Vec<PlacedShift> {
    use super::improve::monday;
    use super::Assignment;
    let (agents, rules, calendar, from, to) =
        (ctx.agents, ctx.rules, ctx.calendar, ctx.from, ctx.to);
    let contract: Vec<f64> = agents
        .iter()
        .map(|a| a.contract_hours(calendar, from, to))
        .collect();
    let mut placed = Vec::new();
    let mut worked: Vec<f64> = mine
        .iter()
        .map(|l| l.iter().map(|a| a.work_h(rules.meal_break_min)).sum())
        .collect();
    {
        let days: Vec<Date> = {
            let mut v = Vec::new();
            let mut d = from;
            while d <= to {
                if !calendar.is_day_off(d) {
                    v.push(d);
                }
                d = match d.tomorrow() {
                    Ok(n) => n,
                    Err(_) => break,
                };
            }
            v
        };
        loop {
            let mut order: Vec<usize> = (0..agents.len()).collect();
            order.sort_by(|&a, &b| {
                (contract[b] - worked[b])
                    .total_cmp(&(contract[a] - worked[a]))
                    .then(a.cmp(&b))
            });
            let mut any = false;
            for i in order {
                if ctx.late() {
                    break;
                }
                let deficit = contract[i] - worked[i];
                let ag = &agents[i];
                let mut options: Vec<(f64, Assignment)> = Vec::new();
                for &d in &days {
                    if ag.is_unavailable(d) || mine[i].iter().any(|x| x.date == d) {
                        continue;
                    }
                    let kept: Option<&str> = if rules.stable_week {
                        let w = monday(d);
                        mine[i]
                            .iter()
                            .find(|x| monday(x.date) == w)
                            .map(|x| x.shift.as_str())
                    } else {
                        None
                    };
                    for g in &ag.groups {
                        for (gain, p) in f.ranked(g, d) {
                            if kept.is_some_and(|k| k != p.shift) {
                                continue;
                            }
                            let ps = p.on(d, g);
                            options.push((
                                gain,
                                Assignment {
                                    agent: String::new(),
                                    date: d,
                                    shift: ps.shift,
                                    start_min: ps.start_min,
                                    end_min: ps.end_min,
                                    breaks: ps.breaks,
                                    group: g.clone(),
                                    paid_h: f64::from(ps.end_min - ps.start_min) / 60.0,
                                    line: 0,
                                },
                            ));
                        }
                    }
                }
                let len = |a: &Assignment| a.end_min - a.start_min;
                options.sort_by(|a, b| {
                    len(&b.1)
                        .cmp(&len(&a.1))
                        .then(b.0.total_cmp(&a.0))
                        .then((a.1.date, a.1.start_min).cmp(&(b.1.date, b.1.start_min)))
                });
                for (_, a) in options {
                    let h = a.work_h(rules.meal_break_min);
                    if deficit < h / 2.0 {
                        continue;
                    }
                    let trial = ctx.with(i, &mine[i], &a);
                    if ctx.ok(i, &trial) {
                        mine[i] = trial;
                        worked[i] += h;
                        let p = super::topup::Pattern {
                            shift: a.shift.clone(),
                            start_min: a.start_min,
                            end_min: a.end_min,
                            breaks: a.breaks.clone(),
                        };
                        f.add(&a.group, a.date, &p, 1.0);
                        placed.push(p.on(a.date, &a.group));
                        any = true;
                        break;
                    }
                }
            }
            if !any || ctx.late() {
                break;
            }
        }
    }
    placed
}
