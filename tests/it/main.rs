//! The Rust integration tests, as one test binary: each module below used to be a file of its own under
//! tests/, and so a binary of its own that linked the crate again. `cargo test --test it <filter>` runs
//! a part of them (`cargo test --test it accounts::` for one module).
//!
//! Most modules start an emulator in-process (`common::start`); durability and container_env run the
//! binary cargo built for this package (`common::emulator_command`).

mod common;

mod accounts;
mod auth;
mod challenges;
mod console;
mod console_actions;
mod container_env;
mod durability;
mod email_mfa_setup;
mod federation_links;
mod federation_oidc;
mod federation_ops;
mod federation_saml;
mod fuzz;
mod hardening;
mod hosted_pages;
mod hosted_passkeys;
mod logs;
mod oauth_flow;
mod oauth_ops;
mod operations;
mod passkeys;
mod pools;
mod sdk;
mod seed_control;
mod sign_up;
mod speed;
mod triggers;
mod validations;
mod wire;
