//! Simulate a day of the centre staffed to the Erlang requirement, and
//! compare the simulated service with the formula's target:
//! `cargo run --example simulate`.

use wfm::demand::forecast::Forecast;
use wfm::models::channels::{ChannelBook, ChannelsFile};
use wfm::models::requirement::{staff_forecast, StaffingRow, StaffingTable};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (forecast, _) = Forecast::from_path("scenarios/lender_day.csv".as_ref(), 30)?;
    let file = ChannelsFile::from_path("scenarios/channels.toml".as_ref())?;
    let book = ChannelBook::new(file, "scenarios/channels.toml", Default::default());
    let rows = staff_forecast(&forecast, &book, None, "scenarios/lender_day.csv")?;
    let staffing = StaffingTable {
        rows: rows
            .iter()
            .map(|r| StaffingRow::new(r.date, r.time, &r.channel, r.agents))
            .collect(),
    };
    let sim = wfm::sim::from_forecast(&forecast, &staffing, &book, "the Erlang requirement")?
        .replications(30)
        .seed(7)
        .build()?;
    let result = sim.run(None)?;
    let c = result.channel_index("phone").expect("phone is simulated");
    let m = result.summary_all(c).expect("phone has contacts");
    println!(
        "phone over the day: service level {:.1}% ± {:.1}, abandonment {:.1}%, {:.0} offered",
        100.0 * m.service_level.mean,
        100.0 * m.service_level.ci95,
        100.0 * m.abandon_rate.mean,
        m.offered.mean
    );
    // Staffed to 80% in 20 s interval by interval, the day does better.
    assert!(m.service_level.mean > 0.8, "{}", m.service_level.mean);
    Ok(())
}
