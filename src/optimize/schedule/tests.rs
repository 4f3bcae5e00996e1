//! Tests of the shift optimizer.

#![allow(unused_imports)]
use super::model::*;
use crate::optimize::solver::*;

use super::*;

/// One 8-hour shift type starting at 09:00.
const DAY_SHIFT: &str = "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 480\ncost_per_hour = 1.0\n";

fn rules(text: &str) -> ShiftRules {
    ShiftRules::parse(text, "rules").unwrap()
}

fn req(need: Vec<u32>, im: u32) -> Requirement {
    let days = (need.len() / crate::core::grid::intervals_per_day(im)) as u32;
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

fn channel_roster(status: Status, required: Vec<u32>, scheduled: Vec<u32>) -> ChannelRoster {
    ChannelRoster {
        channel: "phone".into(),
        shifts: Vec::new(),
        required,
        scheduled,
        status,
        cost: 0.0,
        objective: 0.0,
        bound: 0.0,
        gap: 0.0,
        cost_grid: 0.0,
        headcount: None,
        solver: SolverChoice::Microlp,
    }
}

#[test]
fn summary_status_is_the_worst_channel_status() {
    let grid = IntervalGrid::new(60, "2026-03-09".parse().unwrap(), 2).unwrap();
    let roster = |statuses: &[Status]| Roster {
        grid,
        skip: 24,
        shift_names: Vec::new(),
        channels: statuses
            .iter()
            .map(|&s| channel_roster(s, vec![0; 48], vec![0; 48]))
            .collect(),
        fte_hours_per_day: 8.0,
    };
    use Status::*;
    assert_eq!(roster(&[Optimal, NodeLimit]).summary().status, NodeLimit);
    assert_eq!(roster(&[GapLimit, Optimal]).summary().status, GapLimit);
    assert_eq!(
        roster(&[NodeLimit, TimeLimit, Optimal]).summary().status,
        TimeLimit
    );
    assert_eq!(roster(&[Empty, Optimal]).summary().status, Optimal);
    assert_eq!(roster(&[Empty]).summary().status, Empty);
    // The default plan stops on nodes: its summary must say so.
    let mut need = vec![0u32; 24];
    for (i, n) in need.iter_mut().enumerate().take(20).skip(8) {
        *n = 3 + (i as u32 % 4);
    }
    let rules = ShiftRules::parse(
        "[[shift]]\nname = \"d\"\nearliest_start = \"06:00\"\nlatest_start = \"12:00\"\nstart_step_min = 60\nlength_min = 240\ncost_per_hour = 1.0\n[[shift.break]]\nlength_min = 60\nwindow_start_min = 60\nwindow_end_min = 120\n",
        "r",
    )
    .unwrap();
    let opts = ScheduleOptions {
        node_limit: Some(0),
        ..ScheduleOptions::default()
    };
    let r = schedule(&req(need, 60), &rules, &opts, "r").unwrap();
    let s = r.summary();
    assert!(
        s.status == Status::Optimal && s.gap < 1e-9 || s.status == Status::NodeLimit,
        "{s:?}"
    );
}

#[test]
fn a_roster_with_inconsistent_vectors_does_not_panic() {
    let grid = IntervalGrid::new(30, "2026-03-09".parse().unwrap(), 2).unwrap();
    let roster = Roster {
        grid,
        skip: 1000,
        shift_names: Vec::new(),
        channels: vec![channel_roster(Status::Optimal, vec![1; 3], vec![])],
        fte_hours_per_day: 0.0,
    };
    let _ = roster.summary();
    let mut buf = Vec::new();
    roster.write_coverage(&mut buf).unwrap();
    roster.write_roster(&mut buf).unwrap();
    assert!(roster.staffing().rows.is_empty());
}

#[test]
fn requirements_are_checked_where_they_are_built() {
    let grid = IntervalGrid::new(60, "2026-03-09".parse().unwrap(), 1).unwrap();
    assert!(Requirement::new(grid, [("a".to_string(), vec![1; 25])].into()).is_err());
    assert!(Requirement::new(grid, [("a".to_string(), vec![u32::MAX; 24])].into()).is_err());
    let bad: Result<Requirement, _> = serde_json::from_str(
        r#"{"grid":{"interval_min":60,"first":"2026-03-09","days":1},"channels":{"a":[1,2]}}"#,
    );
    assert!(bad.is_err());
    let bad: Result<IntervalGrid, _> =
        serde_json::from_str(r#"{"interval_min":0,"first":"2026-03-09","days":1}"#);
    assert!(bad.is_err());
}

/// Three days of hourly need on one 8-hour day shift, with `caps` people a
/// day (day 0 is the day before).
fn people_case(need_per_hour: [u32; 3], caps: Vec<u32>) -> Roster {
    let r = rules(DAY_SHIFT);
    let mut need = vec![0u32; 72];
    for (d, &n) in need_per_hour.iter().enumerate() {
        need[d * 24 + 9..d * 24 + 17].fill(n);
    }
    let people = People {
        per_day: caps,
        headcount: None,
    };
    let caps = BTreeMap::from([("phone".to_string(), people)]);
    schedule_people(
        &req(need, 60),
        &r,
        &ScheduleOptions::default(),
        "rules",
        &caps,
    )
    .unwrap()
}

#[test]
fn people_cap_the_shifts_of_each_day() {
    let roster = people_case([5, 5, 5], vec![9, 3, 9, 1]);
    let placed = roster.placed();
    let on = |d: &str| -> u32 {
        placed
            .iter()
            .filter(|p| p.date.to_string() == d)
            .map(|p| p.agents)
            .sum()
    };
    assert_eq!(on("2026-03-10"), 3);
    assert_eq!(on("2026-03-11"), 5);
    assert_eq!(on("2026-03-12"), 1);
    // 2 short for 8 hours on the first day, 4 on the last.
    assert_eq!(roster.summary().shortfall, 2 * 8 + 4 * 8);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// More people on any day never leave more of the requirement
    /// uncovered, and never more than the people allow.
    #[test]
    fn more_people_never_cover_less(
        need in proptest::array::uniform3(0u32..6),
        caps in proptest::collection::vec(0u32..6, 4),
        day in 0usize..4,
        more in 1u32..4,
    ) {
        let base = people_case(need, caps.clone()).summary().shortfall;
        let mut wider = caps.clone();
        wider[day] += more;
        let after = people_case(need, wider).summary().shortfall;
        proptest::prop_assert!(after <= base, "{after} > {base}");
        let lack: u32 = (0..3).map(|d| need[d].saturating_sub(caps[d + 1]) * 8).sum();
        proptest::prop_assert_eq!(base, lack);
    }
}

/// With no branch and bound the rounded LP roster is brought within the
/// people too, and with the weekly rule within the headcount.
#[test]
fn the_rounded_roster_keeps_to_the_people() {
    let r = rules(&format!("{DAY_SHIFT}[weekly]\nmax_days = 5\n"));
    let need = vec![3u32; 24 * 7];
    let grid = IntervalGrid::new(60, "2026-03-09".parse().unwrap(), 7).unwrap();
    let req = Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap();
    let people = People {
        per_day: vec![2; 8],
        headcount: Some(3),
    };
    let caps = BTreeMap::from([("phone".to_string(), people)]);
    for node_limit in [Some(0), None] {
        let opts = ScheduleOptions {
            node_limit,
            solver: SolverChoice::Microlp,
            ..ScheduleOptions::default()
        };
        let roster = schedule_people(&req, &r, &opts, "rules", &caps).unwrap();
        let mut per_day = BTreeMap::new();
        for p in roster.placed() {
            *per_day.entry(p.date).or_insert(0) += p.agents;
        }
        assert!(per_day.values().all(|&n| n <= 2), "{per_day:?}");
        // Three people on five days of seven: 15 shifts at most.
        let shifts: u32 = per_day.values().sum();
        assert!(shifts <= 15, "{shifts}");
        assert!(roster.channels[0].headcount.unwrap() <= 3);
    }
}

#[test]
fn rules_priced_in_yuan_give_the_same_roster_at_the_same_ratio() {
    let text = |full: f64, part: f64| {
        format!(
            "[[shift]]\nname = \"full\"\nearliest_start = \"06:00\"\nlatest_start = \"12:00\"\nstart_step_min = 60\nlength_min = 480\ncost_per_hour = {full}\n\
             [[shift.break]]\nlength_min = 60\nwindow_start_min = 180\nwindow_end_min = 300\n\
             [[shift]]\nname = \"part\"\nearliest_start = \"08:00\"\nlatest_start = \"16:00\"\nstart_step_min = 60\nlength_min = 240\ncost_per_hour = {part}\n\
             [[premium]]\nname = \"evening\"\nstart = \"18:00\"\nend = \"22:00\"\nmultiplier = 1.5\n"
        )
    };
    let mut need = vec![0u32; 48];
    for (h, n) in [
        (7, 3),
        (8, 5),
        (9, 9),
        (10, 11),
        (11, 8),
        (14, 10),
        (15, 12),
        (18, 4),
        (19, 3),
    ] {
        need[h] = n;
        need[24 + h] = n + 1;
    }
    let rq = req(need, 60);
    let opts = ScheduleOptions::default();
    let unit = schedule(&rq, &rules(&text(1.0, 1.15)), &opts, "rules").unwrap();
    let yuan = schedule(&rq, &rules(&text(45.0, 51.75)), &opts, "rules").unwrap();
    assert_eq!(unit.rows(), yuan.rows(), "the same shifts");
    let (a, b) = (unit.summary(), yuan.summary());
    assert!(
        (b.cost - 45.0 * a.cost).abs() < 1e-6 * b.cost,
        "{} {}",
        a.cost,
        b.cost
    );
    assert_eq!(a.status, b.status);
    for (x, y) in unit.channels.iter().zip(&yuan.channels) {
        assert!((y.bound - 45.0 * x.bound).abs() < 1e-6 * y.bound.max(1.0));
        assert!((y.gap - x.gap).abs() < 1e-9);
    }
    // The day × channel × shift-type totals add up to the roster's.
    let totals = yuan.by_day_and_type();
    let agents: u32 = totals.iter().map(|t| t.agents).sum();
    let shifts: u32 = yuan.rows().iter().map(|r| r.agents).sum();
    assert_eq!(agents, shifts);
    let cost: f64 = totals.iter().map(|t| t.cost).sum();
    assert!((cost - b.cost).abs() < 1e-6 * b.cost);
    let hours: f64 = totals.iter().map(|t| t.paid_hours).sum();
    assert!((hours - b.paid_hours).abs() < 1e-9);
    assert!(totals
        .windows(2)
        .all(|w| (w[0].date, &w[0].channel) <= (w[1].date, &w[1].channel)));
}
