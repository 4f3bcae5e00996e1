//! The assigner: the aggregate roster's shifts given to named agents.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::improve::{balance, is_weekend, monday, place, Ctx};
use super::{Agent, Assignment, LabourRules};
use crate::core::calendar::{weekday_index, Calendar};
use crate::optimize::schedule::PlacedShift;

/// A shift of the aggregate roster no agent could take, with what blocked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uncovered {
    /// Start date.
    pub date: Date,
    /// Shift type.
    pub shift: String,
    /// Start, minutes from the date's midnight.
    pub start_min: u32,
    /// Group.
    pub group: String,
    /// The rules that blocked the agents of the group, most frequent first
    /// (`max_hours_week: 12 agents; unavailable: 3 agents`), or `no agent
    /// covers group X`.
    pub blocked_by: String,
}

/// Per agent: what the roster gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentSummary {
    /// Agent id.
    pub agent: String,
    /// Contract.
    pub contract: String,
    /// Paid hours over the roster.
    pub paid_h: f64,
    /// Working hours over the roster (paid less meal breaks,
    /// [`Assignment::work_h`]): what the contract counts.
    #[serde(default)]
    pub work_h: f64,
    /// Contracted working hours over the roster ([`Agent::contract_hours`]:
    /// `hours_per_week / 5` per working day of the calendar).
    pub contract_h: f64,
    /// Overtime hours (working hours above `standard_hours_day` in a day).
    pub overtime_h: f64,
    /// Night shifts.
    pub nights: u32,
    /// Shifts on weekend days.
    pub weekends: u32,
    /// Shifts on statutory holidays.
    pub statutory: u32,
    /// Shifts of a preferred type, and shifts on wished days off.
    pub preferred_shifts: u32,
    /// Shifts on a day the agent wished off.
    pub on_wished_days_off: u32,
    /// Shifts.
    pub shifts: u32,
    /// What the agent's shifts cost, premiums included, in the shift
    /// rules' money ([`crate::optimize::shifts::ShiftRules::cost_of`]).
    pub cost: f64,
}

/// The assigner's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRoster {
    /// Every shift given to an agent, by agent and date.
    pub assignments: Vec<Assignment>,
    /// Shifts no agent could take.
    pub uncovered: Vec<Uncovered>,
    /// Per agent.
    pub agents: Vec<AgentSummary>,
    /// Share of shifts matching a preference (a preferred type, not on a
    /// wished day off) among the shifts of agents who stated preferences.
    pub preference_share: f64,
    /// How the search ended: `complete` (no improving move left), `budget`
    /// (60,000 checked moves) or `time limit` (the best valid roster found
    /// so far).
    pub status: String,
}

/// Gives every shift of `shifts` (the aggregate roster, one row per shift
/// and its agent count) to named agents, so that the roster passes
/// [`check`](super::check). Three passes:
///
/// 1. **Greedy**, week by week; in a week the night shifts first (the
///    fewest agents may take them: `max_nights_week`), then longer shifts
///    before shorter (full days before the part-time peaks that fill what
///    is left), then by date and start. Each shift instance goes to the
///    eligible agent (covers the group, and the checker finds nothing with
///    the shift added) with the best score: with `stable_week`, an agent
///    already on that type this week first; the fewest shifts so far of the
///    shift's fair kinds (night, weekend, statutory); the fewest hours this
///    week against the contract (in quarters); a preferred type, not a
///    wished day off; the exact load; the agent's order (deterministic).
/// 2. **Ejection chains** for what the greedy pass left: an agent hands one
///    shift of the week, or the whole week, to others and takes the
///    uncovered shift (`improve::place`).
/// 3. **Fairness** within each contract by swaps, transfers and chains of
///    three agents (`improve::balance`).
///
/// The checker is per agent, and every change re-checks the whole schedule
/// of each agent it touches, so [`check`](super::check) of the result is empty by
/// construction (a property test checks it). Coverage of the aggregate
/// roster is kept wherever the passes find an agent; what stays uncovered
/// is listed with the rules that block every agent of its group. It is a
/// heuristic: it gives no bound on what an exact search could add, and
/// fairness is improved, not guaranteed (with `stable_week` and
/// `max_nights_week`, night duty comes in blocks). At `deadline` the
/// greedy pass stops (what it did not try is uncovered, `time limit: not
/// tried`) and so do the searches, with the best valid roster so far.
pub fn assign(
    rules: &LabourRules,
    agents: &[Agent],
    shifts: &[PlacedShift],
    from: Date,
    to: Date,
    calendar: &Calendar,
    deadline: Option<std::time::Instant>,
) -> AgentRoster {
    assign_with_extra(rules, agents, shifts, None, from, to, calendar, deadline).0
}

/// [`assign`], then, with a `filler`, a fourth pass that fills the
/// contracts with shifts beyond the requirement ([`super::topup`]).
/// Returns the roster and the shifts added.
#[allow(clippy::too_many_arguments)]
pub fn assign_with_extra(
    rules: &LabourRules,
    agents: &[Agent],
    shifts: &[PlacedShift],
    mut filler: Option<super::topup::Filler>,
    from: Date,
    to: Date,
    calendar: &Calendar,
    deadline: Option<std::time::Instant>,
) -> (AgentRoster, Vec<PlacedShift>) {
    let ctx = Ctx {
        rules,
        agents,
        from,
        to,
        calendar,
        deadline,
    };
    let mut mine: Vec<Vec<Assignment>> = vec![Vec::new(); agents.len()];
    let mut kinds: Vec<[u32; 3]> = vec![[0; 3]; agents.len()];
    // Week by week; in a week night shifts first (the fewest agents may
    // take them), then longer before shorter (full days before the
    // part-time peaks that fill what is left), then by date and start.
    let mut order: Vec<&PlacedShift> = shifts.iter().collect();
    order.sort_by_key(|s| {
        let night = Assignment::night_minutes(s.start_min, s.end_min);
        (
            monday(s.date),
            !night,
            std::cmp::Reverse(s.end_min - s.start_min),
            s.date,
            s.start_min,
            s.shift.clone(),
        )
    });
    // What the greedy pass leaves, and whether it was tried before the
    // deadline.
    let mut left: Vec<(Assignment, bool)> = Vec::new();
    for s in order {
        for _ in 0..s.agents {
            let a = Assignment {
                agent: String::new(),
                date: s.date,
                shift: s.shift.clone(),
                start_min: s.start_min,
                end_min: s.end_min,
                breaks: s.breaks.clone(),
                group: s.channel.clone(),
                paid_h: f64::from(s.end_min - s.start_min) / 60.0,
                line: 0,
            };
            if ctx.late() {
                left.push((a, false));
                continue;
            }
            let kind = [
                a.is_night(),
                is_weekend(calendar, a.date),
                calendar.is_statutory(a.date),
            ];
            let week = monday(a.date);
            let mut best: Option<(Vec<f64>, usize)> = None;
            for (i, ag) in agents.iter().enumerate() {
                if !ctx.covers(i, &a) {
                    continue;
                }
                let trial = ctx.with(i, &mine[i], &a);
                if !ctx.ok(i, &trial) {
                    continue;
                }
                let week_h: f64 = mine[i]
                    .iter()
                    .filter(|x| monday(x.date) == week)
                    .map(|x| x.work_h(rules.meal_break_min))
                    .sum();
                let same_type = mine[i]
                    .iter()
                    .any(|x| monday(x.date) == week && x.shift == a.shift);
                let load = week_h / ag.hours_per_week.max(1.0);
                let fair: f64 = (0..3)
                    .filter(|&k| kind[k])
                    .map(|k| f64::from(kinds[i][k]))
                    .sum();
                let pref = if !ag.prefer_shifts.is_empty() && ag.prefer_shifts.contains(&a.shift) {
                    -1.0
                } else {
                    0.0
                } + if ag.prefer_days_off.contains(&weekday_index(a.date)) {
                    1.0
                } else {
                    0.0
                };
                let key = vec![
                    if rules.stable_week && same_type {
                        0.0
                    } else {
                        1.0
                    },
                    fair,
                    (load * 4.0).floor(),
                    pref,
                    load,
                ];
                if best.as_ref().is_none_or(|(b, _)| key < *b) {
                    best = Some((key, i));
                }
            }
            match best {
                Some((_, i)) => {
                    for k in (0..3).filter(|&k| kind[k]) {
                        kinds[i][k] += 1;
                    }
                    mine[i] = ctx.with(i, &mine[i], &a);
                }
                None => left.push((a, true)),
            }
        }
    }
    // Ejection chains for what the greedy pass left.
    let mut uncovered_a = Vec::new();
    for (u, tried) in left {
        if !tried || ctx.late() || !place(&ctx, &mut mine, &u) {
            uncovered_a.push((u, tried));
        }
    }
    let status = if uncovered_a.iter().any(|(_, tried)| !tried) {
        "time limit".to_string()
    } else {
        balance(&ctx, &mut mine).to_string()
    };
    // The contracts filled beyond the requirement (super::topup).
    let placed = match filler.as_mut() {
        Some(f) => super::topup::fill(&ctx, &mut mine, f),
        None => Vec::new(),
    };
    let uncovered: Vec<Uncovered> = uncovered_a
        .iter()
        .map(|(a, tried)| Uncovered {
            date: a.date,
            shift: a.shift.clone(),
            start_min: a.start_min,
            group: a.group.clone(),
            blocked_by: if *tried {
                blocked_by(&ctx, &mine, a)
            } else {
                "time limit: not tried".to_string()
            },
        })
        .collect();
    let mut summaries = Vec::new();
    let (mut pref_hit, mut pref_total) = (0u32, 0u32);
    for (i, ag) in agents.iter().enumerate() {
        let list = &mine[i];
        let mut day_h: BTreeMap<Date, f64> = BTreeMap::new();
        for a in list {
            *day_h.entry(a.date).or_insert(0.0) += a.work_h(rules.meal_break_min);
        }
        let preferred = list
            .iter()
            .filter(|a| ag.prefer_shifts.contains(&a.shift))
            .count() as u32;
        let wished_off = list
            .iter()
            .filter(|a| ag.prefer_days_off.contains(&weekday_index(a.date)))
            .count() as u32;
        if !ag.prefer_shifts.is_empty() || !ag.prefer_days_off.is_empty() {
            for a in list {
                pref_total += 1;
                let type_ok = ag.prefer_shifts.is_empty() || ag.prefer_shifts.contains(&a.shift);
                let day_ok = !ag.prefer_days_off.contains(&weekday_index(a.date));
                if type_ok && day_ok {
                    pref_hit += 1;
                }
            }
        }
        summaries.push(AgentSummary {
            agent: ag.id.clone(),
            contract: ag.contract.clone(),
            paid_h: list.iter().map(|a| a.paid_h).sum(),
            work_h: list.iter().map(|a| a.work_h(rules.meal_break_min)).sum(),
            contract_h: ag.contract_hours(calendar, from, to),
            overtime_h: day_h
                .values()
                .map(|h| (h - rules.standard_hours_day).max(0.0))
                .sum(),
            nights: list.iter().filter(|a| a.is_night()).count() as u32,
            weekends: list.iter().filter(|a| is_weekend(calendar, a.date)).count() as u32,
            statutory: list
                .iter()
                .filter(|a| calendar.is_statutory(a.date))
                .count() as u32,
            preferred_shifts: preferred,
            on_wished_days_off: wished_off,
            shifts: list.len() as u32,
            cost: 0.0,
        });
    }
    let mut assignments: Vec<Assignment> = mine.into_iter().flatten().collect();
    assignments
        .sort_by(|a, b| (&a.agent, a.date, a.start_min).cmp(&(&b.agent, b.date, b.start_min)));
    let roster = AgentRoster {
        assignments,
        uncovered,
        agents: summaries,
        status,
        preference_share: if pref_total > 0 {
            f64::from(pref_hit) / f64::from(pref_total)
        } else {
            f64::NAN
        },
    };
    (roster, placed)
}

/// The rules that keep the agents of `a`'s group from taking it, most
/// frequent first (`max_hours_week: 12 agent(s); unavailable: 3 agent(s)`),
/// or `no agent covers group X`.
fn blocked_by(ctx: &Ctx, mine: &[Vec<Assignment>], a: &Assignment) -> String {
    let mut blocked: BTreeMap<String, u32> = BTreeMap::new();
    for i in (0..ctx.agents.len()).filter(|&i| ctx.covers(i, a)) {
        if let Some(rule) = ctx.broken(i, &ctx.with(i, &mine[i], a)) {
            *blocked.entry(rule).or_insert(0) += 1;
        }
    }
    let mut list: Vec<(String, u32)> = blocked.into_iter().collect();
    list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    if list.is_empty() {
        format!("no agent covers group {}", a.group)
    } else {
        list.iter()
            .map(|(r, n)| format!("{r}: {n} agent(s)"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}
