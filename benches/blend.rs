//! Simulator speed with outbound work: a blended group against an
//! inbound-only queue, both in contacts handled per second on one core.
//!
//! `cargo bench --bench blend -- --warm-up-time 1 --measurement-time 5`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wfm::models::channels::{ChannelBook, ChannelKind};
use wfm::models::erlang::SlDefinition;
use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder, Simulation};

const N: usize = 48;

fn channel(name: &str, volume: f64) -> ChannelSpec {
    ChannelSpec {
        name: name.into(),
        kind: ChannelKind::Voice,
        volumes: vec![volume; N],
        aht_s: vec![300.0; N],
        patience_s: vec![Some(180.0); N],
        containment: 0.0,
        answer_within_s: 20.0,
        sl_definition: SlDefinition::Offered,
        sim: ChannelBook::default().resolve(name).unwrap().sim,
    }
}

/// Outbound attempts made in one run (every one is a contact of the loop,
/// answered or not).
fn attempts(sim: &Simulation, c: usize) -> u64 {
    let r = sim.run(None).unwrap();
    r.summary_all(c).map_or(0.0, |m| m.offered.mean) as u64
}

/// Contacts handled (answered inbound and outbound calls) in one run.
fn handled(sim: &Simulation) -> u64 {
    let r = sim.run(None).unwrap();
    (0..r.channels.len())
        .filter_map(|c| r.summary_all(c))
        .map(|m| m.answered.mean)
        .sum::<f64>() as u64
}

/// 1,000 agents blending 700 Erlangs inbound with an outbound channel,
/// reserve 10, one replication on one thread.
fn blended_centre() -> SimBuilder {
    SimBuilder::new(30, N)
        .channel(channel("phone", 700.0 * 1800.0 / 300.0))
        .channel(ChannelSpec {
            patience_s: vec![None; N],
            ..channel("outbound", 0.0)
        })
        .group(GroupSpec {
            name: "blend".into(),
            channels: vec!["phone".into(), "outbound".into()],
            concurrency: 1,
            agents: vec![1000; N],
        })
        .blend("blend", "outbound", 10)
        .replications(1)
        .threads(Some(1))
}

fn blend(c: &mut Criterion) {
    // Inbound only: 1,000 agents, 980 Erlangs of 300 s calls.
    let inbound = SimBuilder::new(30, N)
        .channel(channel("phone", 980.0 * 1800.0 / 300.0))
        .group(GroupSpec {
            name: "phone".into(),
            channels: vec!["phone".into()],
            concurrency: 1,
            agents: vec![1000; N],
        })
        .replications(1)
        .threads(Some(1))
        .build()
        .unwrap();
    // Blended: the same agents, 700 Erlangs inbound, an unlimited outbound
    // list worked whenever 10 agents are idle.
    let blended = blended_centre().build().unwrap();
    // Blended with a predictive campaign on accounts: the dialer keeps lines
    // ringing for the idle agents beyond the reserve, 30% reach, per-account
    // daily caps; a list longer than the agents can make.
    let campaign = wfm::models::dialer::Campaign {
        mode: wfm::models::dialer::DialerMode::Predictive,
        pacing: Some(2.0),
        ..wfm::models::dialer::Campaign::default()
    };
    let predictive = blended_centre()
        .call_list("outbound", vec![20_000; N])
        .campaign("outbound", campaign)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("blend");
    g.sample_size(10);
    g.throughput(Throughput::Elements(handled(&inbound)));
    g.bench_function("inbound only, 1,000 agents, one day", |b| {
        b.iter(|| inbound.run(None).unwrap())
    });
    g.throughput(Throughput::Elements(handled(&blended)));
    g.bench_function("blended, 1,000 agents, reserve 10, one day", |b| {
        b.iter(|| blended.run(None).unwrap())
    });
    // Contacts of the loop: inbound answered plus every attempt dialed.
    g.throughput(Throughput::Elements(
        handled(&predictive) - {
            let r = predictive.run(None).unwrap();
            r.summary_all(1).map_or(0.0, |m| m.answered.mean) as u64
        } + attempts(&predictive, 1),
    ));
    g.bench_function(
        "blended, predictive campaign on accounts, reserve 10, one day",
        |b| b.iter(|| predictive.run(None).unwrap()),
    );
    g.finish();
}

criterion_group!(benches, blend);
criterion_main!(benches);
