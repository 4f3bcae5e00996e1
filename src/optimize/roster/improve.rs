//! The assigner's searches: ejection chains that place what the greedy
//! pass left uncovered, and fairness swaps. Every move is kept only when
//! the agents it touches still pass [`check`], so the roster stays valid.

use std::time::Instant;

use jiff::civil::Date;

use super::check::check;
use super::{Agent, Assignment, LabourRules};
use crate::core::calendar::{weekday_index, Calendar};

/// The Monday of `d`'s week.
pub(super) fn monday(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(weekday_index(d) as i64))
        .unwrap_or(d)
}

/// A weekend day of the calendar's week that is not a make-up workday.
pub(super) fn is_weekend(cal: &Calendar, d: Date) -> bool {
    cal.is_weekend(d) && !cal.is_makeup_workday(d)
}

/// What the assigner's passes share: the rules, the agents, the horizon.
pub(super) struct Ctx<'a> {
    pub rules: &'a LabourRules,
    pub agents: &'a [Agent],
    pub from: Date,
    pub to: Date,
    pub calendar: &'a Calendar,
    pub deadline: Option<Instant>,
}

impl Ctx<'_> {
    /// The first rule agent `i`'s schedule `list` breaks, if any.
    pub fn broken(&self, i: usize, list: &[Assignment]) -> Option<String> {
        check(
            self.rules,
            std::slice::from_ref(&self.agents[i]),
            list,
            self.from,
            self.to,
            self.calendar,
        )
        .into_iter()
        .next()
        .map(|v| v.rule)
    }

    /// Whether agent `i` may work `list`.
    pub fn ok(&self, i: usize, list: &[Assignment]) -> bool {
        self.broken(i, list).is_none()
    }

    /// `list` with `a` added as agent `i`'s.
    pub fn with(&self, i: usize, list: &[Assignment], a: &Assignment) -> Vec<Assignment> {
        let mut out = list.to_vec();
        out.push(Assignment {
            agent: self.agents[i].id.clone(),
            ..a.clone()
        });
        out
    }

    /// Whether agent `i` covers `a`'s group.
    pub fn covers(&self, i: usize, a: &Assignment) -> bool {
        self.agents[i].groups.iter().any(|g| g == &a.group)
    }

    /// Whether the deadline has passed.
    pub fn late(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Places `u`, a shift no agent could take as the roster stands, by an
/// ejection chain of length one: an agent `i` who covers its group gives
/// one shift `s` of `u`'s week to another agent `j` (who may take it) and
/// takes `u`; failing that, `i` gives *every* shift of the week to other
/// agents (one each or several, each a valid addition) and takes `u` — the
/// move that changes an agent's shift type for a week under
/// `stable_week`. Returns whether `u` was placed; `mine` changes only then.
pub(super) fn place(ctx: &Ctx, mine: &mut [Vec<Assignment>], u: &Assignment) -> bool {
    let n = ctx.agents.len();
    let week = monday(u.date);
    for i in (0..n).filter(|&i| ctx.covers(i, u)) {
        let trial = ctx.with(i, &mine[i], u);
        if ctx.ok(i, &trial) {
            mine[i] = trial;
            return true;
        }
    }
    // One shift handed on.
    for i in (0..n).filter(|&i| ctx.covers(i, u)) {
        for p in 0..mine[i].len() {
            if ctx.late() {
                return false;
            }
            if monday(mine[i][p].date) != week {
                continue;
            }
            let mut rest = mine[i].clone();
            let s = rest.remove(p);
            let trial = ctx.with(i, &rest, u);
            if !ctx.ok(i, &trial) {
                continue;
            }
            for j in (0..n).filter(|&j| j != i && ctx.covers(j, &s)) {
                let tj = ctx.with(j, &mine[j], &s);
                if ctx.ok(j, &tj) {
                    mine[i] = trial;
                    mine[j] = tj;
                    return true;
                }
            }
        }
    }
    // The whole week handed on.
    for i in (0..n).filter(|&i| ctx.covers(i, u)) {
        if ctx.late() {
            return false;
        }
        let (wk, rest): (Vec<Assignment>, Vec<Assignment>) = mine[i]
            .iter()
            .cloned()
            .partition(|a| monday(a.date) == week);
        if wk.is_empty() {
            continue;
        }
        let trial = ctx.with(i, &rest, u);
        if !ctx.ok(i, &trial) {
            continue;
        }
        let saved: Vec<Vec<Assignment>> = mine.to_vec();
        mine[i] = trial;
        let all = wk.iter().all(|s| {
            (0..n).filter(|&j| j != i && ctx.covers(j, s)).any(|j| {
                let tj = ctx.with(j, &mine[j], s);
                if ctx.ok(j, &tj) {
                    mine[j] = tj;
                    true
                } else {
                    false
                }
            })
        });
        if all {
            return true;
        }
        mine.clone_from_slice(&saved);
    }
    false
}

/// The fair counts (night, weekend, statutory) of one agent's shifts, the
/// kinds `rules.fair` does not name left at 0.
pub(super) fn fair_counts(
    rules: &LabourRules,
    list: &[Assignment],
    calendar: &Calendar,
) -> [i64; 3] {
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

/// Shifts of `list` against the agent's preferences: of a type not
/// preferred (when some are), or on a wished day off.
pub(super) fn misses(ag: &Agent, list: &[Assignment]) -> i64 {
    list.iter()
        .filter(|a| {
            (!ag.prefer_shifts.is_empty() && !ag.prefer_shifts.contains(&a.shift))
                || ag.prefer_days_off.contains(&weekday_index(a.date))
        })
        .count() as i64
}

/// Checked candidates (schedules run through [`check`]) of [`balance`].
const BALANCE_BUDGET: usize = 60_000;

/// The moves between agents `x` and `y`, as their two new schedules:
/// 1. all their shifts of a run of whole weeks swapped (one week, or a
///    run, which keeps the rest between weeks that a single week's swap
///    would break);
/// 2. two shifts of one type in one week swapped (so `stable_week` holds);
/// 3. one shift of `x` handed to `y`.
fn pair_moves(
    ctx: &Ctx,
    mine: &[Vec<Assignment>],
    x: usize,
    y: usize,
    weeks: &[Date],
) -> Vec<(Vec<Assignment>, Vec<Assignment>)> {
    let relabel = |list: Vec<Assignment>, who: usize| -> Vec<Assignment> {
        list.into_iter()
            .map(|a| Assignment {
                agent: ctx.agents[who].id.clone(),
                ..a
            })
            .collect()
    };
    let mut v = Vec::new();
    for (p, &w1) in weeks.iter().enumerate() {
        for &w2 in &weeks[p..] {
            let inside = |a: &Assignment| {
                let m = monday(a.date);
                w1 <= m && m <= w2
            };
            let (wx, rx): (Vec<Assignment>, Vec<Assignment>) =
                mine[x].iter().cloned().partition(inside);
            let (wy, ry): (Vec<Assignment>, Vec<Assignment>) =
                mine[y].iter().cloned().partition(inside);
            if wx.is_empty() && wy.is_empty() {
                continue;
            }
            let mut nx = rx;
            nx.extend(relabel(wy, x));
            let mut ny = ry;
            ny.extend(relabel(wx, y));
            v.push((nx, ny));
        }
    }
    for (i, a) in mine[x].iter().enumerate() {
        for (j, b) in mine[y].iter().enumerate() {
            if a.shift != b.shift || monday(a.date) != monday(b.date) || a.date == b.date {
                continue;
            }
            let (mut nx, mut ny) = (mine[x].clone(), mine[y].clone());
            nx[i] = Assignment {
                agent: ctx.agents[x].id.clone(),
                ..b.clone()
            };
            ny[j] = Assignment {
                agent: ctx.agents[y].id.clone(),
                ..a.clone()
            };
            v.push((nx, ny));
        }
    }
    for i in (0..mine[x].len()).filter(|&i| ctx.covers(y, &mine[x][i])) {
        let mut nx = mine[x].clone();
        let a = nx.remove(i);
        v.push((nx, ctx.with(y, &mine[y], &a)));
    }
    v
}

/// Fairness within each contract, by moves between its agents
/// ([`pair_moves`]). The measure of agent `i` is `4 Σ_k c_ik² + m_i`, where
/// `c_ik` are the fair counts (night, weekend, statutory) and `m_i` the
/// shifts against the agent's preferences: within a contract the swaps
/// keep each count's total, and for a fixed total `Σ_i c_ik²` is least
/// exactly when every count is within one of the others.
///
/// 1. **Direct moves** between `x` and `y` of a contract where a count of
///    `x` exceeds `y`'s by two or more, kept when the sum of the two
///    agents' squares does not rise and their measure falls.
/// 2. When none is left, **chains** `x → z → y` for such a pair and kind
///    `k`: a move from `x` to a third agent `z` (of any contract: its count
///    of `k` ends unchanged) that lowers `c_xk` by one and raises `c_zk` by
///    one, then one from `z` to `y` likewise, kept when the three agents'
///    squares do not rise and their measure falls (the move that carries a
///    night from an agent with four to one with two through an agent with
///    three, when the two cannot trade).
///
/// Every move is kept only when the agents it touches pass [`check`];
/// first improvement, until nothing improves, [`BALANCE_BUDGET`] schedules
/// were checked, or the deadline. Coverage is unchanged: the same shifts,
/// other agents. Returns `complete`, `budget` or `time limit`.
pub(super) fn balance(ctx: &Ctx, mine: &mut [Vec<Assignment>]) -> &'static str {
    let (rules, agents, calendar) = (ctx.rules, ctx.agents, ctx.calendar);
    if rules.fair.is_empty() {
        return "complete";
    }
    let mut weeks: Vec<Date> = mine.iter().flatten().map(|a| monday(a.date)).collect();
    weeks.sort();
    weeks.dedup();
    let mut counts: Vec<[i64; 3]> = mine
        .iter()
        .map(|l| fair_counts(rules, l, calendar))
        .collect();
    let sq = |c: &[i64; 3]| c.iter().map(|x| x * x).sum::<i64>();
    let measure = |c: &[i64; 3], i: usize, l: &[Assignment]| 4 * sq(c) + misses(&agents[i], l);
    let mut checks = 0usize;
    let n = agents.len();
    let peers = |x: usize, y: usize| x != y && agents[x].contract == agents[y].contract;
    'outer: loop {
        if ctx.late() {
            return "time limit";
        }
        // 1. Direct moves.
        for x in 0..n {
            for y in 0..n {
                if !peers(x, y) || !(0..3).any(|k| counts[x][k] >= counts[y][k] + 2) {
                    continue;
                }
                for (mut nx, mut ny) in pair_moves(ctx, mine, x, y, &weeks) {
                    let (cx, cy) = (
                        fair_counts(rules, &nx, calendar),
                        fair_counts(rules, &ny, calendar),
                    );
                    if measure(&cx, x, &nx) + measure(&cy, y, &ny)
                        >= measure(&counts[x], x, &mine[x]) + measure(&counts[y], y, &mine[y])
                        || sq(&cx) + sq(&cy) > sq(&counts[x]) + sq(&counts[y])
                    {
                        continue;
                    }
                    checks += 1;
                    if checks > BALANCE_BUDGET {
                        return "budget";
                    }
                    if !ctx.ok(x, &nx) || !ctx.ok(y, &ny) {
                        continue;
                    }
                    nx.sort_by_key(|a| (a.date, a.start_min));
                    ny.sort_by_key(|a| (a.date, a.start_min));
                    (mine[x], mine[y], counts[x], counts[y]) = (nx, ny, cx, cy);
                    continue 'outer;
                }
            }
        }
        // 2. Chains x → z → y.
        for x in 0..n {
            for y in 0..n {
                if !peers(x, y) {
                    continue;
                }
                for k in (0..3).filter(|&k| counts[x][k] >= counts[y][k] + 2) {
                    let before3 = |z: usize| {
                        measure(&counts[x], x, &mine[x])
                            + measure(&counts[y], y, &mine[y])
                            + measure(&counts[z], z, &mine[z])
                    };
                    for z in (0..n).filter(|&z| z != x && z != y) {
                        for (nx, nz) in pair_moves(ctx, mine, x, z, &weeks) {
                            let (cx, cz) = (
                                fair_counts(rules, &nx, calendar),
                                fair_counts(rules, &nz, calendar),
                            );
                            if cx[k] != counts[x][k] - 1 || cz[k] != counts[z][k] + 1 {
                                continue;
                            }
                            if ctx.late() {
                                return "time limit";
                            }
                            checks += 1;
                            if checks > BALANCE_BUDGET {
                                return "budget";
                            }
                            if !ctx.ok(x, &nx) || !ctx.ok(z, &nz) {
                                continue;
                            }
                            let mut step: Vec<Vec<Assignment>> = mine.to_vec();
                            step[x] = nx.clone();
                            step[z] = nz.clone();
                            for (mut nz2, mut ny) in pair_moves(ctx, &step, z, y, &weeks) {
                                let (cz2, cy) = (
                                    fair_counts(rules, &nz2, calendar),
                                    fair_counts(rules, &ny, calendar),
                                );
                                if cz2[k] != counts[z][k] || cy[k] != counts[y][k] + 1 {
                                    continue;
                                }
                                let after = measure(&cx, x, &nx)
                                    + measure(&cz2, z, &nz2)
                                    + measure(&cy, y, &ny);
                                if after >= before3(z)
                                    || sq(&cx) + sq(&cz2) + sq(&cy)
                                        > sq(&counts[x]) + sq(&counts[z]) + sq(&counts[y])
                                {
                                    continue;
                                }
                                checks += 1;
                                if checks > BALANCE_BUDGET {
                                    return "budget";
                                }
                                if !ctx.ok(z, &nz2) || !ctx.ok(y, &ny) {
                                    continue;
                                }
                                let mut nx = nx;
                                for l in [&mut nx, &mut nz2, &mut ny] {
                                    l.sort_by_key(|a| (a.date, a.start_min));
                                }
                                (mine[x], mine[z], mine[y]) = (nx, nz2, ny);
                                (counts[x], counts[z], counts[y]) = (cx, cz2, cy);
                                continue 'outer;
                            }
                        }
                    }
                }
            }
        }
        return "complete";
    }
}
