//! The long-range capacity plan: headcount by week against the required
//! FTE, with attrition, hiring classes, training and nesting, and the
//! hiring optimizer (`wfm capacity`).
//!
//! # Method
//! - **Required FTE** per week and group: the scenario's forecast over the
//!   horizon, staffed interval by interval as `wfm staff` does (agents on
//!   duty), summed to agent-hours per week; then made paid hours by the
//!   scheduling efficiency of real shifts (the optimizer's roster's paid
//!   hours over the required agent-hours) of a representative week, and
//!   divided by the hours of an FTE week. Weeks share a representative when
//!   their calendar is alike (the number of holiday, make-up and due days)
//!   and their requirement's shape is within [`PATTERN_DISTANCE`] (L1 over
//!   the days' shares of the week, largest first, and the mean intraday
//!   shape, per group); `every_week` schedules every week instead. The
//!   representative weeks are scheduled in parallel.
//! - **Supply** per week and group ([`flow`]): the team file's headcount,
//!   changes and leave, and the hiring file's attrition and classes;
//!   nesting agents count at `1 / AHT multiplier`; net FTE =
//!   productive headcount × (1 − shrinkage of the group's channel) − leave.
//! - **Hiring** ([`HiringModel::solve`]): the class starts and sizes that
//!   cover the gap at least expected cost, with a penalty per FTE-week
//!   short where nothing can.
//!
//! Units: FTE are weeks of `hours_per_fte_week` paid hours; costs are in
//! the hiring file's currency.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::core::calendar::HolidayBlock;
use crate::core::input::{InputError, Warning};
use crate::demand::scenario::Scenario;
use crate::models::channels::ChannelBook;
use crate::optimize::schedule::{ScheduleError, ScheduleOptions, SolverChoice};
use crate::optimize::shifts::ShiftRules;
use crate::supply::team::Team;

mod flow;
mod hiring;
mod optimize;
mod required;
#[cfg(test)]
mod tests;

pub use flow::{flow, Class, FlowParams, FlowWeek, GroupInputs, Nesting};
pub use hiring::{Attrition, ClassSpec, Hiring, HiringFile};
pub use optimize::{HiringLimits, HiringModel, HiringSolution};
pub use required::{WeekPattern, PATTERN_DISTANCE};

/// The longest horizon by default, weeks (`--max-weeks` raises it).
pub const DEFAULT_MAX_WEEKS: u32 = 156;

/// Why a capacity plan cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LongRangeError {
    /// A file or setting is wrong.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Scheduling a representative week failed.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// The horizon cannot be planned.
    #[error("{0}")]
    Horizon(String),
    /// The hiring optimizer's solver failed.
    #[error("the hiring optimizer: {0}")]
    Solver(String),
}

/// How to plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LongRangeOptions {
    /// First day of the horizon (the plan starts on the first Monday on or
    /// after it).
    pub from: Date,
    /// Last day (the plan ends on the last Sunday on or before it).
    pub to: Date,
    /// Schedule every week instead of one per pattern.
    pub every_week: bool,
    /// Run the hiring optimizer.
    pub optimize: bool,
    /// The hiring optimizer's solver and limits.
    pub limits: HiringLimits,
    /// How representative weeks are scheduled.
    pub schedule: ScheduleOptions,
    /// The longest horizon, weeks.
    pub max_weeks: u32,
}

impl LongRangeOptions {
    /// Defaults for a horizon: one schedule per pattern, no optimizer,
    /// microlp with 2,000 nodes and a 1% gap per representative week.
    pub fn new(from: Date, to: Date) -> Self {
        LongRangeOptions {
            from,
            to,
            every_week: false,
            optimize: false,
            limits: HiringLimits::default(),
            schedule: ScheduleOptions {
                solver: SolverChoice::Microlp,
                node_limit: Some(2_000),
                mip_gap: 0.01,
                time_limit_s: 30.0,
                ..ScheduleOptions::default()
            },
            max_weeks: DEFAULT_MAX_WEEKS,
        }
    }
}

/// One row of `capacity.csv`: a week of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityRow {
    /// Monday of the week.
    pub week_start: Date,
    /// Group.
    pub group: String,
    /// The week's demand pattern.
    pub pattern: usize,
    /// Required agent-hours on duty.
    pub required_hours: f64,
    /// Paid hours per required hour of its pattern.
    pub efficiency: f64,
    /// The flow's figures.
    pub week: FlowWeek,
}

/// One row of `hiring.csv`: a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRow {
    /// Group it trains for.
    pub group: String,
    /// Monday of its first week.
    pub start: Date,
    /// Agents hired.
    pub size: u32,
    /// Agents graduating.
    pub graduates: u32,
    /// Monday of the first week its graduates work.
    pub first_productive_week: Date,
    /// Decided in the hiring file (`false`: proposed by the optimizer).
    pub decided: bool,
}

/// A week of a group that the plan leaves short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortWeek {
    /// Group.
    pub group: String,
    /// Monday of the week.
    pub week_start: Date,
    /// FTE short.
    pub short_fte: f64,
}

/// What the optimizer reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizerReport {
    /// Its objective: expected cost of the new classes plus the penalty of
    /// what stays short.
    pub objective: f64,
    /// The best proven lower bound, when the solver gives one.
    pub bound: Option<f64>,
    /// Relative gap.
    pub gap: f64,
    /// Whether the search closed the gap.
    pub proven: bool,
    /// Penalty per FTE-week short it used.
    pub short_penalty: f64,
}

/// The capacity plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityPlan {
    /// Mondays of the horizon's weeks.
    pub weeks: Vec<Date>,
    /// Groups.
    pub groups: Vec<String>,
    /// One row per week and group (weeks first).
    pub rows: Vec<CapacityRow>,
    /// Classes: decided and proposed.
    pub classes: Vec<ClassRow>,
    /// The demand patterns and their scheduling efficiency.
    pub patterns: Vec<WeekPattern>,
    /// The optimizer's report, when it ran.
    pub optimizer: Option<OptimizerReport>,
    /// Weeks still short (net FTE under required by more than 0.05).
    pub short_weeks: Vec<ShortWeek>,
    /// Named holidays in the horizon, for the report.
    pub holidays: Vec<HolidayBlock>,
    /// Total cost over the horizon (salaries and hires).
    pub cost: f64,
    /// Notes on what was assumed.
    pub warnings: Vec<Warning>,
}

fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// Capacity plans for several hiring files (what-ifs: attrition rates,
/// class sizes) over one requirement: the representative weeks are
/// scheduled once. See [`plan_capacity`].
pub fn plan_capacity_variants(
    scenario: &Scenario,
    book: &ChannelBook,
    rules: &ShiftRules,
    team: &Team,
    hirings: &[HiringFile],
    opts: &LongRangeOptions,
) -> Result<Vec<CapacityPlan>, LongRangeError> {
    let mut warnings = Vec::new();
    if opts.to < opts.from {
        return Err(LongRangeError::Horizon(format!(
            "--to {} is before --from {}",
            opts.to, opts.from
        )));
    }
    // Whole weeks inside the dates: from the first Monday on or after
    // `from` to the last Sunday on or before `to`.
    let first = add_days(
        opts.from,
        (7 - crate::core::calendar::weekday_index(opts.from) as i64) % 7,
    );
    let days = (opts.to - first).get_days() as i64 + 1;
    if days < 7 {
        return Err(LongRangeError::Horizon(format!(
            "{} to {} holds no whole week (Monday to Sunday); the plan is by week",
            opts.from, opts.to
        )));
    }
    let weeks = (days / 7) as usize;
    if first != opts.from || days % 7 != 0 {
        warnings.push(Warning(format!(
            "the plan runs by whole weeks: {first} to {}, inside {} to {}",
            add_days(first, 7 * weeks as i64 - 1),
            opts.from,
            opts.to
        )));
    }
    if weeks > opts.max_weeks as usize {
        return Err(LongRangeError::Horizon(format!(
            "{} to {} is {weeks} weeks, more than the limit of {}; raise it (--max-weeks) if that is meant",
            opts.from, opts.to, opts.max_weeks
        )));
    }
    let last = add_days(first, 7 * weeks as i64 - 1);
    // A week with no forecast: the scenario's own dates bound the horizon.
    for (key, bound, outside) in [
        ("from", scenario.from.as_deref(), true),
        ("to", scenario.to.as_deref(), false),
    ] {
        let Some(b) = bound.and_then(crate::core::textio::parse_date) else {
            continue;
        };
        let (bad, week) = if outside {
            (first < b, first)
        } else {
            (last > b, add_days(last, -6))
        };
        if bad {
            return Err(LongRangeError::Input(InputError::at_key(
                "scenario",
                key,
                format!(
                    "the week of {week} has no forecast: the scenario's `{key}` is {b}; the horizon runs {first} to {last} (whole weeks); move --from/--to inside it"
                ),
            )));
        }
    }
    let groups: Vec<(String, Vec<String>)> = team
        .groups
        .values()
        .map(|g| (g.name.clone(), g.channels.clone()))
        .collect();
    for (g, chans) in &groups {
        for c in chans {
            if !scenario.channel.contains_key(c) {
                return Err(LongRangeError::Input(InputError::at_key(
                    &team.source,
                    format!("[group.{g}] channels"),
                    format!(
                        "channel {c} is not in the scenario (it has {})",
                        scenario
                            .channel
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )));
            }
        }
    }
    for hiring in hirings {
        let h = &hiring.hiring;
        if opts.optimize && (h.lead_weeks + h.training_weeks) as usize >= weeks {
            return Err(LongRangeError::Input(InputError::at_key(
                "hiring",
                "[hiring] lead_weeks",
                format!(
                    "lead_weeks + training_weeks = {} weeks is not shorter than the horizon of {weeks} weeks: no class could work in it; lengthen the horizon (--to) or shorten the pipeline",
                    h.lead_weeks + h.training_weeks
                ),
            )));
        }
    }
    let req = required::required(
        scenario,
        book,
        rules,
        &groups,
        first,
        weeks,
        opts.every_week,
        &opts.schedule,
    )?;
    let base_warnings = std::mem::take(&mut warnings);
    let one = |hiring: &HiringFile| {
        let mut warnings = base_warnings.clone();
        let h = &hiring.hiring;
        // The calendar: the scenario's, else the team's.
        let cal = if scenario.calendar_data.days.is_empty() {
            &team.calendar
        } else {
            &scenario.calendar_data
        };
        let blocks: Vec<HolidayBlock> = cal
            .named_blocks()
            .into_iter()
            .filter(|b| b.last >= first && b.first <= last)
            .collect();
        for name in hiring.attrition.after_holiday.keys() {
            if !blocks.iter().any(|b| &b.name == name) {
                warnings.push(Warning(format!(
                    "[attrition] after_holiday: no holiday named {name:?} in the calendar between {first} and {last}; ignored"
                )));
            }
        }
        let week_of = |d: Date| -> Option<usize> {
            let k = (d - first).get_days();
            (k >= 0 && (k as usize) < 7 * weeks).then_some(k as usize / 7)
        };
        let params = FlowParams {
            weekly_attrition: hiring.attrition.weekly,
            training_weeks: h.training_weeks,
            graduation: h.graduation,
            nesting_aht: h.nesting_aht.clone(),
            cost_per_hire: h.cost_per_hire,
            weekly_cost_per_agent: h.weekly_cost_per_agent,
        };
        // Decided classes by group.
        let mut decided: Vec<Vec<Class>> = vec![Vec::new(); groups.len()];
        for (i, (start, size, group)) in hiring.decided().into_iter().enumerate() {
            let g = match &group {
                Some(name) => groups.iter().position(|(n, _)| n == name),
                None if groups.len() == 1 => Some(0),
                None => None,
            };
            let Some(g) = g else {
                return Err(LongRangeError::Input(InputError::at_key(
                    "hiring",
                    format!("[[hiring.class]] #{} group", i + 1),
                    match group {
                        Some(n) => format!(
                            "no group {n:?} in the team (it has {})",
                            groups
                                .iter()
                                .map(|g| g.0.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => "the team has several groups: say which one the class trains for"
                            .to_string(),
                    },
                )));
            };
            let k = (start - first).get_days() as i64;
            decided[g].push(Class {
                start_week: k.div_euclid(7),
                size,
            });
        }
        let mut inputs = Vec::with_capacity(groups.len());
        for (gi, (name, chans)) in groups.iter().enumerate() {
            let g = &team.groups[name];
            let (books, _) = team.headcount_on(g, first)?;
            let mut changes = vec![0i64; weeks];
            let mut nesting = Vec::new();
            for (date, n, aht) in team.changes_of(g) {
                if *date <= first {
                    continue;
                }
                // From the first week starting on or after the change.
                let k = ((*date - first).get_days() as usize).div_ceil(7);
                if k == 0 || k > weeks {
                    continue;
                }
                changes[k - 1] += n;
                if *n > 0 && !aht.is_empty() {
                    nesting.push(Nesting {
                        first_week: k as i64,
                        agents: *n as u32,
                        aht: aht.clone(),
                    });
                }
            }
            let mut leave_fte = vec![0.0; weeks];
            for (a, b, agents) in team.leave_of(g) {
                let mut d = (*a).max(first);
                while d <= *b && d <= last {
                    if let Some(w) = week_of(d) {
                        leave_fte[w] += f64::from(*agents) / 7.0;
                    }
                    d = add_days(d, 1);
                }
            }
            let mut one_off = vec![0.0; weeks];
            for b in &blocks {
                if let Some(share) = hiring.attrition.after_holiday.get(&b.name) {
                    if let Some(w) = week_of(add_days(b.last, 1)) {
                        one_off[w] = 1.0 - (1.0 - one_off[w]) * (1.0 - share);
                    }
                }
            }
            let shrinkage = match chans.first() {
                Some(c) => book.resolve(c)?.shrinkage,
                None => 0.0,
            };
            let required_fte: Vec<f64> = (0..weeks)
                .map(|w| {
                    let p = &req.patterns[req.pattern_of[w]];
                    req.hours[gi][w] * p.efficiency.get(name).copied().unwrap_or(1.0)
                        / hiring.hours_per_fte_week
                })
                .collect();
            inputs.push((
                name.clone(),
                GroupInputs {
                    headcount: books,
                    required_fte,
                    changes,
                    one_off,
                    leave_fte,
                    nesting,
                    shrinkage,
                },
                decided[gi].clone(),
            ));
        }
        let hire_for: Vec<bool> = groups
            .iter()
            .map(|(n, _)| h.groups.as_ref().is_none_or(|l| l.contains(n)))
            .collect();
        if let Some(l) = &h.groups {
            if let Some(bad) = l.iter().find(|n| !groups.iter().any(|(g, _)| g == *n)) {
                return Err(LongRangeError::Input(InputError::at_key(
                    "hiring",
                    "[hiring] groups",
                    format!("no group {bad:?} in the team"),
                )));
            }
        }
        let model = HiringModel {
            groups: inputs,
            params: params.clone(),
            hiring: h.clone(),
            hire_for,
        };
        let (new_classes, optimizer) = if opts.optimize {
            let sol = model.solve(&opts.limits).map_err(LongRangeError::Solver)?;
            let rep = OptimizerReport {
                objective: sol.objective,
                bound: sol.bound,
                gap: sol.gap,
                proven: sol.proven,
                short_penalty: h.short_penalty(),
            };
            (sol.classes, Some(rep))
        } else {
            (Vec::new(), None)
        };
        // The flows with every class.
        let mut rows = Vec::with_capacity(weeks * groups.len());
        let mut flows = Vec::new();
        for (gi, (name, inp, dec)) in model.groups.iter().enumerate() {
            let mut all = dec.clone();
            all.extend(
                new_classes
                    .iter()
                    .filter(|(g, _)| *g == gi)
                    .map(|(_, c)| *c),
            );
            flows.push((name.clone(), flow(inp, &params, &all)));
        }
        let mut short_weeks = Vec::new();
        for w in 0..weeks {
            for (gi, (name, f)) in flows.iter().enumerate() {
                let p = req.pattern_of[w];
                rows.push(CapacityRow {
                    week_start: add_days(first, 7 * w as i64),
                    group: name.clone(),
                    pattern: p,
                    required_hours: req.hours[gi][w],
                    efficiency: req.patterns[p].efficiency.get(name).copied().unwrap_or(1.0),
                    week: f[w].clone(),
                });
                if f[w].gap_fte < -0.05 {
                    short_weeks.push(ShortWeek {
                        group: name.clone(),
                        week_start: add_days(first, 7 * w as i64),
                        short_fte: -f[w].gap_fte,
                    });
                }
            }
        }
        let mut classes = Vec::new();
        for (gi, (name, _, dec)) in model.groups.iter().enumerate() {
            let news = new_classes
                .iter()
                .filter(|(g, _)| *g == gi)
                .map(|(_, c)| (*c, false));
            for (c, is_decided) in dec.iter().map(|c| (*c, true)).chain(news) {
                classes.push(ClassRow {
                    group: name.clone(),
                    start: add_days(first, 7 * c.start_week),
                    size: c.size,
                    graduates: params.graduates(c.size),
                    first_productive_week: add_days(
                        first,
                        7 * (c.start_week + i64::from(h.training_weeks)),
                    ),
                    decided: is_decided,
                });
            }
        }
        classes.sort_by(|a, b| (a.start, &a.group).cmp(&(b.start, &b.group)));
        let cost = rows.iter().map(|r| r.week.cost).sum();
        Ok::<CapacityPlan, LongRangeError>(CapacityPlan {
            weeks: (0..weeks).map(|w| add_days(first, 7 * w as i64)).collect(),
            groups: groups.iter().map(|g| g.0.clone()).collect(),
            rows,
            classes,
            patterns: req.patterns.clone(),
            optimizer,
            short_weeks,
            holidays: blocks,
            cost,
            warnings,
        })
    };
    hirings.iter().map(one).collect()
}

/// Makes the capacity plan: see the module documentation. `team` gives
/// the groups (each serves its channels of the scenario), `book` their
/// channels' shrinkage and targets, `rules` the shifts the representative
/// weeks are scheduled with.
pub fn plan_capacity(
    scenario: &Scenario,
    book: &ChannelBook,
    rules: &ShiftRules,
    team: &Team,
    hiring: &HiringFile,
    opts: &LongRangeOptions,
) -> Result<CapacityPlan, LongRangeError> {
    let mut plans = plan_capacity_variants(
        scenario,
        book,
        rules,
        team,
        std::slice::from_ref(hiring),
        opts,
    )?;
    Ok(plans.remove(0))
}

/// The columns of `capacity.csv`, in order (the twelve, then more).
pub const CAPACITY_COLUMNS: [&str; 18] = [
    "week_start",
    "group",
    "required_fte",
    "headcount",
    "in_training",
    "nesting_fte",
    "leavers",
    "graduates",
    "leave_fte",
    "net_fte",
    "gap_fte",
    "cost",
    "nesting_agents",
    "hires",
    "changes",
    "required_hours",
    "efficiency",
    "pattern",
];

/// Writes `capacity.csv`.
pub fn write_capacity<W: std::io::Write>(w: W, plan: &CapacityPlan) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CAPACITY_COLUMNS)?;
    let f2 = |x: f64| format!("{x:.2}");
    for r in &plan.rows {
        let k = &r.week;
        out.write_record([
            r.week_start.to_string(),
            r.group.clone(),
            f2(k.required_fte),
            k.headcount.to_string(),
            k.in_training.to_string(),
            f2(k.nesting_fte),
            k.leavers.to_string(),
            k.graduates.to_string(),
            f2(k.leave_fte),
            f2(k.net_fte),
            f2(k.gap_fte),
            f2(k.cost),
            k.nesting_agents.to_string(),
            k.hires.to_string(),
            k.changes.to_string(),
            f2(r.required_hours),
            format!("{:.4}", r.efficiency),
            r.pattern.to_string(),
        ])?;
    }
    out.flush()
}

/// Writes `hiring.csv`: `group,start,size,graduates,first_productive_week,decided`.
pub fn write_hiring<W: std::io::Write>(w: W, plan: &CapacityPlan) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "group",
        "start",
        "size",
        "graduates",
        "first_productive_week",
        "decided",
    ])?;
    for c in &plan.classes {
        out.write_record([
            c.group.clone(),
            c.start.to_string(),
            c.size.to_string(),
            c.graduates.to_string(),
            c.first_productive_week.to_string(),
            c.decided.to_string(),
        ])?;
    }
    out.flush()
}

/// Per group: total cost, FTE-weeks short, and the lowest gap and its week.
pub fn group_totals(plan: &CapacityPlan) -> BTreeMap<String, (f64, f64, f64, Date)> {
    let mut out: BTreeMap<String, (f64, f64, f64, Date)> = BTreeMap::new();
    for r in &plan.rows {
        let e = out
            .entry(r.group.clone())
            .or_insert((0.0, 0.0, f64::INFINITY, r.week_start));
        e.0 += r.week.cost;
        e.1 += (-r.week.gap_fte).max(0.0);
        if r.week.gap_fte < e.2 {
            e.2 = r.week.gap_fte;
            e.3 = r.week_start;
        }
    }
    out
}

/// Writes `variants.csv`, the plans side by side:
/// `variant,week_start,group,required_fte,headcount,net_fte,gap_fte,cost`.
pub fn write_variants<W: std::io::Write>(
    w: W,
    plans: &[(&str, &CapacityPlan)],
) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "variant",
        "week_start",
        "group",
        "required_fte",
        "headcount",
        "net_fte",
        "gap_fte",
        "cost",
    ])?;
    let f2 = |x: f64| format!("{x:.2}");
    for (name, p) in plans {
        for r in &p.rows {
            out.write_record([
                name.to_string(),
                r.week_start.to_string(),
                r.group.clone(),
                f2(r.week.required_fte),
                r.week.headcount.to_string(),
                f2(r.week.net_fte),
                f2(r.week.gap_fte),
                f2(r.week.cost),
            ])?;
        }
    }
    out.flush()
}
