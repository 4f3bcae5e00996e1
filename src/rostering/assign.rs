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
    /// How the fairness search ended: `complete` (no improving swap left),
    /// `budget` (20,000 checked swaps per phase) or `time limit` (the best
    /// valid roster found so far).
    pub status: String,
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
/// Shifts are taken in order of date and start. Then fairness is improved
/// by whole-week swaps between agents of a contract (see `balance`), each
/// kept only if both agents' schedules still pass [`check`]. This is a
/// heuristic: it gives no bound on how many more shifts a search could
/// place, and fairness is improved, not guaranteed (with `stable_week` and
/// `max_nights_week` a night week is a block of up to three nights).
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
    deadline: Option<std::time::Instant>,
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
    let status = balance(rules, agents, &mut mine, from, to, calendar, deadline).to_string();
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
        status,
        preference_share: if pref_total > 0 {
            f64::from(pref_hit) / f64::from(pref_total)
        } else {
            f64::NAN
        },
    }
}

/// The fair counts (night, weekend, statutory) of one agent's shifts, the
/// kinds `rules.fair` does not name left at 0.
fn fair_counts(rules: &LabourRules, list: &[Assignment], calendar: &Calendar) -> [i64; 3] {
    let on = |k: &str| rules.fair.iter().any(|f| f == k);
    let mut c = [0i64; 3];
    for a in list {
        if on("night") && a.is_night() {
            c[0] += 1;
        }
        if on("weekend") && is_weekend(calendar, a.date) {
            c[1] += 1;
        }
        if on("statutory") && calendar.is_statutory(a.date) {
            c[2] += 1;
        }
    }
    c
}

/// Fairness by swaps between two agents of one contract: all their shifts
/// of one week, or two shifts of one type in one week (so `stable_week`
/// holds), kept when both schedules still pass [`check`], the sum of the
/// squares of their fair counts does not rise, and four times it plus the
/// shifts against their preferences falls; first improvement, until none
/// is left or 20,000 swaps were tried. Coverage is unchanged (the same
/// shifts, other agents).
fn balance(
    rules: &LabourRules,
    agents: &[Agent],
    mine: &mut [Vec<Assignment>],
    from: Date,
    to: Date,
    calendar: &Calendar,
    deadline: Option<std::time::Instant>,
) -> &'static str {
    if rules.fair.is_empty() {
        return "complete";
    }
    let mut status = "complete";
    let monday = |d: Date| {
        d.checked_sub(jiff::Span::new().days(weekday_index(d) as i64))
            .unwrap_or(d)
    };
    let mut weeks: Vec<Date> = mine.iter().flatten().map(|a| monday(a.date)).collect();
    weeks.sort();
    weeks.dedup();
    let mut counts: Vec<[i64; 3]> = mine
        .iter()
        .map(|l| fair_counts(rules, l, calendar))
        .collect();
    let sq = |c: &[i64; 3]| c.iter().map(|x| x * x).sum::<i64>();
    // Phase 1: whole weeks; phase 2: single shifts. Each has a budget of
    // 20,000 checked candidates.
    for phase in 0..2 {
        let mut checks = 0usize;
        loop {
            let mut improved = false;
            for x in 0..agents.len() {
                for y in 0..agents.len() {
                    if x == y
                        || agents[x].contract != agents[y].contract
                        || !(0..3).any(|k| counts[x][k] >= counts[y][k] + 2)
                    {
                        continue;
                    }
                    let moves: Vec<(Vec<Assignment>, Vec<Assignment>)> = if phase == 0 {
                        weeks
                            .iter()
                            .filter_map(|&w| {
                                let (wx, rest_x): (Vec<Assignment>, Vec<Assignment>) =
                                    mine[x].iter().cloned().partition(|a| monday(a.date) == w);
                                let (wy, rest_y): (Vec<Assignment>, Vec<Assignment>) =
                                    mine[y].iter().cloned().partition(|a| monday(a.date) == w);
                                if wx.is_empty() && wy.is_empty() {
                                    return None;
                                }
                                let mut nx = rest_x;
                                nx.extend(wy.into_iter().map(|mut a| {
                                    a.agent = agents[x].id.clone();
                                    a
                                }));
                                let mut ny = rest_y;
                                ny.extend(wx.into_iter().map(|mut a| {
                                    a.agent = agents[y].id.clone();
                                    a
                                }));
                                Some((nx, ny))
                            })
                            .collect()
                    } else {
                        let mut v = Vec::new();
                        for (i, a) in mine[x].iter().enumerate() {
                            for (j, b) in mine[y].iter().enumerate() {
                                if a.shift != b.shift
                                    || monday(a.date) != monday(b.date)
                                    || a.date == b.date
                                {
                                    continue;
                                }
                                let (mut nx, mut ny) = (mine[x].clone(), mine[y].clone());
                                nx[i] = Assignment {
                                    agent: agents[x].id.clone(),
                                    ..b.clone()
                                };
                                ny[j] = Assignment {
                                    agent: agents[y].id.clone(),
                                    ..a.clone()
                                };
                                v.push((nx, ny));
                            }
                        }
                        v
                    };
                    for (mut nx, mut ny) in moves {
                        let (cx, cy) = (
                            fair_counts(rules, &nx, calendar),
                            fair_counts(rules, &ny, calendar),
                        );
                        // Fairness first (each unit of squared count weighs
                        // four missed preferences), preferences second.
                        let score =
                            |c: &[i64; 3], ag: &Agent, l: &[Assignment]| 4 * sq(c) + misses(ag, l);
                        if score(&cx, &agents[x], &nx) + score(&cy, &agents[y], &ny)
                            >= score(&counts[x], &agents[x], &mine[x])
                                + score(&counts[y], &agents[y], &mine[y])
                            || sq(&cx) + sq(&cy) > sq(&counts[x]) + sq(&counts[y])
                        {
                            continue;
                        }
                        checks += 1;
                        if checks > 20_000 {
                            status = "budget";
                            break;
                        }
                        if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                            return "time limit";
                        }
                        if !check(
                            rules,
                            std::slice::from_ref(&agents[x]),
                            &nx,
                            from,
                            to,
                            calendar,
                        )
                        .is_empty()
                            || !check(
                                rules,
                                std::slice::from_ref(&agents[y]),
                                &ny,
                                from,
                                to,
                                calendar,
                            )
                            .is_empty()
                        {
                            continue;
                        }
                        nx.sort_by_key(|a| (a.date, a.start_min));
                        ny.sort_by_key(|a| (a.date, a.start_min));
                        mine[x] = nx;
                        mine[y] = ny;
                        counts[x] = cx;
                        counts[y] = cy;
                        improved = true;
                        break;
                    }
                }
            }
            if !improved || checks > 20_000 {
                break;
            }
        }
    }
    status
}

/// Shifts of `list` against the agent's preferences: of a type not
/// preferred (when some are), or on a wished day off.
fn misses(ag: &Agent, list: &[Assignment]) -> i64 {
    list.iter()
        .filter(|a| {
            (!ag.prefer_shifts.is_empty() && !ag.prefer_shifts.contains(&a.shift))
                || ag.prefer_days_off.contains(&weekday_index(a.date))
        })
        .count() as i64
}
