use super::*;

fn book() -> Collections {
    toml::from_str(
        r#"
        name = "cash"
        due_days = [20]
        loans_due = 10000
        delinquency = [[1, 0.06], [3, 0.045], [7, 0.03], [30, 0.015]]
        [[tier]]
        name = "small"
        share = 0.7
        treatment = [
          { from_day = 1, to_day = 3, kind = "robot", attempts_per_day = 3 },
          { from_day = 4, to_day = 25, kind = "message", handle_s = 120 },
        ]
        [[tier]]
        name = "large"
        share = 0.3
        treatment = [
          { from_day = 1, to_day = 3, kind = "robot", attempts_per_day = 3 },
          { from_day = 4, to_day = 25, kind = "call", attempts_per_day = 2, reach = 0.4, dial_s = 20, talk_s = 240, wrap_s = 60 },
        ]
        "#,
    )
    .unwrap()
}

/// Loans due from products and a daily series add up, and the
/// workload of a day follows them: day 1 past a date with 30,000 due
/// (a product) and 5,000 more (the series) is 35,000 × 6% overdue.
#[test]
fn products_and_a_daily_series_give_the_loans_due() {
    let mut b = book();
    b.due_days.clear();
    b.loans_due = 0.0;
    b.product = vec![
        Product {
            name: "cash".into(),
            due_days: vec![10],
            loans_due: 30_000.0,
        },
        Product {
            name: "installments".into(),
            due_days: vec![10, 25],
            loans_due: 2_000.0,
        },
    ];
    b.due_series = read_due_series(
        "date,loans_due\n2026-03-10,3000\n2026-03-12,700\n".as_bytes(),
        "due.csv",
    )
    .unwrap();
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert_eq!(b.loans_due_on(d("2026-03-10")), 35_000.0);
    assert_eq!(b.loans_due_on(d("2026-03-25")), 2_000.0);
    assert_eq!(b.loans_due_on(d("2026-03-12")), 700.0);
    assert_eq!(b.loans_due_on(d("2026-03-11")), 0.0);
    // The book's small tier (70%) gets messages from day 4; on 14 March
    // that is day 4 past the 10th (35,000 due), day 2 past the 12th (no
    // work yet) and day 17 past 25 February (2,000 installments).
    let rows = outbound_rows(&[b.clone()], d("2026-03-14"), d("2026-03-14"), 30, "s").unwrap();
    let msgs: f64 = rows
        .iter()
        .filter(|r| r.channel == "cash_message")
        .map(|r| r.volume)
        .sum();
    let want = (35_000.0 * b.overdue_share(4) + 2_000.0 * b.overdue_share(17)) * 0.7;
    assert!((msgs - want).abs() < 1e-6, "{msgs} vs {want}");
}

/// A bad series: located errors (file, line, column); nothing to say
/// when loans fall due is an error too.
#[test]
fn a_bad_due_series_is_a_located_error() {
    for (text, want) in [
        ("date,loans_due\n2026-03-10,-5\n", "due.csv:2"),
        ("date,loans_due\n2026-13-10,5\n", "due.csv:2"),
        (
            "date,loans_due\n2026-03-10,5\n2026-03-10,6\n",
            "listed twice",
        ),
        ("day,loans\n2026-03-10,5\n", "date"),
    ] {
        let e = read_due_series(text.as_bytes(), "due.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains(want) && e.contains("due.csv"), "{text}: {e}");
    }
    let mut b = book();
    b.due_days.clear();
    let e = b.check("s.toml", 0).unwrap_err().to_string();
    assert!(e.contains("[[collections]] #1 due_days"), "{e}");
}

#[test]
fn the_curve_interpolates_and_holds() {
    let b = book();
    assert!((b.overdue_share(1) - 0.06).abs() < 1e-12);
    assert!((b.overdue_share(2) - 0.0525).abs() < 1e-12);
    assert!((b.overdue_share(5) - 0.0375).abs() < 1e-12);
    assert!((b.overdue_share(40) - 0.015).abs() < 1e-12);
    assert!((b.overdue_share(0) - 1.0).abs() < 1e-12);
}

/// Day 5 past the 20 March due date: 10,000 × 3.75% overdue; the large
/// tier's 30% get up to 2 calls each, the second only if the first
/// did not reach them (reach 0.4: 1 + 0.6 = 1.6 calls an account), the
/// small tier's 70% a message each; all inside 08:00–22:00.
#[test]
fn the_workload_of_a_day_matches_the_formula() {
    let d: Date = "2026-03-25".parse().unwrap();
    let rows = outbound_rows(&[book()], d, d, 30, "s").unwrap();
    let sum = |ch: &str| {
        rows.iter()
            .filter(|r| r.channel == ch)
            .map(|r| r.volume)
            .sum::<f64>()
    };
    let overdue = 10000.0 * 0.0375;
    assert!((sum("cash_call") - overdue * 0.3 * 1.6).abs() < 1e-9);
    assert!((sum("cash_message") - overdue * 0.7).abs() < 1e-9);
    let call = rows.iter().find(|r| r.channel == "cash_call").unwrap();
    assert!((call.aht_s - (20.0 + 0.4 * 240.0 + 60.0)).abs() < 1e-9);
    assert!(rows
        .iter()
        .all(|r| r.time >= Time::new(8, 0, 0, 0).unwrap()
            && r.time < Time::new(22, 0, 0, 0).unwrap()));
    assert_eq!(rows.iter().filter(|r| r.channel == "cash_call").count(), 28);
    // Robot days only: no agent work on day 2.
    let d2: Date = "2026-03-22".parse().unwrap();
    assert!(outbound_rows(&[book()], d2, d2, 30, "s")
        .unwrap()
        .is_empty());
}

#[test]
fn bad_books_are_located_errors() {
    let mut b = book();
    b.delinquency = vec![(1, 0.06), (3, 0.07)];
    let e = b.check("s.toml", 0).unwrap_err().to_string();
    assert!(
        e.contains("[[collections]] #1 delinquency") && e.contains("rises"),
        "{e}"
    );
    let mut b = book();
    b.tier[0].share = 0.5;
    assert!(b
        .check("s.toml", 0)
        .unwrap_err()
        .to_string()
        .contains("sum to 1"));
    let mut b = book();
    b.window_end = "07:00".into();
    assert!(b
        .check("s.toml", 0)
        .unwrap_err()
        .to_string()
        .contains("closes"));
    let mut b = book();
    b.tier[1].treatment[1].reach = 1.5;
    assert!(b
        .check("s.toml", 0)
        .unwrap_err()
        .to_string()
        .contains("reach"));
}
