//! Every reader fed values at and beyond its bounds (property test): each
//! number of every shipped TOML file and each number or date of the
//! shipped CSVs set, one at a time, to 0, a negative, NaN, ±inf, 1e308 or
//! a date from 0001 to 9999, then read by the job that reads that file
//! (and run where the job is cheap), under a deadline. The job must not
//! panic or hang; it either accepts the value or refuses it with one line
//! that names the file.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use wfm::core::centre::Centre;
use wfm::jobs;

use crate::root;

/// The hostile values for a number.
const NUMBERS: [&str; 9] = [
    "0",
    "-1",
    "-1e308",
    "1e308",
    "nan",
    "inf",
    "-inf",
    "4294967296",
    "\"x\"",
];
/// The hostile values for a date.
const DATES: [&str; 6] = [
    "0001-01-01",
    "1899-12-31",
    "2200-01-01",
    "9999-12-27",
    "9999-12-31",
    "2026-02-30",
];

/// How long one case may take (prepare, and run where cheap).
const DEADLINE: Duration = Duration::from_secs(60);

/// Which job reads a file, and whether to run it after preparing.
#[derive(Debug, Clone, Copy)]
enum Job {
    Review,
    Capacity,
    Roster,
    Fit,
    /// `wfm forecast` of a scenario (run).
    Forecast(&'static str),
    /// `wfm plan`'s preparation of a scenario.
    Plan(&'static str),
    /// `wfm staff` of a forecast CSV with a channels file (run).
    Staff(&'static str),
}

/// The shipped files and the job that reads each.
const FILES: [(&str, Job); 21] = [
    ("channels.toml", Job::Review),
    ("shifts.toml", Job::Review),
    ("spring_festival_2026.toml", Job::Review),
    ("team_spring_festival.toml", Job::Review),
    ("whatif_spring_festival.toml", Job::Review),
    ("calendar_china_2026.csv", Job::Review),
    ("week_roster.csv", Job::Review),
    ("hiring_2026.toml", Job::Capacity),
    ("team_2026.toml", Job::Capacity),
    ("lender_year_2026.toml", Job::Capacity),
    ("roster_month.toml", Job::Forecast("roster_month.toml")),
    ("roster_agents.csv", Job::Roster),
    ("roster_leave.csv", Job::Roster),
    ("roster_requirements.csv", Job::Roster),
    ("history_2026.csv", Job::Fit),
    ("lender_week.toml", Job::Forecast("lender_week.toml")),
    (
        "collections_week.toml",
        Job::Forecast("collections_week.toml"),
    ),
    (
        "channels_collections.toml",
        Job::Plan("collections_week.toml"),
    ),
    ("shifts_multiskill.toml", Job::Plan("multiskill_week.toml")),
    (
        "channels_multiskill.toml",
        Job::Plan("multiskill_week.toml"),
    ),
    ("lender_day.csv", Job::Staff("channels.toml")),
];

/// One place a value can go: a TOML leaf (its path) or a CSV cell.
#[derive(Debug, Clone)]
enum Spot {
    Toml(Vec<Seg>, bool),
    Csv(usize, usize, bool),
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.replace('-', "").bytes().all(|c| c.is_ascii_digit())
}

/// Every number and date of a TOML file.
fn toml_spots(v: &toml::Value, path: &mut Vec<Seg>, out: &mut Vec<Spot>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                path.push(Seg::Key(k.clone()));
                toml_spots(x, path, out);
                path.pop();
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                toml_spots(x, path, out);
                path.pop();
            }
        }
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            out.push(Spot::Toml(path.clone(), false))
        }
        toml::Value::String(s) if is_date(s) => out.push(Spot::Toml(path.clone(), true)),
        _ => {}
    }
}

/// Columns a reader does not read: the requirement's metrics beside its
/// agents (`wfm staff` writes them; `wfm roster` reads only the agents).
const UNREAD: [(&str, &str); 10] = [
    ("roster_requirements.csv", "volume"),
    ("roster_requirements.csv", "aht_s"),
    ("roster_requirements.csv", "fte"),
    ("roster_requirements.csv", "service_level"),
    ("roster_requirements.csv", "asa_s"),
    ("roster_requirements.csv", "p_wait"),
    ("roster_requirements.csv", "abandon_rate"),
    ("roster_requirements.csv", "occupancy"),
    ("roster_requirements.csv", "load_erl"),
    ("roster_requirements.csv", "model"),
];

/// Every number and date cell of the first data rows of a CSV (the
/// columns its reader reads).
fn csv_spots(name: &str, text: &str) -> Vec<Spot> {
    let mut out = Vec::new();
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    for (r, line) in text.lines().enumerate().skip(1).take(3) {
        for (c, cell) in line.split(',').enumerate() {
            if header
                .get(c)
                .is_some_and(|h| UNREAD.contains(&(name, h.trim())))
            {
                continue;
            }
            let cell = cell.trim();
            if is_date(cell) {
                out.push(Spot::Csv(r, c, true));
            } else if cell.parse::<f64>().is_ok() {
                out.push(Spot::Csv(r, c, false));
            }
        }
    }
    out
}

fn spots(name: &str) -> Vec<Spot> {
    let text = std::fs::read_to_string(root().join("scenarios").join(name)).unwrap();
    if name.ends_with(".toml") {
        let v: toml::Value = toml::from_str(&text).unwrap();
        let mut out = Vec::new();
        toml_spots(&v, &mut Vec::new(), &mut out);
        out
    } else {
        csv_spots(name, &text)
    }
}

/// The file's text with `value` at `spot`.
fn with_value(name: &str, spot: &Spot, value: &str) -> String {
    let text = std::fs::read_to_string(root().join("scenarios").join(name)).unwrap();
    match spot {
        Spot::Toml(path, date) => {
            let mut v: toml::Value = toml::from_str(&text).unwrap();
            let mut at = &mut v;
            for s in path {
                at = match s {
                    Seg::Key(k) => at.get_mut(k.as_str()).unwrap(),
                    Seg::Index(i) => at.get_mut(*i).unwrap(),
                };
            }
            let parsed: toml::Value = if *date {
                toml::Value::String(value.to_string())
            } else {
                toml::from_str::<toml::Table>(&format!("x = {value}")).unwrap()["x"].clone()
            };
            *at = parsed;
            toml::to_string(&v).unwrap()
        }
        Spot::Csv(r, c, _) => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let mut cells: Vec<String> = lines[*r].split(',').map(str::to_string).collect();
            cells[*c] = value.trim_matches('"').to_string();
            lines[*r] = cells.join(",");
            lines.join("\n") + "\n"
        }
    }
}

/// Runs the job that reads the file: its warnings, or its error message.
fn run_job(dir: &Path, job: Job) -> Result<Vec<String>, String> {
    let centre = Some(Centre::from_path(&dir.join("wfm.toml")).map_err(|e| e.to_string())?);
    let sc = |n: &str| -> PathBuf { dir.join("scenarios").join(n) };
    let e = |x: jobs::Error| x.to_string();
    let warned = |s: &jobs::Setup| s.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    match job {
        Job::Review => {
            let mut r = jobs::review::Request::on(centre);
            r.what_if = Some(sc("whatif_spring_festival.toml"));
            jobs::review::prepare(&r)
                .map(|j| warned(&j.setup))
                .map_err(e)
        }
        Job::Capacity => jobs::capacity::prepare(&jobs::capacity::Request::on(centre))
            .map(|j| warned(&j.setup))
            .map_err(e),
        Job::Roster => jobs::roster::prepare(&jobs::roster::Request::on(centre))
            .map(|j| warned(&j.setup))
            .map_err(e),
        Job::Fit => jobs::fit::prepare(&jobs::fit::Request::on(centre))
            .map(|j| warned(&j.setup))
            .map_err(e),
        Job::Forecast(s) => {
            let mut r = jobs::forecast::Request::on(centre);
            r.scenario = Some(sc(s));
            r.quantiles = vec![0.1, 0.9];
            let job = jobs::forecast::prepare(&r).map_err(e)?;
            job.run().map_err(e)?;
            Ok(warned(&job.setup))
        }
        Job::Plan(s) => {
            let mut r = jobs::plan::Request::on(centre);
            r.scenario = Some(sc(s));
            jobs::plan::prepare(&r).map(|j| warned(&j.setup)).map_err(e)
        }
        Job::Staff(ch) => {
            let mut r = jobs::staff::Request::on(centre);
            r.forecast = Some(sc("lender_day.csv"));
            r.channels = Some(sc(ch));
            let job = jobs::staff::prepare(&r).map_err(e)?;
            job.run().map_err(e)?;
            Ok(warned(&job.setup))
        }
    }
}

/// Values no input means: accepted only with a warning that names the file.
fn insane(value: &str) -> bool {
    matches!(value, "-1e308" | "1e308" | "nan" | "inf" | "-inf" | "\"x\"") || DATES.contains(&value)
}

/// One case: the file with the value, its job under the deadline.
fn case(file: usize, spot: usize, value: usize) -> Result<(), TestCaseError> {
    let (name, job) = FILES[file];
    let all = spots(name);
    prop_assume!(!all.is_empty());
    let spot = &all[spot % all.len()];
    let is_date = matches!(spot, Spot::Toml(_, true) | Spot::Csv(_, _, true));
    let value = if is_date {
        DATES[value % DATES.len()]
    } else {
        NUMBERS[value % NUMBERS.len()]
    };
    let dir = crate::centre_copy();
    std::fs::write(
        dir.path().join("scenarios").join(name),
        with_value(name, spot, value),
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    let path = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| run_job(&path, job));
        let _ = tx.send(r);
    });
    let what = format!("{name} {spot:?} = {value}");
    match rx.recv_timeout(DEADLINE) {
        Err(_) => prop_assert!(false, "no answer within {DEADLINE:?}: {what}"),
        Ok(Err(_)) => prop_assert!(false, "panicked: {what}"),
        Ok(Ok(Ok(warnings))) => {
            prop_assert!(
                !insane(value) || warnings.iter().any(|w| w.contains(name)),
                "{what}: accepted in silence"
            );
        }
        Ok(Ok(Err(msg))) => {
            prop_assert!(!msg.contains('\n'), "{what}: more than one line: {msg}");
            prop_assert!(msg.len() < 2000, "{what}: {} bytes", msg.len());
            prop_assert!(msg.contains(name), "{what}: does not name {name}: {msg}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_reader_at_and_beyond_its_bounds(
        file in 0..FILES.len(),
        spot in 0usize..10_000,
        value in 0usize..64,
    ) {
        case(file, spot, value)?;
    }
}

/// Every file's dates and numbers at the extremes of the calendar: the
/// first spot of each file with each date, and with each number.
#[test]
fn every_file_first_spots() {
    for file in 0..FILES.len() {
        for v in 0..NUMBERS.len().max(DATES.len()) {
            if let Err(TestCaseError::Fail(why)) = case(file, 0, v) {
                panic!("{why}");
            }
        }
    }
}

/// Every spot of every file once, with a value that turns with the spot:
/// all failures listed.
#[test]
fn every_spot_once() {
    let mut failed = Vec::new();
    for (file, (name, _)) in FILES.iter().enumerate() {
        for spot in 0..spots(name).len() {
            if let Err(TestCaseError::Fail(why)) = case(file, spot, spot * 7 + file) {
                failed.push(why.to_string());
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Every spot of every file with every value, all failures listed (slow:
/// `cargo test --release -- --ignored bounds_prop::sweep`).
#[test]
#[ignore]
fn sweep_every_spot() {
    let mut failed = Vec::new();
    for (file, (name, _)) in FILES.iter().enumerate() {
        for spot in 0..spots(name).len() {
            for v in 0..NUMBERS.len().max(DATES.len()) {
                if let Err(TestCaseError::Fail(why)) = case(file, spot, v) {
                    eprintln!("{why}");
                    failed.push(why.to_string());
                }
            }
        }
    }
    assert!(failed.is_empty(), "{} failures", failed.len());
}
