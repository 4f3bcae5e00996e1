//! Demand: the forecast CSV, scenarios as a planner knows them, the
//! collections workload, scenarios learnt from history and their backtest.

pub mod backtest;
pub mod collections;
pub mod fit;
pub mod forecast;
pub mod scenario;
