//! talksbot answers questions about the Russia-Ukraine ceasefire talks from a
//! curated fact base, and always shows where each answer comes from.
//!
//! The core is free of Discord: [`knowledge`] loads and checks the fact base,
//! [`matching`] finds the fact a question asks for, and [`answers`] turns
//! that into a cited reply. The command line lives in [`cli`]; what
//! operators see (log lines, health and metrics) in [`logging`] and [`ops`].

pub mod answers;
pub mod cli;
pub mod clip;
pub mod config;
pub mod discord;
pub mod eval;
pub mod knowledge;
pub mod logging;
pub mod matching;
pub mod moderation;
pub mod ops;
pub mod records;
pub mod timeline;
pub mod typos;
