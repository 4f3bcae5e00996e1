//! Unit tests of [`super`].

use super::*;

fn params() -> FlowParams {
    FlowParams {
        weekly_attrition: 0.01,
        training_weeks: 2,
        graduation: 0.85,
        nesting_aht: vec![1.5, 1.25],
        cost_per_hire: 3000.0,
        weekly_cost_per_agent: 1800.0,
    }
}

fn inputs(headcount: u32, required: Vec<f64>) -> GroupInputs {
    let weeks = required.len();
    GroupInputs {
        headcount,
        required_fte: required,
        changes: vec![0; weeks],
        one_off: vec![0.0; weeks],
        leave_fte: vec![0.0; weeks],
        nesting: Vec::new(),
        shrinkage: 0.2,
    }
}

/// The flow by hand: 100 agents, 1% a week, a class of 20 starting in
/// week 1 that trains 2 weeks, graduates 17 (85%) at the end of week 2 and
/// nests at 1/1.5 then 1/1.25; 7 agent-days of leave in week 0.
#[test]
fn the_flow_matches_a_hand_computed_case() {
    let mut g = inputs(100, vec![80.0; 6]);
    g.leave_fte[0] = 1.0;
    let p = params();
    let f = flow(
        &g,
        &p,
        &[Class {
            start_week: 1,
            size: 20,
        }],
    );
    let heads: Vec<u32> = f.iter().map(|w| w.headcount).collect();
    assert_eq!(heads, [100, 99, 98, 114, 113, 112]);
    let leavers: Vec<u32> = f.iter().map(|w| w.leavers).collect();
    // Running totals 1.00, 1.99, 2.97, 4.11, 5.24, 6.36 rounded: 1, 2, 3, 4, 5, 6.
    assert_eq!(leavers, [1, 1, 1, 1, 1, 1]);
    let training: Vec<u32> = f.iter().map(|w| w.in_training).collect();
    assert_eq!(training, [0, 20, 20, 0, 0, 0]);
    let grads: Vec<u32> = f.iter().map(|w| w.graduates).collect();
    assert_eq!(grads, [0, 0, 17, 0, 0, 0]);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(f[0].net_fte, 100.0 * 0.8 - 1.0), "{}", f[0].net_fte);
    assert!(close(f[3].nesting_fte, 17.0 / 1.5));
    assert!(
        close(f[3].net_fte, (97.0 + 17.0 / 1.5) * 0.8),
        "{}",
        f[3].net_fte
    );
    assert!(
        close(f[4].net_fte, (96.0 + 17.0 / 1.25) * 0.8),
        "{}",
        f[4].net_fte
    );
    assert!(close(f[5].net_fte, 112.0 * 0.8));
    assert_eq!(f[5].nesting_agents, 0);
    assert!(close(f[1].cost, 119.0 * 1800.0 + 20.0 * 3000.0));
    assert!(close(f[0].gap_fte, 79.0 - 80.0));
    // The identity, to the agent, every week.
    for w in 0..f.len() - 1 {
        let x = &f[w];
        assert_eq!(
            i64::from(f[w + 1].headcount),
            i64::from(x.headcount) - i64::from(x.leavers) + i64::from(x.graduates) + x.changes
        );
    }
}

/// Changes, a one-off loss after a holiday and nesting hires of the team
/// file; a removal never takes the books below zero.
#[test]
fn changes_and_one_off_losses_keep_the_identity() {
    let mut g = inputs(50, vec![10.0; 5]);
    g.changes[0] = 6;
    g.one_off[1] = 0.1;
    g.changes[2] = -1000;
    g.nesting.push(Nesting {
        first_week: 1,
        agents: 6,
        aht: vec![2.0],
    });
    let p = FlowParams {
        weekly_attrition: 0.0,
        ..params()
    };
    let f = flow(&g, &p, &[]);
    let heads: Vec<u32> = f.iter().map(|w| w.headcount).collect();
    // 50, +6, −round(5.6) = −6, then all removed.
    assert_eq!(heads, [50, 56, 50, 0, 0]);
    assert_eq!(f[1].leavers, 6);
    assert_eq!(f[2].changes, -50);
    assert!((f[1].nesting_fte - 3.0).abs() < 1e-12);
    assert!((f[1].net_fte - (50.0 + 3.0) * 0.8).abs() < 1e-9);
    for w in 0..f.len() - 1 {
        let x = &f[w];
        assert_eq!(
            i64::from(f[w + 1].headcount),
            i64::from(x.headcount) - i64::from(x.leavers) + i64::from(x.graduates) + x.changes
        );
    }
}

fn hiring(lead: u32, t: u32, min: u32, max: u32, cap: u32) -> Hiring {
    Hiring {
        lead_weeks: lead,
        training_weeks: t,
        class_min: min,
        class_max: max,
        max_classes_in_training: cap,
        ..Hiring::default()
    }
}

/// Every plan of classes the rules allow (each slot empty or a class of
/// `min..=max`), by recursion over the slots.
fn brute_force(
    m: &HiringModel,
    slots: &[(usize, i64)],
    min: u32,
    max: u32,
) -> (f64, Vec<(usize, Class)>) {
    fn go(
        m: &HiringModel,
        slots: &[(usize, i64)],
        min: u32,
        max: u32,
        chosen: &mut Vec<(usize, Class)>,
        best: &mut (f64, Vec<(usize, Class)>),
    ) {
        let Some((&(g, s), rest)) = slots.split_first() else {
            if let Some(c) = m.expected_cost(chosen) {
                if c < best.0 {
                    *best = (c, chosen.clone());
                }
            }
            return;
        };
        go(m, rest, min, max, chosen, best);
        for size in min..=max {
            chosen.push((
                g,
                Class {
                    start_week: s,
                    size,
                },
            ));
            // Prune plans that already break the capacity.
            if m.expected_cost(chosen).is_some() {
                go(m, rest, min, max, chosen, best);
            }
            chosen.pop();
        }
    }
    let mut best = (f64::INFINITY, Vec::new());
    go(m, slots, min, max, &mut Vec::new(), &mut best);
    best
}

fn exact() -> HiringLimits {
    HiringLimits {
        node_limit: None,
        mip_gap: 0.0,
        ..HiringLimits::default()
    }
}

/// One group, 12 weeks, demand growing past the team: the optimizer's
/// plan costs what the best of every allowed plan costs.
#[test]
fn the_optimizer_equals_brute_force_on_one_group() {
    let required: Vec<f64> = (0..12).map(|w| 38.0 + 1.2 * w as f64).collect();
    let mut g = inputs(50, required);
    g.one_off[6] = 0.08;
    let m = HiringModel {
        groups: vec![("phone".into(), g, Vec::new())],
        params: FlowParams {
            weekly_attrition: 0.01,
            ..params()
        },
        hiring: hiring(2, 2, 2, 7, 1),
        hire_for: vec![true],
    };
    let sol = m.solve(&exact()).unwrap();
    assert!(sol.proven);
    let slots: Vec<(usize, i64)> = (2..10).map(|s| (0, s)).collect();
    let (best, plan) = brute_force(&m, &slots, 2, 7);
    let got = m.expected_cost(&sol.classes).expect("a valid plan");
    assert!(
        (got - best).abs() <= 1e-6 * best,
        "optimizer {got} ({:?}) vs brute force {best} ({plan:?})",
        sol.classes
    );
    assert!((sol.objective - got).abs() <= 1e-6 * got);
    assert!(!sol.classes.is_empty());
}

/// Two groups sharing one training room, 8 weeks.
#[test]
fn the_optimizer_equals_brute_force_on_two_groups() {
    let a = inputs(30, (0..8).map(|w| 22.0 + 1.5 * w as f64).collect());
    let b = inputs(20, (0..8).map(|w| 15.0 + 0.8 * w as f64).collect());
    let m = HiringModel {
        groups: vec![
            ("phone".into(), a, Vec::new()),
            ("chat".into(), b, Vec::new()),
        ],
        params: params(),
        hiring: hiring(1, 2, 1, 6, 1),
        hire_for: vec![true, true],
    };
    let sol = m.solve(&exact()).unwrap();
    let slots: Vec<(usize, i64)> = (0..2).flat_map(|g| (1..6).map(move |s| (g, s))).collect();
    let (best, plan) = brute_force(&m, &slots, 1, 6);
    let got = m.expected_cost(&sol.classes).expect("a valid plan");
    assert!(
        (got - best).abs() <= 1e-6 * best,
        "optimizer {got} ({:?}) vs brute force {best} ({plan:?})",
        sol.classes
    );
}

/// Overrides reach nested keys and bad values are located errors.
#[test]
fn hiring_file_overrides_and_errors() {
    let h = HiringFile::parse(
        "[hiring]\nclass_max = 30\n",
        "h.toml",
        &[
            "hiring.class_max=12".into(),
            "attrition.after_holiday.\"Spring Festival\"=0.1".into(),
        ],
    );
    let h = h.unwrap();
    assert_eq!(h.hiring.class_max, 12);
    assert_eq!(h.attrition.after_holiday["Spring Festival"], 0.1);
    let h = HiringFile::parse("", "h.toml", &["hiring.class_max=12".into()]).unwrap();
    assert_eq!(h.hiring.class_max, 12);
    for (text, key) in [
        ("[attrition]\nweekly = -0.1\n", "[attrition] weekly"),
        ("[hiring]\ngraduation = 1.5\n", "[hiring] graduation"),
        (
            "[hiring]\nclass_min = 9\nclass_max = 4\n",
            "[hiring] class_min",
        ),
        (
            "[[hiring.class]]\nstart = \"soon\"\nsize = 3\n",
            "[[hiring.class]] #1 start",
        ),
        ("[hiring]\nnesting_aht = [0.5]\n", "[hiring] nesting_aht"),
    ] {
        let e = HiringFile::parse(text, "h.toml", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(key) && e.contains("h.toml"), "{text}: {e}");
        assert!(!e.contains('\n'), "{e}");
    }
    let e = HiringFile::parse("", "h.toml", &["oops".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("KEY=VALUE"), "{e}");
    let e = HiringFile::parse("[hiring]\nno_such = 1\n", "h.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("no_such"), "{e}");
}
