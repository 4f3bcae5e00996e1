//! `wfm plan`: forecast → requirement → roster → simulation, in rounds.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use wfm::channels::ChannelsFile;
use wfm::plan::{plan, PlanInputs, PlanOptions, PlanRound};
use wfm::requirement::write_staffing_table;
use wfm::shifts::ShiftRules;

use super::centre_ctx::Ctx;
use super::parse_date_flag;
use wfm::centre::Item;
use wfm::output::OutputSet;

/// Arguments of `wfm plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Scenario TOML (with `channels_file` and `shifts_file`, or give the
    /// flags) [default: the centre's `scenario`]
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Output directory
    #[arg(long, default_value = "plan", value_name = "DIR")]
    out: PathBuf,
    /// Channel settings TOML [default: the scenario's channels_file]
    #[arg(long, value_name = "FILE")]
    channels: Option<PathBuf>,
    /// Shift rules TOML [default: the scenario's shifts_file]
    #[arg(long, value_name = "FILE")]
    shifts: Option<PathBuf>,
    /// First date [default: the scenario's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    from: Option<jiff::civil::Date>,
    /// Last date [default: the scenario's]
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    to: Option<jiff::civil::Date>,
    /// Rounds of schedule and simulate at most
    #[arg(long, default_value_t = 4, value_name = "N")]
    rounds: usize,
    /// Replications per simulation
    #[arg(long, default_value_t = 20, value_name = "N")]
    replications: usize,
    /// Seed of the simulations
    #[arg(long, default_value_t = 1, value_name = "SEED")]
    seed: u64,
    /// Solver time limit per channel and round, seconds (a safety net: the
    /// node limit, which gives the same plan on every machine, usually ends the search first)
    #[arg(long, default_value_t = 60.0, value_name = "S")]
    time_limit_s: f64,
    /// Branch-and-bound nodes per channel and round at most (microlp only); 0: no branch and bound (the rounded LP roster); `none`: no limit
    #[arg(long, default_value = "10000", value_parser = super::parse_node_limit, value_name = "N")]
    node_limit: super::NodeLimit,
    /// Relative gap at which the optimizer may stop (0: prove optimality)
    #[arg(long, default_value_t = 0.0, value_name = "R")]
    mip_gap: f64,
    /// Simulation threads [default: one per core; never more than the cores]
    #[arg(long, value_parser = super::parse_threads, value_name = "N")]
    threads: Option<usize>,
    /// Candidate shifts per channel at most [default: 2000000]
    #[arg(long, value_name = "N")]
    max_shifts: Option<usize>,
    #[command(flatten)]
    limits: super::LimitFlags,
    /// MIP solver: microlp (the default: its node limit makes the plan reproducible), or cbc when built with `--features cbc`
    #[arg(long, value_parser = super::schedule_cmd::parse_solver, value_name = "SOLVER")]
    solver: Option<wfm::schedule::SolverChoice>,
    /// Plan by the channels file's [group.NAME] agent groups (multi-skill), next to planning each channel on its own; adds groups.csv and comparison.csv
    #[arg(long)]
    groups: bool,
    /// Ignore the channels file's blends ([group.NAME] blend = ...): the campaigns' collectors make every attempt (to compare)
    #[arg(long)]
    no_blend: bool,
    /// --groups: replications per candidate staffing of the group search
    #[arg(long, default_value_t = 12, value_name = "N")]
    group_replications: usize,
    /// --groups: most blocks of like load to search
    #[arg(long, default_value_t = 2000, value_name = "N")]
    max_blocks: usize,
    /// --groups: volume bucket, share of each channel's largest volume
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    bucket_share: f64,
}

/// The files `wfm plan --groups` writes besides [`PLAN_FILES`].
pub const GROUP_FILES: [&str; 2] = ["groups.csv", "comparison.csv"];

/// The files `wfm plan` writes into its directory, in order.
pub const PLAN_FILES: [&str; 11] = [
    "forecast.csv",
    "requirement.csv",
    "requirement_final.csv",
    "roster.csv",
    "coverage.csv",
    "staffing.csv",
    "simulated_intervals.csv",
    "simulated_summary.csv",
    "rounds.csv",
    "index.html",
    "campaigns.csv",
];

pub fn run(a: PlanArgs, ctx: &Ctx) -> Result<i32> {
    super::in_out_dir(Some(&a.out), || run_in(&a, ctx))
}

fn run_in(a: &PlanArgs, ctx: &Ctx) -> Result<i32> {
    let mut outs = OutputSet::new();
    ctx.protect(&mut outs);
    let scenario_path = ctx.need(Item::Scenario, a.scenario.as_deref(), "--scenario")?;
    let source = scenario_path.display().to_string();
    let scenario = ctx.scenario(&scenario_path, &mut outs)?;
    let (channels_path, shifts_path) = ctx.scenario_files(
        Some((&scenario, &scenario_path)),
        a.channels.as_deref(),
        a.shifts.as_deref(),
    );
    let Some(channels_path) = channels_path else {
        bail!("{source}: channels_file: no channel settings; give `channels_file` in the scenario, --channels, or `channels` in the centre file");
    };
    let Some(shifts_path) = shifts_path else {
        bail!("{source}: shifts_file: no shift rules; give `shifts_file` in the scenario, --shifts, or `shifts` in the centre file");
    };
    outs.input("--channels", &channels_path);
    outs.input("--shifts", &shifts_path);
    let mut ids = Vec::new();
    for name in PLAN_FILES {
        ids.push(outs.claim(Some(&a.out.join(name)), "--out")?);
    }
    let mut group_ids = Vec::new();
    if a.groups {
        for name in GROUP_FILES {
            group_ids.push(outs.claim(Some(&a.out.join(name)), "--out")?);
        }
        if !(a.bucket_share.is_finite() && a.bucket_share > 0.0 && a.bucket_share <= 1.0) {
            bail!(
                "--bucket-share: expected a share in (0, 1], got {}",
                a.bucket_share
            );
        }
        if a.group_replications == 0 {
            bail!("--group-replications: expected at least 1");
        }
    }
    let channels = ChannelsFile::from_path(&channels_path)?;
    let rules = ShiftRules::from_path(&shifts_path)?;
    let (from, to) = scenario.date_range(a.from, a.to, &source)?;
    ctx.check_calendar(&scenario, &scenario_path, from, to);
    super::warn_all(
        &wfm::channels::ChannelBook::new(
            channels.clone(),
            &channels_path.display().to_string(),
            Default::default(),
        )
        .defaulted(scenario.channel.keys().map(String::as_str)),
    );
    if a.replications == 0 {
        bail!("--replications: expected at least 1");
    }
    super::check_solver_limits(a.time_limit_s, a.mip_gap)?;
    let mut opts = PlanOptions {
        rounds: a.rounds,
        replications: a.replications,
        seed: a.seed,
        threads: a.threads,
        limits: a.limits.limits()?,
        no_blend: a.no_blend,
        ..PlanOptions::default()
    };
    opts.schedule.node_limit = a.node_limit.0;
    opts.schedule.mip_gap = a.mip_gap;
    opts.schedule.time_limit_s = a.time_limit_s;
    if let Some(s) = a.solver {
        opts.schedule.solver = s;
    }
    if let Some(m) = a.max_shifts {
        opts.schedule.max_candidates = m;
    }
    super::warn_node_limit(opts.schedule.solver, opts.schedule.node_limit);
    let channels_source = channels_path.display().to_string();
    let rules_source = shifts_path.display().to_string();
    let inputs = PlanInputs {
        scenario: &scenario,
        from,
        to,
        channels: &channels,
        channels_source: &channels_source,
        rules: &rules,
        rules_source: &rules_source,
    };
    if a.groups {
        opts.groups = Some(wfm::multiskill::GroupStaffOptions {
            replications: a.group_replications,
            seed: a.seed,
            bucket_share: a.bucket_share,
            max_blocks: a.max_blocks,
        });
    }
    let say = |by_groups: bool, r: &PlanRound| {
        let worst = r.worst.as_ref().map_or(String::new(), |w| {
            format!(
                ", worst {} {} {} at {:.1}%",
                w.channel,
                w.date,
                wfm::textio::format_time(w.time),
                100.0 * w.service_level
            )
        });
        let which = match (a.groups, by_groups) {
            (false, _) => "",
            (true, true) => "by groups: ",
            (true, false) => "each channel on its own: ",
        };
        diag!(
                "wfm: plan: {which}round {}: {} required agent-intervals, {:.1} paid hours, cost {:.2}{}, solver gap {:.3}%, {} interval(s) missing a target{worst}",
                r.round,
                r.required_agent_intervals,
                r.paid_hours,
                r.cost,
                r.headcount.map_or(String::new(), |h| format!(", headcount {h}")),
                100.0 * r.gap,
                r.misses
            );
        if r.outbound_behind > 0 || !r.reserves.is_empty() {
            let reserves: Vec<String> = r
                .reserves
                .iter()
                .map(|(g, n)| format!("{g} blends with reserve {n}"))
                .collect();
            diag!(
                "wfm: plan: {which}round {}: {}; {} campaign day(s) behind their list",
                r.round,
                reserves.join(", "),
                r.outbound_behind
            );
        }
    };
    let title = format!(
        "Plan: {}",
        scenario.name.clone().unwrap_or_else(|| source.clone())
    );
    let (result, page) = if a.groups {
        let gp = wfm::plan::compare_with_single(&inputs, &opts, say)?;
        if let Some(gs) = &gp.groups.group_search {
            diag!(
                "wfm: plan: group requirement: {} block(s) in {} component(s), {} simulations, each locally optimal on its sample{}",
                gs.blocks,
                gs.components,
                gs.simulations,
                if gs.unmet > 0 {
                    format!("; {} interval(s) met no staffing with every target", gs.unmet)
                } else {
                    String::new()
                }
            );
        }
        diag!(
            "wfm: plan: by groups cost {:.2} against {:.2} planning each channel on its own: {:.1}% saved",
            gp.groups_cost(),
            gp.single_cost(),
            100.0 * gp.saving()
        );
        for c in &gp.service {
            diag!(
                "wfm: plan: {}: service level {:.1}% by groups, {:.1}% on its own (target {}); {} and {} interval(s) missed",
                c.channel,
                100.0 * c.groups_sl,
                100.0 * c.single_sl,
                c.target_sl.map_or("none".to_string(), |t| format!("{:.0}%", 100.0 * t)),
                c.groups_misses,
                c.single_misses
            );
        }
        outs.fill(group_ids[0], |b| {
            wfm::plan::write_groups(b, &gp.groups.groups)
        })?;
        outs.fill(group_ids[1], |b| wfm::plan::write_comparison(b, &gp))?;
        let page = wfm::report::group_plan_page(&gp, &title)?;
        (gp.groups, page)
    } else {
        let result = plan(&inputs, &opts, |r| say(false, r))?;
        let page = wfm::report::plan_page(&result, &title)?;
        (result, page)
    };
    super::warn_all(&wfm::requirement::outbound_time_warnings(
        &result.forecast,
        &wfm::channels::ChannelBook::new(
            channels.clone(),
            &channels_path.display().to_string(),
            Default::default(),
        ),
    ));
    super::print_campaign_days("wfm: plan: ", &result.simulation.campaigns());
    for b in &result.blends {
        diag!(
            "wfm: plan: blend {}: {} agents call out on {} with {}: {:.0} outbound calls by them, {:.0} by the collectors ({} collector agent-intervals credited to the blend)",
            b.blend.group,
            b.blend.inbound,
            b.blend.outbound,
            super::reserve_text(b),
            b.calls_by_blended,
            b.calls_by_collectors,
            b.collector_intervals_saved
        );
    }
    // Everything is computed; now write the files.
    let final_table = result.final_requirement.to_table();
    outs.fill(ids[0], |b| result.forecast.write(b))?;
    outs.fill(ids[1], |b| {
        wfm::requirement::write_staffing(b, &result.requirement)
    })?;
    outs.fill(ids[2], |b| write_staffing_table(&final_table, b))?;
    outs.fill(ids[3], |b| result.roster.write_roster(b))?;
    outs.fill(ids[4], |b| result.roster.write_coverage(b))?;
    outs.fill(ids[5], |b| {
        write_staffing_table(&result.roster.staffing(), b)
    })?;
    outs.fill(ids[6], |b| result.simulation.write_intervals(b))?;
    outs.fill(ids[7], |b| result.simulation.write_summary(b))?;
    outs.fill(ids[8], |b| wfm::plan::write_rounds(b, &result.rounds))?;
    outs.set(ids[9], page.into_bytes());
    let campaigns = result.simulation.campaigns();
    outs.fill(ids[10], |b| wfm::capacity::write_campaigns(b, &campaigns))?;
    outs.commit()?;
    diag!(
        "wfm: plan: wrote {} files to {}",
        PLAN_FILES.len() + group_ids.len(),
        a.out.display()
    );
    let code = super::schedule_cmd::report(&result.roster);
    let misses = result
        .rounds
        .last()
        .map_or(0, |r| r.misses + r.outbound_behind);
    Ok(if misses > 0 || code != 0 { 1 } else { 0 })
}
