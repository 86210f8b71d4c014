//! Declares the app's own commands to Tauri so that each one must be granted
//! by a capability (see capabilities/main.json): nothing is callable from the
//! web view unless listed there. The names come from the one command list,
//! src/command_list.rs.

/// Reads the command list for its names only.
macro_rules! app_commands {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}
include!("src/command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
