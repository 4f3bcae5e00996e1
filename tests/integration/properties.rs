//! Laws the formulas must obey, over random inputs (proptest).

use proptest::prelude::*;
use wfm::models::erlang::{erlang_b, erlang_c, ErlangA, ErlangC, SlDefinition};
use wfm::models::staffing::{metrics_for, required_agents, Model, Targets, Workload};

proptest! {
    // A fixed seed: the same 200 cases every run, so CI cannot flake; change
    // the seed (or set PROPTEST_CASES) to explore more.
    #![proptest_config(ProptestConfig {
        cases: 200,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261123),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn service_level_rises_and_asa_falls_with_agents(load in 0.01f64..3000.0, extra in 0u32..50, t in 0.0f64..120.0) {
        let q = ErlangC::new(load, 240.0).unwrap();
        let n = load.floor() as u32 + 1 + extra;
        let (m0, m1) = (q.metrics(n, t), q.metrics(n + 1, t));
        prop_assert!(m1.service_level >= m0.service_level - 1e-12);
        prop_assert!(m1.asa_s <= m0.asa_s * (1.0 + 1e-12));
        prop_assert!(m1.occupancy < m0.occupancy);
    }

    #[test]
    fn erlang_a_is_monotone_in_agents(load in 0.01f64..2000.0, n in 1u32..2100, pat in 5.0f64..2000.0, t in 0.0f64..120.0) {
        let q = ErlangA::new(load, 300.0, pat).unwrap();
        for def in [SlDefinition::Offered, SlDefinition::Answered, SlDefinition::OfferedMinusEarlyAbandons] {
            let (m0, m1) = (q.metrics(n, t, def), q.metrics(n + 1, t, def));
            prop_assert!(m1.service_level >= m0.service_level - 1e-9, "{def:?} {m0:?} {m1:?}");
            prop_assert!(m1.abandon_rate <= m0.abandon_rate + 1e-12);
            prop_assert!(m1.p_wait <= m0.p_wait + 1e-12);
            for v in [m1.service_level, m1.abandon_rate, m1.p_wait, m1.occupancy] {
                prop_assert!((0.0..=1.0).contains(&v));
            }
            prop_assert!(m1.asa_s.is_finite() && m1.queue_len.is_finite());
        }
    }

    #[test]
    fn erlang_c_is_at_least_erlang_b(load in 0.001f64..5000.0, n in 1u32..6000) {
        prop_assert!(erlang_c(n, load) >= erlang_b(n, load) - 1e-15);
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows(load in 0.1f64..500.0, extra in 1u32..40) {
        // At least one agent above the load: right at the edge of stability
        // Erlang C's waits are so long that any finite patience matters.
        let n = load.ceil() as u32 + extra;
        let c = ErlangC::new(load, 300.0).unwrap().metrics(n, 20.0);
        let a = ErlangA::new(load, 300.0, 1e10).unwrap().metrics(n, 20.0, SlDefinition::Offered);
        prop_assert!((a.p_wait - c.p_wait).abs() < 1e-4, "{a:?} {c:?}");
        prop_assert!((a.service_level - c.service_level).abs() < 1e-4);
        prop_assert!(a.abandon_rate < 1e-4);
    }

    #[test]
    fn required_agents_is_the_first_that_meets(vol in 0.5f64..5000.0, sl in 0.5f64..0.95, within in 5.0f64..60.0) {
        let work = Workload::voice(vol, 200.0, 30.0);
        let t = Targets { service_level: Some(sl), answer_within_s: within, ..Targets::default() };
        for model in [Model::ErlangC, Model::ErlangA] {
            let w = Workload { patience_s: Some(90.0), ..work };
            let m = required_agents(&w, model, &t).unwrap();
            prop_assert!(m.service_level >= sl - 1e-12);
            if m.agents > 1 {
                let below = metrics_for(&w, model, &t, m.agents - 1).unwrap();
                prop_assert!(below.service_level < sl);
            }
        }
    }
}

#[test]
fn extreme_sizes_are_finite() {
    for &load in &[0.001, 1.0, 1e3, 5e4] {
        for &n in &[1u32, 10, 1000, 50_001, 100_000] {
            let c = ErlangC::new(load, 300.0).unwrap().metrics(n, 20.0);
            let a =
                ErlangA::new(load, 300.0, 120.0)
                    .unwrap()
                    .metrics(n, 20.0, SlDefinition::Offered);
            for v in [
                c.p_wait,
                c.service_level,
                a.p_wait,
                a.service_level,
                a.abandon_rate,
                a.asa_s,
                a.occupancy,
            ] {
                assert!(
                    v.is_finite() && !v.is_nan(),
                    "load {load} n {n}: {c:?} {a:?}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261130),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Outbound compliance over the trace, on any seed, dialer mode,
    /// staffing, reserve, reach and list: two days of 30-minute intervals
    /// with the call list only inside 08:00–22:00; no attempt outside the
    /// window, no account above its daily attempts, connected (a dropped
    /// predictive call counts: the debtor answered) or unanswered caps, no
    /// attempt ahead of the day's list (unmade attempts carry to later
    /// intervals of the day, never earlier), and a reached account is not
    /// called again that day.
    #[test]
    fn outbound_attempts_keep_the_window_and_the_caps(
        seed in 0u64..10_000,
        agents in 1u32..25,
        reserve in 0u32..4,
        reach in 0.05f64..1.0,
        per_interval in 0u32..60,
        per_day in 1u32..8,
        max_unanswered in 1u32..7,
        mode in 0usize..3,
        wrong in 0.0f64..0.3,
    ) {
        use wfm::models::channels::{ChannelBook, ChannelKind};
        use wfm::models::dialer::{Campaign, DialerMode};
        use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder};
        let n = 96;
        let sim = ChannelBook::default().resolve("x").unwrap().sim;
        let spec = |name: &str, v: f64| ChannelSpec {
            name: name.into(),
            kind: ChannelKind::Voice,
            volumes: vec![v; n],
            aht_s: vec![240.0; n],
            patience_s: vec![Some(120.0); n],
            containment: 0.0,
            answer_within_s: 20.0,
            sl_definition: SlDefinition::Offered,
            sim: sim.clone(),
        };
        let list: Vec<u32> = (0..n)
            .map(|i| if (16..44).contains(&(i % 48)) { per_interval } else { 0 })
            .collect();
        let mode = [DialerMode::Preview, DialerMode::Progressive, DialerMode::Predictive][mode];
        let camp = Campaign {
            mode,
            reach,
            connect: Some((reach + wrong).min(1.0)),
            attempts_per_day: per_day,
            max_unanswered_per_day: max_unanswered,
            ..Campaign::default()
        };
        let s = SimBuilder::new(30, n)
            .seed(seed)
            .channel(spec("in", 20.0))
            .channel(spec("out", 0.0))
            .group(GroupSpec {
                name: "g".into(),
                channels: vec!["in".into(), "out".into()],
                concurrency: 1,
                agents: vec![agents; n],
            })
            .blend("g", "out", reserve)
            .call_list("out", list.clone())
            .campaign("out", camp)
            .build()
            .unwrap();
        let mut buf = Vec::new();
        s.trace(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut per_iv = vec![0u32; n];
        let mut acc: std::collections::BTreeMap<(u32, u32), [u32; 4]> = Default::default();
        for l in text.lines().skip(1).filter(|l| l.split(',').nth(1) == Some("out")) {
            let c: Vec<&str> = l.split(',').collect();
            let at: f64 = c[2].parse().unwrap();
            let iv = (at / 1800.0) as usize;
            prop_assert!((16..44).contains(&(iv % 48)), "attempt at {at} s: {l}");
            per_iv[iv] += 1;
            let e = acc.entry(((at / 86_400.0) as u32, c[7].parse().unwrap())).or_default();
            e[0] += 1;
            match c[3] {
                "connected" => e[1] += 1,
                "no answer" => e[2] += 1,
                "dropped" | "wrong party" => e[3] += 1,
                other => prop_assert!(false, "outcome {other}: {l}"),
            }
        }
        let (mut made, mut listed) = (0u32, 0u32);
        for (i, (&m, &cap)) in per_iv.iter().zip(&list).enumerate() {
            if i % 48 == 0 {
                (made, listed) = (0, 0);
            }
            made += m;
            listed += cap;
            prop_assert!(made <= listed, "interval {i}: {made} attempts today, list {listed}");
        }
        for ((day, a), [k, con, un, dropped]) in acc {
            prop_assert!(k <= per_day && con <= 1 && con + dropped <= 3 && un <= max_unanswered,
                "day {day} account {a}: {k} attempts, {con} reached, {dropped} dropped or wrong party, {un} unanswered");
        }
    }
}
