//! `wfm schedule`: the cheapest roster of real shifts covering a requirement.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use wfm::requirement::StaffingTable;
use wfm::requirement::{write_staffing_table, Requirement};
use wfm::schedule::{schedule, Roster, ScheduleOptions, SolverChoice};
use wfm::shifts::ShiftRules;

use super::centre_ctx::Ctx;
use wfm::centre::Item;
use wfm::output::OutputSet;

/// Arguments of `wfm schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Requirement CSV: date,time,channel,agents (or group); `wfm staff`
    /// output as is [default: the centre's `requirements`]
    #[arg(long, value_name = "FILE")]
    requirements: Option<PathBuf>,
    /// Shift rules TOML [default: the centre's `shifts`]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// Interval length of the requirement, minutes
    #[arg(long, default_value_t = 30, value_name = "MIN")]
    interval_min: u32,
    /// Time limit of the solver per channel, seconds; the best roster so far is returned
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    time_limit_s: f64,
    /// Branch-and-bound nodes per channel at most, a budget that gives the same roster on any machine (microlp only); 0: no branch and bound (the rounded LP roster); `none`: no limit
    #[arg(long, default_value = "none", value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: super::NodeLimit,
    /// Candidate shifts per channel at most [default: 2000000]
    #[arg(long, value_name = "N")]
    max_shifts: Option<usize>,
    /// Relative gap at which the optimizer may stop (0: prove optimality)
    #[arg(long, default_value_t = 0.0, value_name = "R")]
    mip_gap: f64,
    /// Roster CSV: date,shift,start,end,agents,breaks,channel [default: stdout]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Coverage CSV: date,time,channel,required,scheduled,gap
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// Per-interval staffing for `wfm simulate`: date,time,channel,agents
    #[arg(long, value_name = "FILE")]
    staffing_out: Option<PathBuf>,
    /// Calendar CSV for `[[premium]] day_types` (statutory holidays, rest
    /// days) [default: the rules' `calendar`, else the centre's `calendars`]
    #[arg(long, value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// MIP solver: microlp, or cbc when built with `--features cbc` [default: cbc if built, else microlp]
    #[arg(long, value_parser = parse_solver, value_name = "SOLVER")]
    solver: Option<SolverChoice>,
}

pub fn parse_solver(s: &str) -> Result<SolverChoice, String> {
    s.parse()
}

/// Prints the roster summary on stderr; returns the exit code (1 when
/// coverage falls short of the requirement).
pub fn report(roster: &Roster) -> i32 {
    let s = roster.summary();
    diag!(
        "wfm: roster: {:.1} paid hours, cost {:.2}, {:.2} FTE, over-coverage {:.1}%{}",
        s.paid_hours,
        s.cost,
        s.fte,
        100.0 * s.over_coverage,
        s.headcount
            .map_or(String::new(), |h| format!(", headcount {h}"))
    );
    for c in &roster.channels {
        diag!(
            "wfm: roster: {}: solver {} ({}), objective {:.2}, bound {:.2}, gap {:.3}%, cost grid {}",
            c.channel,
            c.status,
            c.solver,
            c.objective,
            c.bound,
            100.0 * c.gap,
            c.cost_grid
        );
    }
    if s.shortfall > 0 {
        diag!(
            "wfm: roster: coverage falls short by {} agent-intervals under these rules (see the gap column of the coverage CSV)",
            s.shortfall
        );
        1
    } else {
        0
    }
}

pub fn run(a: ScheduleArgs, ctx: &Ctx) -> Result<i32> {
    let requirements = ctx.need(
        Item::Requirements,
        a.requirements.as_deref(),
        "--requirements",
    )?;
    let shifts = ctx.need(Item::Shifts, a.shifts.as_deref(), "--shifts")?;
    let source = shifts.display().to_string();
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    outs.input("--requirements", &requirements);
    outs.input("--shifts", &shifts);
    if let Some(c) = &a.calendar {
        outs.input("--calendar", c);
    }
    let out = outs.claim(a.out.as_deref(), "--out")?;
    let cov = match &a.coverage {
        Some(p) => Some(outs.claim(Some(p), "--coverage")?),
        None => None,
    };
    let staff = match &a.staffing_out {
        Some(p) => Some(outs.claim(Some(p), "--staffing-out")?),
        None => None,
    };
    let mut rules = ShiftRules::from_path(&shifts)?;
    let _currency = ctx.currency();
    let calendar_name = if let Some(c) = &a.calendar {
        let (cal, w) = wfm::calendar::Calendar::from_path(c)?;
        super::warn_all(&w);
        rules = rules.with_calendar(cal);
        c.display().to_string()
    } else if let Some(c) = &rules.calendar {
        c.clone()
    } else if let Some((cal, name)) = ctx.calendar()? {
        rules = rules.with_calendar(cal);
        name
    } else {
        String::new()
    };
    let (table, warnings) = StaffingTable::from_path(&requirements, a.interval_min)?;
    super::warn_all(&warnings);
    let Some(req) =
        Requirement::from_table(&table, a.interval_min, &requirements.display().to_string())?
    else {
        bail!("{}: the requirement has no rows", requirements.display());
    };
    let grid = req.grid();
    if calendar_name.is_empty() {
        diag!(
            "wfm: warning: no calendar: holidays in {} to {} are priced as ordinary days; give --calendar or set `calendars` in the centre file",
            grid.first(),
            grid.last()
        );
    } else {
        super::warn_all(&wfm::centre::calendar_coverage(
            &rules.calendar_data,
            &calendar_name,
            grid.first(),
            grid.last(),
        ));
    }
    super::warn_all(&wfm::opening::outside_opening(&req, &rules, &source)?);
    let names: Vec<&str> = req.channels().keys().map(String::as_str).collect();
    for n in rules.unused_open(&names) {
        diag!("wfm: warning: {source}: [open.{n}]: no channel {n:?} in the requirement; ignored");
    }
    super::check_solver_limits(a.time_limit_s, a.mip_gap)?;
    let mut opts = ScheduleOptions {
        time_limit_s: a.time_limit_s,
        node_limit: a.node_limit.0,
        max_candidates: a.max_shifts.unwrap_or(wfm::shifts::DEFAULT_MAX_CANDIDATES),
        mip_gap: a.mip_gap,
        ..ScheduleOptions::default()
    };
    if let Some(s) = a.solver {
        opts.solver = s;
    }
    super::warn_node_limit(opts.solver, opts.node_limit);
    let roster = schedule(&req, &rules, &opts, &source)?;
    if let Some(id) = cov {
        outs.fill(id, |buf| roster.write_coverage(buf))?;
    }
    if let Some(id) = staff {
        outs.fill(id, |buf| write_staffing_table(&roster.staffing(), buf))?;
    }
    outs.fill(out, |buf| roster.write_roster(buf))?;
    outs.commit()?;
    Ok(report(&roster))
}
