//! The systems of one turn, one file per mechanic, in the order the schedule runs them.

pub mod budget;
pub mod capability;
pub mod chips;
pub mod compute;
pub mod construction;
pub mod dispatch;
pub mod economy;
pub mod emissions;
pub mod interconnection;
pub mod orders;
pub mod permitting;
pub mod research;
pub mod victory;

#[cfg(test)]
pub(crate) mod test_support;
