//! The opening rule: work that arrives while a channel is closed.
//!
//! A channel with opening hours (`[open.NAME]` in the shift rules) serves
//! nobody while closed. Its calls and chats are told to come back and its
//! e-mail waits unread, so the volume of the closed hours moves to the next
//! opening interval ([`move_to_opening`]), which `wfm plan`, `wfm staff`
//! and the review apply alike. A requirement already in agents cannot be
//! moved; [`outside_opening`] says how much of it falls in closed hours, so
//! `wfm schedule` never drops it without a word.

use crate::core::input::{InputError, Warning};
use crate::demand::forecast::Forecast;
use crate::models::requirement::Requirement;
use crate::optimize::shifts::ShiftRules;

/// Moves the volume of a channel with opening hours that arrives while it
/// is closed to its next opening interval, and drops its closed intervals:
/// contacts of a closed channel are told to come back (calls, chats) or wait
/// unread (e-mail), and the service clock starts when it opens, as
/// service-level agreements count it; deferred work's deadline then counts
/// working time. The volume still to come after the last day's closing is
/// dropped. Opening hours of a channel the forecast does not have are
/// ignored (a rules file is often the whole centre's); those of its
/// channels must lie on the forecast's grid.
pub fn move_to_opening(
    forecast: &mut Forecast,
    rules: &ShiftRules,
    rules_source: &str,
) -> Result<(), InputError> {
    use crate::core::textio::minute_of_day;
    let mut names: Vec<&str> = forecast.rows.iter().map(|r| r.channel.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    rules.check_against(&names, false, forecast.interval_min, rules_source)?;
    let mut closed = vec![false; forecast.rows.len()];
    for name in rules.open.keys() {
        let Some((a, b)) = rules.open_minutes(name, rules_source)? else {
            continue;
        };
        let mut idx: Vec<usize> = (0..forecast.rows.len())
            .filter(|&i| &forecast.rows[i].channel == name)
            .collect();
        idx.sort_by_key(|&i| (forecast.rows[i].date, forecast.rows[i].time));
        let mut carry = 0.0;
        for &i in &idx {
            let m = minute_of_day(forecast.rows[i].time);
            let r = &mut forecast.rows[i];
            if m >= a && m < b {
                r.volume += carry;
                carry = 0.0;
            } else {
                carry += r.volume;
                closed[i] = true;
            }
        }
    }
    let mut i = 0;
    forecast.rows.retain(|_| {
        i += 1;
        !closed[i - 1]
    });
    Ok(())
}

/// One warning per channel of `req` whose requirement has agents in hours
/// the rules keep it closed: the scheduler cannot cover them (no shift may
/// serve a closed channel), so they would be dropped. The warning gives the
/// agent-intervals and their share, and how to keep the work.
pub fn outside_opening(
    req: &Requirement,
    rules: &ShiftRules,
    rules_source: &str,
) -> Result<Vec<Warning>, InputError> {
    use crate::core::textio::minute_of_day;
    let mut out = Vec::new();
    for (name, agents) in req.channels() {
        let Some((a, b)) = rules.open_minutes(name, rules_source)? else {
            continue;
        };
        let mut closed = 0u64;
        let mut total = 0u64;
        for (i, &n) in agents.iter().enumerate() {
            total += u64::from(n);
            let Some((_, t)) = req.grid().at(i) else {
                continue;
            };
            let m = minute_of_day(t);
            if !(m >= a && m < b) {
                closed += u64::from(n);
            }
        }
        if closed > 0 {
            out.push(Warning(format!(
                "{name}: {closed} of {total} agent-intervals of the requirement ({:.1}%) fall outside the opening hours of {rules_source} ([open.{name}]) and cannot be scheduled; staff the forecast with these rules (the staffing request's Request.shifts, or the centre's `shifts`) to move that work into the opening, as wfm plan does",
                100.0 * closed as f64 / total.max(1) as f64
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::scenario::Scenario;

    const SCENARIO: &str = "from = \"2026-03-10\"\nto = \"2026-03-10\"\n\
        [channel.phone]\ndaily_volume = 2000\naht_s = 240\npatience_s = 150\n\
        [channel.email]\ndaily_volume = 300\naht_s = 400\n\
        intraday = { workday = \"flat\", weekend = \"flat\", holiday = \"flat\" }\n";
    const RULES: &str = "[[shift]]\nname = \"day\"\nearliest_start = \"00:00\"\n\
        latest_start = \"23:30\"\nstart_step_min = 30\nlength_min = 480\ncost_per_hour = 1.0\n\
        [open.email]\nstart = \"08:00\"\nend = \"20:00\"\n";

    fn inputs() -> (Scenario, (), ShiftRules) {
        (
            Scenario::parse(SCENARIO, "s.toml").unwrap(),
            (),
            ShiftRules::parse(RULES, "r.toml").unwrap(),
        )
    }

    #[test]
    fn moving_to_the_opening_conserves_volume() {
        let (scenario, _, rules) = inputs();
        let (a, b) = ("2026-03-10".parse().unwrap(), "2026-03-11".parse().unwrap());
        let mut f = scenario.forecast(a, b).unwrap();
        let total = |f: &Forecast, ch: &str| -> f64 {
            f.rows
                .iter()
                .filter(|r| r.channel == ch)
                .map(|r| r.volume)
                .sum()
        };
        let (phone, email) = (total(&f, "phone"), total(&f, "email"));
        move_to_opening(&mut f, &rules, "r.toml").unwrap();
        assert!(
            (total(&f, "phone") - phone).abs() < 1e-9,
            "open all day: untouched"
        );
        // What arrives after the last closing (20:00-24:00 of the last day)
        // is dropped; everything else is kept.
        let tail = email / 2.0 / 48.0 * 8.0;
        assert!((total(&f, "email") - (email - tail)).abs() < 1e-6);
        assert!(f
            .rows
            .iter()
            .filter(|r| r.channel == "email")
            .all(|r| (8..20).contains(&r.time.hour())));
        // Opening hours of a channel the forecast does not have: ignored
        // here (the review's rules may be the centre's), an error for the
        // plan, which has every channel.
        let other = ShiftRules::parse(&RULES.replace("open.email", "open.mail"), "r.toml").unwrap();
        let before = f.rows.len();
        move_to_opening(&mut f, &other, "r.toml").unwrap();
        assert_eq!(f.rows.len(), before);
        let e = other
            .check_against(&["phone", "email"], true, 30, "r.toml")
            .unwrap_err();
        assert!(e.to_string().contains("[open.mail]"), "{e}");
    }

    #[test]
    fn a_requirement_in_closed_hours_is_named() {
        let (scenario, _, rules) = inputs();
        let d = "2026-03-10".parse().unwrap();
        let f = scenario.forecast(d, d).unwrap();
        let rows: Vec<crate::models::requirement::StaffingRow> = f
            .rows
            .iter()
            .map(|r| crate::models::requirement::StaffingRow::new(r.date, r.time, &r.channel, 2))
            .collect();
        let table = crate::models::requirement::StaffingTable { rows };
        let req = Requirement::from_table(&table, 30, "req.csv")
            .unwrap()
            .unwrap();
        let w = outside_opening(&req, &rules, "r.toml").unwrap();
        assert_eq!(w.len(), 1, "{w:?}");
        // 24 of 48 half hours are closed, 2 agents each.
        assert!(
            w[0].0.starts_with("email: 48 of 96 agent-intervals"),
            "{}",
            w[0].0
        );
    }
}
