//! Supply: the team as it is (headcount, standing roster, leave, changes)
//! and the long-range capacity plan (headcount flow, attrition, hiring
//! classes, the hiring optimizer) that `wfm capacity` runs.

pub mod capacity;
pub mod team;
