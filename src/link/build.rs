//! Build script (Cargo.toml `build`): release builds of the `cognito-emulator` binary for x86-64 Linux
//! place the functions a start runs next to each other in the executable.
//!
//! The kernel maps a program's code 64 KiB around each page it first executes (fault-around), so startup
//! code scattered over the 13 MiB of machine code left ~9 MiB of it mapped in an idle emulator. Listed in
//! `src/link/startup.order` (the functions one start ran under callgrind, written by
//! `.ci/startup-order`), LLD lays them out first and an idle emulator maps ~3 MiB of code instead. The
//! order only moves functions; a name the build no longer has is skipped (the list then covers less, which
//! `.ci/run` reports). LLD is rustc's linker for this target since 1.90; with another linker (a `linker`
//! setting, `-C linker-features`, older rustc) or `COGNITO_EMULATOR_LINK_ORDER=0` nothing is added.

use std::env;
use std::process::Command;

fn main() {
    let order = concat!(env!("CARGO_MANIFEST_DIR"), "/src/link/startup.order");
    println!("cargo:rerun-if-changed={order}");
    println!("cargo:rerun-if-changed=src/link/build.rs");
    println!("cargo:rerun-if-env-changed=COGNITO_EMULATOR_LINK_ORDER");
    if !bundled_lld_release() {
        return;
    }
    println!("cargo:rustc-link-arg-bin=cognito-emulator=-Wl,--symbol-ordering-file={order}");
    // A name that is not in this build (another rustc, an edited signature) is not an error.
    println!("cargo:rustc-link-arg-bin=cognito-emulator=-Wl,--no-warn-symbol-ordering");
}

/// A release build for x86-64 Linux GNU that links with rustc's own LLD.
fn bundled_lld_release() -> bool {
    let var = |k: &str| env::var(k).unwrap_or_default();
    if var("PROFILE") != "release"
        || var("TARGET") != "x86_64-unknown-linux-gnu"
        || var("COGNITO_EMULATOR_LINK_ORDER") == "0"
        || env::var_os("RUSTC_LINKER").is_some()
    {
        return false;
    }
    // `-C linker=…`, `-C linker-features=-lld`, `-C link-arg=-fuse-ld=…`, `-C link-self-contained=…`.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    if flags
        .split('\x1f')
        .any(|f| f.contains("linker") || f.contains("fuse-ld") || f.contains("link-self-contained"))
    {
        return false;
    }
    rustc_minor().is_some_and(|minor| minor >= 90)
}

/// `N` of the compiler's `1.N.x` version.
fn rustc_minor() -> Option<u32> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("-V").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    (parts.next()? == "1").then_some(())?;
    parts.next()?.parse().ok()
}
