//! The solver layer: a mixed-integer program in plain form
//! (`LinearModel`, crate-internal) and the backends that solve it — microlp driven
//! directly (warm start, node limit, best bound) and CBC through `good_lp`
//! — behind one trait, shared by the shift optimizer ([`crate::optimize::schedule`])
//! and the hiring optimizer ([`crate::supply::capacity`]).

#[cfg(feature = "cbc")]
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolutionStatus, SolverModel,
    Variable,
};
use serde::{Deserialize, Serialize};

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
pub(crate) struct LinearModel {
    /// Objective coefficient of each variable.
    pub(crate) cost: Vec<f64>,
    /// Whether each variable is integer (ignored by the relaxation).
    pub(crate) integer: Vec<bool>,
    pub(crate) rows: Vec<Row>,
}

/// `Σ coef·x ≥ rhs` (or `≤` when `at_most`).
pub(crate) struct Row {
    pub(crate) terms: Vec<(usize, f64)>,
    pub(crate) at_most: bool,
    pub(crate) rhs: f64,
}

/// How long the branch and bound may run and when it may stop.
pub(crate) struct Limits {
    pub(crate) time_limit_s: f64,
    pub(crate) node_limit: Option<u64>,
    /// Relative gap at which it may stop with its incumbent.
    pub(crate) gap: f64,
}

/// What the branch and bound returned.
pub(crate) struct MipOutcome {
    /// The best solution it found (`None`: none before a limit).
    pub(crate) values: Option<Vec<f64>>,
    /// Whether it stopped because the gap was closed (not at a limit).
    pub(crate) closed: bool,
    /// Whether it stopped at the node limit.
    pub(crate) node_limit_hit: bool,
    /// Its best proven lower bound, when the solver reports one.
    pub(crate) bound: Option<f64>,
}

/// A MIP solver the optimizer can use.
pub(crate) trait Backend {
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
pub(crate) struct MicrolpBackend;

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
pub(crate) struct CbcBackend;

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

/// Branch and bound with the backend `choice` names (CBC only when built
/// in; asking for it otherwise is an error).
pub(crate) fn branch_and_bound(
    choice: SolverChoice,
    m: &LinearModel,
    start: &[f64],
    limits: &Limits,
) -> Result<MipOutcome, String> {
    match choice {
        SolverChoice::Microlp => MicrolpBackend::branch_and_bound(m, start, limits),
        #[cfg(feature = "cbc")]
        SolverChoice::Cbc => CbcBackend::branch_and_bound(m, start, limits),
        #[cfg(not(feature = "cbc"))]
        SolverChoice::Cbc => Err("cbc is not built in: rebuild with `--features cbc`".into()),
    }
}

/// The linear relaxation with the backend `choice` names.
pub(crate) fn relaxation(choice: SolverChoice, m: &LinearModel) -> Result<Vec<f64>, String> {
    match choice {
        SolverChoice::Microlp => MicrolpBackend::relaxation(m),
        #[cfg(feature = "cbc")]
        SolverChoice::Cbc => CbcBackend::relaxation(m),
        #[cfg(not(feature = "cbc"))]
        SolverChoice::Cbc => Err("cbc is not built in: rebuild with `--features cbc`".into()),
    }
}
