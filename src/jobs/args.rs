//! The requests' fields read from text: the value parsers the `wfm` binary
//! gives its flags (the requests derive their flags from their fields with
//! the `cli` feature), usable by any tool that reads settings as text.
//!
//! Each returns the value or a message saying what was expected, with the
//! text given.

use jiff::civil::Date;

/// A date `YYYY-MM-DD` from 1900 to 2199.
///
/// ```
/// assert!(wfm::jobs::args::date("2026-02-16").is_ok());
/// assert!(wfm::jobs::args::date("16/02/2026").is_err());
/// ```
pub fn date(s: &str) -> Result<Date, String> {
    crate::core::textio::parse_date(s)
        .ok_or_else(|| format!("expected a date YYYY-MM-DD from 1900 to 2199, got {s:?}"))
}

/// A number of threads, at least 1 (more than the machine's cores are not
/// used).
pub fn threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("expected a number of threads >= 1, got {s:?}")),
    }
}

/// A branch-and-bound node limit: a number of nodes (0: no branch and
/// bound, the rounded LP roster), or `none` for no limit (`None`).
///
/// ```
/// use wfm::jobs::args::node_limit;
/// assert_eq!(node_limit("500"), Ok(Some(500)));
/// assert_eq!(node_limit("none"), Ok(None));
/// ```
pub fn node_limit(s: &str) -> Result<Option<u64>, String> {
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    s.trim()
        .parse::<u64>()
        .map(Some)
        .map_err(|_| format!("expected a number of nodes >= 0 or `none`, got {s:?}"))
}

/// A count per channel, `CHANNEL=N` (contacts waiting at the start).
///
/// ```
/// assert_eq!(wfm::jobs::args::channel_count("phone=12"), Ok(("phone".to_string(), 12)));
/// ```
pub fn channel_count(s: &str) -> Result<(String, u32), String> {
    let Some((c, n)) = s.split_once('=') else {
        return Err(format!("expected CHANNEL=N, got {s:?}"));
    };
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("expected a whole number after =, got {s:?}"))?;
    Ok((c.trim().to_string(), n))
}

/// Anything with a `FromStr` whose error is a message (`microlp`, `erlang-a`).
pub fn parsed<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags' defaults are the requests' own (`Request::on`): the
    /// binary with no flags runs what a planning tool runs with none set.
    #[cfg(feature = "cli")]
    #[test]
    fn flag_defaults_are_the_requests_defaults() {
        use clap::Parser;
        #[derive(Parser)]
        struct Of<T: clap::Args> {
            #[command(flatten)]
            req: T,
        }
        fn parsed<T: clap::Args>() -> T {
            Of::<T>::try_parse_from(["wfm"]).unwrap().req
        }
        use crate::jobs::*;
        assert_eq!(parsed::<review::Request>(), review::Request::on(None));
        assert_eq!(parsed::<roster::Request>(), roster::Request::on(None));
        assert_eq!(parsed::<simulate::Request>(), simulate::Request::on(None));
        assert_eq!(parsed::<schedule::Request>(), schedule::Request::on(None));
        assert_eq!(parsed::<capacity::Request>(), capacity::Request::on(None));
        assert_eq!(parsed::<forecast::Request>(), forecast::Request::on(None));
        assert_eq!(parsed::<fit::Request>(), fit::Request::on(None));
        assert_eq!(parsed::<backtest::Request>(), backtest::Request::on(None));
        assert_eq!(
            parsed::<crate::sim::SimLimits>(),
            crate::sim::SimLimits::default()
        );
    }

    #[test]
    fn values_and_their_messages() {
        assert_eq!(threads("2"), Ok(2));
        assert!(threads("0").unwrap_err().contains(">= 1"));
        assert_eq!(node_limit(" NONE "), Ok(None));
        assert!(node_limit("-1").unwrap_err().contains("`none`"));
        assert!(channel_count("phone").unwrap_err().contains("CHANNEL=N"));
        assert!(channel_count("phone=x")
            .unwrap_err()
            .contains("whole number"));
        assert!(date("2026-13-01").is_err());
    }
}
