//! A forecast from a scenario (weekday and intraday shapes, the calendar,
//! repayment-date surges): `cargo run --example forecast`.

use wfm::demand::scenario::Scenario;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (scenario, warnings) = Scenario::from_path("scenarios/lender_week.toml".as_ref())?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let (from, to) = scenario.date_range(None, None, "scenarios/lender_week.toml")?;
    let f = scenario.forecast(from, to)?;
    let total = |channel: &str| -> f64 {
        f.rows
            .iter()
            .filter(|r| r.channel == channel)
            .map(|r| r.volume)
            .sum()
    };
    for c in f.channels() {
        println!("{c}: {:.0} contacts from {from} to {to}", total(c));
    }
    assert_eq!(total("phone").round(), PHONE_WEEK);
    Ok(())
}

/// Phone contacts of the shipped week.
const PHONE_WEEK: f64 = 31685.0;
