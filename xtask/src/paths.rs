//! Where things live: the workspace, its shared target directory and `.livedesk/`, the
//! git-ignored folder that holds everything `cargo xtask` installs or creates locally.

use std::env;
use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`), whatever the current directory is.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ lives inside the workspace")
        .to_path_buf()
}

/// The one target directory every build shares, so wasm and native work is never done twice.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// `.livedesk/`: the virtualenv, the dev database, Redis data, the demo page, the JWT secret.
pub fn local() -> PathBuf {
    root().join(".livedesk")
}

/// Where `build-web` writes by default and where the server reads the wasm apps from.
pub fn default_web_dir() -> PathBuf {
    target_dir().join("web")
}

/// Looks a program up on `PATH`, then in the places a root shell may not have on it
/// (`/usr/sbin` for nginx, `~/.cargo/bin` right after `cargo install`).
pub fn which(program: &str) -> Option<PathBuf> {
    let cargo_bin = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin"));
    let path = env::var_os("PATH").unwrap_or_default();
    env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .chain(cargo_bin)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
