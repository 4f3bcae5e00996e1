//! Unit tests of [`super`].

use super::erlang_a::{queue_sums, Need};
use super::*;
use crate::prec::assert_close;

/// Erlang B by its definition, in f64, for small N where that is exact enough.
fn erlang_b_direct(n: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=n {
        term *= a / k as f64;
        sum += term;
    }
    term / sum
}

#[test]
fn erlang_b_matches_definition_for_small_systems() {
    for n in 0..40 {
        for &a in &[0.001, 0.5, 1.0, 7.3, 20.0, 45.0] {
            assert_close(erlang_b(n, a), erlang_b_direct(n, a), 1e-13);
        }
    }
}

#[test]
fn erlang_b_edge_cases() {
    assert_eq!(erlang_b(0, 3.0), 1.0);
    assert_eq!(erlang_b(5, 0.0), 0.0);
    assert!(erlang_b(100_000, 0.001) >= 0.0);
    let b = erlang_b(100_000, 50_000.0);
    assert!(b.is_finite() && b >= 0.0);
    let b = erlang_b(1, 50_000.0);
    assert_close(b, 50_000.0 / 50_001.0, 1e-15);
}

#[test]
fn erlang_c_overload_is_certain_wait() {
    let q = ErlangC::new(12.0, 300.0).unwrap();
    let m = q.metrics(12, 20.0);
    assert_eq!(m.p_wait, 1.0);
    assert_eq!(m.service_level, 0.0);
    assert!(m.asa_s.is_infinite());
}

#[test]
fn erlang_a_abandonment_two_ways_agree() {
    // P(abandon) = θ·Lq/λ and P(abandon) = P(wait) − P(answered after waiting).
    for &(a, n, aht, pat) in &[
        (10.0, 10, 180.0, 120.0),
        (100.0, 90, 300.0, 60.0),
        (50.0, 70, 240.0, 600.0),
        (2_000.0, 1_950, 200.0, 100.0),
    ] {
        let q = ErlangA::new(a, aht, pat).unwrap();
        let m = q.metrics(n, 20.0, SlDefinition::Offered);
        let served_share_direct = 1.0 - m.abandon_rate;
        let m_ans = q.metrics(n, 1e9, SlDefinition::Offered);
        // Within a huge T everybody answered is answered in time.
        assert_close(m_ans.service_level, served_share_direct, 1e-10);
    }
}

#[test]
fn served_sum_from_the_mass_matches_the_direct_sum() {
    for &(x, y) in &[
        (1e-12, 0.5),
        (1e-6, 3.0),
        (0.01, 20.0),
        (2.0, 1.0),
        (300.0, 280.0),
        (3000.0, 2744.0),
        (5e4, 1e3),
    ] {
        let full = queue_sums(x, y, Need::Full);
        let short = queue_sums(x, y, Need::Served);
        let scale = (full.ln_scale - short.ln_scale).exp();
        assert_close(short.served, full.served * scale, 1e-12);
        assert_close(short.mass, full.mass * scale, 1e-12);
    }
}

#[test]
fn service_level_shortcut_matches_full_metrics() {
    // The search's shortcut takes the served sum from the mass; it must
    // agree with the direct sum from light to heavy load.
    for &(a, aht, patience) in &[
        (0.001, 300.0, 120.0),
        (1e-9, 60.0, 1e-3),
        (0.5, 60.0, 3600.0),
        (12.0, 240.0, 30.0),
        (400.0, 300.0, 180.0),
        (5000.0, 300.0, 180.0),
        (20_000.0, 200.0, 600.0),
    ] {
        let q = ErlangA::new(a, aht, patience).unwrap();
        let n0 = (a as u32).max(1);
        for n in [1, n0 / 2 + 1, n0, n0 + 1, n0 + 5, 2 * n0 + 10] {
            for def in [
                SlDefinition::Offered,
                SlDefinition::Answered,
                SlDefinition::OfferedMinusEarlyAbandons,
            ] {
                for t_s in [0.0, 20.0, 600.0] {
                    let full = q.metrics(n, t_s, def);
                    let light = q.service_level_only(n, t_s, def);
                    assert_close(light.service_level, full.service_level, 1e-12);
                    assert_close(light.p_wait, full.p_wait, 1e-12);
                }
            }
        }
    }
}

#[test]
fn erlang_a_service_level_at_zero_is_no_wait() {
    let q = ErlangA::new(20.0, 180.0, 90.0).unwrap();
    let m = q.metrics(22, 0.0, SlDefinition::Offered);
    assert_close(m.service_level, 1.0 - m.p_wait, 1e-14);
}

#[test]
fn errors_name_the_parameter() {
    assert_eq!(ErlangC::new(-1.0, 10.0), Err(ModelError::Load(-1.0)));
    assert_eq!(ErlangC::new(1.0, 0.0), Err(ModelError::Aht(0.0)));
    assert!(matches!(
        ErlangA::new(1.0, 1.0, f64::NAN),
        Err(ModelError::Patience(_))
    ));
}

#[test]
fn heavy_overload_starts_near_the_peak() {
    // 50,000 Erlangs on 100 agents: almost everyone abandons.
    let q = ErlangA::new(50_000.0, 300.0, 180.0).unwrap();
    let m = q.metrics(100, 20.0, SlDefinition::Offered);
    assert!(m.p_wait > 0.999_999);
    assert_close(m.abandon_rate, 1.0 - 100.0 / 50_000.0, 1e-3);
    assert!(m.service_level.is_finite() && m.asa_s.is_finite());
}

#[test]
fn huge_patience_is_erlang_c_at_a_documented_threshold() {
    let aht = 270.0;
    let edge = PATIENCE_AS_INFINITE_AHT * aht;
    let below = edge * (1.0 - 1e-9);
    for &(a, n) in &[(1.0485, 2u32), (10.0, 12), (100.0, 110), (1000.0, 1040)] {
        let c = ErlangC::new(a, aht).unwrap().metrics(n, 20.0);
        let lim = ErlangA::new(a, aht, edge)
            .unwrap()
            .metrics(n, 20.0, SlDefinition::Offered);
        let exact = ErlangA::new(a, aht, below)
            .unwrap()
            .metrics(n, 20.0, SlDefinition::Offered);
        assert_eq!(lim, c, "at the threshold the answer is Erlang C's");
        assert!(
            (exact.service_level - c.service_level).abs() < 1e-4,
            "{a} {n}"
        );
        assert!((exact.p_wait - c.p_wait).abs() < 1e-4, "{a} {n}");
        assert!(exact.abandon_rate < 1e-4, "{a} {n}");
        assert!((exact.asa_s - c.asa_s).abs() < 1e-4 * c.asa_s, "{a} {n}");
    }
    // Overload: the limit takes the excess as abandonment, nobody is
    // answered within 20 s, and the metrics agree with each other.
    for &p in &[edge, 1e17, 1e20, f64::MAX] {
        let m = ErlangA::new(1.0485, aht, p)
            .unwrap()
            .metrics(1, 20.0, SlDefinition::Offered);
        assert_eq!(m.service_level, 0.0);
        assert_eq!(m.p_wait, 1.0);
        assert!((m.abandon_rate - (1.0 - 1.0 / 1.0485)).abs() < 1e-12);
        assert!(m.asa_s.is_infinite());
    }
    let exact = ErlangA::new(1.0485, aht, below)
        .unwrap()
        .metrics(1, 20.0, SlDefinition::Offered);
    assert!(exact.service_level < 1e-6);
    assert!((exact.abandon_rate - (1.0 - 1.0 / 1.0485)).abs() < 1e-4);
}

#[test]
fn deserialize_goes_through_the_checked_constructor() {
    let ok: ErlangA =
        serde_json::from_str(r#"{"load_erl":10,"aht_s":180,"patience_s":60}"#).unwrap();
    assert_eq!(ok, ErlangA::new(10.0, 180.0, 60.0).unwrap());
    assert!(
        serde_json::from_str::<ErlangA>(r#"{"load_erl":10,"aht_s":0,"patience_s":60}"#).is_err()
    );
    assert!(serde_json::from_str::<ErlangC>(r#"{"load_erl":-1,"aht_s":180}"#).is_err());
}
