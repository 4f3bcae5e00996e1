//! Erlang B, C and A against 40-digit values computed independently with
//! mpmath by `tests/reference/erlang_reference.py` (incomplete gamma
//! functions and numerical integration of the Mandelbaum–Zeltyn formulas).

use crate::prec::assert_close;
use wfm::models::erlang::{erlang_b, erlang_c, ErlangA, ErlangC, SlDefinition};

fn rows(name: &str) -> Vec<csv::StringRecord> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|r| r.unwrap()).collect()
}

fn f(r: &csv::StringRecord, i: usize) -> f64 {
    r[i].parse().unwrap()
}

#[test]
fn erlang_b_and_c_match_high_precision_values() {
    let rows = rows("erlang_bc.csv");
    assert!(rows.len() > 100);
    for r in &rows {
        let n: u32 = r[0].parse().unwrap();
        let a = f(r, 1);
        let (b_ref, c_ref) = (f(r, 2), f(r, 3));
        // Relative 1e-9 where the value is not tiny, absolute 1e-9 below 1.
        assert_close(erlang_b(n, a), b_ref, 1e-9);
        assert_close(erlang_c(n, a), c_ref, 1e-9);
        if b_ref > 1e-290 {
            assert!(
                ((erlang_b(n, a) - b_ref) / b_ref).abs() < 1e-9,
                "B({n}, {a}) relative"
            );
        }
        if c_ref > 1e-290 {
            assert!(
                ((erlang_c(n, a) - c_ref) / c_ref).abs() < 1e-9,
                "C({n}, {a}) relative"
            );
        }
    }
}

#[test]
fn erlang_c_metrics_follow_from_c() {
    // SL and ASA are closed forms of C; check them at the reference points.
    for r in rows("erlang_bc.csv") {
        let n: u32 = r[0].parse().unwrap();
        let a = f(&r, 1);
        let c_ref = f(&r, 3);
        let q = ErlangC::new(a, 300.0).unwrap();
        let m = q.metrics(n, 20.0);
        if a < n as f64 {
            let sl = 1.0 - c_ref * (-(n as f64 - a) * 20.0 / 300.0).exp();
            assert_close(m.service_level, sl, 1e-9);
            assert_close(m.asa_s, c_ref * 300.0 / (n as f64 - a), 1e-9);
        } else {
            assert_eq!(m.service_level, 0.0);
        }
    }
}

#[test]
fn erlang_a_matches_high_precision_values() {
    for r in rows("erlang_a.csv") {
        let a = f(&r, 0);
        let n: u32 = r[1].parse().unwrap();
        let (aht, pat, t) = (f(&r, 2), f(&r, 3), f(&r, 4));
        let q = ErlangA::new(a, aht, pat).unwrap();
        let m = q.metrics(n, t, SlDefinition::Offered);
        let ctx = format!("A={a} N={n} aht={aht} patience={pat} T={t}");
        let check = |got: f64, want: f64, what: &str| {
            assert!(
                crate::prec::close(got, want, 1e-9),
                "{what} {ctx}: got {got:e}, want {want:e}"
            );
        };
        check(m.p_wait, f(&r, 5), "p_wait");
        check(m.abandon_rate, f(&r, 6), "abandon_rate");
        check(m.service_level, f(&r, 7), "sl_offered");
        check(
            q.metrics(n, t, SlDefinition::Answered).service_level,
            f(&r, 8),
            "sl_answered",
        );
        check(
            q.metrics(n, t, SlDefinition::OfferedMinusEarlyAbandons)
                .service_level,
            f(&r, 9),
            "sl_offered_minus_early",
        );
        check(m.asa_s, f(&r, 10), "asa_s");
        check(m.queue_len, f(&r, 11), "queue_len");
    }
}
