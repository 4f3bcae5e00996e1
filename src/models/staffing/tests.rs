//! Unit tests of [`super`].

use super::*;

fn t(sl: f64, within: f64) -> Targets {
    Targets {
        service_level: Some(sl),
        answer_within_s: within,
        ..Targets::default()
    }
}

/// The smallest N by linear scan from 1, the obvious way.
fn scan(work: &Workload, model: Model, targets: &Targets) -> u32 {
    (1..)
        .find(|&n| targets.met_by(&metrics_for(work, model, targets, n).unwrap()))
        .unwrap()
}

#[test]
fn search_agrees_with_linear_scan() {
    for &vol in &[1.0, 10.0, 57.0, 400.0, 1234.0] {
        for &(sl, within) in &[(0.8, 20.0), (0.95, 10.0), (0.5, 60.0), (0.2, 0.0)] {
            for &k in &[1, 3] {
                let mut w = Workload::voice(vol, 240.0, 30.0);
                w.concurrency = k;
                let targets = t(sl, within);
                let got = required_agents(&w, Model::ErlangC, &targets).unwrap();
                assert_eq!(got.agents, scan(&w, Model::ErlangC, &targets));
                for &patience_s in &[30.0, 120.0, 900.0] {
                    w.patience_s = Some(patience_s);
                    let variants = [
                        Targets {
                            max_abandon: Some(0.03),
                            ..targets
                        },
                        targets,
                        Targets {
                            sl_definition: SlDefinition::Answered,
                            ..targets
                        },
                        Targets {
                            sl_definition: SlDefinition::OfferedMinusEarlyAbandons,
                            ..targets
                        },
                        Targets {
                            service_level: None,
                            max_asa_s: Some(within + 5.0),
                            ..targets
                        },
                    ];
                    for ta in variants {
                        let got = required_agents(&w, Model::ErlangA, &ta).unwrap();
                        assert_eq!(
                            got.agents,
                            scan(&w, Model::ErlangA, &ta),
                            "vol {vol} k {k} patience {patience_s} {ta:?}"
                        );
                        // The answer's metrics are complete, not the search's shortcuts.
                        assert_eq!(
                            got,
                            metrics_for(&w, Model::ErlangA, &ta, got.agents).unwrap()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_target_is_binding_somewhere() {
    let w = Workload::voice(400.0, 240.0, 30.0);
    let base = Targets {
        service_level: None,
        ..Targets::default()
    };
    let asa = Targets {
        max_asa_s: Some(5.0),
        ..base
    };
    let occ = Targets {
        max_occupancy: Some(0.7),
        ..base
    };
    let m = required_agents(&w, Model::ErlangC, &asa).unwrap();
    assert!(m.asa_s <= 5.0);
    assert!(
        metrics_for(&w, Model::ErlangC, &asa, m.agents - 1)
            .unwrap()
            .asa_s
            > 5.0
    );
    let m = required_agents(&w, Model::ErlangC, &occ).unwrap();
    assert_eq!(m.agents, (53.333_f64 / 0.7).ceil() as u32);
}

#[test]
fn impossible_targets_say_why() {
    let w = Workload::voice(100.0, 180.0, 30.0);
    let e = required_agents(&w, Model::ErlangC, &t(1.0, 0.0)).unwrap_err();
    assert!(matches!(
        e,
        StaffingError::Impossible {
            target: "service_level",
            ..
        }
    ));
    assert!(e.to_string().contains("positive chance of waiting"));
    let mut bad = Targets {
        max_abandon: Some(0.05),
        ..Targets::default()
    };
    assert!(matches!(
        required_agents(&w, Model::ErlangC, &bad),
        Err(StaffingError::Impossible {
            target: "max_abandon",
            ..
        })
    ));
    bad.max_abandon = None;
    bad.max_asa_s = Some(0.0);
    assert!(required_agents(&w, Model::ErlangC, &bad).is_err());
}

#[test]
fn absurd_loads_are_an_error() {
    let w = Workload::voice(1e12, 240.0, 30.0);
    let e = required_agents(&w, Model::ErlangC, &Targets::default()).unwrap_err();
    assert!(matches!(e, StaffingError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("check volume and aht_s"));
}

#[test]
fn zero_volume_needs_nobody() {
    let w = Workload::voice(0.0, 180.0, 30.0);
    assert_eq!(
        required_agents(&w, Model::ErlangC, &Targets::default())
            .unwrap()
            .agents,
        0
    );
}

#[test]
fn containment_and_concurrency_shrink_the_load() {
    let mut w = Workload::voice(600.0, 300.0, 30.0);
    w.containment = 0.6;
    w.concurrency = 3;
    assert!((w.load_erl() - 40.0).abs() < 1e-12);
    let m = required_agents(&w, Model::ErlangC, &Targets::default()).unwrap();
    // The same as 3·N slots of voice.
    let slots = required_agents(
        &Workload::voice(240.0, 300.0, 30.0),
        Model::ErlangC,
        &Targets::default(),
    )
    .unwrap()
    .agents;
    assert_eq!(m.agents, slots.div_ceil(3));
}

#[test]
fn deferred_meets_every_deadline() {
    let vols = [10.0, 0.0, 30.0, 5.0, 0.0, 0.0, 12.0, 0.0];
    let work: Vec<_> = vols
        .iter()
        .map(|&v| DeferredInterval {
            volume: v,
            aht_s: 600.0,
        })
        .collect();
    let plan = deferred_requirement(&work, 30.0, 3600.0, 0.9);
    let total: f64 = plan.iter().map(|p| p.work_s).sum();
    let offered: f64 = vols.iter().map(|v| v * 600.0).sum();
    crate::prec::assert_close(total, offered, 1e-12);
    // d = 2: half of the last interval's work is due after the horizon.
    let last = [
        DeferredInterval {
            volume: 0.0,
            aht_s: 600.0,
        },
        DeferredInterval {
            volume: 6.0,
            aht_s: 600.0,
        },
    ];
    let plan_last = deferred_requirement(&last, 30.0, 3600.0, 1.0);
    crate::prec::assert_close(plan_last[1].work_s, 1800.0, 1e-12);
    // Cumulative planned work never lags the work due by then.
    let (mut due, mut done) = (0.0, 0.0);
    for (i, p) in plan.iter().enumerate() {
        done += p.work_s;
        if i >= 1 {
            due += vols[i - 1] * 600.0;
        }
        assert!(done + 1e-9 >= due);
        assert!(p.agents as f64 * 1800.0 * 0.9 + 1e-9 >= p.work_s);
    }
}

#[test]
fn a_deadline_past_the_horizon_does_not_overflow() {
    let work = vec![
        DeferredInterval {
            volume: 10.0,
            aht_s: 300.0
        };
        4
    ];
    for deadline in [1e23, f64::INFINITY, f64::MAX, 0.0, -5.0, f64::NAN] {
        let plan = deferred_requirement(&work, 30.0, deadline, 1.0);
        assert_eq!(plan.len(), 4);
    }
    let plan = deferred_requirement(&work, 0.0, 3600.0, 1.0);
    assert!(plan.iter().all(|p| p.agents == 0));
}
