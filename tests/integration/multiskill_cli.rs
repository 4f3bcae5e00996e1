//! `wfm plan --groups`: multi-skill planning from the command line.

use super::*;

fn args<'a>(out: &'a str, channels: &'a str) -> Vec<&'a str> {
    vec![
        "plan",
        "--scenario",
        "scenarios/multiskill_week.toml",
        "--channels",
        channels,
        "--groups",
        "--from",
        "2026-03-10",
        "--to",
        "2026-03-11",
        "--out",
        out,
    ]
}

/// The shipped multi-skill scenario (two days of it): every target met in
/// simulation by groups, at a lower cost than each channel on its own;
/// groups.csv says who served what, and the shares of a channel add up.
#[test]
fn planning_by_groups_meets_the_targets_for_less() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let o = wfm(&args(s(&out), "scenarios/channels_multiskill.toml"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("planning each channel on its own"), "{err}");
    let cmp = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let mut lines = cmp.lines();
    assert_eq!(
        lines.next().unwrap(),
        "channel,target_sl,groups_sl,single_sl,groups_abandon,single_abandon,groups_misses,single_misses,groups_cost,single_cost,saving,currency"
    );
    let mut n = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        n += 1;
        assert_eq!(f[6], "0", "by groups a target is missed: {line}");
        let (target, sl): (f64, f64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        assert!(sl >= target, "{line}");
        let (g, single): (f64, f64) = (f[8].parse().unwrap(), f[9].parse().unwrap());
        assert!(g < single, "by groups {g} against {single}");
    }
    assert_eq!(n, 4);
    let groups = std::fs::read_to_string(out.join("groups.csv")).unwrap();
    let mut share: std::collections::BTreeMap<String, f64> = Default::default();
    for line in groups.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        *share.entry(f[6].to_string()).or_default() += f[8].parse::<f64>().unwrap();
    }
    for (c, v) in &share {
        assert!((v - 1.0).abs() < 1e-3, "{c}: shares sum to {v}");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Groups") && html.contains("<svg") && !html.contains("<script"));
    // One cost per group on the page (regression: the roster table printed
    // it without the group's factor, the groups table with it): each
    // group's cost in groups.csv appears in both tables, and the headline
    // is rounds.csv's last cost, the decision's and their sum.
    let money = wfm::core::money::Money::new("CNY");
    let mut total = 0.0;
    let mut seen = std::collections::BTreeSet::new();
    for line in groups.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if !seen.insert(f[0].to_string()) {
            continue;
        }
        let cost: f64 = f[5].parse().unwrap();
        total += cost;
        let cell = format!("<td>{}</td>", money.format(cost));
        assert!(html.matches(&cell).count() >= 2, "{} {cell}", f[0]);
    }
    let rounds = std::fs::read_to_string(out.join("rounds.csv")).unwrap();
    let head: Vec<&str> = rounds.lines().next().unwrap().split(',').collect();
    let k = head.iter().position(|h| *h == "cost").unwrap();
    let last: f64 = rounds
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(k)
        .unwrap()
        .parse()
        .unwrap();
    assert!((last - total).abs() < 0.05, "{last} against {total}");
    assert!(html.contains(&format!(", cost <strong>{}</strong>", money.format(last))));
    let decision = std::fs::read_to_string(out.join("decision.csv")).unwrap();
    let first: Vec<String> = csv::Reader::from_reader(decision.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(first[0], "adopt the roster by groups");
    assert!((first[2].parse::<f64>().unwrap() - last).abs() < 0.01);
    // The roster table lists groups, headed so, with no empty service
    // column (regression: "channel" over group names, every cell "–").
    let table = html.split("FTE, over-coverage").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert!(table.contains("<th>group</th>") && !table.contains("<th>channel</th>"));
    assert!(!table.contains("–"), "{table}");
    assert!(err.contains("decision: "), "{err}");
    // Costs on stderr are in yuan, the roster's line the plan's cost
    // (regression: a bare 236943.00 without the groups' cost factors
    // beside the decision's ¥246,968).
    for (i, _) in err.match_indices(" cost ") {
        let after = &err[i + 6..];
        assert!(
            !after.starts_with(|c: char| c.is_ascii_digit()),
            "a bare cost: {after:.40}"
        );
    }
    let roster = err
        .lines()
        .find(|l| l.starts_with("wfm: roster: "))
        .unwrap();
    assert!(
        roster.contains(&format!("cost {},", money.format(last))),
        "{roster} against {last}"
    );
    // The lowest interval below its target that the status rule does not
    // count is explained in the verdict (regression: fraud at 70.8%
    // against 90%, "every interval meets its targets" and nothing more).
    let round = err
        .lines()
        .rev()
        .find(|l| l.starts_with("wfm: plan: by groups: round "))
        .unwrap();
    let verdict = err
        .lines()
        .find(|l| l.contains("plan: decision: "))
        .unwrap();
    if let Some(w) = round.split(", worst ").nth(1) {
        let f: Vec<&str> = w.split(' ').collect();
        let sl: f64 = f[4].trim_end_matches('%').parse().unwrap();
        let target = if f[0] == "fraud" { 90.0 } else { 80.0 };
        if sl < target && round.contains(" 0 interval(s) missing") {
            let said = format!(
                "Its lowest interval, {} on {} at {}, is simulated at {}%",
                f[0],
                f[1],
                f[2],
                f[4].trim_end_matches('%')
            );
            assert!(verdict.contains(&said), "{said} not in {verdict}");
            assert!(verdict.contains("not confidently below the target"));
        }
    }
}

/// A group serving an unknown channel, a channel no group serves, a
/// cyclic overflow and an impossible target: located errors, exit 2,
/// nothing written.
#[test]
fn bad_groups_are_located_errors_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let base = std::fs::read_to_string("scenarios/channels_multiskill.toml").unwrap();
    let bad = dir.path().join("channels.toml");
    for (text, want) in [
        (
            base.replace(
                "channels = [\"wechat\", \"chat\"]",
                "channels = [\"wechat\", \"chta\"]",
            ),
            "unknown channel \"chta\"",
        ),
        (
            base.replace("channels = [\"wechat\", \"chat\"]", "channels = [\"chat\"]"),
            "no group serves channel \"wechat\"",
        ),
        (
            format!("{base}\n[group.fraud_desk2]\nchannels = [\"fraud\"]\noverflow_from = [\"voice_flex\"]\n")
                .replace(
                    "overflow_from = [\"fraud_desk\"]",
                    "overflow_from = [\"fraud_desk2\"]",
                ),
            "cyclic overflow",
        ),
        (
            base.replace("service_level = 0.90", "service_level = 1.0"),
            "[channel.fraud] service_level: 100% within 20 s cannot be met",
        ),
    ] {
        std::fs::write(&bad, &text).unwrap();
        let e = wfm_err(&args(s(&out), s(&bad)));
        assert!(e.contains(want) && e.contains("channels.toml"), "{want}: {e}");
        assert!(!out.exists(), "nothing written");
    }
}
