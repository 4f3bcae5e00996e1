//! The assigner: the aggregate roster's shifts given to named agents.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::check::check;
use super::{Agent, Assignment, LabourRules};
use crate::calendar::{weekday_index, Calendar};
use crate::schedule::PlacedShift;

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
    /// Contracted hours over the roster's weeks (`hours_per_week × days / 7`).
    pub contract_h: f64,
    /// Overtime hours (above `standard_hours_day` in a day).
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
}

/// A weekend day of the calendar's week that is not a make-up workday.
fn is_weekend(cal: &Calendar, d: Date) -> bool {
    cal.is_weekend(d) && !cal.is_makeup_workday(d)
}

/// Gives every shift of `shifts` (the aggregate roster, one row per shift
/// and its agent count) to named agents, so that the roster passes
/// [`check`]: each shift instance goes to the
/// eligible agent (covers the group, and the rules still hold with the
/// shift added, checked by the checker itself) with the best score:
///
/// 1. with `stable_week`, an agent already on that shift type this week first;
/// 2. the fewest shifts so far of the shift's fair kinds (night, weekend,
///    statutory);
/// 3. the fewest hours this week relative to the contract (in quarters);
/// 4. a preferred shift type, not a wished day off;
/// 5. the exact load, then the agent's order (deterministic).
///
/// Shifts are taken in order of date and start. This is a constructive
/// heuristic, not an optimization: it gives no bound on how many more
/// shifts a search could place, and fairness is kept by the score, not
/// guaranteed (with `stable_week` and `max_nights_week` a night week is a
/// block of up to three nights, so night counts spread by that much).
///
/// The agents' own schedule only grows, and every rule is monotone (a
/// shift added never mends a violation), so checking each addition keeps
/// the whole roster valid: [`check`] of the result is empty by
/// construction. The coverage of the aggregate roster is kept wherever an
/// agent can take the shift; what no agent can take is listed with the
/// rules that blocked it.
pub fn assign(
    rules: &LabourRules,
    agents: &[Agent],
    shifts: &[PlacedShift],
    from: Date,
    to: Date,
    calendar: &Calendar,
) -> AgentRoster {
    let mut mine: Vec<Vec<Assignment>> = vec![Vec::new(); agents.len()];
    let mut uncovered = Vec::new();
    let mut kinds: Vec<BTreeMap<&'static str, u32>> = vec![BTreeMap::new(); agents.len()];
    let monday = |d: Date| {
        d.checked_sub(jiff::Span::new().days(weekday_index(d) as i64))
            .unwrap_or(d)
    };
    // In order of date and start.
    let mut order: Vec<&PlacedShift> = shifts.iter().collect();
    order.sort_by_key(|s| (s.date, s.start_min));
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
            let kind: Vec<&'static str> = {
                let mut k = Vec::new();
                if a.is_night() {
                    k.push("night");
                }
                if is_weekend(calendar, a.date) {
                    k.push("weekend");
                }
                if calendar.is_statutory(a.date) {
                    k.push("statutory");
                }
                k
            };
            let week = monday(a.date);
            let mut blocked: BTreeMap<String, u32> = BTreeMap::new();
            let mut best: Option<(Vec<f64>, usize)> = None;
            for (i, ag) in agents.iter().enumerate() {
                if !ag.groups.iter().any(|g| g == &a.group) {
                    continue;
                }
                let mut trial: Vec<Assignment> = mine[i].clone();
                let mut cand = a.clone();
                cand.agent = ag.id.clone();
                trial.push(cand);
                let v = check(rules, std::slice::from_ref(ag), &trial, from, to, calendar);
                if let Some(first) = v.first() {
                    *blocked.entry(first.rule.clone()).or_insert(0) += 1;
                    continue;
                }
                let week_h: f64 = mine[i]
                    .iter()
                    .filter(|x| monday(x.date) == week)
                    .map(|x| x.paid_h)
                    .sum();
                let same_type = mine[i]
                    .iter()
                    .any(|x| monday(x.date) == week && x.shift == a.shift);
                let load = week_h / ag.hours_per_week.max(1.0);
                let fair: f64 = kind
                    .iter()
                    .map(|k| f64::from(kinds[i].get(k).copied().unwrap_or(0)))
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
                    let mut a = a;
                    a.agent = agents[i].id.clone();
                    for k in &kind {
                        *kinds[i].entry(k).or_insert(0) += 1;
                    }
                    mine[i].push(a);
                }
                None => {
                    let mut list: Vec<(String, u32)> = blocked.into_iter().collect();
                    list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
                    let blocked_by = if list.is_empty() {
                        format!("no agent covers group {}", a.group)
                    } else {
                        list.iter()
                            .map(|(r, n)| format!("{r}: {n} agent(s)"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    };
                    uncovered.push(Uncovered {
                        date: a.date,
                        shift: a.shift.clone(),
                        start_min: a.start_min,
                        group: a.group.clone(),
                        blocked_by,
                    });
                }
            }
        }
    }
    let days = ((to - from).get_days() + 1).max(0) as f64;
    let mut summaries = Vec::new();
    let (mut pref_hit, mut pref_total) = (0u32, 0u32);
    for (i, ag) in agents.iter().enumerate() {
        let list = &mine[i];
        let mut day_h: BTreeMap<Date, f64> = BTreeMap::new();
        for a in list {
            *day_h.entry(a.date).or_insert(0.0) += a.paid_h;
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
            contract_h: ag.hours_per_week * days / 7.0,
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
        });
    }
    let mut assignments: Vec<Assignment> = mine.into_iter().flatten().collect();
    assignments
        .sort_by(|a, b| (&a.agent, a.date, a.start_min).cmp(&(&b.agent, b.date, b.start_min)));
    AgentRoster {
        assignments,
        uncovered,
        agents: summaries,
        preference_share: if pref_total > 0 {
            f64::from(pref_hit) / f64::from(pref_total)
        } else {
            f64::NAN
        },
    }
}
