use wfm::channels::{ChannelBook, ChannelKind};
use wfm::erlang::SlDefinition;
use wfm::sim::{ChannelSpec, GroupSpec, SimBuilder};
fn main() {
    let n = 8;
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
    let r = sim.run(None).unwrap();
    std::hint::black_box(r);
}
