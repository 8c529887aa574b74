//! Build script (Cargo.toml `build`): release builds of the `cognito-emulator` binary for Linux place the
//! functions a start runs next to each other in the executable.
//!
//! The kernel maps a program's code 64 KiB around each page it first executes (fault-around), so startup
//! code scattered over the 13 MiB of machine code left ~9 MiB of it mapped in an idle emulator. Listed in
//! `src/link/startup.order` (the functions one start ran under callgrind, written by
//! `.ci/startup-order`), the linker lays them out first and an idle emulator maps ~2 MiB of code instead.
//! The order only moves functions; a name the build no longer has is skipped (the list then covers less,
//! which `.ci/run` reports). Only a linker that takes `--symbol-ordering-file` and
//! `--no-warn-symbol-ordering` (LLD, rustc's linker for x86-64 Linux since 1.90) gets the list: a probe
//! links an empty program with both first, with the build's own flags and linker, and without success
//! (GNU ld, say) nothing is added.
//! `COGNITO_EMULATOR_LINK_ORDER=0` leaves it out as well.

use std::env;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn main() {
    let order = concat!(env!("CARGO_MANIFEST_DIR"), "/src/link/startup.order");
    println!("cargo:rerun-if-changed={order}");
    println!("cargo:rerun-if-env-changed=COGNITO_EMULATOR_LINK_ORDER");
    let var = |k: &str| env::var(k).unwrap_or_default();
    if var("PROFILE") != "release"
        || var("CARGO_CFG_TARGET_OS") != "linux"
        || var("COGNITO_EMULATOR_LINK_ORDER") == "0"
    {
        return;
    }
    let args = [
        format!("-Wl,--symbol-ordering-file={order}"),
        // A name that is not in this build (another rustc, an edited signature) is not an error.
        "-Wl,--no-warn-symbol-ordering".to_string(),
    ];
    if links_with(&args) {
        for arg in args {
            println!("cargo:rustc-link-arg-bin=cognito-emulator={arg}");
        }
    } else {
        println!(
            "cargo:warning=the linker does not take --symbol-ordering-file: the startup code is not laid out together (idle RSS ~7 MiB higher)"
        );
    }
}

/// Whether an empty program links for this target with the build's flags and linker plus `args`.
fn links_with(args: &[String]) -> bool {
    let Some(out) = env::var_os("OUT_DIR").map(PathBuf::from) else {
        return false;
    };
    let source = out.join("link_order_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut rustc = Command::new(env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()));
    rustc
        .arg("--crate-type=bin")
        .arg("--target")
        .arg(env::var("TARGET").unwrap_or_default())
        .arg("-o")
        .arg(out.join("link_order_probe"))
        .arg(&source);
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    rustc.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    if let Some(linker) = env::var_os("RUSTC_LINKER") {
        let mut flag = std::ffi::OsString::from("linker=");
        flag.push(linker);
        rustc.arg("-C").arg(flag);
    }
    for arg in args {
        rustc.arg("-C").arg(format!("link-arg={arg}"));
    }
    rustc
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
