//! Argument parsing and the glue from flags to library calls. No domain logic
//! lives here: every command is a few library calls and a writer.

/// `diag!` that never panics: a closed or full stderr loses the line,
/// not the run.
macro_rules! diag {
    ($($t:tt)*) => { $crate::cli::output::diag_line(format_args!($($t)*)) };
}

mod backtest_cmd;
mod capacity_cmd;
mod centre_ctx;
mod erlang_cmd;
mod fit_cmd;
mod forecast_cmd;
mod output;
mod plan_cmd;
mod review_cmd;
mod roster_cmd;
mod schedule_cmd;
mod simulate_cmd;
mod staff;

use clap::{Args, Parser, Subcommand};
use wfm::io::output::{OutputId, OutputSet};
use wfm::models::channels::ChannelSettings;
use wfm::models::erlang::SlDefinition;

/// Contact-center workforce management: forecasts, Erlang staffing, simulation, rosters.
#[derive(Debug, Parser)]
#[command(name = "wfm", version, about, long_about = None)]
pub struct Cli {
    /// The centre file (wfm.toml) naming every input [default: wfm.toml in
    /// this folder or a parent, or $WFM_CENTRE; WFM_CENTRE=none for none]
    #[arg(long, global = true, value_name = "FILE")]
    centre: Option<std::path::PathBuf>,
    /// No progress spinners or bars on the terminal (they never go to a
    /// pipe or a file)
    #[arg(long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Agents and FTE per interval for a forecast CSV (Erlang C/A, chat, deferred work).
    Staff(staff::StaffArgs),
    /// Metrics or required agents for one interval: a quick question.
    Erlang(erlang_cmd::ErlangArgs),
    /// Expected volumes per interval and channel from a scenario file.
    Forecast(forecast_cmd::ForecastArgs),
    /// Learn a scenario file from history (volumes per interval and channel).
    Fit(fit_cmd::FitArgs),
    /// Rolling-origin backtest of `fit` against simple baselines on a history.
    Backtest(backtest_cmd::BacktestArgs),
    /// Simulate the center: service per interval with confidence intervals.
    Simulate(simulate_cmd::SimulateArgs),
    /// The cheapest roster of real shifts covering a requirement (a MIP, with its gap).
    Schedule(schedule_cmd::ScheduleArgs),
    /// The end-to-end plan: forecast, requirement, roster, simulation, in rounds.
    Plan(plan_cmd::PlanArgs),
    /// The holiday capacity review: the team as it is, shortfall, service, cost, what-ifs, the cheapest fix, a report.
    Review(review_cmd::ReviewArgs),
    /// The long-range capacity plan: required FTE and headcount by week, attrition, hiring classes, the hiring optimizer.
    Capacity(capacity_cmd::CapacityArgs),
    /// Rosters of named agents: the optimizer's shifts given to agents under labour rules, fairness, preferences and leave.
    Roster(roster_cmd::RosterArgs),
    /// Check a roster of named agents against the labour rules: every violation, one line each.
    CheckRoster(wfm::jobs::roster::CheckRequest),
}

/// Channel settings as flags: the defaults for channels (and keys) the
/// channels file does not name.
#[derive(Debug, Clone, Args)]
pub struct ChannelFlags {
    /// Target share answered within --answer-within-s (0 for none) [default: 0.8]
    #[arg(long, value_name = "SHARE")]
    service_level: Option<f64>,
    /// Service-level threshold, seconds [default: 20]
    #[arg(long, value_name = "S")]
    answer_within_s: Option<f64>,
    /// Highest average speed of answer, seconds
    #[arg(long, value_name = "S")]
    max_asa_s: Option<f64>,
    /// Highest abandonment rate, share (needs a patience)
    #[arg(long, value_name = "SHARE")]
    max_abandon: Option<f64>,
    /// Highest occupancy, share
    #[arg(long, value_name = "SHARE")]
    max_occupancy: Option<f64>,
    /// Mean patience, seconds (enables Erlang A)
    #[arg(long, value_name = "S")]
    patience_s: Option<f64>,
    /// Shrinkage, share of paid time not available [default: 0]
    #[arg(long, value_name = "SHARE")]
    shrinkage: Option<f64>,
    /// Share of the volume solved by the bot/IVR [default: 0]
    #[arg(long, value_name = "SHARE")]
    containment: Option<f64>,
    /// Contacts one agent handles at once [default: 1]
    #[arg(long, value_name = "K")]
    concurrency: Option<u32>,
    /// How abandons count in the service level [default: offered]
    #[arg(long, value_name = "DEF", value_parser = parse_sl_def)]
    sl_definition: Option<SlDefinition>,
}

/// Records the centre's files and the files the request names as inputs,
/// before any output is claimed: an output naming one is refused before
/// any work.
fn given(req: &impl wfm::jobs::GivenFiles, ctx: &centre_ctx::Ctx, outs: &mut OutputSet) {
    let setup = wfm::jobs::Setup::new(ctx.centre.clone());
    for (what, p) in setup.inputs.into_iter().chain(req.given_files()) {
        outs.input(what, &p);
    }
}

/// Claims an optional output file.
fn claim_opt(
    outs: &mut OutputSet,
    path: Option<&std::path::Path>,
    flag: &str,
) -> anyhow::Result<Option<OutputId>> {
    Ok(match path {
        Some(p) => Some(outs.claim(Some(p), flag)?),
        None => None,
    })
}

/// Claims every file of an output directory (`--out DIR`), or standard
/// output for the one table printed when there is no directory.
fn claim_dir<'a>(
    outs: &mut OutputSet,
    dir: Option<&std::path::Path>,
    files: impl IntoIterator<Item = &'a &'static str>,
) -> anyhow::Result<Vec<OutputId>> {
    Ok(match dir {
        Some(dir) => files
            .into_iter()
            .map(|name| outs.claim(Some(&dir.join(name)), "--out"))
            .collect::<Result<Vec<_>, _>>()?,
        None => vec![outs.claim(None, "--out")?],
    })
}

/// The tables to publish for `--out` (every table, or `one` for stdout)
/// and, with `--xlsx`, the workbook of every table set on its claim: the
/// job's whole output is made once, only when one of the two needs it.
fn tables_and_workbook(
    outs: &mut OutputSet,
    to_dir: bool,
    xlsx: Option<OutputId>,
    money: &wfm::core::money::Money,
    all: impl FnOnce() -> Result<Vec<wfm::jobs::Table>, wfm::jobs::Error>,
    one: impl FnOnce() -> Result<wfm::jobs::Table, wfm::jobs::Error>,
) -> anyhow::Result<Vec<wfm::jobs::Table>> {
    let every = if to_dir || xlsx.is_some() {
        Some(all()?)
    } else {
        None
    };
    if let (Some(id), Some(every)) = (xlsx, &every) {
        outs.set(id, wfm::jobs::workbook(every, money)?);
    }
    Ok(match (to_dir, every) {
        (true, Some(every)) => every,
        _ => vec![one()?],
    })
}

/// Fills the claims with the tables, in order, and publishes them all or
/// none.
fn publish(
    mut outs: OutputSet,
    ids: &[OutputId],
    tables: Vec<wfm::jobs::Table>,
) -> anyhow::Result<()> {
    for (id, t) in ids.iter().zip(tables) {
        outs.set(*id, t.bytes);
    }
    outs.commit()?;
    Ok(())
}

/// Prints a prepared job's notes and warnings and records every file it
/// read as an input (one named by another input, found only now, stops the
/// commit if an output names it).
fn prepared(s: &wfm::jobs::Setup, outs: &mut OutputSet) {
    print_setup(s);
    for (what, p) in &s.inputs {
        outs.input(what.as_str(), p);
    }
}

/// Prints a job's notes and warnings.
fn print_setup(s: &wfm::jobs::Setup) {
    for n in &s.notes {
        diag!("wfm: note: {n}");
    }
    warn_all(&s.warnings);
}

/// Runs `f` with the output directory `out` (when given) created up front,
/// so every file can be claimed before the work; if the run fails, a
/// directory it created is removed again.
fn in_out_dir(
    out: Option<&std::path::Path>,
    f: impl FnOnce() -> anyhow::Result<i32>,
) -> anyhow::Result<i32> {
    use anyhow::Context;
    let created = out.is_some_and(|d| !d.exists());
    if let (Some(dir), true) = (out, created) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--out {}: cannot create the directory", dir.display()))?;
    }
    let res = f();
    if let (Some(dir), true, true) = (out, res.is_err(), created) {
        let _ = std::fs::remove_dir(dir);
    }
    res
}

fn parse_sl_def(s: &str) -> Result<SlDefinition, String> {
    s.parse()
}

impl ChannelFlags {
    fn settings(&self) -> ChannelSettings {
        ChannelSettings {
            service_level: self.service_level,
            answer_within_s: self.answer_within_s,
            max_asa_s: self.max_asa_s,
            max_abandon: self.max_abandon,
            max_occupancy: self.max_occupancy,
            patience_s: self.patience_s,
            shrinkage: self.shrinkage,
            containment: self.containment,
            concurrency: self.concurrency,
            sl_definition: self.sl_definition,
            kind: if self.concurrency.is_some_and(|k| k > 1) {
                Some(wfm::models::channels::ChannelKind::Chat)
            } else {
                None
            },
            ..ChannelSettings::default()
        }
    }
}

/// Prints warnings about inputs that were read anyway.
fn warn_all(warnings: &[wfm::core::input::Warning]) {
    for w in warnings {
        diag!("wfm: warning: {w}");
    }
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    // Negative numbers reach the flags' own checks ("--shrinkage: expected a
    // share in [0, 1)") instead of being taken for unknown flags.
    let cmd = <Cli as clap::CommandFactory>::command().mut_subcommands(|sub| {
        sub.mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
    });
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            if e.use_stderr() {
                // One line: clap's message and its details (the missing
                // arguments, a tip), without the usage block.
                let text = e.to_string();
                let parts: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .take_while(|l| !l.starts_with("Usage:"))
                    .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
                    .collect();
                let msg = parts.join(" ");
                let msg = msg.trim_start_matches("error: ");
                let msg = if msg.is_empty() {
                    "invalid arguments"
                } else {
                    msg
                };
                diag!("wfm: error: {} (see `wfm --help`)", one_line(msg));
                return 2;
            }
            let _ = output::print_answer(&e.to_string());
            return 0;
        }
    };
    let result =
        centre_ctx::Ctx::locate(cli.centre.as_deref(), cli.quiet).and_then(|ctx| {
            match cli.command {
                Command::Staff(a) => staff::run(a, &ctx),
                Command::Erlang(a) => erlang_cmd::run(a),
                Command::Forecast(a) => forecast_cmd::run(a, &ctx),
                Command::Fit(a) => fit_cmd::run(a, &ctx),
                Command::Backtest(a) => backtest_cmd::run(a, &ctx),
                Command::Simulate(a) => simulate_cmd::run(a, &ctx),
                Command::Schedule(a) => schedule_cmd::run(a, &ctx),
                Command::Plan(a) => plan_cmd::run(a, &ctx),
                Command::Review(a) => review_cmd::run(a, &ctx),
                Command::Capacity(a) => capacity_cmd::run(a, &ctx),
                Command::Roster(a) => roster_cmd::run(a, &ctx),
                Command::CheckRoster(a) => roster_cmd::run_check(a, &ctx),
            }
        });
    match result {
        Ok(code) => code,
        Err(e) => {
            diag!("wfm: error: {}", one_line(&format!("{e:#}")));
            2
        }
    }
}

/// An error message on one line: line breaks become spaces, and very long
/// messages are cut (an input's 1 MB field is not echoed whole).
fn one_line(msg: &str) -> String {
    const MAX: usize = 2000;
    let mut s: String = wfm::core::input::cut_long_values(msg)
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if s.len() > MAX {
        let mut cut = MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("… (cut)");
    }
    s
}
