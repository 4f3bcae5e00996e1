//! Simulator speed: contacts per second on one core.
//!
//! `cargo bench --bench sim -- --warm-up-time 1 --measurement-time 5`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wfm::models::channels::{ChannelBook, ChannelKind};
use wfm::models::erlang::SlDefinition;
use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder};

fn voice(c: &mut Criterion) {
    // One day of a 1,000-agent voice queue (A = 980 Erlangs, 300 s calls,
    // patience 180 s): ~282,000 contacts per replication.
    let n = 48;
    let volume = 980.0 * 1800.0 / 300.0;
    let sim = SimBuilder::new(30, n)
        .channel(ChannelSpec {
            name: "phone".into(),
            kind: ChannelKind::Voice,
            volumes: vec![volume; n],
            aht_s: vec![300.0; n],
            patience_s: vec![Some(180.0); n],
            containment: 0.0,
            answer_within_s: 20.0,
            sl_definition: SlDefinition::Offered,
            sim: ChannelBook::default().resolve("phone").unwrap().sim,
        })
        .group(GroupSpec {
            name: "phone".into(),
            channels: vec!["phone".into()],
            concurrency: 1,
            agents: vec![1000; n],
        })
        .replications(1)
        .threads(Some(1))
        .build()
        .unwrap();
    let mut g = c.benchmark_group("simulate");
    g.throughput(Throughput::Elements((volume * n as f64) as u64));
    g.sample_size(10);
    g.bench_function("1,000 agents, one day, abandonment, one core", |b| {
        b.iter(|| sim.run(None).unwrap())
    });
    g.finish();
}

criterion_group!(benches, voice);
criterion_main!(benches);
