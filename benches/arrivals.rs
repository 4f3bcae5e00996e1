//! Arrival sampling and forecast generation speed.
//!
//! `cargo bench --bench arrivals -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wfm::demand::scenario::Scenario;
use wfm::models::arrivals::{stream_rng, ArrivalProcess, Overdispersion};

fn sampling(c: &mut Criterion) {
    // A week of 30-minute intervals with a lender's workday shape, ~1 million arrivals.
    let shape = wfm::demand::scenario::builtin_profile("lender-workday", 30).unwrap();
    let vols: Vec<f64> = (0..7 * 48).map(|i| 150_000.0 * shape[i % 48]).collect();
    let total: f64 = vols.iter().sum();
    let p = ArrivalProcess::new(&vols, 30).unwrap();
    let pod = p
        .clone()
        .with_overdispersion(Overdispersion {
            day_cv: 0.1,
            interval_cv: 0.05,
        })
        .unwrap();
    let mut g = c.benchmark_group("arrivals");
    g.throughput(Throughput::Elements(total as u64));
    g.sample_size(20);
    g.bench_function("week, 1.05M arrivals", |b| {
        let mut rng = stream_rng(1, 0);
        b.iter(|| {
            let mut last = 0.0;
            for t in p.stream(&mut rng) {
                last = t;
            }
            black_box(last)
        })
    });
    g.bench_function("week, 1.05M arrivals, overdispersed", |b| {
        let mut rng = stream_rng(1, 0);
        b.iter(|| black_box(pod.stream(&mut rng).fold(0.0, |_, t| t)))
    });
    g.finish();
}

fn forecast(c: &mut Criterion) {
    let s = Scenario::parse(
        r#"
        interval_min = 15
        [channel.phone]
        daily_volume = 4200
        aht_s = 270
        [channel.chat]
        daily_volume = 14000
        aht_s = 420
        [channel.wechat]
        daily_volume = 2000
        aht_s = 500
        [channel.email]
        daily_volume = 900
        aht_s = 480
        [channel.callback]
        daily_volume = 300
        aht_s = 300
        [[repayment]]
        due_days = [10, 25]
        day_factors = [[-2, 1.25], [0, 1.6]]
        reminder_time = "10:00"
        reminder_factor = 1.8
        [month_end]
        days = 3
        factor = 1.1
        "#,
        "bench",
    )
    .unwrap();
    let (from, to) = ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());
    let mut g = c.benchmark_group("forecast");
    g.sample_size(10);
    g.bench_function("year, 15 min, 5 channels (175,200 rows)", |b| {
        b.iter(|| s.forecast(from, to).unwrap())
    });
    g.finish();
}

criterion_group!(benches, sampling, forecast);
criterion_main!(benches);
