//! The shift optimizer: the cheapest roster of real shifts that covers a
//! requirement curve, with a proof of how good it is.
//!
//! # Model
//! For each channel (or group) separately, every candidate shift of
//! [`crate::shifts`] — a type, a day, a start and a placement of its breaks —
//! is an integer variable `x_j ≥ 0` (agents working it). With `r_t` the
//! agents required in interval t and `s_t ≥ 0` the shortfall:
//!
//! ```text
//! minimise   Σ cost_j · x_j  +  W · Σ s_t
//! subject to Σ_{j works in t} x_j + s_t ≥ r_t          every interval t
//!            min_agents ≤ Σ_{j of type k, day d} x_j ≤ max_agents
//!            Σ_{j on day d} x_j ≤ Σ_{patterns p working d} y_p   (weekly rule)
//! ```
//!
//! An agent on a break does not count in that interval, so the optimizer
//! staggers breaks. `W` is ten times the dearest shift, so the optimum covers
//! every interval whenever the rules allow it (one more shift is always
//! cheaper than a missing agent-interval); when they do not (a headcount cap,
//! no shift type reaching an interval), the result reports where and by how
//! much coverage falls short instead of failing.
//!
//! With the weekly rule, `y_p` agents follow days-off pattern p (working at
//! most `max_days` of 7); any daily shift counts within those agents can be
//! assigned to them, so the headcount is `Σ y_p`, minimised afterwards for the
//! daily counts found.
//!
//! # Solving and proving
//! The default solver is microlp (pure Rust), driven directly; CBC, behind
//! the `cbc` feature, through `good_lp`. First the LP relaxation gives a
//! lower bound; its solution rounded up and pruned (drop shifts while
//! coverage holds) is a feasible roster and an upper bound; the branch and
//! bound then starts from it. All candidate costs are integer multiples of a
//! grid `g` (their greatest common divisor, e.g. half an hour of pay), so
//! every roster's cost is a multiple of `g` and `g·⌈bound/g⌉` is a valid lower
//! bound, for the LP bound and for the branch and bound's own best bound
//! (which microlp reports). The branch and bound is asked to stop once its gap
//! is below one grid step, which proves optimality: an incumbent less than `g`
//! above a lower bound is the optimum.
//!
//! It may stop earlier: at a relative gap ([`ScheduleOptions::mip_gap`]), at
//! a node limit ([`ScheduleOptions::node_limit`]) or at the time limit. The
//! node limit is the budget to use when results must be reproducible: the
//! search is deterministic, so the same nodes give the same roster on any
//! machine, while a time limit gives a better or worse roster on a faster or
//! slower one.
//! The result reports the status, the objective, the best bound and the gap.

use std::collections::BTreeMap;

#[cfg(feature = "cbc")]
use good_lp::SolutionStatus;
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::calendar::weekday_index;
use crate::grid::IntervalGrid;
use crate::input::InputError;
use crate::requirement::{Requirement, StaffingRow, StaffingTable};
use crate::shifts::{Candidate, ShiftRules};
use crate::textio::format_time;

/// The MIP solver behind the optimizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SolverChoice {
    /// microlp: pure Rust, always built.
    Microlp,
    /// COIN-OR CBC: needs the `cbc` feature (and Debian's coinor-libcbc-dev).
    Cbc,
}

impl SolverChoice {
    /// CBC when the `cbc` feature is built, else microlp.
    pub fn best_available() -> Self {
        if cfg!(feature = "cbc") {
            SolverChoice::Cbc
        } else {
            SolverChoice::Microlp
        }
    }
}

impl std::fmt::Display for SolverChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SolverChoice::Microlp => "microlp",
            SolverChoice::Cbc => "cbc",
        })
    }
}

impl std::str::FromStr for SolverChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "microlp" => Ok(SolverChoice::Microlp),
            "cbc" if cfg!(feature = "cbc") => Ok(SolverChoice::Cbc),
            "cbc" => Err(
                "cbc is not built in: rebuild with `--features cbc` (needs coinor-libcbc-dev)"
                    .into(),
            ),
            _ => Err(format!("expected microlp or cbc, got {s:?}")),
        }
    }
}

/// A minimisation over non-negative variables in plain form: each backend
/// builds its own model from it.
struct LinearModel {
    /// Objective coefficient of each variable.
    cost: Vec<f64>,
    /// Whether each variable is integer (ignored by the relaxation).
    integer: Vec<bool>,
    rows: Vec<Row>,
}

/// `Σ coef·x ≥ rhs` (or `≤` when `at_most`).
struct Row {
    terms: Vec<(usize, f64)>,
    at_most: bool,
    rhs: f64,
}

/// How long the branch and bound may run and when it may stop.
struct Limits {
    time_limit_s: f64,
    node_limit: Option<u64>,
    /// Relative gap at which it may stop with its incumbent.
    gap: f64,
}

/// What the branch and bound returned.
struct MipOutcome {
    /// The best solution it found (`None`: none before a limit).
    values: Option<Vec<f64>>,
    /// Whether it stopped because the gap was closed (not at a limit).
    closed: bool,
    /// Whether it stopped at the node limit.
    node_limit_hit: bool,
    /// Its best proven lower bound, when the solver reports one.
    bound: Option<f64>,
}

/// A MIP solver the optimizer can use.
trait Backend {
    /// The linear relaxation's solution.
    fn relaxation(m: &LinearModel) -> Result<Vec<f64>, String>;
    /// Branch and bound from `start` (a feasible solution).
    fn branch_and_bound(
        m: &LinearModel,
        start: &[f64],
        limits: &Limits,
    ) -> Result<MipOutcome, String>;
}

/// microlp, driven directly for its node limit (a deterministic budget) and
/// its best bound.
struct MicrolpBackend;

impl MicrolpBackend {
    fn problem(m: &LinearModel, integer: bool) -> (microlp::Problem, Vec<microlp::Variable>) {
        let mut p = microlp::Problem::new(microlp::OptimizationDirection::Minimize);
        let vars: Vec<microlp::Variable> = m
            .cost
            .iter()
            .zip(&m.integer)
            .map(|(&c, &int)| {
                if int && integer {
                    p.add_integer_var(c, (0, i32::MAX))
                } else {
                    p.add_var(c, (0.0, f64::INFINITY))
                }
            })
            .collect();
        for row in &m.rows {
            // Every row as `≤` (a `≥` row negated), as good_lp hands them to
            // microlp: its simplex runs markedly faster on this form here.
            let sign = if row.at_most { 1.0 } else { -1.0 };
            let mut e = microlp::LinearExpr::empty();
            for &(j, c) in &row.terms {
                e.add(vars[j], sign * c);
            }
            p.add_constraint(e, microlp::ComparisonOp::Le, sign * row.rhs);
        }
        (p, vars)
    }
}

impl Backend for MicrolpBackend {
    fn relaxation(m: &LinearModel) -> Result<Vec<f64>, String> {
        let (p, vars) = Self::problem(m, false);
        let sol = p
            .solve()
            .map_err(|e| e.to_string())?
            .into_solution()
            .map_err(|_| "the linear relaxation was interrupted".to_string())?;
        Ok(vars.iter().map(|&v| sol.var_value(v)).collect())
    }

    fn branch_and_bound(
        m: &LinearModel,
        start: &[f64],
        limits: &Limits,
    ) -> Result<MipOutcome, String> {
        let (p, vars) = Self::problem(m, true);
        let mut opts = microlp::SolveOptions::default();
        // An infinite (or absurdly long) limit is no limit.
        opts.time_limit = std::time::Duration::try_from_secs_f64(limits.time_limit_s).ok();
        opts.node_limit = limits.node_limit;
        opts.mip_gap = limits.gap;
        opts.warm_start = Some(vars.iter().copied().zip(start.iter().copied()).collect());
        match p
            .solve_with(opts)
            .map_err(|e| e.to_string())?
            .into_solution()
        {
            Ok(sol) => {
                let closed = matches!(
                    sol.termination_reason(),
                    microlp::TerminationReason::ProvenOptimal | microlp::TerminationReason::MipGap
                );
                Ok(MipOutcome {
                    values: Some(vars.iter().map(|&v| sol.var_value(v)).collect()),
                    closed,
                    node_limit_hit: sol.termination_reason()
                        == microlp::TerminationReason::NodeLimit,
                    bound: sol.stats().best_bound,
                })
            }
            Err(stopped) => Ok(MipOutcome {
                values: None,
                closed: false,
                node_limit_hit: stopped.termination_reason()
                    == microlp::TerminationReason::NodeLimit,
                bound: stopped.stats().best_bound,
            }),
        }
    }
}

/// CBC through `good_lp` (needs Debian's coinor-libcbc-dev).
#[cfg(feature = "cbc")]
struct CbcBackend;

#[cfg(feature = "cbc")]
impl CbcBackend {
    fn problem(
        m: &LinearModel,
        integer: bool,
    ) -> (good_lp::solvers::coin_cbc::CoinCbcProblem, Vec<Variable>) {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = m
            .integer
            .iter()
            .map(|&int| {
                let v = variable().min(0);
                vars.add(if int && integer { v.integer() } else { v })
            })
            .collect();
        let objective: Expression = x.iter().zip(&m.cost).map(|(v, c)| *c * *v).sum();
        let mut model = good_lp::coin_cbc(vars.minimise(objective));
        // Quiet: the CLI may be writing CSV to stdout.
        model.set_parameter("log", "0");
        model.set_parameter("slogLevel", "0");
        model.set_parameter("threads", "1");
        for row in &m.rows {
            let e: Expression = row.terms.iter().map(|&(j, c)| c * x[j]).sum();
            model.add_constraint(if row.at_most {
                constraint!(e <= row.rhs)
            } else {
                constraint!(e >= row.rhs)
            });
        }
        (model, x)
    }
}

#[cfg(feature = "cbc")]
impl Backend for CbcBackend {
    fn relaxation(m: &LinearModel) -> Result<Vec<f64>, String> {
        let (model, x) = Self::problem(m, false);
        let sol = model.solve().map_err(|e| e.to_string())?;
        Ok(x.iter().map(|v| sol.value(*v)).collect())
    }

    fn branch_and_bound(
        m: &LinearModel,
        start: &[f64],
        limits: &Limits,
    ) -> Result<MipOutcome, String> {
        use good_lp::{WithInitialSolution, WithMipGap, WithTimeLimit};
        let (model, x) = Self::problem(m, true);
        let mut model = model.with_initial_solution(x.iter().copied().zip(start.iter().copied()));
        if limits.time_limit_s.is_finite() {
            model = model.with_time_limit(limits.time_limit_s);
        }
        let model = model
            .with_mip_gap(limits.gap.max(1e-9) as f32)
            .map_err(|e| e.to_string())?;
        // No node limit: good_lp returns no solution when CBC stops on nodes.
        match model.solve() {
            Ok(sol) => Ok(MipOutcome {
                values: Some(x.iter().map(|v| sol.value(*v)).collect()),
                closed: matches!(
                    sol.status(),
                    SolutionStatus::Optimal | SolutionStatus::GapLimit
                ),
                node_limit_hit: false,
                bound: None,
            }),
            Err(_) => Ok(MipOutcome {
                values: None,
                closed: false,
                node_limit_hit: false,
                bound: None,
            }),
        }
    }
}

/// How the optimizer runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScheduleOptions {
    /// Time limit of the branch and bound per channel, seconds.
    pub time_limit_s: f64,
    /// Hours an FTE is paid per day, for the FTE figure.
    pub fte_hours_per_day: f64,
    /// The MIP solver.
    pub solver: SolverChoice,
    /// Branch-and-bound nodes per channel at most (`None`: no limit;
    /// `Some(0)`: no branch and bound, the rounded LP roster). Unlike the
    /// time limit, this budget gives the same roster on any machine.
    /// microlp only: CBC, through `good_lp`, returns no roster when it stops
    /// on nodes, so it runs to the time limit.
    #[serde(default)]
    pub node_limit: Option<u64>,
    /// Relative gap `(cost − bound)/cost` at which the search may stop with
    /// its best roster (0: prove optimality).
    #[serde(default)]
    pub mip_gap: f64,
    /// Most candidate shifts per channel (starts × break placements ×
    /// days); more is refused before they are built.
    #[serde(default = "default_max_candidates")]
    pub max_candidates: usize,
}

fn default_max_candidates() -> usize {
    crate::shifts::DEFAULT_MAX_CANDIDATES
}

impl Default for ScheduleOptions {
    /// 60 s per channel, no node limit, prove optimality, 8-hour FTE days,
    /// CBC when built in, else microlp.
    fn default() -> Self {
        Self {
            time_limit_s: 60.0,
            fte_hours_per_day: 8.0,
            solver: SolverChoice::best_available(),
            node_limit: None,
            mip_gap: 0.0,
            max_candidates: crate::shifts::DEFAULT_MAX_CANDIDATES,
        }
    }
}

/// How the solver ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Proven optimal (within one cost grid step of the bound, see the module docs).
    Optimal,
    /// Stopped at the time limit with a feasible roster and a gap.
    TimeLimit,
    /// Stopped at the node limit ([`ScheduleOptions::node_limit`]) with a
    /// feasible roster and a gap.
    NodeLimit,
    /// Stopped within the requested relative gap
    /// ([`ScheduleOptions::mip_gap`]) of the best bound.
    GapLimit,
    /// Nothing to schedule.
    Empty,
}

impl Status {
    /// The worse of two statuses, for a summary over channels: a time
    /// limit is worse than a node limit, which is worse than a gap limit,
    /// which is worse than proven optimality; an empty channel is neutral.
    pub fn worse(self, other: Status) -> Status {
        let rank = |s: Status| match s {
            Status::Empty => 0,
            Status::Optimal => 1,
            Status::GapLimit => 2,
            Status::NodeLimit => 3,
            Status::TimeLimit => 4,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Optimal => "optimal",
            Status::TimeLimit => "time-limit",
            Status::GapLimit => "gap-limit",
            Status::NodeLimit => "node-limit",
            Status::Empty => "empty",
        })
    }
}

/// The roster of one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelRoster {
    /// Channel (or group) name.
    pub channel: String,
    /// Shifts worked and how many agents work each.
    pub shifts: Vec<(Candidate, u32)>,
    /// Required agents per interval.
    pub required: Vec<u32>,
    /// Scheduled agents per interval (not on a break).
    pub scheduled: Vec<u32>,
    /// Solver status.
    pub status: Status,
    /// Cost of the roster (without shortfall penalties).
    pub cost: f64,
    /// Objective: cost plus the shortfall penalty.
    pub objective: f64,
    /// Best lower bound on the objective.
    pub bound: f64,
    /// Relative gap `(objective − bound) / objective`.
    pub gap: f64,
    /// The cost grid g.
    pub cost_grid: f64,
    /// Agents needed with the weekly days-off rule (`None` without it).
    pub headcount: Option<u32>,
    /// The solver used.
    pub solver: SolverChoice,
}

/// A roster for every channel of a requirement.
///
/// Its grid starts one day before the requirement (shifts may start then to
/// cover the first night): per-interval vectors hold that day first, and
/// `skip` intervals of it are left out of coverage, staffing and totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// The roster's grid: from the day before the requirement's first day
    /// to its last day.
    pub grid: IntervalGrid,
    /// Intervals of the leading day.
    pub skip: usize,
    /// Shift type names, by index.
    pub shift_names: Vec<String>,
    /// Per channel.
    pub channels: Vec<ChannelRoster>,
    /// FTE hours per day used for [`RosterSummary::fte`].
    pub fte_hours_per_day: f64,
}

/// Why a roster cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Bad rules or a grid mismatch.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The solver failed.
    #[error("channel {channel}: the solver failed: {message}")]
    Solver {
        /// Channel.
        channel: String,
        /// The solver's message.
        message: String,
    },
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The greatest common divisor of the costs, on a grid of 1e-6.
fn cost_grid(costs: &[f64]) -> f64 {
    let g = costs
        .iter()
        .map(|c| (c * 1e6).round() as u64)
        .filter(|&c| c > 0)
        .fold(0, gcd);
    if g == 0 {
        1e-6
    } else {
        g as f64 / 1e6
    }
}

/// Builds the cheapest roster for every channel of `req` under `rules`;
/// `source` names the rules file in errors.
///
/// ```
/// use wfm::grid::IntervalGrid;
/// use wfm::requirement::Requirement;
/// use wfm::schedule::{schedule, ScheduleOptions};
/// use wfm::shifts::ShiftRules;
/// // 4-hour shifts may start at 08:00 or 10:00; 3 agents are needed 08–10, 5 10–12, 2 12–14.
/// let rules = ShiftRules::parse(r#"
///     [[shift]]
///     name = "half"
///     earliest_start = "08:00"
///     latest_start = "10:00"
///     start_step_min = 120
///     length_min = 240
///     cost_per_hour = 1.0
/// "#, "rules").unwrap();
/// let mut need = vec![0u32; 24];
/// need[8] = 3; need[9] = 3; need[10] = 5; need[11] = 5; need[12] = 2; need[13] = 2;
/// let grid = IntervalGrid::new(60, "2026-03-10".parse().unwrap(), 1).unwrap();
/// let req = Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap();
/// let r = schedule(&req, &rules, &ScheduleOptions::default(), "rules").unwrap();
/// let phone = &r.channels[0];
/// assert_eq!(phone.status.to_string(), "optimal");
/// // 3 start at 08:00 (cover 08–12) and 2 at 10:00 (cover 10–14): 20 paid hours.
/// assert!((phone.cost - 20.0).abs() < 1e-9);
/// ```
pub fn schedule(
    req: &Requirement,
    rules: &ShiftRules,
    opts: &ScheduleOptions,
    source: &str,
) -> Result<Roster, ScheduleError> {
    let im = req.grid().interval_min();
    let per_day = req.grid().per_day();
    // Shifts may start the day before the first day (a night duty covering
    // its early hours): the model's grid starts a day early, with nothing
    // required on that day, and runs a day late for shifts ending after
    // the last midnight.
    let ext_grid = req
        .grid()
        .first()
        .checked_sub(jiff::Span::new().days(1))
        .ok()
        .and_then(|first| IntervalGrid::new(im, first, req.grid().days() + 1).ok())
        .ok_or_else(|| {
            ScheduleError::Input(InputError::file(
                source,
                format!(
                    "the requirement's dates ({} to {}) leave no room for the day before and after",
                    req.grid().first(),
                    req.grid().last()
                ),
            ))
        })?;
    let (first, days) = (ext_grid.first(), ext_grid.days() as usize);
    let horizon = (days + 1) * per_day;
    let names: Vec<&str> = req.channels().keys().map(String::as_str).collect();
    rules.check_against(&names, im, source)?;
    let mut channels = Vec::new();
    for (name, required) in req.channels() {
        let mut ext = vec![0u32; per_day];
        ext.extend_from_slice(required);
        // Opening hours: nothing is required outside them.
        if let Some((a, b)) = rules.open_minutes(name, source)? {
            for (i, r) in ext.iter_mut().enumerate() {
                let m = (i % per_day) as u32 * im;
                if m < a || m >= b {
                    *r = 0;
                }
            }
        }
        let mut cands = rules.candidates_at_most(
            name,
            first,
            days,
            im,
            horizon,
            source,
            opts.max_candidates,
        )?;
        // A shift that works in no interval with demand can only add cost.
        cands.retain(|c| (c.start..c.end.min(ext.len())).any(|t| ext[t] > 0 && c.works(t)));
        let roster = match opts.solver {
            SolverChoice::Microlp => {
                solve_channel::<MicrolpBackend>(name, &ext, cands, rules, &ext_grid, opts)?
            }
            #[cfg(feature = "cbc")]
            SolverChoice::Cbc => {
                solve_channel::<CbcBackend>(name, &ext, cands, rules, &ext_grid, opts)?
            }
            #[cfg(not(feature = "cbc"))]
            SolverChoice::Cbc => {
                return Err(ScheduleError::Solver {
                    channel: name.clone(),
                    message: "cbc is not built in: rebuild with `--features cbc`".into(),
                })
            }
        };
        channels.push(roster);
    }
    Ok(Roster {
        grid: ext_grid,
        skip: per_day,
        shift_names: rules.shift.iter().map(|s| s.name.clone()).collect(),
        channels,
        fte_hours_per_day: opts.fte_hours_per_day,
    })
}

fn solve_channel<B: Backend>(
    name: &str,
    required: &[u32],
    cands: Vec<Candidate>,
    rules: &ShiftRules,
    grid: &IntervalGrid,
    opts: &ScheduleOptions,
) -> Result<ChannelRoster, ScheduleError> {
    let n_req = required.len();
    let demand: Vec<usize> = (0..n_req).filter(|&t| required[t] > 0).collect();
    let empty = |status| ChannelRoster {
        channel: name.to_string(),
        shifts: Vec::new(),
        required: required.to_vec(),
        scheduled: vec![0; n_req],
        status,
        cost: 0.0,
        objective: 0.0,
        bound: 0.0,
        gap: 0.0,
        cost_grid: 0.0,
        headcount: rules.weekly.as_ref().map(|_| 0),
        solver: opts.solver,
    };
    if demand.is_empty() {
        return Ok(empty(Status::Empty));
    }
    let costs: Vec<f64> = cands.iter().map(|c| c.cost).collect();
    let g = cost_grid(&costs);
    let max_cost = costs.iter().copied().fold(0.0, f64::max).max(g);
    let w = g * (10.0 * max_cost / g).ceil();
    // Which candidates work in each interval with demand.
    let mut covers: Vec<Vec<usize>> = vec![Vec::new(); n_req];
    for (j, c) in cands.iter().enumerate() {
        for t in c.start..c.end.min(n_req) {
            if required[t] > 0 && c.works(t) {
                covers[t].push(j);
            }
        }
    }
    let patterns = rules.work_patterns();
    let type_days: Vec<(usize, usize, Vec<usize>)> = {
        let mut m: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (j, c) in cands.iter().enumerate() {
            m.entry((c.shift, c.day)).or_default().push(j);
        }
        m.into_iter().map(|((s, d), v)| (s, d, v)).collect()
    };
    let day_wd: Vec<usize> = (0..grid.days() as usize)
        .map(|d| weekday_index(grid.day(d).unwrap_or(grid.first())))
        .collect();

    // Variables: x_j (candidates), then s_t (shortfalls), then y_p (patterns).
    let (nx, ns) = (cands.len(), demand.len());
    let mut model = LinearModel {
        cost: costs.clone(),
        integer: vec![true; nx],
        rows: Vec::new(),
    };
    model.cost.extend(std::iter::repeat_n(w, ns));
    model.integer.extend(std::iter::repeat_n(false, ns));
    model.cost.extend(std::iter::repeat_n(0.0, patterns.len()));
    model
        .integer
        .extend(std::iter::repeat_n(true, patterns.len()));
    for (k, &t) in demand.iter().enumerate() {
        let mut terms: Vec<(usize, f64)> = covers[t].iter().map(|&j| (j, 1.0)).collect();
        terms.push((nx + k, 1.0));
        model.rows.push(Row {
            terms,
            at_most: false,
            rhs: required[t] as f64,
        });
    }
    for (si, _day, js) in &type_days {
        let st = &rules.shift[*si];
        let terms: Vec<(usize, f64)> = js.iter().map(|&j| (j, 1.0)).collect();
        if let Some(hi) = st.max_agents {
            model.rows.push(Row {
                terms: terms.clone(),
                at_most: true,
                rhs: hi as f64,
            });
        }
        if let Some(lo) = st.min_agents {
            model.rows.push(Row {
                terms,
                at_most: false,
                rhs: lo as f64,
            });
        }
    }
    if !patterns.is_empty() {
        let y0 = nx + ns;
        for (d, &wd) in day_wd.iter().enumerate() {
            // Shifts on day d ≤ agents whose pattern works that weekday.
            let mut terms: Vec<(usize, f64)> = cands
                .iter()
                .enumerate()
                .filter(|(_, c)| c.day == d)
                .map(|(j, _)| (j, 1.0))
                .collect();
            terms.extend(
                patterns
                    .iter()
                    .enumerate()
                    .filter(|(_, &p)| p & (1 << wd) != 0)
                    .map(|(k, _)| (y0 + k, -1.0)),
            );
            model.rows.push(Row {
                terms,
                at_most: true,
                rhs: 0.0,
            });
        }
        if let Some(cap) = rules.weekly.as_ref().and_then(|w| w.max_headcount) {
            model.rows.push(Row {
                terms: (0..patterns.len()).map(|k| (y0 + k, 1.0)).collect(),
                at_most: true,
                rhs: cap as f64,
            });
        }
    }
    let fail = |message: String| ScheduleError::Solver {
        channel: name.to_string(),
        message,
    };

    // 1. The LP relaxation: a lower bound and a starting point.
    let relaxed = B::relaxation(&model).map_err(fail)?;
    let xs_lp = &relaxed[..nx];
    let ys_lp = &relaxed[nx + ns..];
    let lp_obj: f64 = xs_lp.iter().zip(&costs).map(|(x, c)| x * c).sum::<f64>()
        + demand
            .iter()
            .map(|&t| {
                let cov: f64 = covers[t].iter().map(|&j| xs_lp[j]).sum();
                (required[t] as f64 - cov).max(0.0) * w
            })
            .sum::<f64>();
    let mut lower = g * (lp_obj / g - 1e-7).ceil();

    // 2. Round up and prune: a feasible roster.
    let mut xr: Vec<u32> = xs_lp
        .iter()
        .map(|x| (x - 1e-7).ceil().max(0.0) as u32)
        .collect();
    let cover_of = |xr: &[u32], t: usize| -> u32 { covers[t].iter().map(|&j| xr[j]).sum() };
    let mut order: Vec<usize> = (0..cands.len()).filter(|&j| xr[j] > 0).collect();
    order.sort_by(|&a, &b| costs[b].total_cmp(&costs[a]).then(a.cmp(&b)));
    for &j in &order {
        while xr[j] > 0 {
            let c = &cands[j];
            let ok = (c.start..c.end.min(n_req))
                .all(|t| required[t] == 0 || !c.works(t) || cover_of(&xr, t) > required[t]);
            let type_ok = rules.shift[c.shift].min_agents.is_none_or(|lo| {
                let n: u32 = cands
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| k.shift == c.shift && k.day == c.day)
                    .map(|(i, _)| xr[i])
                    .sum();
                n > lo
            });
            if ok && type_ok {
                xr[j] -= 1;
            } else {
                break;
            }
        }
    }
    let yr: Vec<u32> = ys_lp
        .iter()
        .map(|y| (y - 1e-7).ceil().max(0.0) as u32)
        .collect();
    let objective_of = |xr: &[u32]| -> f64 {
        xr.iter()
            .zip(&costs)
            .map(|(x, c)| *x as f64 * c)
            .sum::<f64>()
            + demand
                .iter()
                .map(|&t| required[t].saturating_sub(cover_of(xr, t)) as f64 * w)
                .sum::<f64>()
    };
    let mut best = xr.clone();
    let mut best_obj = objective_of(&best);

    // 3. Branch and bound from there, asked to stop within one grid step
    //    (or the requested gap).
    let mut status = Status::TimeLimit;
    let grid_gap = 0.999 * g / best_obj.max(g);
    if best_obj - lower < g * 0.999 {
        status = Status::Optimal;
    } else if (best_obj - lower) / best_obj <= opts.mip_gap {
        status = Status::GapLimit;
    } else if opts.time_limit_s > 0.0 && opts.node_limit != Some(0) {
        let mut start: Vec<f64> = best.iter().map(|&x| x as f64).collect();
        start.extend(
            demand
                .iter()
                .map(|&t| required[t].saturating_sub(cover_of(&best, t)) as f64),
        );
        start.extend(yr.iter().map(|&y| y as f64));
        let limits = Limits {
            time_limit_s: opts.time_limit_s,
            node_limit: opts.node_limit,
            gap: grid_gap.max(opts.mip_gap),
        };
        let out = B::branch_and_bound(&model, &start, &limits).map_err(fail)?;
        if let Some(values) = out.values {
            let xs: Vec<u32> = values[..nx]
                .iter()
                .map(|v| v.round().max(0.0) as u32)
                .collect();
            let obj = objective_of(&xs);
            if obj <= best_obj + 1e-9 {
                best = xs;
                best_obj = obj;
            }
        }
        // Every roster costs a multiple of g, so a bound rounds up to the grid.
        if let Some(b) = out.bound.filter(|b| b.is_finite()) {
            lower = lower.max(g * (b / g - 1e-7).ceil());
        }
        if best_obj - lower < g * 0.999 || (out.closed && limits.gap <= grid_gap) {
            status = Status::Optimal;
        } else if out.closed {
            status = Status::GapLimit;
        } else if out.node_limit_hit {
            status = Status::NodeLimit;
        }
    }
    let bound = match status {
        Status::Optimal => best_obj,
        // The solver stopped within the gap of its own bound.
        Status::GapLimit => lower.max(best_obj * (1.0 - opts.mip_gap)).min(best_obj),
        _ => lower.min(best_obj),
    };
    let scheduled: Vec<u32> = (0..n_req)
        .map(|t| {
            cands
                .iter()
                .enumerate()
                .filter(|(j, c)| best[*j] > 0 && c.works(t))
                .map(|(j, _)| best[j])
                .sum()
        })
        .collect();
    let cost: f64 = best.iter().zip(&costs).map(|(x, c)| *x as f64 * c).sum();
    let headcount = if patterns.is_empty() {
        None
    } else {
        let daily: Vec<u32> = (0..grid.days() as usize)
            .map(|d| {
                cands
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.day == d)
                    .map(|(j, _)| best[j])
                    .sum()
            })
            .collect();
        Some(min_headcount(&patterns, &day_wd, &daily).map_err(|e| fail(e.to_string()))?)
    };
    let shifts = cands
        .into_iter()
        .zip(best.iter())
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| (c, n))
        .collect();
    Ok(ChannelRoster {
        channel: name.to_string(),
        shifts,
        required: required.to_vec(),
        scheduled,
        status,
        cost,
        objective: best_obj,
        bound,
        gap: if best_obj > 0.0 {
            (best_obj - bound) / best_obj
        } else {
            0.0
        },
        cost_grid: g,
        headcount,
        solver: opts.solver,
    })
}

/// The fewest agents on days-off patterns that give `daily[d]` agents on each day.
fn min_headcount(
    patterns: &[u8],
    day_wd: &[usize],
    daily: &[u32],
) -> Result<u32, good_lp::ResolutionError> {
    let mut vars = ProblemVariables::new();
    let y: Vec<Variable> = patterns
        .iter()
        .map(|_| vars.add(variable().integer().min(0)))
        .collect();
    let total: Expression = y.iter().copied().sum();
    let mut model = vars.minimise(total).using(good_lp::microlp);
    // Several dates may share a weekday (horizons over a week): the largest need counts.
    let mut need = [0u32; 7];
    for (d, &wd) in day_wd.iter().enumerate() {
        need[wd] = need[wd].max(daily[d]);
    }
    for (wd, &n) in need.iter().enumerate() {
        let avail: Expression = patterns
            .iter()
            .enumerate()
            .filter(|(_, &p)| p & (1 << wd) != 0)
            .map(|(k, _)| y[k])
            .sum();
        model.add_constraint(constraint!(avail >= n as f64));
    }
    let sol = model.solve()?;
    Ok(y.iter().map(|v| sol.value(*v).round() as u32).sum())
}

/// Totals of a roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterSummary {
    /// Paid hours.
    pub paid_hours: f64,
    /// Cost.
    pub cost: f64,
    /// FTE: paid hours / (days × FTE hours per day).
    pub fte: f64,
    /// Over-coverage: scheduled agent-intervals above the requirement / required agent-intervals.
    pub over_coverage: f64,
    /// Required agent-intervals not covered.
    pub shortfall: u32,
    /// The worst status over the channels.
    pub status: Status,
    /// The largest gap over the channels.
    pub gap: f64,
    /// Headcount over the channels with the weekly rule.
    pub headcount: Option<u32>,
}

impl Roster {
    /// Totals over every channel.
    pub fn summary(&self) -> RosterSummary {
        let h = self.grid.interval_min() as f64 / 60.0;
        let mut s = RosterSummary {
            paid_hours: 0.0,
            cost: 0.0,
            fte: 0.0,
            over_coverage: 0.0,
            shortfall: 0,
            status: Status::Empty,
            gap: 0.0,
            headcount: None,
        };
        let (mut over, mut req) = (0u64, 0u64);
        for c in &self.channels {
            s.paid_hours += c
                .shifts
                .iter()
                .map(|(k, n)| (k.end - k.start) as f64 * h * *n as f64)
                .sum::<f64>();
            s.cost += c.cost;
            for (r, x) in c.required.iter().zip(&c.scheduled).skip(self.skip) {
                req += *r as u64;
                over += x.saturating_sub(*r) as u64;
                s.shortfall += r.saturating_sub(*x);
            }
            s.status = s.status.worse(c.status);
            s.gap = s.gap.max(c.gap);
            if let Some(hc) = c.headcount {
                *s.headcount.get_or_insert(0) += hc;
            }
        }
        let days = (self.grid.days() as usize)
            .saturating_sub(self.skip.min(1))
            .max(1);
        s.fte = if self.fte_hours_per_day > 0.0 {
            s.paid_hours / (days as f64 * self.fte_hours_per_day)
        } else {
            0.0
        };
        s.over_coverage = if req > 0 {
            over as f64 / req as f64
        } else {
            0.0
        };
        s
    }

    /// The date and time of interval `i` from the grid's start (past the
    /// grid's last day for shifts ending after the last midnight).
    fn label(&self, i: usize) -> (Date, Time) {
        let per_day = self.grid.per_day().max(1);
        let first = self.grid.first();
        let d = first
            .checked_add(jiff::Span::new().days((i / per_day) as i64))
            .unwrap_or(first);
        let t = crate::grid::slot_time(self.grid.interval_min(), i % per_day)
            .unwrap_or(Time::midnight());
        (d, t)
    }

    /// The shift name of index `k` (empty if unknown).
    fn shift_name(&self, k: usize) -> String {
        self.shift_names.get(k).cloned().unwrap_or_default()
    }

    /// Writes the roster CSV: `date,shift,start,end,agents,breaks,channel`;
    /// breaks as `HH:MM-HH:MM;...`; an end or break past midnight is the next day's time.
    pub fn write_roster<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "date", "shift", "start", "end", "agents", "breaks", "channel",
        ])?;
        for c in &self.channels {
            let mut rows: Vec<&(Candidate, u32)> = c.shifts.iter().collect();
            rows.sort_by_key(|(k, _)| (k.start, k.shift, k.breaks.clone()));
            for (k, n) in rows {
                let (d, st) = self.label(k.start);
                let (_, en) = self.label(k.end);
                let breaks: Vec<String> = k
                    .breaks
                    .iter()
                    .map(|&(a, b)| {
                        format!(
                            "{}-{}",
                            format_time(self.label(a).1),
                            format_time(self.label(b).1)
                        )
                    })
                    .collect();
                out.write_record([
                    d.to_string(),
                    self.shift_name(k.shift),
                    format_time(st),
                    format_time(en),
                    n.to_string(),
                    breaks.join(";"),
                    c.channel.clone(),
                ])?;
            }
        }
        out.flush()
    }

    /// Writes the coverage CSV: `date,time,channel,required,scheduled,gap`
    /// (gap = scheduled − required; negative is a shortfall).
    pub fn write_coverage<W: std::io::Write>(&self, w: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["date", "time", "channel", "required", "scheduled", "gap"])?;
        for i in self.skip..self.grid.len() {
            let (d, t) = self.label(i);
            for c in &self.channels {
                let r = c.required.get(i).copied().unwrap_or(0);
                let x = c.scheduled.get(i).copied().unwrap_or(0);
                out.write_record([
                    d.to_string(),
                    format_time(t),
                    c.channel.clone(),
                    r.to_string(),
                    x.to_string(),
                    (x as i64 - r as i64).to_string(),
                ])?;
            }
        }
        out.flush()
    }

    /// The per-interval staffing `wfm simulate` reads: agents not on a break.
    pub fn staffing(&self) -> StaffingTable {
        let mut t = StaffingTable::default();
        for i in self.skip..self.grid.len() {
            let (d, time) = self.label(i);
            for c in &self.channels {
                let x = c.scheduled.get(i).copied().unwrap_or(0);
                t.rows.push(StaffingRow::new(d, time, &c.channel, x));
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One 8-hour shift type starting at 09:00.
    const DAY_SHIFT: &str = "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 480\ncost_per_hour = 1.0\n";

    fn rules(text: &str) -> ShiftRules {
        ShiftRules::parse(text, "rules").unwrap()
    }

    fn req(need: Vec<u32>, im: u32) -> Requirement {
        let days = (need.len() / crate::grid::intervals_per_day(im)) as u32;
        let grid = IntervalGrid::new(im, "2026-03-10".parse().unwrap(), days).unwrap();
        Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap()
    }

    /// The optimum by enumerating every combination of up to `max` agents per candidate.
    fn brute_force(cands: &[Candidate], need: &[u32], max: u32) -> f64 {
        let n = cands.len();
        let mut best = f64::INFINITY;
        let mut x = vec![0u32; n];
        loop {
            let ok = (0..need.len()).all(|t| {
                let c: u32 = cands
                    .iter()
                    .zip(&x)
                    .filter(|(k, _)| k.works(t))
                    .map(|(_, v)| *v)
                    .sum();
                c >= need[t]
            });
            if ok {
                best = best.min(cands.iter().zip(&x).map(|(k, v)| k.cost * *v as f64).sum());
            }
            let mut i = 0;
            while i < n {
                x[i] += 1;
                if x[i] <= max {
                    break;
                }
                x[i] = 0;
                i += 1;
            }
            if i == n {
                return best;
            }
        }
    }

    #[test]
    fn small_problems_match_enumeration() {
        // Hourly grid, one day; shifts of 4 h starting 06–12 every 2 h with a
        // 1-hour break in hours 1–2, and a dearer 3-hour shift.
        let r = rules(
            r#"
            [[shift]]
            name = "four"
            earliest_start = "06:00"
            latest_start = "12:00"
            start_step_min = 120
            length_min = 240
            cost_per_hour = 1.0
            [[shift.break]]
            length_min = 60
            window_start_min = 60
            window_end_min = 120
            [[shift]]
            name = "three"
            earliest_start = "08:00"
            latest_start = "12:00"
            start_step_min = 120
            length_min = 180
            cost_per_hour = 1.5
            "#,
        );
        let patterns: [&[(usize, u32)]; 3] = [
            &[(7, 1), (8, 2), (9, 2), (10, 1), (13, 1)],
            &[
                (6, 1),
                (7, 1),
                (8, 1),
                (9, 1),
                (10, 2),
                (11, 2),
                (12, 1),
                (14, 1),
            ],
            &[(9, 2), (10, 1), (11, 1), (12, 2), (13, 1), (14, 2)],
        ];
        for p in patterns {
            let mut need = vec![0u32; 24];
            for &(h, n) in p {
                need[h] = n;
            }
            let rq = req(need.clone(), 60);
            let cands = r
                .candidates("phone", rq.grid().first(), 1, 60, 48, "rules")
                .unwrap();
            let exact = brute_force(&cands, &need, 2);
            let covers = |roster: &Roster| {
                roster.channels[0].scheduled[roster.skip..]
                    .iter()
                    .zip(&need)
                    .all(|(x, r)| x >= r)
            };
            let roster = schedule(&rq, &r, &ScheduleOptions::default(), "rules").unwrap();
            let c = &roster.channels[0];
            assert_eq!(c.status, Status::Optimal);
            assert!(
                (c.cost - exact).abs() < 1e-9,
                "optimizer {} vs enumeration {exact}",
                c.cost
            );
            assert!(covers(&roster));
            // Stopped early, by nodes or by gap (with no time limit at all):
            // still a covering roster, and the bound never above the optimum.
            for (node_limit, mip_gap) in [(Some(0), 0.0), (Some(1), 0.0), (None, 0.5)] {
                let opts = ScheduleOptions {
                    time_limit_s: f64::INFINITY,
                    node_limit,
                    mip_gap,
                    ..ScheduleOptions::default()
                };
                let roster = schedule(&rq, &r, &opts, "rules").unwrap();
                let c = &roster.channels[0];
                assert!(c.cost >= exact - 1e-9, "{node_limit:?} {mip_gap}");
                assert!(
                    c.bound <= exact + 1e-9,
                    "{node_limit:?} {mip_gap}: {}",
                    c.bound
                );
                assert!(covers(&roster), "{node_limit:?} {mip_gap}");
            }
        }
    }

    #[cfg(feature = "cbc")]
    #[test]
    fn cbc_and_microlp_agree() {
        let r = rules(
            r#"
            [[shift]]
            name = "six"
            earliest_start = "06:00"
            latest_start = "16:00"
            start_step_min = 60
            length_min = 360
            cost_per_hour = 1.0
            [[shift.break]]
            length_min = 60
            window_start_min = 120
            window_end_min = 240
            "#,
        );
        let mut need = vec![0u32; 24];
        for (h, n) in [
            (7, 3),
            (8, 5),
            (9, 8),
            (10, 9),
            (11, 6),
            (12, 5),
            (13, 7),
            (14, 8),
            (15, 8),
            (16, 5),
            (17, 3),
            (18, 2),
            (19, 2),
            (20, 1),
        ] {
            need[h] = n;
        }
        let rq = req(need, 60);
        let mut costs = Vec::new();
        for solver in [SolverChoice::Microlp, SolverChoice::Cbc] {
            let opts = ScheduleOptions {
                solver,
                ..ScheduleOptions::default()
            };
            let c = schedule(&rq, &r, &opts, "rules")
                .unwrap()
                .channels
                .remove(0);
            assert_eq!(c.status, Status::Optimal);
            assert_eq!(c.solver, solver);
            costs.push(c.cost);
        }
        assert!((costs[0] - costs[1]).abs() < 1e-9, "{costs:?}");
    }

    #[test]
    fn infeasible_rules_report_the_shortfall() {
        let r = rules(&format!("{DAY_SHIFT}max_agents = 2\n"));
        let mut need = vec![0u32; 48];
        need[20] = 3; // 10:00: one more than the cap allows
        need[44] = 1; // 22:00: no shift reaches it
        let roster = schedule(&req(need, 30), &r, &ScheduleOptions::default(), "rules").unwrap();
        let c = &roster.channels[0];
        assert_eq!(c.scheduled[roster.skip + 20], 2);
        assert_eq!(c.scheduled[roster.skip + 44], 0);
        assert_eq!(roster.summary().shortfall, 2);
    }

    #[test]
    fn weekly_rule_counts_heads() {
        let r = rules(&format!("{DAY_SHIFT}[weekly]\nmax_days = 5\n"));
        // 7 days, 4 agents needed at 10:00 every day.
        let mut need = vec![0u32; 7 * 24];
        for d in 0..7 {
            need[d * 24 + 10] = 4;
        }
        let grid = IntervalGrid::new(60, "2026-03-09".parse().unwrap(), 7).unwrap();
        let rq = Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap();
        let roster = schedule(&rq, &r, &ScheduleOptions::default(), "rules").unwrap();
        // 28 agent-days at 5 days each: at least 6 heads (5.6 rounded up).
        assert_eq!(roster.channels[0].headcount, Some(6));
        // A cap of 5 heads gives at most 25 agent-days: 3 short.
        let mut capped = r.clone();
        if let Some(w) = capped.weekly.as_mut() {
            w.max_headcount = Some(5);
        }
        let roster = schedule(&rq, &capped, &ScheduleOptions::default(), "rules").unwrap();
        assert!(roster.channels[0].headcount.unwrap() <= 5);
        assert_eq!(roster.summary().shortfall, 3);
    }
}
