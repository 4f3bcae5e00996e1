//! Every parser fed arbitrary bytes and mutated shipped inputs (proptest):
//! no panic, and every error is one line that names the file.

use proptest::prelude::*;
use wfm::core::calendar::Calendar;
use wfm::demand::forecast::Forecast;
use wfm::demand::scenario::Scenario;
use wfm::models::channels::{ChannelBook, ChannelsFile};
use wfm::models::requirement::StaffingTable;
use wfm::optimize::shifts::ShiftRules;

use crate::scenario;

/// Values that break naive parsers, spliced in by the mutations.
const TOKENS: [&str; 22] = [
    "",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "1e9",
    "0",
    "9999-12-31",
    "0000-01-01",
    "24:00",
    "23:55",
    "08:10",
    "\"",
    ",",
    "\n",
    "a,\"b\"",
    "\u{feff}",
    "=",
    "[",
    "]]",
    "\u{0}",
];

fn one_line_naming(name: &str, msg: &str) -> Result<(), TestCaseError> {
    prop_assert!(!msg.contains('\n'), "more than one line: {msg}");
    prop_assert!(
        msg.starts_with(name) || msg.contains(name),
        "does not name {name}: {msg}"
    );
    Ok(())
}

/// Applies mutations: (kind, position, token or byte) triples.
fn mutate(base: &[u8], ops: &[(u8, usize, usize)]) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(kind, pos, k) in ops {
        let at = if v.is_empty() { 0 } else { pos % (v.len() + 1) };
        match kind % 5 {
            0 => {
                let end = (at + k % 16).min(v.len());
                v.drain(at..end);
            }
            1 => {
                let t = TOKENS[k % TOKENS.len()].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            2 => {
                // Replace the field or value around `at` with a token.
                let start = v[..at]
                    .iter()
                    .rposition(|&b| matches!(b, b',' | b'\n' | b'='))
                    .map_or(0, |p| p + 1);
                let end = v[at..]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'\n'))
                    .map_or(v.len(), |p| at + p);
                let t = TOKENS[k % TOKENS.len()].as_bytes().to_vec();
                v.splice(start..end, t);
            }
            3 => {
                // Duplicate a line.
                let start = v[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let end = v[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(v.len(), |p| at + p + 1);
                let line = v[start..end].to_vec();
                v.splice(end..end, line);
            }
            _ => {
                if at < v.len() {
                    v[at] = (k % 256) as u8;
                }
            }
        }
    }
    v
}

fn shipped(name: &str) -> Vec<u8> {
    std::fs::read(scenario(name)).unwrap()
}

fn check_forecast(bytes: &[u8]) -> Result<(), TestCaseError> {
    match Forecast::read(bytes, "f.csv", 30) {
        Ok((f, _)) => {
            let book = ChannelBook::new(ChannelsFile::default(), "", Default::default());
            if let Err(e) = wfm::models::requirement::staff_forecast(&f, &book, None, "f.csv") {
                one_line_naming("f.csv", &e.to_string())?;
            }
        }
        Err(e) => one_line_naming("f.csv", &e.to_string())?,
    }
    Ok(())
}

fn check_staffing(bytes: &[u8]) -> Result<(), TestCaseError> {
    match StaffingTable::read(bytes, "s.csv", 30) {
        Ok((t, _)) => {
            if let Err(e) = wfm::models::requirement::Requirement::from_table(&t, 30, "s.csv") {
                one_line_naming("s.csv", &e.to_string())?;
            }
        }
        Err(e) => one_line_naming("s.csv", &e.to_string())?,
    }
    Ok(())
}

fn check_calendar(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(e) = Calendar::read(bytes, "c.csv") {
        one_line_naming("c.csv", &e.to_string())?;
    }
    Ok(())
}

fn check_channels(bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    match ChannelsFile::parse(&text, "ch.toml") {
        Ok(file) => {
            let names: Vec<String> = file.channel.keys().cloned().collect();
            let book = ChannelBook::new(file, "ch.toml", Default::default());
            for n in names {
                if let Err(e) = book.resolve(&n) {
                    one_line_naming("ch.toml", &e.to_string())?;
                }
            }
        }
        Err(e) => one_line_naming("ch.toml", &e.to_string())?,
    }
    Ok(())
}

fn check_shifts(bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    match ShiftRules::parse(&text, "sh.toml") {
        Ok(r) => {
            let d = "2026-03-10".parse().unwrap();
            if let Err(e) = r.candidates_at_most("phone", d, 1, 30, 96, "sh.toml", 50_000) {
                one_line_naming("sh.toml", &e.to_string())?;
            }
        }
        Err(e) => one_line_naming("sh.toml", &e.to_string())?,
    }
    Ok(())
}

fn check_scenario(bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    match Scenario::parse(&text, "sc.toml") {
        Ok(s) => match s.compile("sc.toml") {
            Ok(_) => {
                let d = "2026-03-12".parse().unwrap();
                if let Err(e) = s.forecast_at_most(d, d, 100_000) {
                    prop_assert!(!e.to_string().contains('\n'), "{e}");
                }
            }
            Err(e) => one_line_naming("sc.toml", &e.to_string())?,
        },
        Err(e) => one_line_naming("sc.toml", &e.to_string())?,
    }
    Ok(())
}

fn check_team(team_text: &[u8], roster: &[u8], whatif: &[u8]) -> Result<(), TestCaseError> {
    use wfm::supply::team::{read_roster, Team, TeamFile};
    let rules =
        ShiftRules::parse(&String::from_utf8_lossy(&shipped("shifts.toml")), "sh.toml").unwrap();
    let rows = match read_roster(roster, "w.csv") {
        Ok((rows, _)) => rows,
        Err(e) => return one_line_naming("w.csv", &e.to_string()),
    };
    let text = String::from_utf8_lossy(team_text);
    let file: TeamFile = match toml::from_str(&text) {
        Ok(f) => f,
        Err(_) => return Ok(()),
    };
    let rosters = file
        .group
        .keys()
        .map(|g| (g.clone(), (std::path::PathBuf::from("w.csv"), rows.clone())))
        .collect();
    let team = match Team::new(file, "t.toml", Calendar::default(), rosters, &rules) {
        Ok(t) => t,
        Err(e) => {
            let m = e.to_string();
            prop_assert!(!m.contains('\n'), "{m}");
            prop_assert!(m.starts_with("t.toml") || m.starts_with("w.csv"), "{m}");
            return Ok(());
        }
    };
    let (a, b) = ("2026-02-12".parse().unwrap(), "2026-02-26".parse().unwrap());
    if let Err(e) = team.supply(a, b, 30, &rules) {
        one_line_naming("t.toml", &e.to_string())?;
    }
    let wi: Result<wfm::review::whatif::WhatIfFile, _> =
        toml::from_str(&String::from_utf8_lossy(whatif));
    if let Ok(wi) = wi {
        let book = ChannelBook::new(ChannelsFile::default(), "", Default::default());
        if let Err(e) = wfm::review::whatif::build(
            &wi,
            "w.toml",
            Some(&team),
            &book,
            &["phone", "chat", "email"],
            Some(&rules),
            Some((a, b)),
        ) {
            one_line_naming("w.toml", &e.to_string())?;
        }
    }
    Ok(())
}

fn ops() -> impl Strategy<Value = Vec<(u8, usize, usize)>> {
    proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 150,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261130),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_forecast(&bytes)?;
        check_staffing(&bytes)?;
        check_calendar(&bytes)?;
        check_channels(&bytes)?;
        check_shifts(&bytes)?;
        check_scenario(&bytes)?;
    }

    #[test]
    fn mutated_forecasts_and_staffing(ops in ops()) {
        let f = shipped("lender_day.csv");
        check_forecast(&mutate(&f, &ops))?;
        let staffing = b"date,time,channel,agents\n2026-03-10,09:00,phone,12\n2026-03-10,09:30,phone,14\n2026-03-11,00:00,chat,3\n";
        check_staffing(&mutate(staffing, &ops))?;
        check_calendar(&mutate(&shipped("calendar_china_2026.csv"), &ops))?;
    }

    #[test]
    fn mutated_teams_rosters_and_what_ifs(ops in ops()) {
        let team = shipped("team_spring_festival.toml");
        let roster = shipped("week_roster.csv");
        let whatif = shipped("whatif_spring_festival.toml");
        check_team(&mutate(&team, &ops), &roster, &whatif)?;
        check_team(&team, &mutate(&roster, &ops), &whatif)?;
        check_team(&team, &roster, &mutate(&whatif, &ops))?;
    }

    #[test]
    fn mutated_toml_files(ops in ops()) {
        check_channels(&mutate(&shipped("channels.toml"), &ops))?;
        check_shifts(&mutate(&shipped("shifts.toml"), &ops))?;
        check_scenario(&mutate(&shipped("lender_week.toml"), &ops))?;
        check_scenario(&mutate(&shipped("spring_festival_2026.toml"), &ops))?;
    }
}
