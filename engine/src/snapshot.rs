//! Snapshots (placeholder).
#[derive(Clone, Debug)]
pub struct Snapshot;
