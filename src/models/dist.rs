//! Handle-time and patience distributions for the simulator.
//!
//! Each is a *shape* with mean 1; the simulator multiplies a draw by the
//! interval's mean (`aht_s` or `patience_s` from the forecast or the channel),
//! so one shape serves every interval. All are scale families, so this is
//! exact.
//!
//! | `dist` | parameters | unit-mean form |
//! |---|---|---|
//! | `exponential` | — | `Exp(1)` |
//! | `lognormal` | `cv` | `exp(μ + σZ)`, `σ² = ln(1 + cv²)`, `μ = −σ²/2` |
//! | `gamma` | `cv` | `Gamma(k = 1/cv², θ = cv²)` |
//! | `weibull` | `shape` | `λ·Weibull(shape)`, `λ = 1/Γ(1 + 1/shape)` |
//! | `empirical` | `samples` | a uniform pick from the samples, divided by their mean |
//! | `none` | — | never (patience only: nobody abandons) |

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Weibull};
use serde::{Deserialize, Serialize};
use statrs::function::gamma::gamma;

/// A distribution as written in the channels file, e.g.
/// `handle_time = { dist = "lognormal", cv = 0.8 }`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(
    tag = "dist",
    rename_all = "kebab-case",
    deny_unknown_fields,
    try_from = "DistTable"
)]
pub enum DistSpec {
    /// Exponential (memoryless): what Erlang C and A assume.
    #[default]
    Exponential,
    /// Lognormal with the given coefficient of variation.
    Lognormal {
        /// Coefficient of variation, `> 0`.
        cv: f64,
    },
    /// Gamma with the given coefficient of variation.
    Gamma {
        /// Coefficient of variation, `> 0`.
        cv: f64,
    },
    /// Weibull with the given shape (`< 1`: many quick, some very long).
    Weibull {
        /// Shape parameter, `> 0`.
        shape: f64,
    },
    /// An empirical sample (seconds); rescaled to the interval's mean.
    Empirical {
        /// Observed values, `>= 0`, not all zero.
        samples: Vec<f64>,
    },
    /// No value: for patience, nobody abandons.
    None,
}

/// A distribution table as written, before it is checked: every key a
/// distribution may have, so that a key the chosen one does not take is an
/// error (`{ dist = "exponential", cv = 1 }`) instead of silently ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistTable {
    dist: String,
    cv: Option<f64>,
    shape: Option<f64>,
    samples: Option<Vec<f64>>,
}

impl TryFrom<DistTable> for DistSpec {
    type Error = String;
    fn try_from(t: DistTable) -> Result<Self, String> {
        let keys: Vec<&str> = [
            ("cv", t.cv.is_some()),
            ("shape", t.shape.is_some()),
            ("samples", t.samples.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, on)| on.then_some(k))
        .collect();
        let only = |allowed: &[&str]| -> Result<(), String> {
            match keys.iter().find(|k| !allowed.contains(k)) {
                None => Ok(()),
                Some(k) => Err(format!(
                    "dist = {:?} takes {}, not {k}",
                    t.dist,
                    if allowed.is_empty() {
                        "no other key".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )),
            }
        };
        let need =
            |v: Option<f64>, k: &str| v.ok_or_else(|| format!("dist = {:?} needs {k}", t.dist));
        match t.dist.as_str() {
            "exponential" => only(&[]).map(|_| DistSpec::Exponential),
            "none" => only(&[]).map(|_| DistSpec::None),
            "lognormal" => {
                only(&["cv"])?;
                Ok(DistSpec::Lognormal { cv: need(t.cv, "cv")? })
            }
            "gamma" => {
                only(&["cv"])?;
                Ok(DistSpec::Gamma { cv: need(t.cv, "cv")? })
            }
            "weibull" => {
                only(&["shape"])?;
                Ok(DistSpec::Weibull {
                    shape: need(t.shape, "shape")?,
                })
            }
            "empirical" => {
                only(&["samples"])?;
                Ok(DistSpec::Empirical {
                    samples: t
                        .samples
                        .ok_or_else(|| "dist = \"empirical\" needs samples".to_string())?,
                })
            }
            other => Err(format!(
                "unknown dist {other:?}; expected exponential, lognormal, gamma, weibull, empirical or none"
            )),
        }
    }
}

/// A unit-mean distribution ready to sample.
#[derive(Debug, Clone)]
pub enum UnitDist {
    /// `Exp(1)`.
    Exponential,
    /// Lognormal with mean 1.
    Lognormal(LogNormal<f64>),
    /// Gamma with mean 1.
    Gamma(Gamma<f64>),
    /// Weibull with mean 1 (scale folded in).
    Weibull(Weibull<f64>),
    /// Samples divided by their mean.
    Empirical(Vec<f64>),
    /// Always infinite.
    Never,
}

impl DistSpec {
    /// Checks the parameters and builds the unit-mean sampler; the error
    /// says which parameter is wrong.
    pub fn unit(&self) -> Result<UnitDist, String> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(format!("{name} must be a finite number > 0, got {v}"))
            }
        };
        Ok(match self {
            DistSpec::Exponential => UnitDist::Exponential,
            DistSpec::Lognormal { cv } => {
                let cv = positive("cv", *cv)?;
                let s2 = (1.0 + cv * cv).ln();
                UnitDist::Lognormal(
                    LogNormal::new(-s2 / 2.0, s2.sqrt()).map_err(|e| e.to_string())?,
                )
            }
            DistSpec::Gamma { cv } => {
                let cv = positive("cv", *cv)?;
                let k = 1.0 / (cv * cv);
                UnitDist::Gamma(Gamma::new(k, 1.0 / k).map_err(|e| e.to_string())?)
            }
            DistSpec::Weibull { shape } => {
                let k = positive("shape", *shape)?;
                let scale = 1.0 / gamma(1.0 + 1.0 / k);
                UnitDist::Weibull(Weibull::new(scale, k).map_err(|e| e.to_string())?)
            }
            DistSpec::Empirical { samples } => {
                if samples.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
                    return Err("samples must be finite numbers >= 0".into());
                }
                let mean = samples.iter().sum::<f64>() / samples.len().max(1) as f64;
                if samples.is_empty() || mean <= 0.0 {
                    return Err("samples must hold at least one value > 0".into());
                }
                UnitDist::Empirical(samples.iter().map(|x| x / mean).collect())
            }
            DistSpec::None => UnitDist::Never,
        })
    }
}

impl UnitDist {
    /// A draw with mean 1 (infinite for [`UnitDist::Never`]).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            UnitDist::Exponential => Exp1.sample(rng),
            UnitDist::Lognormal(d) => d.sample(rng),
            UnitDist::Gamma(d) => d.sample(rng),
            UnitDist::Weibull(d) => d.sample(rng),
            UnitDist::Empirical(v) => {
                use rand::RngExt;
                v[rng.random_range(0..v.len())]
            }
            UnitDist::Never => f64::INFINITY,
        }
    }

    /// Whether every draw is infinite.
    pub fn is_never(&self) -> bool {
        matches!(self, UnitDist::Never)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::arrivals::stream_rng;

    fn moments(d: &UnitDist) -> (f64, f64) {
        let mut rng = stream_rng(3, 0);
        let n = 400_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt() / m)
    }

    #[test]
    fn every_shape_has_mean_one_and_its_cv() {
        let cases = [
            (DistSpec::Exponential, 1.0),
            (DistSpec::Lognormal { cv: 0.6 }, 0.6),
            (DistSpec::Gamma { cv: 1.5 }, 1.5),
            // Weibull shape 2: cv = sqrt(Γ(2)/Γ(1.5)² − 1) = 0.522723...
            (DistSpec::Weibull { shape: 2.0 }, 0.522_723_200_877_167),
            (
                DistSpec::Empirical {
                    samples: vec![1.0, 2.0, 3.0],
                },
                (2.0f64 / 3.0).sqrt() / 2.0,
            ),
        ];
        for (spec, cv) in cases {
            let (m, c) = moments(&spec.unit().unwrap());
            assert!((m - 1.0).abs() < 0.01, "{spec:?} mean {m}");
            assert!(
                (c - cv).abs() < 0.03 * cv.max(0.3),
                "{spec:?} cv {c} want {cv}"
            );
        }
    }

    #[test]
    fn impossible_parameters_say_which() {
        assert!(DistSpec::Lognormal { cv: -1.0 }
            .unit()
            .unwrap_err()
            .contains("cv"));
        assert!(DistSpec::Weibull { shape: 0.0 }
            .unit()
            .unwrap_err()
            .contains("shape"));
        assert!(DistSpec::Empirical { samples: vec![] }.unit().is_err());
        assert!(DistSpec::None.unit().unwrap().is_never());
    }

    #[test]
    fn a_key_the_distribution_does_not_take_is_an_error() {
        #[derive(serde::Deserialize)]
        struct T {
            d: DistSpec,
        }
        let parse = |t: &str| toml::from_str::<T>(t).map(|x| x.d);
        let e = parse("d = { dist = \"exponential\", cv = 1 }").unwrap_err();
        assert!(e.to_string().contains("takes no other key, not cv"), "{e}");
        assert!(parse("d = { dist = \"gamma\", shape = 1 }").is_err());
        assert!(parse("d = { dist = \"gamma\" }").is_err());
        assert!(parse("d = { dist = \"gamma\", cv = 1, x = 2 }").is_err());
        assert_eq!(
            parse("d = { dist = \"gamma\", cv = 0.5 }").unwrap(),
            DistSpec::Gamma { cv: 0.5 }
        );
        assert_eq!(parse("d = { dist = \"none\" }").unwrap(), DistSpec::None);
        let back = toml::to_string(&T2 {
            d: DistSpec::Gamma { cv: 0.5 },
        })
        .unwrap();
        assert!(back.contains("dist = \"gamma\""), "{back}");
        #[derive(serde::Serialize)]
        struct T2 {
            d: DistSpec,
        }
    }
}
