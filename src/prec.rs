//! The one tolerance policy of the crate's tests: never `==` on computed floats.

/// Whether `actual` is within `rel_tol` of `expected`:
/// `|actual − expected| ≤ rel_tol · max(|expected|, 1)`, that is relative
/// for values above 1 and absolute for values below 1 (probabilities near 0
/// are compared absolutely). Infinite values must match exactly; NaN never
/// matches.
pub fn close(actual: f64, expected: f64, rel_tol: f64) -> bool {
    if expected.is_infinite() || actual.is_infinite() {
        return actual == expected;
    }
    if actual.is_nan() || expected.is_nan() {
        return false;
    }
    let diff = (actual - expected).abs();
    diff <= rel_tol * expected.abs().max(1.0)
}

/// Panics with both values when [`close`] is false.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, rel_tol: f64) {
    assert!(
        close(actual, expected, rel_tol),
        "{actual:e} is not within {rel_tol:e} of {expected:e} (diff {:e})",
        (actual - expected).abs()
    );
}
