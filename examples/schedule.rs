//! The cheapest roster of real shifts covering a requirement, with the
//! solver's proof of how good it is: `cargo run --example schedule`.

use wfm::models::requirement::{Requirement, StaffingTable};
use wfm::optimize::schedule::{schedule, ScheduleOptions};
use wfm::optimize::shifts::ShiftRules;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = "scenarios/roster_requirements.csv";
    let (table, _) = StaffingTable::from_path(src.as_ref(), 30)?;
    let req = Requirement::from_table(&table, 30, src)?.expect("rows");
    let rules = ShiftRules::from_path("scenarios/shifts.toml".as_ref())?;
    let opts = ScheduleOptions {
        node_limit: Some(200),
        ..ScheduleOptions::default()
    };
    let roster = schedule(&req, &rules, &opts, "scenarios/shifts.toml")?;
    for c in &roster.channels {
        let shifts: u32 = c.shifts.iter().map(|(_, n)| n).sum();
        println!(
            "{}: {shifts} shifts, cost {:.0}, lower bound {:.0} (gap {:.2}%), {}",
            c.channel,
            c.cost,
            c.bound,
            100.0 * c.gap,
            c.status
        );
        // The bound proves how far from the best roster this one can be.
        assert!(c.bound <= c.objective + 1e-6);
        assert!(c.gap < 0.1, "{}", c.gap);
    }
    let s = roster.summary();
    println!(
        "in all: {:.0} paid hours, cost {:.0}, {} agent-intervals uncovered",
        s.paid_hours, s.cost, s.shortfall
    );
    assert_eq!(s.shortfall, 0);
    Ok(())
}
