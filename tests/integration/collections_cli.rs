//! Collections books in the scenario, through `wfm forecast`.

use super::*;

const BOOK: &str = r#"
[channel.phone]
daily_volume = 2000
aht_s = 240

[[collections]]
name = "cash"
due_days = [10, 25]
loans_due = 20000
delinquency = [[1, 0.06], [3, 0.045], [7, 0.03], [30, 0.015]]
[[collections.tier]]
name = "small"
share = 0.8
treatment = [{ from_day = 4, to_day = 30, kind = "message", handle_s = 90 }]
[[collections.tier]]
name = "large"
share = 0.2
treatment = [{ from_day = 4, to_day = 30, kind = "call", attempts_per_day = 2, reach = 0.35, talk_s = 240 }]
"#;

#[test]
fn forecast_writes_the_outbound_workload_inside_the_window() {
    let (dir, sc) = temp_file("s.toml", BOOK);
    let out = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-16",
        "--to",
        "2026-03-22",
        "--out",
        s(&out),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let calls: Vec<&str> = text.lines().filter(|l| l.contains(",cash_call,")).collect();
    assert!(!calls.is_empty());
    for l in &calls {
        let t = l.split(',').nth(1).unwrap();
        assert!(("08:00".."22:00").contains(&t), "{l}");
    }
    assert!(text.lines().any(|l| l.contains(",cash_message,")));
}

#[test]
fn a_rising_delinquency_curve_is_a_located_error() {
    let bad = BOOK.replace("[7, 0.03]", "[7, 0.05]");
    let (dir, sc) = temp_file("s.toml", &bad);
    let out = dir.path().join("f.csv");
    let e = wfm_err(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-16",
        "--to",
        "2026-03-22",
        "--out",
        s(&out),
    ]);
    assert!(
        e.contains("[[collections]] #1 delinquency") && e.contains("rises"),
        "{e}"
    );
    assert!(!out.exists());
}

/// The shipped collections week staffed with its predictive dialer: the
/// outbound rows carry the dialer's model, no row outside 08:00–22:00,
/// abandonment within the cap; every dialer mode staffs the same attempts,
/// preview needing the most agents and predictive the fewest.
#[test]
fn staff_turns_attempts_into_collectors_by_dialer_mode() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        "scenarios/collections_week.toml",
        "--to",
        "2026-03-12",
        "--out",
        s(&f),
    ]);
    let base = shipped_channels_without_groups();
    let mut total = Vec::new();
    for mode in ["preview", "progressive", "predictive"] {
        let (_d, ch) = temp_file(
            "c.toml",
            &base.replace("mode = \"predictive\"", &format!("mode = \"{mode}\"")),
        );
        let out = dir.path().join(format!("{mode}.csv"));
        wfm_ok(&[
            "staff",
            "--forecast",
            s(&f),
            "--channels",
            s(&ch),
            "--out",
            s(&out),
        ]);
        let text = std::fs::read_to_string(&out).unwrap();
        let mut agents = 0u32;
        for l in text.lines().filter(|l| l.contains(",cash_call,")) {
            let c: Vec<&str> = l.split(',').collect();
            assert_eq!(c[13], mode, "{l}");
            assert!(("08:00".."22:00").contains(&c[1]), "{l}");
            let abandon: f64 = c[10].parse().unwrap();
            assert!(abandon <= 0.03, "{l}");
            agents += c[5].parse::<u32>().unwrap();
        }
        total.push(agents);
    }
    assert!(
        total[0] > total[1] && total[1] > total[2],
        "agent-intervals preview, progressive, predictive: {total:?}"
    );
}

/// A reach above 1 and a cap of 0 in the channels file: located errors.
#[test]
fn bad_dialer_settings_are_located_errors() {
    let (dir, f) = first_day_forecast();
    let base = shipped_channels_without_groups();
    for (from, to, want) in [
        (
            "reach = 0.35",
            "reach = 1.4",
            "[channel.cash_call] outbound.reach",
        ),
        (
            "abandon_cap = 0.03",
            "abandon_cap = 0",
            "[channel.cash_call] outbound.abandon_cap",
        ),
        (
            "mode = \"predictive\"",
            "mode = \"psychic\"",
            "expected one of `preview`",
        ),
        (
            "connect = 0.45",
            "connect = 0.2",
            "[channel.cash_call] outbound.connect",
        ),
    ] {
        let (_d, ch) = temp_file("c.toml", &base.replace(from, to));
        let out = dir.path().join("s.csv");
        let e = wfm_err(&[
            "staff",
            "--forecast",
            s(&f),
            "--channels",
            s(&ch),
            "--out",
            s(&out),
        ]);
        assert!(e.contains(want) && e.contains("c.toml"), "{want}: {e}");
        assert!(!out.exists());
    }
    // Multi-skill staffing does not take a campaign (its volume is attempts).
    let (_d, ch) = temp_file(
        "c.toml",
        &format!("{base}\n[group.all]\nchannels = [\"phone\", \"cash_call\"]\n"),
    );
    let out = dir.path().join("g.csv");
    let e = wfm_err(&[
        "staff",
        "--forecast",
        s(&f),
        "--channels",
        s(&ch),
        "--groups",
        "--out",
        s(&out),
    ]);
    assert!(e.contains("[channel.cash_call] outbound"), "{e}");
    assert!(!out.exists());
}

/// A blended group (phone and the collections calls, two agents kept for
/// inbound) simulated on the shipped week's first day, on several seeds:
/// the trace shows no outbound attempt outside 08:00–22:00 and no interval
/// above its call list; what is not reached is in the backlog column.
#[test]
fn blended_outbound_stays_inside_the_window_and_the_list() {
    let (dir, f) = first_day_forecast();
    let forecast = std::fs::read_to_string(&f).unwrap();
    // The call list per interval start (seconds of the day).
    let mut list: std::collections::BTreeMap<u32, f64> = Default::default();
    let mut staffing = String::from("date,time,group,agents\n");
    for l in forecast.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let (h, m) = c[1].split_once(':').unwrap();
        let at = h.parse::<u32>().unwrap() * 3600 + m.parse::<u32>().unwrap() * 60;
        if c[2] == "cash_call" {
            list.insert(at, c[3].parse::<f64>().unwrap().round());
        }
        if c[2] == "phone" {
            staffing.push_str(&format!(
                "{},{},phone_blend,30\n{},{},messages,4\n",
                c[0], c[1], c[0], c[1]
            ));
        }
    }
    let base = shipped_channels_without_groups();
    let channels = format!(
        "{base}\n[group.phone_blend]\nchannels = [\"phone\", \"cash_call\"]\nblend = \"cash_call\"\nreserve = 2\n\n[group.messages]\nchannels = [\"cash_message\"]\n"
    );
    let (_c, ch) = temp_file("c.toml", &channels);
    let (_s, st) = temp_file("s.csv", &staffing);
    for seed in ["1", "2", "3"] {
        let trace = dir.path().join(format!("t{seed}.csv"));
        let out = dir.path().join(format!("i{seed}.csv"));
        let o = wfm(&[
            "simulate",
            "--forecast",
            s(&f),
            "--staffing",
            s(&st),
            "--channels",
            s(&ch),
            "--replications",
            "2",
            "--seed",
            seed,
            "--trace",
            s(&trace),
            "--out",
            s(&out),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        // The campaign's day: reached and unreached accounts reported.
        assert!(
            err.contains("wfm: simulate: campaign cash_call 2026-03-11:")
                && err.contains("unreached"),
            "{err}"
        );
        let text = std::fs::read_to_string(&trace).unwrap();
        assert!(
            text.starts_with("contact,channel,arrival_s,outcome,wait_s,handle_s,group,account\n")
        );
        let mut per: std::collections::BTreeMap<u32, f64> = Default::default();
        // Per (day, account): attempts, connected, unanswered.
        let mut acc: std::collections::BTreeMap<(u32, u32), [u32; 4]> = Default::default();
        for l in text.lines().filter(|l| l.contains(",cash_call,")) {
            let c: Vec<&str> = l.split(',').collect();
            let at: f64 = c[2].parse().unwrap();
            let day_s = at % 86_400.0;
            assert!((8.0 * 3600.0..22.0 * 3600.0).contains(&day_s), "{l}");
            *per.entry((day_s as u32) / 1800 * 1800).or_default() += 1.0;
            let key = ((at / 86_400.0) as u32, c[7].parse::<u32>().unwrap());
            let e = acc.entry(key).or_default();
            e[0] += 1;
            match c[3] {
                "connected" => e[1] += 1,
                "no answer" => e[2] += 1,
                // Answered with no collector free, or by someone else: the
                // number answered.
                "dropped" | "wrong party" => e[3] += 1,
                other => panic!("outcome {other}: {l}"),
            }
        }
        // The caps of the campaign (2 attempts a day planned; at most 3
        // connected and 6 unanswered per account and day).
        for ((day, a), [n, con, un, dropped]) in &acc {
            assert!(
                *n <= 2 && con + dropped <= 3 && *un <= 6,
                "day {day} account {a}: {n} attempts, {con} reached, {dropped} dropped, {un} unanswered"
            );
            assert!(*con <= 1, "a reached account is not called again that day");
        }
        assert!(!per.is_empty(), "the blended group called out");
        // No attempt ahead of the list (what an interval leaves unmade
        // moves to later intervals of the day, never earlier).
        let (mut made, mut listed) = (0.0, 0.0);
        for (at, cap) in &list {
            made += per.get(at).copied().unwrap_or(0.0);
            listed += cap;
            assert!(
                made <= listed,
                "{at}: {made} attempts so far, list {listed}"
            );
        }
        assert!(per.keys().all(|k| list.contains_key(k)), "{per:?}");
    }
    // Nobody to call: every account of the day is reported unreached.
    let (_s0, st0) = temp_file(
        "s0.csv",
        &staffing.replace("phone_blend,30", "phone_blend,0"),
    );
    let o = wfm(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&st0),
        "--channels",
        s(&ch),
        "--replications",
        "2",
        "--out",
        s(&dir.path().join("r0.csv")),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("0 attempts, 0 connects, 0 right-party, 0 of ")
            && !err.contains(", 0 unreached"),
        "{err}"
    );
    // --choose-reserve: the least reserve that keeps every inbound target
    // (20 agents: some reserve is needed, and one less misses).
    let (_s20, st20) = temp_file(
        "s20.csv",
        &staffing.replace("phone_blend,30", "phone_blend,20"),
    );
    let o = wfm(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&st20),
        "--channels",
        s(&ch),
        "--replications",
        "10",
        "--choose-reserve",
        "--out",
        s(&dir.path().join("r.csv")),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let chosen: u32 = err
        .lines()
        .find_map(|l| l.strip_prefix("wfm: simulate: phone_blend: 2026-03-11 reserve "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    let misses = |r: u32| {
        err.lines()
            .find_map(|l| l.strip_prefix(&format!("wfm: simulate: phone_blend reserves {r}: ")))
            .map(|l| {
                l.split_whitespace()
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
    };
    assert_eq!(misses(chosen), Some(0), "{err}");
    assert!(
        chosen > 0 && misses(chosen - 1).is_some_and(|m| m > 0),
        "{err}"
    );
    // With group tables, an outbound campaign no group blends would be
    // simulated as inbound arrivals: a located error instead.
    let (_p, plain) = temp_file(
        "s.csv",
        &staffing
            .replace("phone_blend", "phone_team")
            .replace("messages", "collectors"),
    );
    let (_b, base_ch) = temp_file(
        "c.toml",
        &format!(
            "{base}\n[group.phone_team]\nchannels = [\"phone\"]\n[group.collectors]\nchannels = [\"cash_call\", \"cash_message\"]\n"
        ),
    );
    let e = wfm_err(&[
        "simulate",
        "--forecast",
        s(&f),
        "--staffing",
        s(&plain),
        "--channels",
        s(&base_ch),
        "--out",
        s(&dir.path().join("plain.csv")),
    ]);
    assert!(
        e.contains("c.toml") && e.contains("[channel.cash_call] outbound"),
        "{e}"
    );
    // A reserve without blend, or a blend outside the group's channels: located errors.
    for (extra, want) in [
        (
            "[group.x]\nchannels = [\"phone\"]\nreserve = 1\n",
            "[group.x] reserve",
        ),
        (
            "[group.x]\nchannels = [\"phone\"]\nblend = \"cash_call\"\n",
            "[group.x] blend",
        ),
    ] {
        let (_c, bad) = temp_file("c.toml", &format!("{channels}\n{extra}"));
        let out = dir.path().join("bad.csv");
        let e = wfm_err(&[
            "simulate",
            "--forecast",
            s(&f),
            "--staffing",
            s(&st),
            "--channels",
            s(&bad),
            "--out",
            s(&out),
        ]);
        assert!(e.contains(want) && e.contains("c.toml"), "{e}");
    }
}

/// `wfm plan` takes the collections workload: the dialer's collectors are
/// scheduled as the campaign's own group and simulated calling accounts;
/// the campaign's day is reported.
#[test]
fn plan_schedules_and_simulates_the_collectors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let o = wfm(&[
        "plan",
        "--scenario",
        "scenarios/collections_week.toml",
        "--to",
        "2026-03-11",
        "--out",
        s(&out),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
    assert!(
        err.contains("wfm: plan: campaign cash_call 2026-03-11:") && err.contains("unreached"),
        "{err}"
    );
    let roster = std::fs::read_to_string(out.join("roster.csv")).unwrap();
    assert!(
        roster.lines().any(|l| l.ends_with(",cash_call")),
        "{roster}"
    );
    let req = std::fs::read_to_string(out.join("requirement.csv")).unwrap();
    assert!(req
        .lines()
        .any(|l| l.contains(",cash_call,") && l.ends_with(",predictive")));
}

/// The shipped channels blend the phone agents with the collections calls
/// (`[group.phone] blend = "cash_call"`): `wfm plan` credits their
/// spare time to the campaign, chooses the reserve by simulation, meets
/// every phone target with the campaign's day made, and costs no more
/// than planning the collectors alone (`--no-blend`).
#[test]
fn plan_blends_phone_agents_with_the_collections() {
    let dir = tempfile::tempdir().unwrap();
    let cost = |extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        let mut args = vec![
            "plan",
            "--scenario",
            "scenarios/collections_week.toml",
            "--to",
            "2026-03-11",
            "--replications",
            "10",
            "--out",
            s(&out),
        ];
        args.extend_from_slice(extra);
        let o = wfm(&args);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(0), "{err}");
        let rounds = std::fs::read_to_string(out.join("rounds.csv")).unwrap();
        assert!(
            rounds.starts_with("round,")
                && rounds
                    .lines()
                    .next()
                    .unwrap()
                    .ends_with(",campaign_days_behind,reserves,currency")
        );
        let last = rounds.lines().last().unwrap().to_string();
        let c: Vec<&str> = last.split(',').collect();
        (
            c[3].parse::<f64>().unwrap(),
            c[6].to_string(),
            c[11].to_string(),
            c[12].to_string(),
            err,
        )
    };
    let (blended, misses, behind, reserves, err) = cost(&[], "b");
    assert_eq!((misses.as_str(), behind.as_str()), ("0", "0"), "{err}");
    assert!(reserves.starts_with("phone="), "{reserves}");
    assert!(
        err.contains("wfm: plan: blend phone: phone agents call out on cash_call with reserve "),
        "{err}"
    );
    // Regression: the blend's calls are connected calls handled, not
    // attempts, and the line says so.
    assert!(
        err.contains("connected outbound calls handled by them")
            && !err.contains(" outbound calls by them"),
        "{err}"
    );
    let (alone, _, _, none, err2) = cost(&["--no-blend"], "a");
    assert!(
        none.is_empty() && !err2.contains("wfm: plan: blend"),
        "{err2}"
    );
    assert!(
        blended <= alone + 1e-9,
        "blended {blended}, collectors alone {alone}"
    );
}

/// The shipped collections channels without their `[group]` tables (the
/// tests add their own).
fn shipped_channels_without_groups() -> String {
    let text = std::fs::read_to_string("scenarios/channels_collections.toml").unwrap();
    let cut = text.find("\n[group.").unwrap_or(text.len());
    text[..cut].to_string()
}

/// The holiday review takes the collections workload: the shipped team
/// (collectors on leave mid-week) reviewed with phone agents blending;
/// `campaigns.csv` has each day's attempts, drops and accounts unreached,
/// the report a collections section, and the outbound channel no queue
/// service level.
#[test]
fn review_takes_the_collections_and_the_blend() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("review");
    let o = wfm(&[
        "review",
        "--scenario",
        "scenarios/collections_week.toml",
        "--team",
        "scenarios/team_collections.toml",
        "--to",
        "2026-03-12",
        "--replications",
        "8",
        "--out",
        s(&out),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{err}");
    assert!(
        err.contains("wfm: review: blend phone: phone agents call out on cash_call with reserve "),
        "{err}"
    );
    assert!(
        !err.contains("wfm: review: cash_call: service level"),
        "{err}"
    );
    let camp = std::fs::read_to_string(out.join("campaigns.csv")).unwrap();
    let mut lines = camp.lines();
    assert_eq!(
        lines.next(),
        Some("date,channel,attempts,connects,right_party,dropped,abandon_share,accounts,accounts_reached,accounts_unreached")
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            assert_eq!(c[1], "cash_call", "{l}");
            c[2..].iter().map(|x| x.parse().unwrap()).collect()
        })
        .collect();
    assert_eq!(rows.len(), 2, "{camp}");
    for r in &rows {
        // attempts ≥ connects ≥ right party ≥ reached; reached + unreached
        // = accounts; the dialer's drops within its 3% cap.
        assert!(
            r[0] >= r[1] && r[1] >= r[2] && r[2] >= r[6] && r[2] > 0.0,
            "{r:?}"
        );
        assert!((r[6] + r[7] - r[5]).abs() < 0.02, "{r:?}");
        assert!(r[4] <= 0.03, "{r:?}");
    }
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Collections campaigns") && page.contains("campaigns.csv"));
}

/// Loans due as a daily series CSV beside the scenario (and products):
/// the forecast follows it; a bad line is an error naming the file, the
/// line and the column, exit 2, nothing written.
#[test]
fn loans_due_from_a_daily_series_and_products() {
    let book = BOOK.replace(
        "due_days = [10, 25]\nloans_due = 20000\n",
        "loans_due_csv = \"due.csv\"\n",
    )
        + "[[collections.product]]\nname = \"installments\"\ndue_days = [25]\nloans_due = 5000\n";
    let (dir, sc) = temp_file("s.toml", &book);
    std::fs::write(
        dir.path().join("due.csv"),
        "date,loans_due\n2026-03-10,20000\n",
    )
    .unwrap();
    let out = dir.path().join("f.csv");
    let run = |out: &std::path::Path| {
        wfm(&[
            "forecast",
            "--scenario",
            s(&sc),
            "--from",
            "2026-03-14",
            "--to",
            "2026-03-14",
            "--out",
            s(out),
        ])
    };
    let o = run(&out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let msgs: f64 = text
        .lines()
        .filter(|l| l.contains(",cash_message,"))
        .map(|l| l.split(',').nth(3).unwrap().parse::<f64>().unwrap())
        .sum();
    // Day 4 past the 10th: 20,000 × (0.045 + (0.03 − 0.045)/4) = 843.75
    // overdue; day 17 past 25 February: 5,000 × (0.03 − 0.015·10/23);
    // 80% of them get a message.
    let want = (20_000.0 * 0.04125 + 5_000.0 * (0.03 - 0.015 * 10.0 / 23.0)) * 0.8;
    assert!((msgs - want).abs() < 1e-3, "{msgs} vs {want}");
    std::fs::write(
        dir.path().join("due.csv"),
        "date,loans_due\n2026-03-10,20000\n2026-03-25,many\n",
    )
    .unwrap();
    let out2 = dir.path().join("g.csv");
    let o = run(&out2);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("due.csv:3") && e.contains("loans_due"), "{e}");
    assert!(!out2.exists());
}

/// A campaign whose times disagree with the collections book's by more
/// than 15% is staffed (by the campaign's) with a warning naming both.
#[test]
fn campaign_times_far_from_the_books_are_a_warning() {
    let (dir, f) = first_day_forecast();
    let base = shipped_channels_without_groups();
    let staff = |text: &str, out: &str| {
        let (_d, ch) = temp_file("c.toml", text);
        let o = wfm(&[
            "staff",
            "--forecast",
            s(&f),
            "--channels",
            s(&ch),
            "--out",
            s(&dir.path().join(out)),
        ]);
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    assert!(!staff(&base, "a.csv").contains("warning"));
    let e = staff(&base.replace("talk_s = 240", "talk_s = 400"), "b.csv");
    assert!(
        e.contains("wfm: warning: cash_call: the forecast's agent time per attempt (134 s")
            && e.contains("c.toml (194 s)"),
        "{e}"
    );
}

/// The shipped collections week's first day, forecast into a temporary
/// directory: the directory and the forecast CSV.
fn first_day_forecast() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("f.csv");
    wfm_ok(&[
        "forecast",
        "--scenario",
        "scenarios/collections_week.toml",
        "--to",
        "2026-03-11",
        "--out",
        s(&f),
    ]);
    (dir, f)
}

/// The collections review's summary has the campaign (regression: it was
/// left out) with its accounts unreached summed from campaigns.csv, and
/// the verdict counts them as a shortfall; small shortfalls print with a
/// decimal on the page and in the verdict alike (never "0 hours short").
#[test]
fn the_campaign_is_in_the_summary_and_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = wfm(&[
        "review",
        "--scenario",
        "scenarios/collections_week.toml",
        "--team",
        "scenarios/team_collections.toml",
        "--out",
        s(&out),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{err}");
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    let campaigns = std::fs::read_to_string(out.join("campaigns.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(campaigns.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (a, r) = (col("accounts"), col("accounts_reached"));
    let (mut accounts, mut reached) = (0.0, 0.0);
    for rec in rows.records() {
        let rec = rec.unwrap();
        accounts += rec[a].parse::<f64>().unwrap();
        reached += rec[r].parse::<f64>().unwrap();
    }
    assert!(accounts > 0.0);
    let unreached = format!(
        "{:.0} of {:.0} accounts unreached",
        accounts - reached,
        accounts
    );
    assert!(page.contains("cash_call (outbound)"), "the campaign's row");
    assert!(page.contains(&unreached), "{unreached}");
    let verdict = err
        .lines()
        .find(|l| l.starts_with("wfm: review: decision: "))
        .unwrap();
    assert!(verdict.contains(&unreached), "{verdict}");
    assert!(!verdict.contains("(0 agent-hours short"), "{verdict}");
}

/// The money at risk (issue 23): the accounts the campaign leaves unreached
/// carry the book's balances; the verdict and the page print the sum of
/// `accounts_at_risk.csv`, and calling them again is an option in
/// `decision.csv` whose cost and accounts are that file's sums.
#[test]
fn unreached_accounts_carry_their_balance_and_a_priced_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = wfm(&[
        "review",
        "--scenario",
        "scenarios/collections_week.toml",
        "--team",
        "scenarios/team_collections.toml",
        "--to",
        "2026-03-13",
        "--replications",
        "8",
        "--out",
        s(&out),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{err}");
    let text = std::fs::read_to_string(out.join("accounts_at_risk.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let head = rows.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (mut unreached, mut balance, mut cost, mut reached) = (0.0, 0.0, 0.0, 0.0);
    let mut n = 0;
    for rec in rows.records() {
        let rec = rec.unwrap();
        let v = |c: &str| rec[col(c)].parse::<f64>().unwrap();
        // Only the large tier is called: its balance is the list's mean.
        assert_eq!(v("balance_per_account"), 24000.0);
        assert!(
            (v("balance_unreached") - v("accounts_unreached") * 24000.0).abs() < 0.02 * 24000.0
        );
        assert!(v("extra_reached") <= v("accounts_unreached"));
        unreached += v("accounts_unreached");
        balance += v("balance_unreached");
        cost += v("extra_cost");
        reached += v("extra_reached");
        n += 1;
    }
    assert_eq!(n, 3, "{text}");
    assert!(unreached > 0.0 && cost > 0.0);
    let money = wfm::core::money::Money::new("CNY");
    let outstanding = format!("{} outstanding", money.format(balance));
    let verdict = err
        .lines()
        .find(|l| l.starts_with("wfm: review: decision: "))
        .unwrap();
    assert!(
        verdict.contains(&outstanding),
        "{outstanding} not in {verdict}"
    );
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains(&money.format(balance)), "the page's balance");
    let decision = std::fs::read_to_string(out.join("decision.csv")).unwrap();
    let row = decision
        .lines()
        .find(|l| l.starts_with("call cash_call's unreached accounts again,"))
        .unwrap_or_else(|| panic!("{decision}"));
    let r = csv::Reader::from_reader(format!("o,l,c,cur,e,m,d\n{row}\n").as_bytes())
        .into_records()
        .next()
        .unwrap()
        .unwrap();
    let c: f64 = r[2].parse().unwrap();
    assert!((c - cost).abs() < 0.05, "{c} against {cost}");
    assert!(
        r[4].contains(&format!("reaches about {reached:.0} of the {unreached:.0}")),
        "{}",
        &r[4]
    );
}

/// A tier's balance must be a number of yuan from 0 to 1e9: the error
/// names the file and the key.
#[test]
fn a_negative_balance_is_refused() {
    let book = BOOK.replace("name = \"large\"\n", "name = \"large\"\nbalance = -5\n");
    let (dir, sc) = temp_file("s.toml", &book);
    let e = wfm_err(&[
        "forecast",
        "--scenario",
        s(&sc),
        "--from",
        "2026-03-16",
        "--to",
        "2026-03-22",
        "--out",
        s(&dir.path().join("f.csv")),
    ]);
    assert!(
        e.contains("s.toml") && e.contains("tier large balance") && e.contains("got -5"),
        "{e}"
    );
}
