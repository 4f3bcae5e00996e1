//! Unit tests of [`super`].

use std::collections::BTreeMap;

use jiff::civil::Date;
use proptest::prelude::*;

use super::*;
use crate::core::calendar::Calendar;
use crate::optimize::schedule::PlacedShift;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn agent(id: &str, groups: &[&str], hours: f64) -> Agent {
    Agent {
        id: id.into(),
        name: id.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        contract: "full-time".into(),
        hours_per_week: hours,
        seniority: 0.0,
        unavailable: Vec::new(),
        prefer_shifts: Vec::new(),
        prefer_days_off: Vec::new(),
        line: 2,
    }
}

fn shift(agent: &str, date: &str, name: &str, start_h: u32, len_h: u32, group: &str) -> Assignment {
    Assignment {
        agent: agent.into(),
        date: d(date),
        shift: name.into(),
        start_min: start_h * 60,
        end_min: (start_h + len_h) * 60,
        breaks: Vec::new(),
        group: group.into(),
        paid_h: f64::from(len_h),
        line: 0,
    }
}

fn rules_of(v: &[Violation]) -> Vec<&str> {
    let mut r: Vec<&str> = v.iter().map(|x| x.rule.as_str()).collect();
    r.dedup();
    r
}

/// Each rule, fed a roster that breaks it and nothing else, is caught.
#[test]
fn the_checker_catches_every_rule() {
    let r = LabourRules::default();
    let cal = Calendar::default();
    let (from, to) = (d("2026-03-02"), d("2026-03-29"));
    let a = agent("a1", &["phone"], 40.0);
    let week = |start: &str, n: u32, name: &str, h: u32, len: u32| -> Vec<Assignment> {
        (0..n)
            .map(|k| {
                let day = d(start)
                    .checked_add(jiff::Span::new().days(i64::from(k)))
                    .unwrap();
                shift("a1", &day.to_string(), name, h, len, "phone")
            })
            .collect()
    };
    let cases: Vec<(&str, Vec<Assignment>, LabourRules, Agent)> = vec![
        (
            "agent",
            vec![shift("ghost", "2026-03-02", "early", 8, 8, "phone")],
            r.clone(),
            a.clone(),
        ),
        (
            "group",
            vec![shift("a1", "2026-03-02", "early", 8, 8, "chat")],
            r.clone(),
            a.clone(),
        ),
        (
            "unavailable",
            vec![shift("a1", "2026-03-03", "early", 8, 8, "phone")],
            r.clone(),
            Agent {
                unavailable: vec![(d("2026-03-03"), d("2026-03-03"))],
                ..a.clone()
            },
        ),
        (
            "overlap",
            vec![
                shift("a1", "2026-03-02", "early", 8, 4, "phone"),
                shift("a1", "2026-03-02", "early", 10, 4, "phone"),
            ],
            LabourRules {
                min_rest_hours: 0.0,
                ..r.clone()
            },
            a.clone(),
        ),
        (
            "max_hours_day",
            vec![shift("a1", "2026-03-02", "long", 7, 12, "phone")],
            LabourRules {
                max_hours_day: 11.0,
                ..r.clone()
            },
            Agent {
                hours_per_week: 40.0,
                ..a.clone()
            },
        ),
        (
            "max_hours_week",
            week("2026-03-02", 5, "early", 8, 9),
            LabourRules {
                contract_tolerance: 0.2,
                ..r.clone()
            },
            a.clone(),
        ),
        (
            "contract_hours",
            week("2026-03-02", 4, "early", 8, 8),
            r.clone(),
            Agent {
                hours_per_week: 20.0,
                ..a.clone()
            },
        ),
        (
            "max_overtime_hours_month",
            week("2026-03-02", 4, "long", 7, 11)
                .into_iter()
                .chain(week("2026-03-09", 4, "long", 7, 11))
                .chain(week("2026-03-16", 4, "long", 7, 11))
                .chain(week("2026-03-23", 1, "long", 7, 11))
                .collect(),
            LabourRules {
                max_hours_week: 44.0,
                contract_tolerance: 0.1,
                ..r.clone()
            },
            a.clone(),
        ),
        (
            "min_rest_hours",
            vec![
                shift("a1", "2026-03-02", "late", 14, 8, "phone"),
                shift("a1", "2026-03-03", "early", 6, 8, "phone"),
            ],
            LabourRules {
                stable_week: false,
                ..r.clone()
            },
            a.clone(),
        ),
        (
            "max_consecutive_days",
            week("2026-03-04", 7, "short", 9, 4),
            r.clone(),
            a.clone(),
        ),
        (
            "min_days_off_week",
            week("2026-03-02", 7, "short", 9, 4),
            LabourRules {
                max_consecutive_days: 10,
                ..r.clone()
            },
            a.clone(),
        ),
        (
            "max_nights_week",
            week("2026-03-02", 4, "night", 22, 8),
            r.clone(),
            a.clone(),
        ),
        (
            "stable_week",
            vec![
                shift("a1", "2026-03-02", "early", 8, 8, "phone"),
                shift("a1", "2026-03-04", "late", 8, 8, "phone"),
            ],
            r.clone(),
            a.clone(),
        ),
    ];
    for (rule, roster, rules, ag) in cases {
        let v = check(&rules, std::slice::from_ref(&ag), &roster, from, to, &cal);
        assert_eq!(rules_of(&v), [rule], "{rule}: {v:?}");
    }
    // A clean week: nothing.
    let ok = week("2026-03-02", 5, "early", 8, 8);
    assert!(check(&r, &[a], &ok, from, to, &cal).is_empty());
}

/// The comprehensive system averages weekly hours over its period.
#[test]
fn hours_are_averaged_over_the_period() {
    let cal = Calendar::default();
    let a = agent("a1", &["phone"], 44.0);
    let mut roster = Vec::new();
    for (k, n) in [(0, 6), (1, 4)] {
        for j in 0..n {
            let day = d("2026-03-02")
                .checked_add(jiff::Span::new().days(7 * k + j))
                .unwrap();
            roster.push(shift("a1", &day.to_string(), "early", 8, 8, "phone"));
        }
    }
    // 48 h then 32 h: over 40 in week one, 40 on average over two weeks.
    let weekly = LabourRules {
        max_hours_week: 40.0,
        contract_tolerance: 0.1,
        max_consecutive_days: 7,
        ..LabourRules::default()
    };
    let v = check(
        &weekly,
        std::slice::from_ref(&a),
        &roster,
        d("2026-03-02"),
        d("2026-03-15"),
        &cal,
    );
    assert_eq!(rules_of(&v), ["max_hours_week"]);
    let period = LabourRules {
        hours_period_weeks: 2,
        ..weekly
    };
    assert!(check(
        &period,
        &[a],
        &roster,
        d("2026-03-02"),
        d("2026-03-15"),
        &cal
    )
    .is_empty());
}

/// Serial dictatorship equals the lexicographically first feasible set of
/// requests in priority order (a brute force over every subset).
#[test]
fn leave_grants_equal_a_brute_force_serial_dictatorship() {
    let mut rng_state = 7u64;
    let mut next = || {
        rng_state = rng_state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng_state >> 33) as u32
    };
    for _case in 0..60 {
        let agents: Vec<Agent> = (0..5)
            .map(|i| Agent {
                seniority: f64::from(next() % 3),
                ..agent(&format!("a{i}"), &["phone"], 40.0)
            })
            .collect();
        let mut allowance = BTreeMap::new();
        for k in 0..6 {
            let day = d("2026-02-14")
                .checked_add(jiff::Span::new().days(k))
                .unwrap();
            allowance.insert(("phone".to_string(), day), i64::from(next() % 3));
        }
        let requests: Vec<LeaveRequest> = (0..7)
            .map(|i| {
                let a = next() % 5;
                let s = i64::from(next() % 6);
                let len = i64::from(next() % 3);
                let from = d("2026-02-14")
                    .checked_add(jiff::Span::new().days(s))
                    .unwrap();
                LeaveRequest {
                    agent: format!("a{a}"),
                    from,
                    to: from.checked_add(jiff::Span::new().days(len)).unwrap(),
                    priority: f64::from(next() % 2),
                    requested_at: format!("2026-01-{:02}", 1 + next() % 28),
                    requested: None,
                    line: i as u64 + 2,
                }
            })
            .map(|mut r: LeaveRequest| {
                r.requested = parse_requested_at(&r.requested_at);
                r
            })
            .collect();
        let got: Vec<bool> = grant_leave(&requests, &agents, &allowance)
            .iter()
            .map(|x| x.granted)
            .collect();
        // Brute force: among the feasible subsets, the best in processing order.
        let order = leave_order(&requests, &agents);
        let fits = |set: &[bool]| {
            let mut used: BTreeMap<Date, i64> = BTreeMap::new();
            for (i, r) in requests.iter().enumerate() {
                if set[i] {
                    let mut day = r.from;
                    while day <= r.to {
                        *used.entry(day).or_insert(0) += 1;
                        day = day.tomorrow().unwrap();
                    }
                }
            }
            used.iter().all(|(day, n)| {
                allowance
                    .get(&("phone".to_string(), *day))
                    .is_none_or(|a| n <= a)
            })
        };
        let mut best: Option<Vec<bool>> = None;
        for mask in 0u32..(1 << requests.len()) {
            let set: Vec<bool> = (0..requests.len()).map(|i| mask >> i & 1 == 1).collect();
            if !fits(&set) {
                continue;
            }
            let key: Vec<bool> = order.iter().map(|&i| set[i]).collect();
            if best
                .as_ref()
                .is_none_or(|b| key > order.iter().map(|&i| b[i]).collect::<Vec<_>>())
            {
                best = Some(set);
            }
        }
        assert_eq!(Some(got), best);
    }
}

fn placed(date: &str, name: &str, start_h: u32, len_h: u32, group: &str, n: u32) -> PlacedShift {
    PlacedShift {
        date: d(date),
        shift: name.into(),
        start_min: start_h * 60,
        end_min: (start_h + len_h) * 60,
        breaks: Vec::new(),
        channel: group.into(),
        agents: n,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Whatever the aggregate roster and the agents, what the assigner
    /// gives passes the checker, and every shift is assigned or listed.
    #[test]
    fn assigner_outputs_always_pass_the_checker(
        n_agents in 2usize..9,
        demand in proptest::collection::vec((0u32..14, 0usize..3, 0u32..3), 1..30),
        unavailable in proptest::collection::vec((0usize..9, 0u32..14), 0..6),
    ) {
        let types = [("early", 7, 8), ("late", 14, 8), ("night", 22, 8)];
        let mut agents: Vec<Agent> = (0..n_agents)
            .map(|i| agent(&format!("a{i}"), if i % 3 == 0 { &["phone", "chat"] } else { &["phone"] }, if i % 2 == 0 { 40.0 } else { 24.0 }))
            .collect();
        for (i, k) in unavailable {
            if let Some(a) = agents.get_mut(i) {
                let day = d("2026-03-02").checked_add(jiff::Span::new().days(i64::from(k))).unwrap();
                if !a.is_unavailable(day) {
                    a.unavailable.push((day, day));
                }
            }
        }
        let mut shifts: Vec<PlacedShift> = demand
            .iter()
            .map(|&(day, t, n)| {
                let date = d("2026-03-02").checked_add(jiff::Span::new().days(i64::from(day))).unwrap();
                let (name, h, len) = types[t];
                placed(&date.to_string(), name, h, len, if t == 1 && day % 2 == 0 { "chat" } else { "phone" }, n)
            })
            .collect();
        shifts.sort_by_key(|s| (s.date, s.start_min));
        let rules = LabourRules::default();
        let cal = Calendar::default();
        let (from, to) = (d("2026-03-02"), d("2026-03-15"));
        let r = assign(&rules, &agents, &shifts, from, to, &cal, None);
        let v = check(&rules, &agents, &r.assignments, from, to, &cal);
        prop_assert!(v.is_empty(), "{:?}", v);
        let wanted: u32 = shifts.iter().map(|s| s.agents).sum();
        prop_assert_eq!(r.assignments.len() + r.uncovered.len(), wanted as usize);
    }
}

/// Agents CSV: the columns, and located errors.
#[test]
fn agents_csv_reads_and_refuses_what_is_wrong() {
    let text = "agent,name,groups,contract,hours_per_week,seniority,unavailable,prefer,shoe_size\n\
                a1,Li,phone;chat,full-time,40,3,2026-03-10;2026-03-12..2026-03-14,\"early;days_off=sat,sun\",42\n\
                a2,Wang,phone,part-time,20,,,,\n";
    let (agents, warnings) = read_agents(text.as_bytes(), "agents.csv").unwrap();
    assert_eq!(agents.len(), 2);
    assert_eq!(agents[0].groups, ["phone", "chat"]);
    assert_eq!(agents[0].unavailable.len(), 2);
    assert_eq!(agents[0].prefer_shifts, ["early"]);
    assert_eq!(agents[0].prefer_days_off, [5, 6]);
    assert!(warnings.iter().any(|w| w.0.contains("shoe_size")));
    for (bad, want) in [
        ("agent,groups\na1,phone\na1,chat\n", "agents.csv:3"),
        (
            "agent,groups,unavailable\na1,phone,2026-03-10..2026-03-12;2026-03-11\n",
            "do not overlap",
        ),
        (
            "agent,groups,unavailable\na1,phone,2026-03-12..2026-03-10\n",
            "ranges",
        ),
        (
            "agent,groups,prefer\na1,phone,days_off=someday\n",
            "days_off",
        ),
        ("agent,groups\na1,\n", "groups"),
    ] {
        let e = read_agents(bad.as_bytes(), "agents.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains(want) && e.contains("agents.csv"), "{bad}: {e}");
    }
    let rules = LabourRules::default();
    let (agents, _) = read_agents(
        "agent,groups,hours_per_week\na1,phone,44\n".as_bytes(),
        "agents.csv",
    )
    .unwrap();
    let e = check_agents(&agents, &rules, &["phone"], "agents.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("max_hours_week") && e.contains("agents.csv:2"),
        "{e}"
    );
    let (agents, _) = read_agents("agent,groups\na1,fraud\n".as_bytes(), "agents.csv").unwrap();
    let e = check_agents(&agents, &rules, &["phone"], "agents.csv")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown group"), "{e}");
}

/// The closed form of "a paid minute in 22:00–06:00" equals a scan of
/// every minute.
#[test]
fn night_minutes_equal_a_scan_of_every_minute() {
    for start in (0..2 * 1440).step_by(15) {
        for len in (0..1500).step_by(15) {
            let scan = (start..start + len).any(|m| !(360..1320).contains(&(m % 1440)));
            assert_eq!(
                Assignment::night_minutes(start, start + len),
                scan,
                "{start} + {len}"
            );
        }
    }
}

fn ctx<'a>(rules: &'a LabourRules, agents: &'a [Agent], cal: &'a Calendar) -> improve::Ctx<'a> {
    improve::Ctx {
        rules,
        agents,
        from: d("2026-03-02"),
        to: d("2026-03-08"),
        calendar: cal,
        deadline: None,
    }
}

/// An ejection chain places a shift no agent can take directly: the agent
/// at its contract hands a shift of the week to an agent who cannot work
/// the uncovered day, and takes the uncovered shift.
#[test]
fn an_ejection_chain_places_what_no_agent_takes_directly() {
    let rules = LabourRules::default();
    let cal = Calendar::default();
    let mut b = agent("b", &["phone"], 40.0);
    b.unavailable.push((d("2026-03-03"), d("2026-03-03")));
    let agents = vec![agent("a", &["phone"], 8.0), b];
    let c = ctx(&rules, &agents, &cal);
    let mut mine = vec![
        vec![shift("a", "2026-03-02", "early", 8, 8, "phone")],
        vec![],
    ];
    let u = shift("", "2026-03-03", "early", 8, 8, "phone");
    assert!(c.broken(0, &c.with(0, &mine[0], &u)).is_some());
    assert!(c.broken(1, &c.with(1, &mine[1], &u)).is_some());
    assert!(improve::place(&c, &mut mine, &u));
    assert_eq!(mine[0][0].date, d("2026-03-03"));
    assert_eq!(mine[1][0].date, d("2026-03-02"));
    let all: Vec<Assignment> = mine.concat();
    assert!(check(&rules, &agents, &all, c.from, c.to, &cal).is_empty());
}

/// Under `stable_week` an agent on another shift type takes the uncovered
/// shift after handing its whole week to others.
#[test]
fn a_whole_week_handed_on_changes_an_agents_shift_type() {
    let rules = LabourRules::default();
    let cal = Calendar::default();
    let mut b = agent("b", &["phone"], 40.0);
    b.unavailable.push((d("2026-03-03"), d("2026-03-03")));
    let agents = vec![agent("a", &["phone"], 40.0), b];
    let c = ctx(&rules, &agents, &cal);
    let mut mine = vec![
        vec![
            shift("a", "2026-03-02", "late", 14, 8, "phone"),
            shift("a", "2026-03-04", "late", 14, 8, "phone"),
        ],
        vec![],
    ];
    let u = shift("", "2026-03-03", "early", 8, 8, "phone");
    assert_eq!(
        c.broken(0, &c.with(0, &mine[0], &u)).as_deref(),
        Some("stable_week")
    );
    assert!(improve::place(&c, &mut mine, &u));
    assert_eq!(mine[0].len(), 1);
    assert_eq!(mine[0][0].shift, "early");
    assert_eq!(mine[1].len(), 2);
    let all: Vec<Assignment> = mine.concat();
    assert!(check(&rules, &agents, &all, c.from, c.to, &cal).is_empty());
}

/// Fairness by a chain: `x` has two nights, `z` one, `y` none; `y`
/// cannot work either of `x`'s nights (unavailable), and no pair differs by
/// two but `x` and `y`, so only the chain `x → z → y` evens the counts.
#[test]
fn balance_evens_night_counts_through_a_chain() {
    let rules = LabourRules::default();
    let cal = Calendar::default();
    let mut agents: Vec<Agent> = (0..3)
        .map(|i| agent(&format!("a{i}"), &["phone"], 40.0))
        .collect();
    agents[2]
        .unavailable
        .push((d("2026-03-02"), d("2026-03-03")));
    let c = ctx(&rules, &agents, &cal);
    let mut mine = vec![
        vec![
            shift("a0", "2026-03-02", "night", 22, 8, "phone"),
            shift("a0", "2026-03-03", "night", 22, 8, "phone"),
        ],
        vec![shift("a1", "2026-03-05", "night", 22, 8, "phone")],
        vec![],
    ];
    assert_eq!(improve::balance(&c, &mut mine), "complete");
    let nights: Vec<usize> = mine
        .iter()
        .map(|l| l.iter().filter(|a| a.is_night()).count())
        .collect();
    assert_eq!(nights, [1, 1, 1]);
    let all: Vec<Assignment> = mine.concat();
    assert!(check(&rules, &agents, &all, c.from, c.to, &cal).is_empty());
}

/// Infeasibility is reported per shift with the rules that block it: a
/// group no agent covers, an agent unavailable all month, too few agents,
/// and a rule that excludes every agent.
#[test]
fn uncovered_shifts_name_the_rules_that_block_them() {
    let cal = Calendar::default();
    let (from, to) = (d("2026-03-02"), d("2026-03-08"));
    let run = |rules: &LabourRules, agents: &[Agent], shifts: &[PlacedShift]| {
        let r = assign(rules, agents, shifts, from, to, &cal, None);
        assert!(check(rules, agents, &r.assignments, from, to, &cal).is_empty());
        r.uncovered
            .iter()
            .map(|u| format!("{} {} {}", u.date, u.shift, u.blocked_by))
            .collect::<Vec<_>>()
    };
    let rules = LabourRules::default();
    let u = run(
        &rules,
        &[agent("a", &["phone"], 40.0)],
        &[placed("2026-03-02", "early", 8, 8, "chat", 1)],
    );
    assert_eq!(u, ["2026-03-02 early no agent covers group chat"]);
    let mut away = agent("a", &["phone"], 40.0);
    away.unavailable.push((d("2026-03-01"), d("2026-03-31")));
    let u = run(
        &rules,
        &[away],
        &[placed("2026-03-03", "early", 8, 8, "phone", 1)],
    );
    assert_eq!(u, ["2026-03-03 early unavailable: 1 agent(s)"]);
    // One agent, 40 hours: five of six days.
    let week: Vec<PlacedShift> = (2..8)
        .map(|day| placed(&format!("2026-03-0{day}"), "early", 8, 8, "phone", 1))
        .collect();
    let u = run(&rules, &[agent("a", &["phone"], 40.0)], &week);
    assert_eq!(u.len(), 1);
    assert_eq!(u, ["2026-03-07 early contract_hours: 1 agent(s)"]);
    let no_nights = LabourRules {
        max_nights_week: 0,
        ..LabourRules::default()
    };
    let u = run(
        &no_nights,
        &[agent("a", &["phone"], 40.0), agent("b", &["phone"], 40.0)],
        &[placed("2026-03-04", "night", 22, 8, "phone", 1)],
    );
    assert_eq!(u, ["2026-03-04 night max_nights_week: 2 agent(s)"]);
}

/// Contracts count working days: a week of Monday 2026-09-28 with a
/// statutory Thursday (1 Oct), a holiday Friday and a make-up Sunday has
/// 4 working days (Mon, Tue, Wed, Sun): 40 h / 5 × 4 = 32 h; with the
/// default calendar (weekends off) the same week is 40 h.
#[test]
fn contract_hours_are_per_working_day() {
    let csv = "date,day_type\n2026-10-01,statutory\n2026-10-02,holiday\n2026-10-04,workday\n";
    let (cal, _) = Calendar::read(csv.as_bytes(), "c.csv").unwrap();
    let a = agent("A1", &["phone"], 40.0);
    let (mon, sun) = (d("2026-09-28"), d("2026-10-04"));
    assert_eq!(a.contract_hours(&cal, mon, sun), 32.0);
    assert_eq!(a.contract_hours(&Calendar::default(), mon, sun), 40.0);
}

/// A meal break is not working time; `meal_break_min` is checked.
#[test]
fn meal_breaks_are_not_working_time() {
    assert_eq!(work_hours(480, 1020, &[(660, 720), (870, 900)], 60), 8.0);
    assert_eq!(work_hours(480, 1020, &[(660, 720), (870, 900)], 30), 7.5);
    assert_eq!(work_hours(480, 1020, &[(660, 720)], 0), 9.0);
    let e = LabourRules::parse("meal_break_min = 2000\n", "rules.toml").unwrap_err();
    assert!(e.to_string().contains("meal_break_min"), "{e}");
}
