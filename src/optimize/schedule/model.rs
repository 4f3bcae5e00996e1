//! The set-covering model of one channel: candidates, shortfalls and
//! days-off patterns; its solution, rounded and bounded.

#[allow(unused_imports)]
use super::*;

pub(super) fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The greatest common divisor of the costs, on a grid of 1e-6.
pub(super) fn cost_grid(costs: &[f64]) -> f64 {
    let g = costs
        .iter()
        .map(|c| (c * 1e6).round() as u64)
        .filter(|&c| c > 0)
        .fold(0, gcd);
    if g == 0 {
        1e-6
    } else {
        g as f64 / 1e6
    }
}
/// One channel's covering model: variables x_j (candidates), then s_t
/// (shortfalls, priced at `w`), then y_p (days-off patterns).
struct ChannelModel<'a> {
    required: &'a [u32],
    cands: &'a [Candidate],
    /// The intervals with demand.
    demand: Vec<usize>,
    costs: Vec<f64>,
    /// The cost grid: every roster costs a multiple of it.
    g: f64,
    /// The price of an agent-interval short.
    w: f64,
    /// The candidates working in each interval with demand.
    covers: Vec<Vec<usize>>,
    patterns: Vec<u8>,
    day_wd: Vec<usize>,
    model: LinearModel,
    nx: usize,
    ns: usize,
}

impl<'a> ChannelModel<'a> {
    /// The model: coverage rows with shortfalls, each shift type's daily
    /// minimum and maximum, and the weekly days-off rule's patterns (with
    /// its headcount cap).
    fn new(
        required: &'a [u32],
        cands: &'a [Candidate],
        rules: &ShiftRules,
        grid: &IntervalGrid,
        people: Option<&People>,
    ) -> Self {
        let n_req = required.len();
        let demand: Vec<usize> = (0..n_req).filter(|&t| required[t] > 0).collect();
        // The model prices shifts by weight (units of the cheapest hour).
        let costs: Vec<f64> = cands.iter().map(|c| c.weight).collect();
        let g = cost_grid(&costs);
        let max_cost = costs.iter().copied().fold(0.0, f64::max).max(g);
        let w = g * (10.0 * max_cost / g).ceil();
        let mut covers: Vec<Vec<usize>> = vec![Vec::new(); n_req];
        for (j, c) in cands.iter().enumerate() {
            for t in c.start..c.end.min(n_req) {
                if required[t] > 0 && c.works(t) {
                    covers[t].push(j);
                }
            }
        }
        let patterns = rules.work_patterns();
        let day_wd: Vec<usize> = (0..grid.days() as usize)
            .map(|d| weekday_index(grid.day(d).unwrap_or(grid.first())))
            .collect();
        let (nx, ns) = (cands.len(), demand.len());
        let mut model = LinearModel {
            cost: costs.clone(),
            integer: vec![true; nx],
            rows: Vec::new(),
        };
        model.cost.extend(std::iter::repeat_n(w, ns));
        model.integer.extend(std::iter::repeat_n(false, ns));
        model.cost.extend(std::iter::repeat_n(0.0, patterns.len()));
        model
            .integer
            .extend(std::iter::repeat_n(true, patterns.len()));
        let mut m = ChannelModel {
            required,
            cands,
            demand,
            costs,
            g,
            w,
            covers,
            patterns,
            day_wd,
            model,
            nx,
            ns,
        };
        m.coverage_rows();
        m.shift_type_rows(rules);
        m.pattern_rows(rules, people.and_then(|p| p.headcount));
        if let Some(p) = people {
            m.people_rows(p);
        }
        m
    }

    /// The candidates starting on day `d`, each with coefficient 1.
    fn day_terms(&self, d: usize) -> Vec<(usize, f64)> {
        self.cands
            .iter()
            .enumerate()
            .filter(|(_, c)| c.day == d)
            .map(|(j, _)| (j, 1.0))
            .collect()
    }

    /// The people: the shifts starting on each day at most the agents
    /// available that day.
    fn people_rows(&mut self, people: &People) {
        for d in 0..self.day_wd.len() {
            let Some(cap) = people.on_day(d) else {
                continue;
            };
            let terms: Vec<(usize, f64)> = self.day_terms(d);
            if !terms.is_empty() {
                self.model.rows.push(Row {
                    terms,
                    at_most: true,
                    rhs: f64::from(cap),
                });
            }
        }
    }

    /// Roster `xr` brought within the people: on a day with more shifts
    /// than agents, and while the weekly rule needs more agents than the
    /// headcount, one agent at a time leaves the shift whose loss uncovers
    /// the fewest agent-intervals (the dearer on ties).
    fn within_people(&self, xr: &mut [u32], people: &People, grid: &IntervalGrid) {
        let day_total = |xr: &[u32], d: usize| -> u32 {
            self.cands
                .iter()
                .zip(xr)
                .filter(|(c, _)| c.day == d)
                .map(|(_, &x)| x)
                .sum()
        };
        let drop_one = |xr: &mut [u32], d: usize| -> bool {
            let loss = |j: usize| -> u32 {
                let c = &self.cands[j];
                (c.start..c.end.min(self.required.len()))
                    .filter(|&t| {
                        self.required[t] > 0
                            && c.works(t)
                            && self.cover_of(xr, t) <= self.required[t]
                    })
                    .count() as u32
            };
            let pick = (0..self.cands.len())
                .filter(|&j| xr[j] > 0 && self.cands[j].day == d)
                .min_by(|&a, &b| {
                    loss(a)
                        .cmp(&loss(b))
                        .then(self.costs[b].total_cmp(&self.costs[a]))
                        .then(a.cmp(&b))
                });
            match pick {
                Some(j) => {
                    xr[j] -= 1;
                    true
                }
                None => false,
            }
        };
        for d in 0..self.day_wd.len() {
            if let Some(cap) = people.on_day(d) {
                while day_total(xr, d) > cap && drop_one(xr, d) {}
            }
        }
        let (Some(cap), false) = (people.headcount, self.patterns.is_empty()) else {
            return;
        };
        while let Ok(Some(h)) = self.headcount(xr, grid) {
            if h <= cap {
                break;
            }
            let busiest =
                (0..self.day_wd.len()).max_by_key(|&d| (day_total(xr, d), std::cmp::Reverse(d)));
            if !busiest.is_some_and(|d| drop_one(xr, d)) {
                break;
            }
        }
    }

    /// Every interval with demand: its candidates plus its shortfall cover
    /// the requirement.
    fn coverage_rows(&mut self) {
        for (k, &t) in self.demand.iter().enumerate() {
            let mut terms: Vec<(usize, f64)> = self.covers[t].iter().map(|&j| (j, 1.0)).collect();
            terms.push((self.nx + k, 1.0));
            self.model.rows.push(Row {
                terms,
                at_most: false,
                rhs: self.required[t] as f64,
            });
        }
    }

    /// Each shift type's `min_agents` and `max_agents` per day.
    fn shift_type_rows(&mut self, rules: &ShiftRules) {
        let mut by: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (j, c) in self.cands.iter().enumerate() {
            by.entry((c.shift, c.day)).or_default().push(j);
        }
        for ((si, _day), js) in by {
            let st = &rules.shift[si];
            let terms: Vec<(usize, f64)> = js.iter().map(|&j| (j, 1.0)).collect();
            if let Some(hi) = st.max_agents {
                self.model.rows.push(Row {
                    terms: terms.clone(),
                    at_most: true,
                    rhs: hi as f64,
                });
            }
            if let Some(lo) = st.min_agents {
                self.model.rows.push(Row {
                    terms,
                    at_most: false,
                    rhs: lo as f64,
                });
            }
        }
    }

    /// The weekly rule: shifts on a day ≤ agents whose pattern works that
    /// weekday; the patterns' agents ≤ the headcount cap.
    fn pattern_rows(&mut self, rules: &ShiftRules, people_headcount: Option<u32>) {
        if self.patterns.is_empty() {
            return;
        }
        let y0 = self.nx + self.ns;
        for (d, &wd) in self.day_wd.iter().enumerate() {
            let mut terms: Vec<(usize, f64)> = self.day_terms(d);
            terms.extend(
                self.patterns
                    .iter()
                    .enumerate()
                    .filter(|(_, &p)| p & (1 << wd) != 0)
                    .map(|(k, _)| (y0 + k, -1.0)),
            );
            self.model.rows.push(Row {
                terms,
                at_most: true,
                rhs: 0.0,
            });
        }
        let rule_cap = rules.weekly.as_ref().and_then(|w| w.max_headcount);
        let cap = match (rule_cap, people_headcount) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(cap) = cap {
            self.model.rows.push(Row {
                terms: (0..self.patterns.len()).map(|k| (y0 + k, 1.0)).collect(),
                at_most: true,
                rhs: cap as f64,
            });
        }
    }

    /// Agents of roster `xr` working in interval `t`.
    fn cover_of(&self, xr: &[u32], t: usize) -> u32 {
        self.covers[t].iter().map(|&j| xr[j]).sum()
    }

    /// Cost of roster `xr` plus its shortfall's price.
    fn objective_of(&self, xr: &[u32]) -> f64 {
        xr.iter()
            .zip(&self.costs)
            .map(|(x, c)| *x as f64 * c)
            .sum::<f64>()
            + self
                .demand
                .iter()
                .map(|&t| self.required[t].saturating_sub(self.cover_of(xr, t)) as f64 * self.w)
                .sum::<f64>()
    }

    /// The LP relaxation's objective rounded up to the cost grid: a lower
    /// bound on every roster.
    fn lp_bound(&self, xs_lp: &[f64]) -> f64 {
        let lp_obj: f64 = xs_lp
            .iter()
            .zip(&self.costs)
            .map(|(x, c)| x * c)
            .sum::<f64>()
            + self
                .demand
                .iter()
                .map(|&t| {
                    let cov: f64 = self.covers[t].iter().map(|&j| xs_lp[j]).sum();
                    (self.required[t] as f64 - cov).max(0.0) * self.w
                })
                .sum::<f64>();
        self.g * (lp_obj / self.g - 1e-7).ceil()
    }

    /// The LP solution rounded up, then pruned most expensive first while
    /// every interval stays covered and every type keeps its minimum: a
    /// feasible roster.
    fn round_and_prune(&self, xs_lp: &[f64], rules: &ShiftRules) -> Vec<u32> {
        let (required, cands, n_req) = (self.required, self.cands, self.required.len());
        let mut xr: Vec<u32> = xs_lp
            .iter()
            .map(|x| (x - 1e-7).ceil().max(0.0) as u32)
            .collect();
        let mut order: Vec<usize> = (0..cands.len()).filter(|&j| xr[j] > 0).collect();
        order.sort_by(|&a, &b| self.costs[b].total_cmp(&self.costs[a]).then(a.cmp(&b)));
        for &j in &order {
            while xr[j] > 0 {
                let c = &cands[j];
                let ok = (c.start..c.end.min(n_req)).all(|t| {
                    required[t] == 0 || !c.works(t) || self.cover_of(&xr, t) > required[t]
                });
                let type_ok = rules.shift[c.shift].min_agents.is_none_or(|lo| {
                    let n: u32 = cands
                        .iter()
                        .enumerate()
                        .filter(|(_, k)| k.shift == c.shift && k.day == c.day)
                        .map(|(i, _)| xr[i])
                        .sum();
                    n > lo
                });
                if ok && type_ok {
                    xr[j] -= 1;
                } else {
                    break;
                }
            }
        }
        xr
    }

    /// The fewest agents on days-off patterns working roster `best`
    /// (`None` with no weekly rule).
    fn headcount(&self, best: &[u32], grid: &IntervalGrid) -> Result<Option<u32>, String> {
        if self.patterns.is_empty() {
            return Ok(None);
        }
        let daily: Vec<u32> = (0..grid.days() as usize)
            .map(|d| {
                self.cands
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.day == d)
                    .map(|(j, _)| best[j])
                    .sum()
            })
            .collect();
        min_headcount(&self.patterns, &self.day_wd, &daily)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// Solves one channel: the LP relaxation (a bound and a start), rounded and
/// pruned into a feasible roster, then branch and bound from it until the
/// roster is within one cost-grid step of the bound, the gap asked for, or a
/// limit.
pub(super) fn solve_channel<B: Backend>(
    name: &str,
    required: &[u32],
    cands: Vec<Candidate>,
    rules: &ShiftRules,
    grid: &IntervalGrid,
    opts: &ScheduleOptions,
    people: Option<&People>,
) -> Result<ChannelRoster, ScheduleError> {
    let n_req = required.len();
    if required.iter().all(|&r| r == 0) {
        return Ok(ChannelRoster {
            channel: name.to_string(),
            shifts: Vec::new(),
            required: required.to_vec(),
            scheduled: vec![0; n_req],
            status: Status::Empty,
            cost: 0.0,
            objective: 0.0,
            bound: 0.0,
            gap: 0.0,
            cost_grid: 0.0,
            headcount: rules.weekly.as_ref().map(|_| 0),
            solver: opts.solver,
        });
    }
    let cm = ChannelModel::new(required, &cands, rules, grid, people);
    let (nx, ns, g) = (cm.nx, cm.ns, cm.g);
    let fail = |message: String| ScheduleError::Solver {
        channel: name.to_string(),
        message,
    };
    // 1. The LP relaxation: a lower bound and a starting point.
    let relaxed = B::relaxation(&cm.model).map_err(fail)?;
    let xs_lp = &relaxed[..nx];
    let ys_lp = &relaxed[nx + ns..];
    let mut lower = cm.lp_bound(xs_lp);
    // 2. Round up and prune: a feasible roster.
    let mut best = cm.round_and_prune(xs_lp, rules);
    if let Some(p) = people {
        cm.within_people(&mut best, p, grid);
    }
    let yr: Vec<u32> = ys_lp
        .iter()
        .map(|y| (y - 1e-7).ceil().max(0.0) as u32)
        .collect();
    let mut best_obj = cm.objective_of(&best);
    // 3. Branch and bound from there, asked to stop within one grid step
    //    (or the requested gap).
    let mut status = Status::TimeLimit;
    let grid_gap = 0.999 * g / best_obj.max(g);
    if best_obj - lower < g * 0.999 {
        status = Status::Optimal;
    } else if (best_obj - lower) / best_obj <= opts.mip_gap {
        status = Status::GapLimit;
    } else if opts.time_limit_s > 0.0 && opts.node_limit != Some(0) {
        let mut start: Vec<f64> = best.iter().map(|&x| x as f64).collect();
        start.extend(
            cm.demand
                .iter()
                .map(|&t| required[t].saturating_sub(cm.cover_of(&best, t)) as f64),
        );
        start.extend(yr.iter().map(|&y| y as f64));
        let limits = Limits {
            time_limit_s: opts.time_limit_s,
            node_limit: opts.node_limit,
            gap: grid_gap.max(opts.mip_gap),
        };
        let out = B::branch_and_bound(&cm.model, &start, &limits).map_err(fail)?;
        if let Some(values) = out.values {
            let xs: Vec<u32> = values[..nx]
                .iter()
                .map(|v| v.round().max(0.0) as u32)
                .collect();
            let obj = cm.objective_of(&xs);
            if obj <= best_obj + 1e-9 {
                best = xs;
                best_obj = obj;
            }
        }
        // Every roster costs a multiple of g, so a bound rounds up to the grid.
        if let Some(b) = out.bound.filter(|b| b.is_finite()) {
            lower = lower.max(g * (b / g - 1e-7).ceil());
        }
        if best_obj - lower < g * 0.999 || (out.closed && limits.gap <= grid_gap) {
            status = Status::Optimal;
        } else if out.closed {
            status = Status::GapLimit;
        } else if out.node_limit_hit {
            status = Status::NodeLimit;
        }
    }
    let bound = match status {
        Status::Optimal => best_obj,
        // The solver stopped within the gap of its own bound.
        Status::GapLimit => lower.max(best_obj * (1.0 - opts.mip_gap)).min(best_obj),
        _ => lower.min(best_obj),
    };
    let scheduled: Vec<u32> = (0..n_req)
        .map(|t| {
            cands
                .iter()
                .enumerate()
                .filter(|(j, c)| best[*j] > 0 && c.works(t))
                .map(|(j, _)| best[j])
                .sum()
        })
        .collect();
    // Back from weights to the rules' money.
    let unit = rules.cost_unit();
    let cost: f64 = best
        .iter()
        .zip(cands.iter())
        .map(|(x, c)| *x as f64 * c.cost)
        .sum();
    let headcount = cm.headcount(&best, grid).map_err(fail)?;
    drop(cm);
    let shifts = cands
        .into_iter()
        .zip(best.iter())
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| (c, n))
        .collect();
    Ok(ChannelRoster {
        channel: name.to_string(),
        shifts,
        required: required.to_vec(),
        scheduled,
        status,
        cost,
        objective: best_obj * unit,
        bound: bound * unit,
        gap: if best_obj > 0.0 {
            (best_obj - bound) / best_obj
        } else {
            0.0
        },
        cost_grid: g * unit,
        headcount,
        solver: opts.solver,
    })
}

/// The fewest agents on days-off patterns that give `daily[d]` agents on each day.
pub(super) fn min_headcount(
    patterns: &[u8],
    day_wd: &[usize],
    daily: &[u32],
) -> Result<u32, good_lp::ResolutionError> {
    let mut vars = ProblemVariables::new();
    let y: Vec<Variable> = patterns
        .iter()
        .map(|_| vars.add(variable().integer().min(0)))
        .collect();
    let total: Expression = y.iter().copied().sum();
    let mut model = vars.minimise(total).using(good_lp::microlp);
    // Several dates may share a weekday (horizons over a week): the largest need counts.
    let mut need = [0u32; 7];
    for (d, &wd) in day_wd.iter().enumerate() {
        need[wd] = need[wd].max(daily[d]);
    }
    for (wd, &n) in need.iter().enumerate() {
        let avail: Expression = patterns
            .iter()
            .enumerate()
            .filter(|(_, &p)| p & (1 << wd) != 0)
            .map(|(k, _)| y[k])
            .sum();
        model.add_constraint(constraint!(avail >= n as f64));
    }
    let sol = model.solve()?;
    Ok(y.iter().map(|v| sol.value(*v).round() as u32).sum())
}
