//! `wfm erlang`: one interval, a person's quick question: the metrics of a
//! staff, or the staff the targets require.
//!
//! ```
//! use wfm::jobs::erlang::{run, Request};
//! use wfm::models::channels::ChannelSettings;
//!
//! let req = Request {
//!     volume: 100.0,
//!     aht_s: 180.0,
//!     interval_min: 30,
//!     agents: None,
//!     model: None,
//!     channel: ChannelSettings { service_level: Some(0.8), ..Default::default() },
//! };
//! let answer = run(&req).unwrap();
//! assert_eq!(answer.metrics.agents, 14);
//! ```

use serde::{Deserialize, Serialize};

use crate::models::channels::{ChannelBook, ChannelSettings};
use crate::models::erlang::Metrics;
use crate::models::staffing::{fte, metrics_for, required_agents, Model, Workload};

use super::Error;

/// One interval's question. With the `cli` feature the fields are the
/// flags of `wfm erlang`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct Request {
    /// Contacts offered in the interval
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub volume: f64,
    /// Average handle time, seconds
    #[cfg_attr(feature = "cli", arg(long, value_name = "S"))]
    pub aht_s: f64,
    /// Interval length, minutes (any whole number >= 1)
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 30, value_name = "MIN"))]
    pub interval_min: u32,
    /// Metrics for this many agents instead of searching the required
    /// number
    #[cfg_attr(feature = "cli", arg(long, value_name = "N"))]
    pub agents: Option<u32>,
    /// Queueing model [default: erlang-a with a patience, else erlang-c]
    #[cfg_attr(feature = "cli", arg(long, value_parser = super::args::parsed::<Model>, value_name = "MODEL"))]
    pub model: Option<Model>,
    /// The channel's settings (targets, patience, shrinkage, containment,
    /// concurrency); unset keys take the built-in defaults.
    #[cfg_attr(feature = "cli", arg(skip))]
    pub channel: ChannelSettings,
}

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The model used.
    pub model: Model,
    /// Offered load after containment, Erlangs (volume × aht_s / interval).
    pub load_erl: f64,
    /// The metrics of the staff.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Paid FTE for the agents: agents / (1 − shrinkage).
    pub fte: f64,
    /// The service level's threshold, seconds.
    #[serde(skip)]
    pub answer_within_s: f64,
}

/// Answers the question: the metrics of `agents`, or the least staff
/// meeting every target.
pub fn run(r: &Request) -> Result<Answer, Error> {
    if r.interval_min == 0 {
        return Err(Error::Request(
            "Request.interval_min: expected a whole number of minutes >= 1, got 0".into(),
        ));
    }
    if !(r.volume.is_finite() && r.volume >= 0.0) {
        return Err(Error::Request(format!(
            "Request.volume: expected a number of contacts >= 0, got {}",
            r.volume
        )));
    }
    if !(r.aht_s.is_finite() && r.aht_s > 0.0) {
        return Err(Error::Request(format!(
            "Request.aht_s: expected a handle time in seconds > 0, got {}",
            r.aht_s
        )));
    }
    let book = ChannelBook::new(Default::default(), "", r.channel.clone());
    let ch = book.resolve("interval")?;
    let work = Workload {
        volume: r.volume,
        aht_s: r.aht_s,
        interval_min: r.interval_min as f64,
        patience_s: ch.patience_s,
        containment: ch.containment,
        concurrency: ch.concurrency,
    };
    let model = r.model.unwrap_or(if ch.patience_s.is_some() {
        Model::ErlangA
    } else {
        Model::ErlangC
    });
    let metrics = match r.agents {
        Some(n) => metrics_for(&work, model, &ch.targets, n),
        None => required_agents(&work, model, &ch.targets),
    }
    .map_err(|e| Error::Request(e.to_string()))?;
    Ok(Answer {
        model,
        load_erl: work.load_erl(),
        metrics,
        fte: fte(metrics.agents, ch.shrinkage),
        answer_within_s: ch.targets.answer_within_s,
    })
}

impl Answer {
    /// The answer as aligned lines for a person.
    pub fn text(&self) -> String {
        let m = &self.metrics;
        let pct = |v: f64| format!("{:.2}%", v * 100.0);
        [
            format!("model          {}", self.model),
            format!("load           {:.4} Erlangs", self.load_erl),
            format!("agents         {}", m.agents),
            format!("fte            {:.3}", self.fte),
            format!(
                "service level  {} within {} s",
                pct(m.service_level),
                self.answer_within_s
            ),
            format!("asa            {:.2} s", m.asa_s),
            format!("p(wait)        {}", pct(m.p_wait)),
            format!("abandon rate   {}", pct(m.abandon_rate)),
            format!("occupancy      {}", pct(m.occupancy)),
            format!("queue length   {:.4}", m.queue_len),
            String::new(),
        ]
        .join("\n")
    }

    /// The answer as one JSON object and a line break.
    pub fn json(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
        )
    }
}
