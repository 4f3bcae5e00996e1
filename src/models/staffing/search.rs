//! The searches for the fewest agents: Erlang C from its formula's start,
//! Erlang A between the fluid estimate and the Erlang C answer.

use super::*;

/// Erlang C: step up from the first stable staff, Erlang B forward in O(1).
pub(super) fn search_c(c: &ErlangC, k: u32, t: &Targets) -> Result<Metrics, StaffingError> {
    let a = c.load_erl();
    let kf = k as f64;
    let mut agents = ((a.floor() + 1.0) / kf).ceil() as u32;
    if let Some(occ) = t.max_occupancy {
        agents = agents.max((a / (occ * kf) - 1e-12).ceil() as u32);
    }
    agents = agents.max(1);
    let mut n = slots(agents, k);
    let mut b = erlang_b(n, a);
    loop {
        let mut m = c.metrics_with_b(n, t.answer_within_s, b);
        m.agents = agents;
        if t.met_by(&m) {
            return Ok(m);
        }
        if m.p_wait == 0.0 || agents >= MAX_AGENTS {
            return Err(StaffingError::Unreachable { max_agents: agents });
        }
        agents += 1;
        for _ in 0..k {
            n += 1;
            let ab = a * b;
            b = ab / (n as f64 + ab);
        }
    }
}

/// The fluid (efficiency-driven) estimate of the agents Erlang A needs, a
/// starting point for the search (Whitt 2006, "Fluid models for
/// multiserver queues with abandonments", Oper. Res. 54(1)): with
/// `N < A` servers a share `N/A` of contacts is answered, after a wait
/// `w = patience·ln(A/N)` for exponential patience. So a service level `s`
/// within T needs `N ≥ A·max(s, e^{−T/patience})`, an ASA below `w` needs
/// `N ≥ A·e^{−w/patience}` and an abandonment below `α` needs `N ≥ A(1−α)`.
pub(super) fn fluid_agents(load: f64, patience_s: f64, k: u32, t: &Targets) -> Option<u32> {
    let decay = |w: f64| (-w / patience_s).exp();
    let mut n = 0.0_f64;
    if let Some(s) = t.service_level.filter(|&s| s > 0.0) {
        let share = match t.sl_definition {
            SlDefinition::Answered => 0.0,
            _ => s,
        };
        n = n.max(load * share.max(decay(t.answer_within_s)));
    }
    if let Some(w) = t.max_asa_s {
        n = n.max(load * decay(w));
    }
    if let Some(a) = t.max_abandon {
        n = n.max(load * (1.0 - a));
    }
    let agents = (n / k as f64).floor();
    (agents.is_finite() && agents >= 1.0 && agents < MAX_AGENTS as f64).then_some(agents as u32)
}

/// Erlang A: bracket the answer from `guess` (or the square-root staffing
/// point) by secant steps on the worst target margin, then close in by
/// regula falsi with the Illinois modification (Dowell & Jarratt 1971),
/// which keeps a stale end from slowing convergence.
///
/// Probes that only need the service level skip the queue-length and wait
/// sums; the answer's metrics are then computed in full once at the end.
pub(super) fn search_a(
    q: &ErlangA,
    load: f64,
    k: u32,
    t: &Targets,
    guess: Option<u32>,
    low: Option<u32>,
) -> Result<Metrics, StaffingError> {
    let kf = k as f64;
    let light = t.max_asa_s.is_none() && t.max_abandon.is_none() && t.max_occupancy.is_none();
    let probe = |agents: u32| -> (bool, f64, Metrics) {
        let n = slots(agents, k);
        let mut m = if light {
            q.service_level_only(n, t.answer_within_s, t.sl_definition)
        } else {
            q.metrics(n, t.answer_within_s, t.sl_definition)
        };
        m.agents = agents;
        (t.met_by(&m), t.margin(&m), m)
    };
    let n0 = guess
        .unwrap_or(((load + load.sqrt()) / kf).ceil() as u32)
        .clamp(1, MAX_AGENTS);
    let (ok0, g0, m0) = probe(n0);
    // The second point sits half a square root of the load away: far enough
    // for the secant slope to describe the margin at the scale of the answer.
    let spread = ((0.5 * (load / kf).sqrt()).ceil() as u32).max(1);
    let (mut n_prev, mut g_prev) = (n0, g0);
    let (mut n_cur, mut g_cur, mut ok_cur, mut m_cur) = (n0, g0, ok0, m0);
    let mut step = spread as f64;
    // Invariant once bracketed: `lo` fails (or is 0), `hi` meets.
    let (mut lo, mut g_lo, mut hi, mut g_hi, mut best);
    loop {
        if ok_cur && n_cur == 1 {
            (lo, g_lo, hi, g_hi, best) = (0, f64::NEG_INFINITY, 1, g_cur, m_cur);
            break;
        }
        if !ok_cur && (n_cur >= MAX_AGENTS || m_cur.p_wait == 0.0) {
            return Err(StaffingError::Unreachable { max_agents: n_cur });
        }
        if n_prev != n_cur {
            let slope = (g_cur - g_prev) / (n_cur as f64 - n_prev as f64);
            if slope > 0.0 && slope.is_finite() {
                // Overshoot the secant root a little so that the next probe
                // usually lands on the other side.
                step = (g_cur.abs() / slope * 1.1 + 1.0).min(step * 8.0);
            } else {
                step *= 2.0;
            }
        }
        let delta = step.ceil().max(1.0);
        let next = match low {
            // From a start that meets the targets, try the fluid estimate.
            Some(l) if ok_cur && n_prev == n_cur && l < n_cur => l.max(1),
            _ if ok_cur => (n_cur as f64 - delta).max(1.0) as u32,
            _ => (n_cur as f64 + delta).min(MAX_AGENTS as f64) as u32,
        };
        let (ok, g, m) = probe(next);
        if ok != ok_cur {
            (lo, g_lo, hi, g_hi, best) = if ok {
                (n_cur, g_cur, next, g, m)
            } else {
                (next, g, n_cur, g_cur, m_cur)
            };
            break;
        }
        (n_prev, g_prev) = (n_cur, g_cur);
        (n_cur, g_cur, ok_cur, m_cur) = (next, g, ok, m);
    }
    // Which end moved last: +1 for `hi`, −1 for `lo`.
    let mut side = 0;
    while hi - lo > 1 {
        let p = if g_lo.is_finite() && g_hi > g_lo {
            let at = lo as f64 + (-g_lo) / (g_hi - g_lo) * (hi - lo) as f64;
            (at.ceil() as u32).clamp(lo + 1, hi - 1)
        } else {
            lo + (hi - lo) / 2
        };
        let (ok, g, m) = probe(p);
        if ok {
            (hi, g_hi, best) = (p, g, m);
            if side == 1 {
                g_lo *= 0.5;
            }
            side = 1;
        } else {
            (lo, g_lo) = (p, g);
            if side == -1 {
                g_hi *= 0.5;
            }
            side = -1;
        }
    }
    if light {
        best = q.metrics(slots(hi, k), t.answer_within_s, t.sl_definition);
        best.agents = hi;
    }
    Ok(best)
}
