//! The headline job end to end: the shipped Spring Festival review with the
//! team's people scheduled (base, the what-if file's three variants, the
//! fix and the review again with it), 20 replications, every core.
//!
//! `cargo bench --bench review -- --warm-up-time 1 --measurement-time 20 --sample-size 10`

use criterion::{criterion_group, criterion_main, Criterion};
use wfm::core::centre::Centre;
use wfm::jobs::review::{prepare, Request};

fn review(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let centre = Centre::from_path(&root.join("wfm.toml")).unwrap();
    let mut req = Request::on(Some(centre));
    req.what_if = Some(root.join("scenarios/whatif_spring_festival.toml"));
    req.recommend = true;
    let mut g = c.benchmark_group("review");
    g.sample_size(10);
    g.bench_function("spring_festival_scheduled_team_variants_fix", |b| {
        b.iter(|| prepare(&req).unwrap().run().unwrap())
    });
    g.finish();
}

criterion_group!(benches, review);
criterion_main!(benches);
