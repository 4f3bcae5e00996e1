"""Independent 40-digit reference values for tests/erlang_reference.rs.

Run: pip install mpmath && python3 tests/reference/erlang_reference.py
Writes tests/data/erlang_bc.csv and tests/data/erlang_a.csv.

Nothing here shares code or method with src/erlang.rs:
- Erlang B and C come from their definitions through the regularized upper
  incomplete gamma function: sum_{k<=n} A^k/k! = e^A Q(n+1, A).
- Erlang A comes from the M/M/n+G formulas of Mandelbaum & Zeltyn (2009),
  with the offered-wait density f_V(s) = lam*exp(lam*H(s) - n*mu*s)/(E + lam*J)
  integrated numerically (mpmath.quad), H(s) = (1 - exp(-theta*s))/theta.
"""
import csv
import os
from mpmath import mp, mpf, exp, log, loggamma, gammainc, quad, inf

mp.dps = 40
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def log_sum_below(n, A):
    """log of sum_{k=0..n} A^k/k!"""
    return A + log(gammainc(n + 1, A, regularized=True))


def erlang_b(n, A):
    A = mpf(A)
    if n == 0:
        return mpf(1)
    return exp(n * log(A) - loggamma(n + 1) - log_sum_below(n, A))


def erlang_c(n, A):
    A = mpf(A)
    if A >= n:
        return mpf(1)
    top = n * log(A) - loggamma(n + 1) + log(n / (n - A))
    below = log_sum_below(n - 1, A)
    return 1 / (1 + exp(below - top))


def erlang_a(A, n, aht, pat, T):
    A, aht, pat, T = mpf(A), mpf(aht), mpf(pat), mpf(T)
    mu, theta = 1 / aht, 1 / pat
    lam = A * mu
    # E relative to pi_{n-1}: sum_{j<n} A^j/j! / (A^(n-1)/(n-1)!)
    logE = log_sum_below(n - 1, A) - ((n - 1) * log(A) - loggamma(n))

    def g(s):
        return exp(lam * (1 - exp(-theta * s)) / theta - n * mu * s)

    # Split the range at a few multiples of the natural time scales.
    scale = 1 / (n * mu + theta)
    pts = [0, scale, 10 * scale, 100 * scale, 1000 * scale, inf]
    J = quad(g, pts)
    den = exp(logE) + lam * J
    p_wait = lam * J / den
    ab = lam * quad(lambda s: g(s) * (1 - exp(-theta * s)), pts) / den
    served_wait = lam * quad(lambda s: g(s) * exp(-theta * s), pts) / den
    p_served = 1 - p_wait + served_wait
    tpts = [0, T / 4, T / 2, T] if T > 0 else [0, 0]
    within = 1 - p_wait + (lam * quad(lambda s: g(s) * exp(-theta * s), tpts) / den if T > 0 else 0)
    asa = lam * quad(lambda s: s * g(s) * exp(-theta * s), pts) / den / p_served
    mean_wait = lam * quad(lambda s: g(s) * (1 - exp(-theta * s)) / theta, pts) / den
    early = lam * (quad(lambda s: g(s) * (1 - exp(-theta * s)), tpts) if T > 0 else 0)
    early += lam * quad(lambda s: g(s) * (1 - exp(-theta * T)), [T, T + 10 * scale, T + 1000 * scale, inf])
    early /= den
    return dict(
        p_wait=p_wait,
        abandon_rate=ab,
        sl_offered=within,
        sl_answered=within / p_served,
        sl_offered_minus_early=within / (1 - early),
        asa_s=asa,
        queue_len=lam * mean_wait,
    )


def main():
    os.makedirs(DATA, exist_ok=True)
    with open(os.path.join(DATA, "erlang_bc.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["agents", "load_erl", "erlang_b", "erlang_c"])
        loads = ["0.001", "0.5", "1", "7.3", "20", "99.5", "100", "250.25", "1000",
                 "4321.5", "5000", "20000", "50000"]
        for a in loads:
            A = mpf(a)
            base = int(A)
            ns = {1, 2, 5, 10, 50, base, base + 1, base + 3,
                  int(base + 2 * float(A) ** 0.5) + 1, int(base + 5 * float(A) ** 0.5) + 2,
                  max(1, base - 7), 2 * base + 10, 100_000}
            for n in sorted(x for x in ns if 1 <= x <= 100_000):
                w.writerow([n, a, mp.nstr(erlang_b(n, A), 25), mp.nstr(erlang_c(n, A), 25)])
    with open(os.path.join(DATA, "erlang_a.csv"), "w", newline="") as f:
        w = csv.writer(f)
        cols = ["p_wait", "abandon_rate", "sl_offered", "sl_answered",
                "sl_offered_minus_early", "asa_s", "queue_len"]
        w.writerow(["load_erl", "agents", "aht_s", "patience_s", "answer_within_s"] + cols)
        cases = [
            ("0.2", 1, 180, 60, 20), ("5", 5, 180, 120, 20), ("5", 8, 300, 600, 30),
            ("10", 8, 180, 90, 20), ("10", 12, 180, 90, 20), ("10", 1, 180, 90, 20),
            ("37.5", 40, 240, 30, 15), ("100", 90, 300, 180, 20), ("100", 110, 300, 180, 20),
            ("100", 105, 300, 3000, 60), ("500", 520, 200, 100, 20), ("1000", 1020, 300, 180, 20),
            ("1000", 950, 300, 180, 20), ("2500", 2560, 420, 240, 30), ("5000", 5100, 300, 180, 20),
            ("50", 70, 300, 5, 10), ("50", 40, 300, 5, 10), ("3", 2, 60, 600, 0),
        ]
        for a, n, aht, pat, T in cases:
            r = erlang_a(a, n, aht, pat, T)
            w.writerow([a, n, aht, pat, T] + [mp.nstr(r[c], 25) for c in cols])


if __name__ == "__main__":
    main()
