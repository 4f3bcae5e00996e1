//! Money in a currency: the centre's `currency` (ISO 4217, default CNY),
//! written the way a reader expects it: `¥24,998`, `+¥2,112`, `1,250 CHF`.

use serde::{Deserialize, Serialize};

/// The currency money is in when the centre names none.
pub const DEFAULT_CURRENCY: &str = "CNY";

/// A currency, by its ISO 4217 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// ISO 4217 code (`CNY`).
    pub code: String,
}

impl Default for Money {
    /// Yuan.
    fn default() -> Self {
        Money::new(DEFAULT_CURRENCY)
    }
}

impl Money {
    /// The currency `code`.
    pub fn new(code: &str) -> Money {
        Money {
            code: code.to_string(),
        }
    }

    /// The symbol written before an amount, if the currency has a common
    /// one (¥ for yuan and yen, $, €, £, HK$).
    pub fn symbol(&self) -> Option<&'static str> {
        Some(match self.code.as_str() {
            "CNY" | "JPY" => "¥",
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "HKD" => "HK$",
            _ => return None,
        })
    }

    /// `v` rounded to whole units with thousands separators and the
    /// currency: `¥24,998`, `-¥120`, `1,250 CHF`.
    ///
    /// ```
    /// use wfm::core::money::Money;
    /// assert_eq!(Money::new("CNY").format(24998.4), "¥24,998");
    /// assert_eq!(Money::new("CNY").format(-1234567.0), "-¥1,234,567");
    /// assert_eq!(Money::new("CHF").format(1250.0), "1,250 CHF");
    /// ```
    pub fn format(&self, v: f64) -> String {
        let sign = if v.round() < 0.0 { "-" } else { "" };
        self.with(sign, v)
    }

    /// As [`Money::format`] with a sign always: `+¥2,112`, `-¥40`, `¥0`.
    pub fn format_change(&self, v: f64) -> String {
        let r = v.round();
        let sign = if r > 0.0 {
            "+"
        } else if r < 0.0 {
            "-"
        } else {
            ""
        };
        self.with(sign, v)
    }

    fn with(&self, sign: &str, v: f64) -> String {
        let n = grouped(v.abs().round());
        match self.symbol() {
            Some(s) => format!("{sign}{s}{n}"),
            None => format!("{sign}{n} {}", self.code),
        }
    }
}

/// A whole number with a comma every three digits.
fn grouped(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let digits = format!("{v:.0}");
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_and_signed() {
        let y = Money::default();
        assert_eq!(y.format(0.4), "¥0");
        assert_eq!(y.format(999.5), "¥1,000");
        assert_eq!(y.format(100000.0), "¥100,000");
        assert_eq!(y.format_change(2112.0), "+¥2,112");
        assert_eq!(y.format_change(-40.2), "-¥40");
        assert_eq!(y.format_change(0.2), "¥0");
        assert_eq!(Money::new("USD").format(12.0), "$12");
    }
}
