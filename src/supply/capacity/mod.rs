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

pub mod decision;
mod flow;
mod hiring;
mod optimize;
mod plan;
mod required;
#[cfg(test)]
mod tests;

pub use flow::{flow, Class, FlowParams, FlowWeek, GroupInputs, Nesting};
pub use hiring::{Attrition, ClassSpec, Hiring, HiringFile};
pub use optimize::{HiringLimits, HiringModel, HiringSolution};
pub use plan::plan_capacity_variants;
pub use required::{WeekPattern, PATTERN_DISTANCE};

/// The longest horizon by default, weeks (`--max-weeks` raises it).
pub const DEFAULT_MAX_WEEKS: u32 = 156;

/// Why a capacity plan cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CapacityError {
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
pub struct CapacityOptions {
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

impl CapacityOptions {
    /// Defaults for a horizon: one schedule per pattern, no optimizer,
    /// microlp with 2,000 nodes and a 1% gap per representative week.
    pub fn new(from: Date, to: Date) -> Self {
        CapacityOptions {
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

pub(crate) fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
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
    opts: &CapacityOptions,
) -> Result<CapacityPlan, CapacityError> {
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
pub const CAPACITY_COLUMNS: [&str; 18] =
    crate::io::table::names(<CapacityRow as crate::io::table::CsvRow>::COLUMNS);

fn f2(x: f64) -> String {
    format!("{x:.2}")
}

/// `capacity.csv`: one row per week and group.
impl crate::io::table::CsvRow for CapacityRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("week_start", |r| r.week_start.to_string()),
        ("group", |r| r.group.clone()),
        ("required_fte", |r| f2(r.week.required_fte)),
        ("headcount", |r| r.week.headcount.to_string()),
        ("in_training", |r| r.week.in_training.to_string()),
        ("nesting_fte", |r| f2(r.week.nesting_fte)),
        ("leavers", |r| r.week.leavers.to_string()),
        ("graduates", |r| r.week.graduates.to_string()),
        ("leave_fte", |r| f2(r.week.leave_fte)),
        ("net_fte", |r| f2(r.week.net_fte)),
        ("gap_fte", |r| f2(r.week.gap_fte)),
        ("cost", |r| f2(r.week.cost)),
        ("nesting_agents", |r| r.week.nesting_agents.to_string()),
        ("hires", |r| r.week.hires.to_string()),
        ("changes", |r| r.week.changes.to_string()),
        ("required_hours", |r| f2(r.required_hours)),
        ("efficiency", |r| format!("{:.4}", r.efficiency)),
        ("pattern", |r| r.pattern.to_string()),
    ];
}

/// `hiring.csv`: one row per class.
impl crate::io::table::CsvRow for ClassRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("group", |c| c.group.clone()),
        ("start", |c| c.start.to_string()),
        ("size", |c| c.size.to_string()),
        ("graduates", |c| c.graduates.to_string()),
        ("first_productive_week", |c| {
            c.first_productive_week.to_string()
        }),
        ("decided", |c| c.decided.to_string()),
    ];
}

/// Writes `capacity.csv` (columns: [`CapacityRow`]'s `CsvRow`).
pub fn write_capacity<W: std::io::Write>(w: W, plan: &CapacityPlan) -> std::io::Result<()> {
    crate::io::table::write_rows(w, &plan.rows)
}

/// Writes `hiring.csv` (columns: [`ClassRow`]'s `CsvRow`).
pub fn write_hiring<W: std::io::Write>(w: W, plan: &CapacityPlan) -> std::io::Result<()> {
    crate::io::table::write_rows(w, &plan.classes)
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

/// One row of `variants.csv`: a plan's week and group, named by its
/// variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantRow {
    /// The variant's name (`plan`, `attrition 2.0%`...).
    pub variant: String,
    /// The plan's row.
    pub row: CapacityRow,
}

/// `variants.csv`: the plans side by side.
impl crate::io::table::CsvRow for VariantRow {
    const COLUMNS: &'static [crate::io::table::Column<Self>] = &[
        ("variant", |v| v.variant.clone()),
        ("week_start", |v| v.row.week_start.to_string()),
        ("group", |v| v.row.group.clone()),
        ("required_fte", |v| f2(v.row.week.required_fte)),
        ("headcount", |v| v.row.week.headcount.to_string()),
        ("net_fte", |v| f2(v.row.week.net_fte)),
        ("gap_fte", |v| f2(v.row.week.gap_fte)),
        ("cost", |v| f2(v.row.week.cost)),
    ];
}

/// Writes `variants.csv` (columns: [`VariantRow`]'s `CsvRow`).
pub fn write_variants<W: std::io::Write>(
    w: W,
    plans: &[(&str, &CapacityPlan)],
) -> std::io::Result<()> {
    let rows: Vec<VariantRow> = plans
        .iter()
        .flat_map(|(name, p)| {
            p.rows.iter().map(|r| VariantRow {
                variant: name.to_string(),
                row: r.clone(),
            })
        })
        .collect();
    crate::io::table::write_rows(w, &rows)
}
