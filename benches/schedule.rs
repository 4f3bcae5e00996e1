//! Shift optimizer speed.
//!
//! `cargo bench --bench schedule -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::core::grid::IntervalGrid;
use wfm::models::requirement::Requirement;
use wfm::models::staffing::{required_agents, Model, Targets, Workload};
use wfm::optimize::schedule::{schedule, ScheduleOptions, Status};
use wfm::optimize::shifts::ShiftRules;

const RULES: &str = r#"
[[shift]]
name = "eight"
earliest_start = "06:00"
latest_start = "14:00"
start_step_min = 15
length_min = 480
cost_per_hour = 1.0
[[shift.break]]
length_min = 60
window_start_min = 180
window_end_min = 300
[[shift]]
name = "four"
earliest_start = "07:00"
latest_start = "19:00"
start_step_min = 15
length_min = 240
cost_per_hour = 1.1
[open.phone]
start = "06:00"
end = "23:00"
"#;

/// Erlang C agents (80/20) for a lender's workday of `daily` calls on a
/// 15-minute grid, for `days` days with weekday factors.
fn requirement(daily: f64, days: usize) -> Requirement {
    let shape = wfm::demand::scenario::builtin_profile("lender-workday", 15).unwrap();
    let dow = [1.1, 1.0, 1.0, 0.95, 1.0, 0.6, 0.5];
    let mut need = Vec::new();
    for d in 0..days {
        for s in &shape {
            let w = Workload::voice(daily * dow[d % 7] * s, 270.0, 15.0);
            need.push(
                required_agents(&w, Model::ErlangC, &Targets::default())
                    .unwrap()
                    .agents,
            );
        }
    }
    let grid = IntervalGrid::new(15, "2026-03-09".parse().unwrap(), days as u32).unwrap();
    Requirement::new(grid, [("phone".to_string(), need)].into()).unwrap()
}

fn bench(c: &mut Criterion) {
    let day_rules = ShiftRules::parse(RULES, "bench").unwrap();
    let day = requirement(4200.0, 1);
    let cands = day_rules
        .candidates("phone", day.grid().first(), 1, 15, 192, "bench")
        .unwrap();
    assert!(cands.len() >= 300, "{} candidates", cands.len());
    let opts = ScheduleOptions {
        time_limit_s: 60.0,
        ..ScheduleOptions::default()
    };
    let mut g = c.benchmark_group("schedule");
    g.sample_size(10);
    g.bench_function(
        "one day, 15 min, ~330 candidates with a lunch window",
        |b| {
            b.iter(|| {
                let r = schedule(black_box(&day), &day_rules, &opts, "bench").unwrap();
                assert_eq!(r.channels[0].status, Status::Optimal);
                r
            })
        },
    );
    let mut week_rules = day_rules.clone();
    week_rules.weekly = Some(wfm::optimize::shifts::Weekly {
        max_days: 5,
        days_off: None,
        max_headcount: None,
    });
    let week = requirement(4200.0, 7);
    g.bench_function("one week, 672 intervals, days-off patterns", |b| {
        b.iter(|| schedule(black_box(&week), &week_rules, &opts, "bench").unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
