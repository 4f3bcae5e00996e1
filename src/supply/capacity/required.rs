//! Required FTE per week and group: the Erlang requirement of the
//! forecast, in paid hours through the scheduling efficiency of
//! representative weeks.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::CapacityError;
use crate::core::grid::IntervalGrid;
use crate::demand::scenario::Scenario;
use crate::models::channels::ChannelBook;
use crate::models::requirement::{staff_forecast, Requirement};
use crate::optimize::schedule::{schedule, ScheduleOptions};
use crate::optimize::shifts::ShiftRules;

/// Largest L1 distance between two weeks' signatures (per group: the
/// days' shares of the week's agent-hours, largest first, then the mean
/// intraday shape) for them to share a pattern.
pub const PATTERN_DISTANCE: f64 = 0.08;

/// A demand pattern: weeks alike in calendar (holidays, make-up days, due
/// dates) and in the shape of their requirement, scheduled once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekPattern {
    /// Its number, from 0 in order of first appearance.
    pub id: usize,
    /// What sets it apart: `normal`, or the holiday, make-up and due days it holds.
    pub kind: String,
    /// The week scheduled for it (its first week).
    pub representative: Date,
    /// The weeks it stands for.
    pub weeks: Vec<Date>,
    /// Per group: paid hours of the optimizer's roster over the required
    /// agent-hours it covers (those inside the opening hours) in the
    /// representative week (1 when nothing is required).
    pub efficiency: BTreeMap<String, f64>,
}

/// The requirement side of the plan.
pub(super) struct Required {
    /// Per group and week: required agent-hours (agents on duty).
    pub(super) hours: Vec<Vec<f64>>,
    /// Per week: its pattern.
    pub(super) pattern_of: Vec<usize>,
    pub(super) patterns: Vec<WeekPattern>,
}

/// Requirement per group: `groups` are (group, its channels); a group of
/// several channels is scheduled as its first channel with their summed
/// requirement (no pooling: a conservative estimate).
#[allow(clippy::too_many_arguments)]
pub(super) fn required(
    scenario: &Scenario,
    book: &ChannelBook,
    rules: &ShiftRules,
    groups: &[(String, Vec<String>)],
    first: Date,
    weeks: usize,
    every_week: bool,
    sched: &ScheduleOptions,
) -> Result<Required, CapacityError> {
    let last = first
        .checked_add(jiff::Span::new().days(7 * weeks as i64 - 1))
        .map_err(|e| CapacityError::Horizon(format!("{first} + {weeks} weeks: {e}")))?;
    let mut forecast = scenario.forecast(first, last)?;
    // Contacts arriving while a channel is closed wait for its opening, as
    // in `wfm plan`.
    crate::plan::move_to_opening(&mut forecast, rules, "shifts")?;
    let im = forecast.interval_min;
    let rows = staff_forecast(&forecast, book, None, "scenario")?;
    let grid = IntervalGrid::new(im, first, 7 * weeks as u32)
        .map_err(|e| CapacityError::Horizon(e.to_string()))?;
    let m = grid.per_day();
    let mut by_channel: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for r in &rows {
        if let Some(i) = grid.index(r.date, r.time) {
            by_channel
                .entry(r.channel.as_str())
                .or_insert_with(|| vec![0; grid.len()])[i] = r.agents;
        }
    }
    let week_len = 7 * m;
    let h = f64::from(im) / 60.0;
    // Agents per interval per group, on the horizon's grid.
    let per_group: Vec<Vec<u32>> = groups
        .iter()
        .map(|(_, chans)| {
            let mut v = vec![0u32; weeks * week_len];
            for c in chans {
                if let Some(x) = by_channel.get(c.as_str()) {
                    for (a, b) in v.iter_mut().zip(x) {
                        *a += *b;
                    }
                }
            }
            v
        })
        .collect();
    let hours: Vec<Vec<f64>> = per_group
        .iter()
        .map(|v| {
            v.chunks(week_len)
                .map(|w| w.iter().map(|&a| f64::from(a)).sum::<f64>() * h)
                .collect()
        })
        .collect();
    // The calendar side of a week's pattern.
    let cal = &scenario.calendar_data;
    let week_start = |w: usize| {
        first
            .checked_add(jiff::Span::new().days(7 * w as i64))
            .unwrap_or(first)
    };
    let kind_of = |w: usize| -> String {
        let (mut hol, mut makeup, mut due) = (0, 0, 0);
        for k in 0..7 {
            let Ok(d) = week_start(w).checked_add(jiff::Span::new().days(k)) else {
                continue;
            };
            if cal.day_type(d) == crate::core::calendar::DayType::Holiday {
                hol += 1;
            }
            if cal.is_makeup_workday(d) {
                makeup += 1;
            }
            if scenario
                .repayment
                .iter()
                .any(|r| crate::demand::scenario::repayment_offsets(r, cal, d).contains(&0))
            {
                due += 1;
            }
        }
        let mut parts = Vec::new();
        if hol > 0 {
            parts.push(format!("{hol} holiday day(s)"));
        }
        if makeup > 0 {
            parts.push(format!("{makeup} make-up day(s)"));
        }
        if due > 0 {
            parts.push(format!("{due} due date(s)"));
        }
        if parts.is_empty() {
            "normal".to_string()
        } else {
            parts.join(", ")
        }
    };
    // A week's signature per group: its days' shares of the week, largest
    // first (so a due date on a Tuesday and one on a Thursday look alike),
    // then its mean intraday shape (shares of the day).
    let signature = |g: usize, w: usize| -> Vec<f64> {
        let s = &per_group[g][w * week_len..(w + 1) * week_len];
        let total: f64 = s.iter().map(|&a| f64::from(a)).sum();
        if total <= 0.0 {
            return vec![0.0; 7 + m];
        }
        let mut days: Vec<f64> = s
            .chunks(m)
            .map(|d| d.iter().map(|&a| f64::from(a)).sum::<f64>() / total)
            .collect();
        days.sort_by(|a, b| b.total_cmp(a));
        let mut intraday = vec![0.0; m];
        for d in s.chunks(m) {
            for (x, &a) in intraday.iter_mut().zip(d) {
                *x += f64::from(a) / total;
            }
        }
        days.extend(intraday);
        days
    };
    let signatures: Vec<Vec<Vec<f64>>> = (0..weeks)
        .map(|w| (0..groups.len()).map(|g| signature(g, w)).collect())
        .collect();
    let distance = |a: usize, b: usize| -> f64 {
        signatures[a]
            .iter()
            .zip(&signatures[b])
            .map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()).sum::<f64>())
            .fold(0.0, f64::max)
    };
    let mut patterns: Vec<WeekPattern> = Vec::new();
    let mut reps: Vec<(usize, String)> = Vec::new();
    let mut pattern_of = Vec::with_capacity(weeks);
    for w in 0..weeks {
        let kind = kind_of(w);
        let found = if every_week {
            None
        } else {
            reps.iter()
                .position(|(r, k)| *k == kind && distance(*r, w) <= PATTERN_DISTANCE)
        };
        match found {
            Some(p) => {
                patterns[p].weeks.push(week_start(w));
                pattern_of.push(p);
            }
            None => {
                pattern_of.push(patterns.len());
                patterns.push(WeekPattern {
                    id: patterns.len(),
                    kind: kind.clone(),
                    representative: week_start(w),
                    weeks: vec![week_start(w)],
                    efficiency: BTreeMap::new(),
                });
                reps.push((w, kind));
            }
        }
    }
    // Schedule each pattern's representative week per group, in parallel.
    let jobs: Vec<(usize, usize)> = (0..patterns.len())
        .flat_map(|p| (0..groups.len()).map(move |g| (p, g)))
        .collect();
    let results: Vec<Result<f64, CapacityError>> = jobs
        .par_iter()
        .map(|&(p, g)| {
            let w = reps[p].0;
            let need = hours[g][w];
            if need <= 0.0 {
                return Ok(1.0);
            }
            let (name, chans) = &groups[g];
            let grid = IntervalGrid::new(im, week_start(w), 7)
                .map_err(|e| CapacityError::Horizon(e.to_string()))?;
            let slice = per_group[g][w * week_len..(w + 1) * week_len].to_vec();
            let key = chans.first().cloned().unwrap_or_else(|| name.clone());
            let one = Requirement::new(grid, [(key, slice)].into())
                .map_err(|e| CapacityError::Horizon(e.to_string()))?;
            let roster = schedule(&one, rules, sched, "shifts")?;
            // Over the requirement inside the opening hours (deferred work
            // arriving at night is done in them): the same paid hours per
            // hour of work.
            let covered: f64 = roster
                .channels
                .iter()
                .map(|c| c.required.iter().map(|&a| f64::from(a)).sum::<f64>())
                .sum::<f64>()
                * f64::from(im)
                / 60.0;
            Ok(if covered > 0.0 {
                roster.summary().paid_hours / covered
            } else {
                1.0
            })
        })
        .collect();
    for (&(p, g), r) in jobs.iter().zip(results) {
        patterns[p].efficiency.insert(groups[g].0.clone(), r?);
    }
    Ok(Required {
        hours,
        pattern_of,
        patterns,
    })
}
