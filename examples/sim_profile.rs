//! One day of a 1,000-agent voice queue with abandonment, one replication:
//! a target for profilers (`valgrind --tool=callgrind`, `perf`).
//!
//! `cargo run --release --example sim_profile`
use wfm::channels::{ChannelBook, ChannelKind};
use wfm::erlang::SlDefinition;
use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder};

fn main() {
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
        .replications(4)
        .threads(Some(1))
        .build()
        .unwrap();
    let t = std::time::Instant::now();
    let r = sim.run(None).unwrap();
    let m = r.summary_all(0);
    println!(
        "{:.0} contacts/s; SL {:.4}, abandon {:.4}",
        4.0 * m.offered.mean / t.elapsed().as_secs_f64(),
        m.service_level.mean,
        m.abandon_rate.mean
    );
}
