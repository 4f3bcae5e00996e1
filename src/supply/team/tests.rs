//! Supply arithmetic, checked against hand-computed cases.

use super::*;

const RULES: &str = "[[shift]]\nname = \"day\"\nearliest_start = \"09:00\"\nlatest_start = \"09:00\"\nlength_min = 480\ncost_per_hour = 1.0\n\
    [[shift]]\nname = \"eve\"\nearliest_start = \"13:00\"\nlatest_start = \"13:00\"\nlength_min = 480\ncost_per_hour = 1.0\n\
    [[shift]]\nname = \"night\"\nearliest_start = \"22:00\"\nlatest_start = \"22:00\"\nlength_min = 480\ncost_per_hour = 1.0\n\
    [[premium]]\nday_types = [\"statutory\"]\nmultiplier = 3.0\n";

/// Monday 2026-03-09 .. Sunday 2026-03-15: every day a day shift of 6 with a
/// lunch 12:00-13:00 and an evening shift of 4; Sunday also a night of 2.
fn roster_csv() -> String {
    let mut s = String::from("date,shift,start,end,agents,breaks,channel\n");
    for d in 9..=15 {
        s.push_str(&format!(
            "2026-03-{d:02},day,09:00,17:00,6,12:00-13:00,phone\n"
        ));
        s.push_str(&format!("2026-03-{d:02},eve,13:00,21:00,4,,phone\n"));
    }
    s.push_str("2026-03-15,night,22:00,06:00,2,02:00-03:00,phone\n");
    s.push_str("2026-03-10,day,09:00,17:00,9,,chat\n");
    s
}

fn team(extra: &str, calendar: &str) -> Result<Team, InputError> {
    let rules = ShiftRules::parse(RULES, "r.toml").unwrap();
    let file: TeamFile = toml::from_str(&format!(
        "[group.phone]\nheadcount = 10\nroster = \"w.csv\"\n{extra}"
    ))
    .map_err(|e| InputError::file("t.toml", e.to_string()))?;
    let (rows, _) = read_roster(roster_csv().as_bytes(), "w.csv")?;
    let cal = Calendar::read(format!("date,day_type\n{calendar}").as_bytes(), "c.csv")
        .unwrap()
        .0;
    Team::new(
        file,
        "t.toml",
        cal,
        [("phone".to_string(), (PathBuf::from("w.csv"), rows))].into(),
        &rules,
    )
}

fn at(s: &Supply, date: &str, time: &str) -> u32 {
    let d: Date = date.parse().unwrap();
    let t: jiff::civil::Time = time.parse().unwrap();
    s.staffing
        .rows
        .iter()
        .find(|r| r.date == d && r.time == t)
        .map(|r| r.agents)
        .unwrap()
}

#[test]
fn largest_remainder_keeps_totals_exact() {
    assert_eq!(scale_counts(&[6, 4], 0.7), vec![4, 3]); // 4.2 + 2.8 = 7
    assert_eq!(scale_counts(&[10, 7, 3], 0.65), vec![6, 5, 2]); // 13
    assert_eq!(scale_counts(&[1, 1, 1], 0.5), vec![1, 1, 0]); // 1.5 -> 2, ties to earlier rows
    assert_eq!(scale_counts(&[5, 5], 1.0), vec![5, 5]);
    assert_eq!(scale_counts(&[5, 5], 0.0), vec![0, 0]);
    assert_eq!(scale_counts(&[3, 2], 1.5), vec![5, 3]); // 4.5 + 3 = 7.5 -> 8
    assert_eq!(scale_counts(&[], 0.5), Vec::<u32>::new());
    for r in [0.13, 0.37, 0.5, 0.91, 1.23] {
        let n = [7u32, 13, 1, 29, 4];
        let s = scale_counts(&n, r);
        let want = (54.0 * r + 0.5_f64).floor() as u32;
        assert_eq!(s.iter().sum::<u32>(), want, "{r}");
        for (a, b) in n.iter().zip(&s) {
            assert!((f64::from(*b) - f64::from(*a) * r).abs() < 1.0 + 1e-9);
        }
    }
}

#[test]
fn leave_scales_the_standing_roster() {
    // 3 of 10 on leave on Tuesday: 70% of 6 + 4 = 7 agents: 4 day, 3 evening.
    let t = team(
        "[[group.phone.leave]]\nfrom = \"2026-03-10\"\nto = \"2026-03-10\"\nagents = 3\n",
        "",
    )
    .unwrap();
    let rules = ShiftRules::parse(RULES, "r.toml").unwrap();
    let s = t
        .supply(
            "2026-03-09".parse().unwrap(),
            "2026-03-10".parse().unwrap(),
            30,
            &rules,
        )
        .unwrap();
    assert_eq!(at(&s, "2026-03-09", "10:00"), 6);
    assert_eq!(at(&s, "2026-03-09", "14:00"), 10);
    assert_eq!(at(&s, "2026-03-10", "10:00"), 4);
    assert_eq!(
        at(&s, "2026-03-10", "12:30"),
        0,
        "lunch, evening not yet in"
    );
    assert_eq!(at(&s, "2026-03-10", "14:00"), 7);
    assert_eq!(at(&s, "2026-03-10", "18:00"), 3);
    assert_eq!(at(&s, "2026-03-10", "21:00"), 0);
    // Chat rows of the roster are not the phone group's.
    let tue = s.days.iter().find(|d| d.date.day() == 10).unwrap();
    assert_eq!((tue.on_books, tue.on_leave, tue.rostered), (10, 3, 7));
    assert!((tue.paid_hours - 56.0).abs() < 1e-9);
    assert!((tue.cost - 56.0).abs() < 1e-9);
}

#[test]
fn changes_and_shares_round_to_whole_agents() {
    // 35% leave from Wednesday, 20% leavers from Thursday, 5 hires from Friday.
    let t = team(
        "[[group.phone.leave]]\nfrom = \"2026-03-11\"\nto = \"2026-03-13\"\nshare = 0.35\n\
         [[group.phone.change]]\ndate = \"2026-03-12\"\nshare = -0.2\n\
         [[group.phone.change]]\ndate = \"2026-03-13\"\nagents = 5\naht_factor = [1.5, 1.2]\n",
        "",
    )
    .unwrap();
    let g = &t.groups["phone"];
    let on = |d: &str| t.headcount_on(g, d.parse().unwrap()).unwrap();
    assert_eq!(on("2026-03-10"), (10, 0));
    assert_eq!(on("2026-03-11"), (10, 4)); // 3.5 rounds to 4
    assert_eq!(on("2026-03-12"), (8, 4));
    assert_eq!(on("2026-03-13"), (13, 4));
    assert_eq!(on("2026-03-14"), (13, 0));
    // Hires at 1.5x AHT in their first week, 1.2x in the second, then 1.
    let f = |d: &str| t.aht_factor(g, d.parse().unwrap());
    assert!((f("2026-03-12") - 1.0).abs() < 1e-12);
    let want = (10.0 + 5.0 * 1.5) / 15.0; // weights over headcount + hires
    assert!((f("2026-03-13") - want).abs() < 1e-12);
    assert!((f("2026-03-20") - (10.0 + 5.0 * 1.2) / 15.0).abs() < 1e-12);
    assert!((f("2026-03-27") - 1.0).abs() < 1e-12);
}

#[test]
fn makeup_days_and_holidays_work_the_configured_weekday() {
    // Saturday 2026-03-14 is a make-up workday (works Tuesday's roster here);
    // Wednesday 2026-03-11 a statutory holiday (works Sunday's: with the night).
    let t = team(
        "makeup_weekday = \"tue\"\n",
        "2026-03-14,workday\n2026-03-11,statutory\n",
    )
    .unwrap();
    let g = &t.groups["phone"];
    assert_eq!(t.roster_weekday(g, "2026-03-14".parse().unwrap()), 1);
    assert_eq!(t.roster_weekday(g, "2026-03-11".parse().unwrap()), 6);
    assert_eq!(t.roster_weekday(g, "2026-03-12".parse().unwrap()), 3);
    let rules = ShiftRules::parse(RULES, "r.toml").unwrap();
    let s = t
        .supply(
            "2026-03-11".parse().unwrap(),
            "2026-03-12".parse().unwrap(),
            60,
            &rules,
        )
        .unwrap();
    // The holiday's night (22:00-06:00, break 02:00-03:00) reaches Thursday.
    assert_eq!(at(&s, "2026-03-11", "23:00"), 2);
    assert_eq!(at(&s, "2026-03-12", "01:00"), 2);
    assert_eq!(at(&s, "2026-03-12", "02:00"), 0);
    assert_eq!(at(&s, "2026-03-12", "05:00"), 2);
    assert_eq!(at(&s, "2026-03-12", "06:00"), 0);
    // Holiday pay: 10 agents × 8 h at 3x, and the night's 2 h before midnight
    // at 3x, its 6 h after midnight on a workday at 1x.
    let wed = s.days.iter().find(|d| d.date.day() == 11).unwrap();
    assert!(
        (wed.cost - (80.0 * 3.0 + 2.0 * (2.0 * 3.0 + 6.0))).abs() < 1e-9,
        "{}",
        wed.cost
    );
}

#[test]
fn bad_teams_are_named() {
    // More on leave than on the books: refused when the team is read, at
    // the leave's key (not a negative FTE downstream).
    let e = team(
        "[[group.phone.leave]]\nfrom = \"2026-03-10\"\nto = \"2026-03-10\"\nagents = 11\n",
        "",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("t.toml: [[group.phone.leave]] 1 agents: 11 agents on leave on 2026-03-10, more than the 10"),
        "{e}"
    );
    // Two leaves that overlap: the second is blamed, on the day they meet.
    let e = team(
        "[[group.phone.leave]]\nfrom = \"2026-03-09\"\nto = \"2026-03-12\"\nagents = 6\n\
         [[group.phone.leave]]\nfrom = \"2026-03-11\"\nto = \"2026-03-13\"\nagents = 5\n",
        "",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("[[group.phone.leave]] 2 agents: 11 agents on leave on 2026-03-11"),
        "{e}"
    );
    // After a change takes agents away, fewer can be on leave.
    let e = team(
        "[[group.phone.change]]\ndate = \"2026-03-10\"\nagents = -4\n\
         [[group.phone.leave]]\nfrom = \"2026-03-09\"\nto = \"2026-03-12\"\nagents = 7\n",
        "",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("7 agents on leave on 2026-03-10, more than the 6 on the books"),
        "{e}"
    );
    // A change below zero agents: refused at the change, not clamped.
    let e = team(
        "[[group.phone.change]]\ndate = \"2026-03-10\"\nagents = -500\n",
        "",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains(
            "t.toml: [[group.phone.change]] 1 agents: takes the books to -490 agents on 2026-03-10"
        ),
        "{e}"
    );
    // Leave that ends before the change that hires is fine.
    team(
        "[[group.phone.change]]\ndate = \"2026-03-12\"\nagents = -5\n\
         [[group.phone.leave]]\nfrom = \"2026-03-09\"\nto = \"2026-03-11\"\nagents = 8\n",
        "",
    )
    .unwrap();
    let e = team(
        "[[group.phone.leave]]\nfrom = \"2026-03-10\"\nto = \"2026-03-09\"\nagents = 1\n",
        "",
    )
    .unwrap_err();
    assert!(e.to_string().contains("[[group.phone.leave]] 1 to"), "{e}");
    let e = team("[[group.phone.change]]\ndate = \"2026-03-10\"\n", "").unwrap_err();
    assert!(e.to_string().contains("give agents or share"), "{e}");
    // A roster naming a shift the rules lack.
    let rules = ShiftRules::parse(RULES, "r.toml").unwrap();
    let (rows, _) = read_roster(
        "date,shift,start,end,agents,breaks,channel\n2026-03-09,late,15:00,23:00,3,,phone\n"
            .as_bytes(),
        "w.csv",
    )
    .unwrap();
    let file: TeamFile =
        toml::from_str("[group.phone]\nheadcount = 5\nroster = \"w.csv\"\n").unwrap();
    let e = Team::new(
        file,
        "t.toml",
        Calendar::default(),
        [("phone".into(), (PathBuf::from("w.csv"), rows))].into(),
        &rules,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("w.csv:2: shift \"late\""), "{e}");
    // A roster of more than a week.
    let e = read_roster(
        "date,shift,start,end,agents\n2026-03-09,day,09:00,17:00,1\n2026-03-17,day,09:00,17:00,1\n"
            .as_bytes(),
        "w.csv",
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("w.csv:3:") && e.to_string().contains("one typical week"),
        "{e}"
    );
    // wfm schedule's leading night of the day before: dropped.
    let (rows, _) = read_roster(
        "date,shift,start,end,agents\n2026-03-08,night,22:00,06:00,1\n2026-03-09,day,09:00,17:00,1\n2026-03-15,night,22:00,06:00,1\n".as_bytes(),
        "w.csv",
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    // Unknown keys are errors.
    assert!(toml::from_str::<TeamFile>(
        "[group.phone]\nheadcount = 5\nroster = \"w\"\nheadcnt = 3\n"
    )
    .is_err());
}

#[test]
fn overtime_and_temporary_shifts_add_agents_and_cost() {
    let t = team("max_overtime_h_day = 1.5\n", "").unwrap();
    let rules = ShiftRules::parse(RULES, "r.toml").unwrap();
    let d: Date = "2026-03-10".parse().unwrap();
    let levers = Levers {
        overtime: vec![OvertimeLever {
            group: "phone".into(),
            from: d,
            to: d,
            minutes: 120, // capped at 90
        }],
        temporary: vec![TemporaryLever {
            group: "phone".into(),
            from: d,
            to: d,
            agents: 3,
            shift: TemporaryLever::shift_from_rules(&rules, "day").unwrap(),
        }],
    };
    let s = t.supply_with(d, d, 30, &rules, &levers).unwrap();
    // Day shift 09:00-18:30 (6 + 3 temporary until 17:00), evening 13:00-22:30.
    assert_eq!(at(&s, "2026-03-10", "10:00"), 9);
    assert_eq!(at(&s, "2026-03-10", "17:00"), 10);
    assert_eq!(at(&s, "2026-03-10", "18:00"), 10);
    assert_eq!(at(&s, "2026-03-10", "18:30"), 4);
    assert_eq!(at(&s, "2026-03-10", "22:00"), 4);
    assert_eq!(at(&s, "2026-03-10", "22:30"), 0);
    // 10 agents × 8 h + 10 × 1.5 h overtime at 150% + 3 temporary × 8 h.
    let day = &s.days[0];
    assert!(
        (day.cost - (80.0 + 15.0 * 1.5 + 24.0)).abs() < 1e-9,
        "{}",
        day.cost
    );
    assert!((day.paid_hours - (80.0 + 15.0 + 24.0)).abs() < 1e-9);
}
