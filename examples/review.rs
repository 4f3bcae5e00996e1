//! The holiday capacity review of the shipped centre (`wfm.toml`): the team
//! as it is against Spring Festival, a what-if, and the cheapest fix:
//! `cargo run --release --example review`.

use wfm::core::centre::Centre;
use wfm::jobs::review::{prepare, Request};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let centre = Centre::from_path("wfm.toml".as_ref())?;
    let mut req = Request::on(Some(centre));
    req.what_if = Some("scenarios/whatif_spring_festival.toml".into());
    req.recommend = true;
    req.replications = 8;
    let job = prepare(&req)?;
    for w in &job.setup.warnings {
        eprintln!("warning: {w}");
    }
    let out = job.run()?;
    for line in out.summary() {
        println!("{line}");
    }
    let (fix, after) = out.fix.as_ref().expect("asked for the fix");
    let left = after.intervals.iter().filter(|r| r.misses_target).count();
    println!(
        "the fix costs {:.0} yuan: {} intervals missing a target before, {left} after",
        fix.cost,
        out.misses()
    );
    assert!(out.short() > 0, "the shipped holiday is short");
    assert!(left < out.misses());
    Ok(())
}
