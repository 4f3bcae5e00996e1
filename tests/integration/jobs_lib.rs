//! The workflows through the library's jobs layer, as a planning tool runs
//! them: no binary, no flags; the shipped centre with overrides.

use super::*;
use wfm::core::centre::Centre;
use wfm::jobs;

fn centre() -> Centre {
    Centre::from_path(&root().join("wfm.toml")).unwrap()
}

#[test]
fn a_review_with_a_team_what_ifs_and_the_fix() {
    let mut req = jobs::review::Request::on(Some(centre()));
    req.what_if = Some(scenario("whatif_spring_festival.toml"));
    req.recommend = true;
    req.replications = 6;
    req.fix_node_limit = 100;
    // A request is data: it survives a round trip through JSON.
    let json = serde_json::to_string(&req).unwrap();
    assert_eq!(
        serde_json::from_str::<jobs::review::Request>(&json).unwrap(),
        req
    );
    let job = jobs::review::prepare(&req).unwrap();
    // The centre, its files and the what-if file are inputs: no output may
    // replace them.
    let inputs: Vec<_> = job.setup.inputs.iter().map(|(_, p)| p.clone()).collect();
    for f in ["wfm.toml", "scenarios/team_spring_festival.toml"] {
        assert!(
            inputs.iter().any(|p| p.ends_with(f)),
            "{f} not in {inputs:?}"
        );
    }
    assert!(inputs
        .iter()
        .any(|p| p.ends_with("whatif_spring_festival.toml")));
    let out = job.run().unwrap();
    assert!(!out.meets_targets(), "the shipped holiday is short");
    assert!(out.short() > 0);
    // Every variant of the file is compared, channel by channel.
    let names: std::collections::BTreeSet<&str> =
        out.comparisons.iter().map(|c| c.variant.as_str()).collect();
    assert!(names.len() >= 2, "{names:?}");
    // The fix: shifts that cost money and leave fewer misses than before.
    let (fix, after) = out.fix.as_ref().unwrap();
    assert!(fix.cost > 0.0);
    let left = after.intervals.iter().filter(|r| r.misses_target).count();
    assert!(left < out.misses(), "{left} vs {}", out.misses());
    // The summary names the fix; the tables are the review's files, in order.
    assert!(out
        .summary()
        .iter()
        .any(|l| l.starts_with("the cheapest fix costs")));
    let tables = out.tables().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
    assert_eq!(names, jobs::review::FILES);
    assert_eq!(tables[1], out.intervals_table().unwrap());
    assert!(tables[6].bytes.len() > 100, "fix.csv has the shifts");
    // The same request gives the same numbers, byte for byte.
    let again = jobs::review::prepare(&req).unwrap().run().unwrap();
    assert_eq!(again.tables().unwrap(), tables);
}

#[test]
fn a_review_needs_a_supply_and_says_which_key_gives_it() {
    let mut c = centre();
    c.file.team = None;
    let req = jobs::review::Request::on(Some(c));
    let e = jobs::review::prepare(&req).unwrap_err().to_string();
    assert!(e.contains("set `team` in the centre file"), "{e}");
    let mut req = jobs::review::Request::on(Some(centre()));
    req.replications = 0;
    let e = jobs::review::prepare(&req).unwrap_err().to_string();
    assert!(e.contains("replications"), "{e}");
}

#[test]
fn a_capacity_plan_with_the_optimizer_and_attrition_variants() {
    let mut req = jobs::capacity::Request::on(Some(centre()));
    req.to = Some(jiff::civil::date(2026, 7, 5));
    req.optimize_hiring = true;
    req.attrition_weekly = vec![0.005, 0.012];
    let out = jobs::capacity::prepare(&req).unwrap().run().unwrap();
    assert_eq!(out.name, "attrition 0.005");
    assert_eq!(out.variants.len(), 1);
    assert_eq!(out.variants[0].0, "attrition 0.012");
    let o = out.plan.optimizer.as_ref().expect("the optimizer ran");
    assert!(o.objective.is_finite());
    // Lower attrition keeps more agents: the plan's last week has more
    // headcount than the variant's.
    let heads = |p: &wfm::supply::capacity::CapacityPlan| -> u64 {
        let last = p.rows.iter().map(|r| r.week_start).max().unwrap();
        p.rows
            .iter()
            .filter(|r| r.week_start == last)
            .map(|r| u64::from(r.week.headcount))
            .sum()
    };
    assert!(heads(&out.plan) > heads(&out.variants[0].1));
    let tables = out.tables().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
    assert_eq!(names, jobs::capacity::FILES);
    // The page opens with the decision, every option of it equal to
    // decision.csv, and names no cost without its currency.
    let page = String::from_utf8(tables[0].bytes.clone()).unwrap();
    let csv = tables.iter().find(|t| t.name == "decision.csv").unwrap();
    let n = decision_block_matches_csv(&page, &csv.bytes);
    assert_eq!(n, out.plan.classes.iter().filter(|c| !c.decided).count());
    assert!(
        out.decision.verdict.contains("FTE-weeks"),
        "{}",
        out.decision.verdict
    );
    assert!(out.decision.verdict.contains('¥'));
    no_bare_cost(&page);
    // A class is approved its lead time (3 weeks) before it starts.
    for o in &out.decision.options {
        let start: jiff::civil::Date = o.levers[0]
            .split("starting ")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            o.decide_by,
            start.checked_sub(jiff::Span::new().days(21)).unwrap()
        );
    }
    // An attrition rate out of range is the request's error, not the file's.
    req.attrition_weekly = vec![1.5];
    let e = jobs::capacity::prepare(&req).unwrap_err().to_string();
    assert!(
        e.contains("Request.attrition_weekly: expected weekly shares in [0, 1), got 1.5"),
        "{e}"
    );
}

#[test]
fn a_roster_of_named_agents_and_its_check() {
    let req = jobs::roster::Request::on(Some(centre()));
    let job = jobs::roster::prepare(&req).unwrap();
    let out = job.run().unwrap();
    let r = &out.plan.roster;
    assert!(!r.assignments.is_empty());
    assert!(out.summary()[0].starts_with("decision: "));
    assert!(out.summary()[1].contains("shifts assigned"));
    let tables = out.tables().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
    assert_eq!(names, jobs::roster::FILES);
    // The page: the decision equal to decision.csv, no bare cost, a sheet
    // for every week of the period with the agents' names and the
    // statutory days marked; the agents' costs add up to the decision's.
    let page = String::from_utf8(tables[0].bytes.clone()).unwrap();
    let csv = tables.iter().find(|t| t.name == "decision.csv").unwrap();
    assert_eq!(decision_block_matches_csv(&page, &csv.bytes), 1);
    no_bare_cost(&page);
    for week in ["2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12"] {
        assert!(page.contains(&format!("Week of {week}")), "{week}");
    }
    assert!(page.contains(&out.agents[0].name));
    // 2026-10-01 to 10-03 and 09-25 are statutory days (the calendar).
    assert!(
        page.contains("Thu 10-01<br>statutory"),
        "statutory days marked"
    );
    let cost: f64 = r.agents.iter().map(|a| a.cost).sum();
    assert!((cost - out.decision.options[0].cost).abs() < 1e-6);
    assert!(cost > 0.0);
    // The preference share, recomputed from the written definition.
    let (mut hit, mut total) = (0u32, 0u32);
    for ag in out
        .agents
        .iter()
        .filter(|a| !a.prefer_shifts.is_empty() || !a.prefer_days_off.is_empty())
    {
        for a in r.assignments.iter().filter(|a| a.agent == ag.id) {
            total += 1;
            let wd = wfm::core::calendar::weekday_index(a.date);
            if (ag.prefer_shifts.is_empty() || ag.prefer_shifts.contains(&a.shift))
                && !ag.prefer_days_off.contains(&wd)
            {
                hit += 1;
            }
        }
    }
    assert!((f64::from(hit) / f64::from(total) - r.preference_share).abs() < 1e-12);
    // The roster it wrote passes its own check.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("assignments.csv");
    std::fs::write(&path, &tables[1].bytes).unwrap();
    let check = jobs::roster::check(&jobs::roster::CheckRequest {
        centre: Some(centre()),
        assignments: path,
        agents: None,
        shifts: None,
        rules: None,
        calendar: None,
        from: None,
        to: None,
        leave: None,
    })
    .unwrap();
    assert_eq!(check.assignments, r.assignments.len());
    assert!(check.violations.is_empty(), "{:?}", check.violations);
}

/// The standing week covers every night: the night before the week (where
/// `wfm schedule` puts the first morning's duty) is the week's last night,
/// so no interval of the shipped holiday has nobody on duty, and the fix
/// never buys a shift that starts before the period (issue: supply from the
/// people, night coverage across the period's edges).
#[test]
fn the_shipped_holiday_has_someone_on_every_night_and_buys_nothing_before_it() {
    let mut req = jobs::review::Request::on(Some(centre()));
    req.recommend = true;
    req.replications = 4;
    req.fix_node_limit = 100;
    let out = jobs::review::prepare(&req).unwrap().run().unwrap();
    let empty: Vec<String> = out
        .review
        .intervals
        .iter()
        .filter(|r| r.required > 0 && r.scheduled == 0)
        .map(|r| format!("{} {} {}", r.date, r.time, r.channel))
        .collect();
    assert!(
        empty.is_empty(),
        "{} intervals with nobody: {:?}",
        empty.len(),
        &empty[..empty.len().min(5)]
    );
    let tables = out.tables().unwrap();
    let fix = tables.iter().find(|t| t.name == "fix.csv").unwrap();
    let text = String::from_utf8(fix.bytes.clone()).unwrap();
    let from = out.review.from.to_string();
    let to = out.review.to.to_string();
    let mut bought = 0;
    for line in text.lines().skip(1) {
        let date = line.split(',').next().unwrap();
        assert!(
            date >= from.as_str() && date <= to.as_str(),
            "bought outside {from}..{to}: {line}"
        );
        bought += 1;
    }
    assert!(
        bought > 0,
        "the shipped holiday is short: the fix buys shifts"
    );
}

/// The supply model: the team's people are scheduled against the
/// requirement, so more phone agents never lower phone's simulated service
/// (common random numbers: the same seed) and shrink its shortfall where
/// there was one; the standing roster as it is stays available.
#[test]
fn more_people_give_more_service_and_the_standing_roster_stays_available() {
    let dir = centre_copy();
    let team = dir.path().join("scenarios/team_spring_festival.toml");
    let text = std::fs::read_to_string(&team).unwrap();
    let mut last: Option<(f64, f64)> = None;
    for headcount in [70, 106, 140] {
        let edited = text.replacen("headcount = 106", &format!("headcount = {headcount}"), 1);
        std::fs::write(&team, edited).unwrap();
        let centre = Centre::from_path(&dir.path().join("wfm.toml")).unwrap();
        let mut req = jobs::review::Request::on(Some(centre));
        req.replications = 4;
        let out = jobs::review::prepare(&req).unwrap().run().unwrap();
        let phone = out
            .review
            .channels
            .iter()
            .find(|c| c.channel == "phone")
            .unwrap();
        let (sl, short) = (phone.service_level.mean, phone.short_h);
        if let Some((sl0, short0)) = last {
            assert!(sl >= sl0 - 1e-9, "{headcount}: {sl} < {sl0}");
            assert!(short <= short0, "{headcount}: {short} > {short0}");
            if short0 > 0.0 {
                assert!(
                    short < short0,
                    "{headcount}: short {short} not below {short0}"
                );
            }
        }
        last = Some((sl, short));
        assert!(out.team_roster.is_some());
    }
    // `as_rostered`: the standing roster replayed, no roster scheduled.
    let mut req = jobs::review::Request::on(Some(centre()));
    req.replications = 2;
    req.as_rostered = true;
    let out = jobs::review::prepare(&req).unwrap().run().unwrap();
    assert!(out.team_roster.is_none());
}

/// The decision block: one value printed by the page and by decision.csv;
/// every cost on it in the centre's currency; the decide-by dates the
/// agency's notice before the first day an option staffs.
#[test]
fn the_review_page_decision_block_equals_its_csv() {
    let mut req = jobs::review::Request::on(Some(centre()));
    req.what_if = Some(scenario("whatif_spring_festival.toml"));
    req.recommend = true;
    req.replications = 4;
    req.fix_node_limit = 100;
    let out = jobs::review::prepare(&req).unwrap().run().unwrap();
    let tables = out.tables().unwrap();
    let page = String::from_utf8(tables[0].bytes.clone()).unwrap();
    let csv = tables.iter().find(|t| t.name == "decision.csv").unwrap();
    let csv = String::from_utf8(csv.bytes.clone()).unwrap();
    let block = page
        .split("<section class=\"decision\">")
        .nth(1)
        .and_then(|b| b.split("</section>").next())
        .expect("the page has a decision block");
    // The block comes before the first chart.
    assert!(page.find("class=\"decision\"").unwrap() < page.find("<svg").unwrap());
    let money = wfm::core::money::Money::new("CNY");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "option",
            "levers",
            "cost",
            "currency",
            "effect",
            "misses_after",
            "decide_by"
        ]
    );
    let mut n = 0;
    for r in rows.records() {
        let r = r.unwrap();
        let cost: f64 = r[2].parse().unwrap();
        assert_eq!(&r[3], "CNY");
        let cell = format!("<td>{}</td>", money.format(cost));
        assert!(block.contains(&cell), "{cell} not in the block");
        assert!(
            block.contains(&format!("<td class=\"when\">{}</td>", &r[6])),
            "{}",
            &r[6]
        );
        assert!(block.contains(&format!("<td>{}</td>", &r[0])), "{}", &r[0]);
        n += 1;
    }
    assert_eq!(n, 1 + 3, "the fix and the three variants");
    // The fix: decided the notice (14 days) before its first shift.
    let fix = &out.decision.options[0];
    let (fix_shifts, _) = out.fix.as_ref().unwrap();
    let first = fix_shifts
        .roster
        .rows()
        .iter()
        .map(|r| r.date)
        .min()
        .unwrap();
    assert_eq!(
        fix.decide_by,
        first.checked_sub(jiff::Span::new().days(14)).unwrap()
    );
    // The verdict names the fix's cost as the CSV has it, in yuan.
    assert!(out.decision.verdict.contains(&money.format(fix.cost)));
    assert!(block.contains(&out.decision.verdict));
    // Every variant lists its levers; "holiday temporaries" says it borrows
    // e-mail agents (why its e-mail service falls).
    let temps = out
        .decision
        .options
        .iter()
        .find(|o| o.option == "holiday temporaries")
        .unwrap();
    assert!(
        temps
            .levers
            .iter()
            .any(|l| l.contains("email agent(s) serve phone")),
        "{:?}",
        temps.levers
    );
    // No bare cost: the team's cost line is in yuan too.
    assert!(
        page.contains("paid hours</strong>, costing <strong>¥"),
        "team cost"
    );
    // The fix says which levers it used: temporaries only, per channel.
    assert!(
        fix.levers.iter().any(|l| l.contains("temporaries only")),
        "{:?}",
        fix.levers
    );
    // The fix on the page: a summary by day × channel × shift type equal to
    // fix_summary.csv, at most 40 rows, its totals those of fix.csv and of
    // the decision; not the shift-by-shift dump.
    let summary = tables.iter().find(|t| t.name == "fix_summary.csv").unwrap();
    let summary = String::from_utf8(summary.bytes.clone()).unwrap();
    let mut rows = csv::Reader::from_reader(summary.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        ["date", "channel", "shift", "agents", "paid_h", "cost", "currency"]
    );
    let fix_section = page.split("The cheapest fix</h2>").nth(1).unwrap();
    let (mut shifts, mut cost, mut n) = (0u32, 0.0, 0);
    for r in rows.records() {
        let r = r.unwrap();
        let c: f64 = r[5].parse().unwrap();
        let row = format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            &r[0], &r[1], &r[2], &r[3]
        );
        if n < 40 {
            assert!(fix_section.contains(&row), "{row} not on the page");
            assert!(fix_section.contains(&format!("<td>{}</td></tr>", money.format(c))));
        }
        shifts += r[3].parse::<u32>().unwrap();
        cost += c;
        n += 1;
    }
    assert!(n > 0 && n <= 40, "{n} summary rows for the shipped fix");
    let detail = tables.iter().find(|t| t.name == "fix.csv").unwrap();
    let detail: u32 = csv::Reader::from_reader(&detail.bytes[..])
        .records()
        .map(|r| r.unwrap()[4].parse::<u32>().unwrap())
        .sum();
    assert_eq!(shifts, detail);
    assert!(
        (cost - fix.cost).abs() < 0.01 * n as f64,
        "{cost} vs {}",
        fix.cost
    );
    assert_eq!(
        fix_section.matches("<tr>").count(),
        n + 1,
        "header and one row each"
    );
}

/// Checks that the page's decision block comes before its first chart and
/// shows the first rows of `decision.csv` (its options' names, costs in
/// yuan and decide-by dates) and says how many it leaves out; returns the
/// CSV's rows.
fn decision_block_matches_csv(page: &str, csv: &[u8]) -> usize {
    let block = page
        .split("<section class=\"decision\">")
        .nth(1)
        .and_then(|b| b.split("</section>").next())
        .expect("the page has a decision block");
    if let Some(svg) = page.find("<svg") {
        assert!(page.find("class=\"decision\"").unwrap() < svg);
    }
    let money = wfm::core::money::Money::new("CNY");
    let mut rows = csv::Reader::from_reader(csv);
    let mut n = 0;
    for r in rows.records() {
        let r = r.unwrap();
        assert_eq!(&r[3], "CNY");
        if n < wfm::report::DECISION_ROWS {
            let cost: f64 = r[2].parse().unwrap();
            for cell in [
                format!("<td>{}</td>", &r[0]),
                format!("<td>{}</td>", money.format(cost)),
                format!("<td class=\"when\">{}</td>", &r[6]),
            ] {
                assert!(block.contains(&cell), "{cell} not in the block");
            }
        }
        n += 1;
    }
    if n > wfm::report::DECISION_ROWS {
        assert!(
            block.contains(&format!("{n} in all: decision.csv has every row")),
            "the block says how many options it leaves out"
        );
    }
    n
}

/// No amount of money on the page without its currency: every "cost",
/// "costs", "costing" or "objective" followed by a bare number fails.
fn no_bare_cost(page: &str) {
    let text: String = {
        let mut out = String::new();
        let mut tag = false;
        for ch in page.chars() {
            match ch {
                '<' => tag = true,
                '>' => {
                    tag = false;
                    out.push(' ');
                }
                c if !tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    for word in ["cost ", "costs ", "costing ", "objective ", "bound "] {
        for (i, _) in text.match_indices(word) {
            let after = text[i + word.len()..].trim_start_matches([' ', ':', '(']);
            assert!(
                !after.starts_with(|c: char| c.is_ascii_digit()),
                "a bare amount: {}",
                &text[i..(i + 60).min(text.len())]
            );
        }
    }
}
