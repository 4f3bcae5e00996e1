//! Staffing speed: required agents for one interval, and a year of forecast.
//!
//! `cargo bench --bench erlang -- --sample-size 20`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::demand::forecast::{Forecast, ForecastRow};
use wfm::models::channels::{ChannelBook, ChannelSettings};
use wfm::models::requirement::staff_forecast;
use wfm::models::staffing::{required_agents, Model, Targets, Workload};

fn one_interval(c: &mut Criterion) {
    let t = Targets::default();
    c.bench_function("erlang_b 5000 agents 5000 Erl", |b| {
        b.iter(|| wfm::models::erlang::erlang_b(black_box(5000), black_box(5000.0)))
    });
    let qa = wfm::models::erlang::ErlangA::new(5000.0, 300.0, 180.0).unwrap();
    c.bench_function("erlang-a metrics 5000 agents 5000 Erl", |b| {
        b.iter(|| {
            qa.metrics(
                black_box(5000),
                20.0,
                wfm::models::erlang::SlDefinition::Offered,
            )
        })
    });
    for &load in &[100.0, 5000.0] {
        // volume for `load` Erlangs of 300 s calls in 30 minutes
        let work = Workload::voice(load * 6.0, 300.0, 30.0);
        c.bench_function(&format!("required_agents erlang-c {load} Erl"), |b| {
            b.iter(|| required_agents(black_box(&work), Model::ErlangC, &t).unwrap())
        });
        let wa = Workload {
            patience_s: Some(180.0),
            ..work
        };
        c.bench_function(&format!("required_agents erlang-a {load} Erl"), |b| {
            b.iter(|| required_agents(black_box(&wa), Model::ErlangA, &t).unwrap())
        });
    }
}

/// A year of 30-minute intervals for three channels: 52,560 rows.
pub fn year_forecast() -> Forecast {
    let mut rows = Vec::new();
    let start: jiff::civil::Date = "2026-01-01".parse().unwrap();
    for d in 0..365 {
        let date = start.checked_add(jiff::Span::new().days(d)).unwrap();
        for i in 0..48 {
            let time = jiff::civil::Time::new((i / 2) as i8, ((i % 2) * 30) as i8, 0, 0).unwrap();
            let h = i as f64 / 2.0;
            let shape = 0.05
                + (-(h - 10.0) * (h - 10.0) / 4.0).exp()
                + 0.8 * (-(h - 15.0) * (h - 15.0) / 4.0).exp();
            for (ch, base, pat) in [
                ("phone", 300.0, Some(150.0)),
                ("chat", 500.0, Some(240.0)),
                ("wechat", 80.0, None),
            ] {
                rows.push(ForecastRow {
                    date,
                    time,
                    channel: ch.into(),
                    volume: base * shape * (1.0 + 0.1 * ((d * 7 + i) % 5) as f64),
                    aht_s: 280.0,
                    patience_s: pat,
                    line: 0,
                });
            }
        }
    }
    Forecast {
        interval_min: 30,
        rows,
    }
}

fn year(c: &mut Criterion) {
    let f = year_forecast();
    let book = ChannelBook::new(Default::default(), "", ChannelSettings::default());
    let mut g = c.benchmark_group("staff_forecast");
    g.sample_size(10);
    g.bench_function("52,560 rows, erlang-a and erlang-c", |b| {
        b.iter(|| staff_forecast(black_box(&f), &book, None, "bench").unwrap())
    });
    g.finish();
}

criterion_group!(benches, one_interval, year);
criterion_main!(benches);
