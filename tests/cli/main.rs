//! Integration tests: the real `backlog` binary on temporary copies of
//! `.backlog-example` inside real git repositories. Command output is kept as
//! insta snapshots so that its look is reviewed like code.

mod bad_input;
mod board;
mod cache;
mod check;
mod ci_formats;
mod common;
mod cycle;
mod edit;
mod history;
mod import;
mod init;
mod layers;
mod list;
mod merge;
mod quality;
mod regression;
mod render;
mod review;
mod robustness;
mod show;
mod tools;
