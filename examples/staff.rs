//! Staff one interval, then a whole day's forecast, as a planning tool
//! does: `cargo run --example staff`.

use wfm::demand::forecast::Forecast;
use wfm::models::channels::{ChannelBook, ChannelsFile};
use wfm::models::requirement::staff_forecast;
use wfm::models::staffing::{required_agents, Model, Targets, Workload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One interval: 400 calls in a half hour, 4 minutes each, 80% answered
    // within 20 s.
    let work = Workload::voice(400.0, 240.0, 30.0);
    let t = Targets {
        service_level: Some(0.8),
        answer_within_s: 20.0,
        ..Targets::default()
    };
    let m = required_agents(&work, Model::ErlangC, &t)?;
    println!(
        "one interval: {} agents, service level {:.1}%, ASA {:.1} s",
        m.agents,
        100.0 * m.service_level,
        m.asa_s
    );
    assert_eq!(m.agents, 60);

    // A day's forecast with the shipped channel settings.
    let (forecast, _) = Forecast::from_path("scenarios/lender_day.csv".as_ref(), 30)?;
    let file = ChannelsFile::from_path("scenarios/channels.toml".as_ref())?;
    let book = ChannelBook::new(file, "scenarios/channels.toml", Default::default());
    let rows = staff_forecast(&forecast, &book, None, "scenarios/lender_day.csv")?;
    let peak = rows
        .iter()
        .filter(|r| r.channel == "phone")
        .max_by_key(|r| r.agents)
        .expect("phone rows");
    let hours: f64 = rows.iter().map(|r| f64::from(r.agents) * 0.5).sum();
    println!(
        "the day: {} rows, phone peaks at {} agents at {}, {hours:.0} agent-hours in all",
        rows.len(),
        peak.agents,
        peak.time
    );
    assert_eq!(peak.agents, PHONE_PEAK);
    Ok(())
}

/// The phone peak of the shipped day.
const PHONE_PEAK: u32 = 48;
