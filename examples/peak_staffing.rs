//! Reads the shipped weekday forecast and channel settings, staffs it with
//! the library, and prints each channel's peak interval.
//!
//! `cargo run --example peak_staffing`

use std::path::Path;

use wfm::channels::{ChannelBook, ChannelsFile};
use wfm::forecast::Forecast;
use wfm::requirement::staff_forecast;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let (forecast, _warnings) = Forecast::from_path(&root.join("lender_day.csv"), 30)?;
    let channels = ChannelsFile::from_path(&root.join("channels.toml"))?;
    let book = ChannelBook::new(channels, "channels.toml", Default::default());
    let rows = staff_forecast(&forecast, &book, None, "lender_day.csv")?;
    for channel in ["phone", "chat", "email"] {
        let peak = rows
            .iter()
            .filter(|r| r.channel == channel)
            .max_by_key(|r| r.agents)
            .ok_or("no rows")?;
        let day_fte: f64 = rows
            .iter()
            .filter(|r| r.channel == channel)
            .map(|r| r.fte)
            .sum::<f64>()
            / 2.0;
        println!(
            "{channel:6} peak {} {:>3} agents (SL {:.1}%, abandon {:.1}%), {:.0} FTE-hours over the day",
            wfm::textio::format_time(peak.time),
            peak.agents,
            100.0 * peak.service_level,
            100.0 * peak.abandon_rate,
            day_fte
        );
    }
    Ok(())
}
