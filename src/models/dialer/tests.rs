//! Tests of the dialer models.

use super::*;

fn predictive() -> Campaign {
    Campaign {
        mode: DialerMode::Predictive,
        ..Campaign::default()
    }
}

/// The preview and progressive formulas, by hand.
#[test]
fn preview_and_progressive_are_fluid_work() {
    let c = Campaign::default();
    // 15 + 20 + 0.3·180 + 30 = 119 s an attempt; 300 attempts = 35,700 s
    // in 1,800 s at 85%: 23.33 → 24 agents.
    let s = staff_campaign(300.0, 30, &c).unwrap();
    assert_eq!(s.agents, 24);
    assert!((s.work_s - 35_700.0).abs() < 1e-9);
    let p = staff_campaign(
        300.0,
        30,
        &Campaign {
            mode: DialerMode::Progressive,
            ..c
        },
    )
    .unwrap();
    // 104 s an attempt: 31,200 / 1,530 = 20.39 → 21.
    assert_eq!(p.agents, 21);
    assert_eq!(p.pacing, 1.0);
    assert_eq!(staff_campaign(0.0, 30, &c).unwrap().agents, 0);
}

/// Wrong parties: connects above the right-party contacts add their
/// talk to every mode; a connect rate below reach is an error.
#[test]
fn wrong_parties_add_their_talk() {
    let c = Campaign {
        connect: Some(0.5),
        ..Campaign::default()
    };
    // T = 0.3·180 + 0.2·30 = 60 s; preview 15 + 20 + 60 + 30 = 125 s.
    assert!((c.talk_per_attempt_s() - 60.0).abs() < 1e-12);
    assert!((c.agent_s_per_attempt() - 125.0).abs() < 1e-12);
    let p = Campaign {
        mode: DialerMode::Predictive,
        ..c
    };
    // Predictive: 60 + 0.5·30 = 75 s an attempt; 150 s an answered call.
    assert!((p.agent_s_per_attempt() - 75.0).abs() < 1e-12);
    assert!((p.answered_handle_s() - 150.0).abs() < 1e-12);
    let s = staff_campaign(600.0, 30, &p).unwrap();
    assert!((s.connects - 300.0).abs() < 1e-9 && (s.right_party - 180.0).abs() < 1e-9);
    let bad = Campaign {
        connect: Some(0.2),
        ..Campaign::default()
    };
    assert_eq!(bad.invalid().map(|e| e.0), Some("connect"));
}

/// The Poisson bound: the least agents with the Erlang C tail under
/// the cap, checked against the formula one agent below.
#[test]
fn the_poisson_bound_is_the_least_agents_under_the_cap() {
    let c = predictive();
    for attempts in [200.0, 600.0, 2000.0] {
        let (n, tail) = poisson_bound(attempts, 1800.0, &c).unwrap();
        let a = attempts * 0.3 * 210.0 / 1800.0;
        assert!(tail <= 0.03);
        assert!(predictive_abandon(n - 1, a, 210.0, 2.0) > 0.03);
    }
}

/// The paced staffing, re-simulated on independent seeds (20
/// replications), keeps its abandonment within the cap (the lower end
/// of the 95% interval at most the cap) and places the attempts, on
/// three loads; it needs no more agents than the Poisson bound and
/// works them harder.
#[test]
fn the_paced_staffing_holds_on_independent_seeds() {
    let c = predictive();
    for attempts in [300.0, 900.0, 2500.0] {
        let s = staff_campaign(attempts, 30, &c).unwrap();
        let (bound, _) = poisson_bound(attempts, 1800.0, &c).unwrap();
        assert!(s.agents <= bound, "{} > bound {bound}", s.agents);
        let runs: Vec<DialerRun> = (0..20)
            .map(|r| simulate_predictive(s.agents, s.pacing, &c, 600.0, 1800.0, 1000 + r))
            .collect();
        let shares: Vec<f64> = runs.iter().map(|r| r.abandon_share()).collect();
        let n = shares.len() as f64;
        let mean = shares.iter().sum::<f64>() / n;
        let sd = (shares.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let lower = mean - 2.093 * sd / n.sqrt();
        assert!(
            lower <= c.abandon_cap,
            "{attempts} attempts, {} agents, pacing {:.3}: simulated {mean:.4} (CI from {lower:.4})",
            s.agents,
            s.pacing
        );
        let placed = runs.iter().map(|r| r.attempts as f64).sum::<f64>() / n;
        assert!(placed >= 0.95 * attempts, "{placed} of {attempts} placed");
        eprintln!(
            "{attempts}: {} agents (bound {bound}), pacing {:.3}, occupancy {:.3}, abandon {mean:.4}",
            s.agents, s.pacing, s.occupancy
        );
    }
}

/// Above the paced search's limit the Poisson bound is given, at once.
#[test]
fn huge_campaigns_get_the_poisson_bound() {
    let c = predictive();
    let s = staff_campaign(1e6, 30, &c).unwrap();
    assert_eq!(s.agents, poisson_bound(1e6, 1800.0, &c).unwrap().0);
}

#[test]
fn bad_settings_are_named() {
    for (c, key) in [
        (
            Campaign {
                reach: 1.5,
                ..Campaign::default()
            },
            "reach",
        ),
        (
            Campaign {
                abandon_cap: 0.0,
                ..Campaign::default()
            },
            "abandon_cap",
        ),
        (
            Campaign {
                dial_s: -1.0,
                ..Campaign::default()
            },
            "dial_s",
        ),
    ] {
        let e = staff_campaign(10.0, 30, &c).unwrap_err().to_string();
        assert!(e.contains(key), "{e}");
    }
}

/// The lines a dialer keeps ringing, by hand: with 3 idle and 20 busy
/// agents, `h = 210 s` and a 20 s ring, `3 + 20·20/210 = 4.90` agents are
/// expected free during a ring, so at most `⌈4.90 / 0.3⌉ = 17` lines;
/// pacing 2 asks 6 (under the bound), pacing 8 asks 24 (bounded to 17).
#[test]
fn lines_wanted_is_the_pacing_bounded_by_expected_free_agents() {
    let c = predictive();
    assert_eq!(lines_wanted(2.0, 3, 20, &c), 6);
    assert_eq!(lines_wanted(8.0, 3, 20, &c), 17);
    assert_eq!(lines_wanted(8.0, 0, 20, &c), 0);
    assert_eq!(lines_wanted(0.1, 1, 0, &c), 1);
    // Wrong parties answer too: with connects at 0.5, h = (54 + 6)/0.5 + 30
    // = 150 s; 3 + 20·20/150 = 5.67 free, ⌈5.67 / 0.5⌉ = 12 lines.
    let w = Campaign {
        connect: Some(0.5),
        ..c
    };
    assert_eq!(lines_wanted(8.0, 3, 20, &w), 12);
}
