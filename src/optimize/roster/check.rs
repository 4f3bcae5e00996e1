//! The independent roster checker: every violation of every rule.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Agent, Assignment, LabourRules};
use crate::core::calendar::{weekday_index, Calendar};

/// One broken rule (a line of `wfm check-roster`'s output).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Violation {
    /// Agent id.
    pub agent: String,
    /// The day (or the first day of the week or month) it concerns.
    pub date: Date,
    /// The rule: a key of [`LabourRules`], or `agent`, `group`,
    /// `unavailable`, `overlap`, `contract_hours`.
    pub rule: String,
    /// What was found.
    pub detail: String,
}

fn monday(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().days(weekday_index(d) as i64))
        .unwrap_or(d)
}

fn add(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// Every violation of `rules` in `assignments`, sorted by agent, date and
/// rule. The roster runs `from..=to` (whole weeks inside it are checked
/// for days off); `calendar` is not needed for the hard rules but kept for
/// symmetry with the assigner's fairness counts.
///
/// The rules, per agent (hours by the shift's start date):
/// - `agent`: an assignment of an agent not in `agents`;
/// - `group`: a group the agent does not cover;
/// - `unavailable`: a shift on a day the agent is unavailable;
/// - `overlap`: two shifts that overlap in time;
/// - `max_hours_day`: paid hours of a day above the limit;
/// - `max_hours_week`: paid hours of a week (Monday–Sunday) above the limit,
///   averaged over consecutive blocks of `hours_period_weeks` weeks from
///   the first Monday;
/// - `contract_hours`: a week above `hours_per_week × (1 + contract_tolerance)`;
/// - `max_overtime_hours_month`: `Σ max(0, day hours − standard_hours_day)`
///   over a calendar month above the limit;
/// - `min_rest_hours`: less rest between the end of one shift and the
///   start of the next;
/// - `max_consecutive_days`: more working days in a row;
/// - `min_days_off_week`: fewer days off in a whole week of the roster;
/// - `max_nights_week`: more night shifts (a paid minute in 22:00–06:00) in a week;
/// - `stable_week`: more than one shift type in a week.
pub fn check(
    rules: &LabourRules,
    agents: &[Agent],
    assignments: &[Assignment],
    from: Date,
    to: Date,
    _calendar: &Calendar,
) -> Vec<Violation> {
    let by_id: BTreeMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut mine: BTreeMap<&str, Vec<&Assignment>> = BTreeMap::new();
    let mut out = Vec::new();
    let v = |agent: &str, date: Date, rule: &str, detail: String| Violation {
        agent: agent.to_string(),
        date,
        rule: rule.to_string(),
        detail,
    };
    for a in assignments {
        if !by_id.contains_key(a.agent.as_str()) {
            out.push(v(
                &a.agent,
                a.date,
                "agent",
                "no such agent in the agents file".into(),
            ));
            continue;
        }
        mine.entry(a.agent.as_str()).or_default().push(a);
    }
    for (id, list) in &mut mine {
        list.sort_by_key(|a| a.span_abs());
        let agent = by_id[id];
        check_agent(rules, agent, list, from, to, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// The rules of one agent's shifts (sorted by start).
fn check_agent(
    rules: &LabourRules,
    agent: &Agent,
    list: &[&Assignment],
    from: Date,
    to: Date,
    out: &mut Vec<Violation>,
) {
    let id = agent.id.as_str();
    let mut push = |date: Date, rule: &str, detail: String| {
        out.push(Violation {
            agent: id.to_string(),
            date,
            rule: rule.to_string(),
            detail,
        })
    };
    let eps = 1e-9;
    let mut day_hours: BTreeMap<Date, f64> = BTreeMap::new();
    let mut week_hours: BTreeMap<Date, f64> = BTreeMap::new();
    let mut week_nights: BTreeMap<Date, u32> = BTreeMap::new();
    let mut week_types: BTreeMap<Date, BTreeSet<&str>> = BTreeMap::new();
    for (i, a) in list.iter().enumerate() {
        if !agent.groups.iter().any(|g| g == &a.group) {
            push(
                a.date,
                "group",
                format!("{} does not cover group {}", id, a.group),
            );
        }
        if agent.is_unavailable(a.date) {
            push(
                a.date,
                "unavailable",
                format!("{} {} on an unavailable day", a.shift, a.date),
            );
        }
        let work = a.work_h(rules.meal_break_min);
        *day_hours.entry(a.date).or_insert(0.0) += work;
        *week_hours.entry(monday(a.date)).or_insert(0.0) += work;
        if a.is_night() {
            *week_nights.entry(monday(a.date)).or_insert(0) += 1;
        }
        week_types
            .entry(monday(a.date))
            .or_default()
            .insert(a.shift.as_str());
        if let Some(next) = list.get(i + 1) {
            let (_, end) = a.span_abs();
            let (start, _) = next.span_abs();
            if start < end {
                push(
                    next.date,
                    "overlap",
                    format!(
                        "{} on {} overlaps {} on {}",
                        next.shift, next.date, a.shift, a.date
                    ),
                );
            } else {
                let rest_h = (start - end) as f64 / 60.0;
                if rest_h + eps < rules.min_rest_hours {
                    push(
                        next.date,
                        "min_rest_hours",
                        format!(
                            "{rest_h:.1} h of rest after {} on {}, at least {} required",
                            a.shift, a.date, rules.min_rest_hours
                        ),
                    );
                }
            }
        }
    }
    let mut month_ot: BTreeMap<(i16, i8), f64> = BTreeMap::new();
    for (d, h) in &day_hours {
        if *h > rules.max_hours_day + eps {
            push(
                *d,
                "max_hours_day",
                format!("{h:.2} h, at most {}", rules.max_hours_day),
            );
        }
        *month_ot.entry((d.year(), d.month())).or_insert(0.0) +=
            (h - rules.standard_hours_day).max(0.0);
    }
    for ((y, m), ot) in &month_ot {
        if *ot > rules.max_overtime_hours_month + eps {
            let d = Date::new(*y, *m, 1).unwrap_or(from);
            push(
                d,
                "max_overtime_hours_month",
                format!(
                    "{ot:.2} h of overtime in {y}-{m:02}, at most {}",
                    rules.max_overtime_hours_month
                ),
            );
        }
    }
    // Weekly hours, averaged over blocks of the period from the first Monday.
    let first_monday = monday(from);
    let p = i64::from(rules.hours_period_weeks.max(1));
    let mut blocks: BTreeMap<i64, f64> = BTreeMap::new();
    for (w, h) in &week_hours {
        let k = i64::from((*w - first_monday).get_days()) / 7;
        *blocks.entry(k.div_euclid(p)).or_insert(0.0) += h;
        let cap = agent.hours_per_week * (1.0 + rules.contract_tolerance);
        if *h > cap + eps {
            push(
                *w,
                "contract_hours",
                format!(
                    "{h:.2} h in the week, contract {} h (+{:.0}%)",
                    agent.hours_per_week,
                    100.0 * rules.contract_tolerance
                ),
            );
        }
    }
    for (b, h) in &blocks {
        let avg = h / p as f64;
        if avg > rules.max_hours_week + eps {
            let d = add(first_monday, 7 * b * p);
            push(
                d,
                "max_hours_week",
                if p > 1 {
                    format!(
                        "{avg:.2} h a week on average over {p} weeks, at most {}",
                        rules.max_hours_week
                    )
                } else {
                    format!("{avg:.2} h in the week, at most {}", rules.max_hours_week)
                },
            );
        }
    }
    for (w, n) in &week_nights {
        if *n > rules.max_nights_week {
            push(
                *w,
                "max_nights_week",
                format!("{n} night shifts, at most {}", rules.max_nights_week),
            );
        }
    }
    if rules.stable_week {
        for (w, types) in &week_types {
            if types.len() > 1 {
                push(
                    *w,
                    "stable_week",
                    format!(
                        "shift types {} in one week",
                        types.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }
    // Consecutive working days, and days off in whole weeks.
    let worked: BTreeSet<Date> = day_hours.keys().copied().collect();
    let mut run = 0u32;
    let mut prev: Option<Date> = None;
    for d in &worked {
        run = match prev {
            Some(p) if add(p, 1) == *d => run + 1,
            _ => 1,
        };
        if run == rules.max_consecutive_days + 1 {
            push(
                *d,
                "max_consecutive_days",
                format!(
                    "{run} working days in a row up to {d}, at most {}",
                    rules.max_consecutive_days
                ),
            );
        }
        prev = Some(*d);
    }
    let mut w = monday(from);
    if w < from {
        w = add(w, 7);
    }
    while add(w, 6) <= to {
        let days_worked = (0..7).filter(|k| worked.contains(&add(w, *k))).count() as u32;
        let off = 7 - days_worked;
        if off < rules.min_days_off_week {
            push(
                w,
                "min_days_off_week",
                format!(
                    "{off} day(s) off in the week, at least {}",
                    rules.min_days_off_week
                ),
            );
        }
        w = add(w, 7);
    }
}

/// Writes violations as CSV: `agent,date,rule,detail`.
impl crate::io::table::CsvRow for Violation {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("agent", |v| v.agent.clone()),
        ("date", |v| v.date.to_string()),
        ("rule", |v| v.rule.clone()),
        ("detail", |v| v.detail.clone()),
    ];
}

/// Writes the table (columns: [`Violation`]'s `CsvRow`).
pub fn write_violations<W: std::io::Write>(w: W, rows: &[Violation]) -> std::io::Result<()> {
    crate::io::table::write_rows(w, rows)
}
