//! Unit tests of [`super`].

use super::*;
use crate::models::channels::{ChannelBook, ChannelKind};

fn channel(name: &str, volume: f64, aht: f64, target: f64) -> SkillChannel {
    SkillChannel {
        spec: ChannelSpec {
            name: name.into(),
            kind: ChannelKind::Voice,
            volumes: vec![volume],
            aht_s: vec![aht],
            patience_s: vec![None],
            containment: 0.0,
            answer_within_s: 20.0,
            sl_definition: Default::default(),
            sim: ChannelBook::default().resolve(name).unwrap().sim,
        },
        target_sl: target,
    }
}

fn group(name: &str, channels: &[&str], cost: f64) -> SkillGroup {
    SkillGroup {
        name: name.into(),
        channels: channels.iter().map(|c| c.to_string()).collect(),
        concurrency: 1,
        cost_per_agent: cost,
        overflow_from: Vec::new(),
    }
}

fn problem(groups: Vec<SkillGroup>) -> SkillProblem {
    SkillProblem {
        interval_min: 30,
        channels: vec![
            channel("a", 60.0, 180.0, 0.8),
            channel("b", 40.0, 240.0, 0.8),
        ],
        groups,
        periods: 3,
        replications: 12,
        seed: 5,
        max_agents: 40,
    }
}

/// Two channels, three groups (a specialist each and a cross-trained
/// one at 1.1): the search is within one agent-cost of the best of an
/// exhaustive search over group sizes, every candidate simulated with
/// the same seeds.
#[test]
fn the_search_is_within_one_agent_of_exhaustive_search() {
    let p = problem(vec![
        group("a-only", &["a"], 1.0),
        group("b-only", &["b"], 1.0),
        group("both", &["a", "b"], 1.1),
    ]);
    let got = p.optimize().unwrap();
    assert!(got.feasible, "{got:?}");
    let mut best = f64::INFINITY;
    for x in 0..=9u32 {
        for y in 0..=9u32 {
            for z in 0..=12u32 {
                let a = [x, y, z];
                let c = p.cost(&a);
                if c >= best {
                    continue;
                }
                let sl = p.service_levels(&a).unwrap();
                if p.shortfall(&sl) <= 0.0 {
                    best = c;
                }
            }
        }
    }
    assert!(best.is_finite());
    assert!(
        got.cost <= best + 1.1 + 1e-9,
        "search {got:?}, exhaustive best {best}"
    );
}

/// A dedicated group per channel: each channel gets the single-skill
/// result, Erlang C's service level for its agents.
#[test]
fn dedicated_groups_equal_the_single_skill_results() {
    let both = SkillProblem {
        replications: 60,
        ..problem(vec![group("a", &["a"], 1.0), group("b", &["b"], 1.0)])
    };
    let sl = both.service_levels(&[8, 7]).unwrap();
    for (i, (volume, aht, n)) in [(60.0, 180.0, 8u32), (40.0, 240.0, 7u32)]
        .iter()
        .enumerate()
    {
        let w = crate::models::staffing::Workload::voice(*volume, *aht, 30.0);
        let exact = crate::models::staffing::metrics_for(
            &w,
            crate::models::staffing::Model::ErlangC,
            &crate::models::staffing::Targets::default(),
            *n,
        )
        .unwrap()
        .service_level;
        assert!(
            (sl[i] - exact).abs() < 0.04,
            "channel {i}: simulated {}, Erlang C {exact}",
            sl[i]
        );
    }
}

/// Two identical groups serving one channel are one group of the sum:
/// both close to Erlang C's service level for that many agents.
#[test]
fn two_identical_groups_are_one_group_of_the_sum() {
    let one = SkillProblem {
        channels: vec![channel("a", 300.0, 180.0, 0.8)],
        groups: vec![group("g", &["a"], 1.0)],
        replications: 40,
        ..problem(Vec::new())
    };
    let two = SkillProblem {
        groups: vec![group("g1", &["a"], 1.0), group("g2", &["a"], 1.0)],
        ..one.clone()
    };
    let s1 = one.service_levels(&[34]).unwrap()[0];
    let s2 = two.service_levels(&[17, 17]).unwrap()[0];
    let w = crate::models::staffing::Workload::voice(300.0, 180.0, 30.0);
    let exact = crate::models::staffing::metrics_for(
        &w,
        crate::models::staffing::Model::ErlangC,
        &crate::models::staffing::Targets::default(),
        34,
    )
    .unwrap()
    .service_level;
    assert!((s1 - s2).abs() < 0.03, "one group {s1}, two groups {s2}");
    assert!(
        (s1 - exact).abs() < 0.05,
        "simulated {s1}, Erlang C {exact}"
    );
}

#[test]
fn bad_problems_are_named() {
    let mut p = problem(vec![group("x", &["a", "zzz"], 1.0)]);
    assert!(p
        .check()
        .unwrap_err()
        .to_string()
        .contains("unknown channel zzz"));
    p.groups = vec![group("x", &["a"], 1.0)];
    assert!(p
        .check()
        .unwrap_err()
        .to_string()
        .contains("channel b: no group serves it"));
}

/// The evaluator simulates each staffing on one built simulation: the
/// same numbers as building it anew (common random numbers, no drift
/// from one candidate to the next).
#[test]
fn the_evaluator_equals_a_fresh_build() {
    let p = problem(vec![
        group("a_desk", &["a"], 1.0),
        group("b_desk", &["b"], 1.0),
        group("flex", &["a", "b"], 1.1),
    ]);
    let mut ev = p.evaluator(&[0, 0, 0]).unwrap();
    for staffing in [[6, 5, 1], [4, 4, 3], [6, 5, 1], [0, 0, 12]] {
        assert_eq!(
            ev.service_levels(&staffing).unwrap(),
            p.service_levels(&staffing).unwrap(),
            "{staffing:?}"
        );
    }
    assert_eq!(ev.runs(), 3, "a staffing met twice is simulated once");
}

/// Overflow: with the general group the overflow of the specialists, a
/// light load is served by the specialists alone; without it, the
/// longest-idle agent of either group takes each contact (about half each).
#[test]
fn overflow_sends_contacts_to_the_specialists_first() {
    use crate::sim::{GroupSpec, SimBuilder};
    let build = |overflow: bool| {
        let c = channel("a", 20.0, 180.0, 0.8).spec;
        let mut b = SimBuilder::new(30, 4)
            .replications(4)
            .seed(3)
            .channel(ChannelSpec {
                volumes: vec![20.0; 4],
                aht_s: vec![180.0; 4],
                patience_s: vec![None; 4],
                ..c
            })
            .group(GroupSpec {
                name: "specialists".into(),
                channels: vec!["a".into()],
                concurrency: 1,
                agents: vec![10; 4],
            })
            .group(GroupSpec {
                name: "general".into(),
                channels: vec!["a".into()],
                concurrency: 1,
                agents: vec![10; 4],
            });
        if overflow {
            b = b.overflow_from("general", &["specialists".to_string()]);
        }
        let r = b.build().unwrap().run(None).unwrap();
        let (s, g) = (r.served_by(0).unwrap()[0], r.served_by(1).unwrap()[0]);
        s / (s + g)
    };
    let first = build(true);
    assert!(first > 0.99, "specialists' share with overflow {first}");
    let mixed = build(false);
    assert!((0.3..0.7).contains(&mixed), "without overflow {mixed}");
}

/// A cyclic overflow is refused by the simulator and, located, in the
/// channels file.
#[test]
fn a_cyclic_overflow_is_refused() {
    use crate::sim::{GroupSpec, SimBuilder};
    let g = |name: &str| GroupSpec {
        name: name.into(),
        channels: vec!["a".into()],
        concurrency: 1,
        agents: vec![1; 2],
    };
    let c = channel("a", 5.0, 180.0, 0.8).spec;
    let e = SimBuilder::new(30, 2)
        .channel(ChannelSpec {
            volumes: vec![5.0; 2],
            aht_s: vec![180.0; 2],
            patience_s: vec![None; 2],
            ..c
        })
        .group(g("x"))
        .group(g("y"))
        .overflow_from("x", &["y".to_string()])
        .overflow_from("y", &["x".to_string()])
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("cyclic overflow"), "{e}");
    // The groups are checked when the channels file is read.
    let e = crate::models::channels::ChannelsFile::parse(
        "[group.x]\nchannels = [\"a\"]\noverflow_from = [\"y\"]\n[group.y]\nchannels = [\"a\"]\noverflow_from = [\"x\"]\n",
        "ch.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("ch.toml") && e.contains("overflow_from") && e.contains("cyclic overflow"),
        "{e}"
    );
    let e = crate::models::channels::ChannelsFile::parse(
        "[group.x]\nchannels = [\"a\"]\noverflow_from = [\"nobody\"]\n",
        "ch.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("[group.x] overflow_from") && e.contains("unknown group"),
        "{e}"
    );
}
