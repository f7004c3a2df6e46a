//! `cargo xtask build-web`: the widget and the dashboard, from Rust to optimised wasm plus
//! their static files, in `<web>/widget/` and `<web>/dashboard/`.
//!
//! An app is rebuilt only when one of its inputs is newer than its stamp file, whose
//! modification time is set to the moment the previous build *started*: a file saved during
//! a build is therefore still seen as newer next time.

use crate::paths::{self, which};
use crate::process::run;
use crate::wasm_imports;
use anyhow::{Context, Result, bail};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

struct App {
    package: &'static str,
    /// The crate folder, which is also the output folder's name.
    dir: &'static str,
}

const APPS: [App; 2] = [
    App {
        package: "livedesk-widget",
        dir: "widget",
    },
    App {
        package: "livedesk-dashboard",
        dir: "dashboard",
    },
];

/// Folders (besides the app's own) and files whose changes can change the built files: the
/// shared crates, the lock and manifest, and this build itself (with its import renaming).
const SHARED_INPUTS: [&str; 6] = [
    "protocol",
    "signaling",
    "Cargo.lock",
    "Cargo.toml",
    "xtask/src/web.rs",
    "xtask/src/wasm_imports.rs",
];

pub fn build(web: &Path) -> Result<()> {
    for app in &APPS {
        build_app(app, web).with_context(|| format!("building the {} for the web", app.dir))?;
    }
    Ok(())
}

fn build_app(app: &App, web: &Path) -> Result<()> {
    let out = web.join(app.dir);
    let stamp = web.join(format!(".{}.stamp", app.dir));
    let artifact = app.package.replace('-', "_");
    let inputs: Vec<PathBuf> = std::iter::once(app.dir)
        .chain(SHARED_INPUTS)
        .map(|p| paths::root().join(p))
        .collect();
    if out.join(format!("{artifact}_bg.wasm")).is_file() && is_fresh(&stamp, &inputs) {
        return Ok(());
    }
    let started = SystemTime::now();
    println!("build-web: building {} …", app.package);
    run(Command::new("cargo")
        .current_dir(paths::root())
        .args([
            "build",
            "-p",
            app.package,
            "--target",
            "wasm32-unknown-unknown",
        ])
        .args(["--profile", "wasm"]))?;
    let wasm = paths::target_dir().join(format!("wasm32-unknown-unknown/wasm/{artifact}.wasm"));

    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    // Optimise first, bind second: binaryen 108 run after wasm-bindgen repoints the
    // exported externref table and the module fails at start in the browser.
    let optimised_dir = paths::target_dir().join("wasm-opt");
    fs::create_dir_all(&optimised_dir)?;
    // wasm-bindgen names its output after its input, so the file keeps its name.
    let optimised = optimised_dir.join(format!("{artifact}.wasm"));
    optimise(&wasm, &optimised)?;
    let bindgen =
        which("wasm-bindgen").context("wasm-bindgen is missing: run `cargo xtask setup`")?;
    run(Command::new(bindgen)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&optimised))?;
    let glue = out.join(format!("{artifact}.js"));
    wasm_imports::shorten(&out.join(format!("{artifact}_bg.wasm")), &glue)?;
    // The glue's comments and indentation go too; its template literals are one line each.
    fs::write(&glue, strip_js(&fs::read_to_string(&glue)?))?;
    copy_dir(&paths::root().join(app.dir).join("static"), &out)?;
    strip_scripts(&out)?;
    if app.dir == "widget" {
        name_later_scripts(&out)?;
    }
    precompress(&out)?;

    fs::File::create(&stamp)?.set_modified(started)?;
    println!("build-web: {} → {}", app.package, out.display());
    Ok(())
}

/// `wasm-opt` from cargo's output to `output`, with the wasm features rustc enables by
/// default (Debian's binaryen 108 predates them). `-O1`, not `-Oz`: wasm-bindgen must still
/// find its descriptor functions and table entries, which `-Oz` rewrites; after bindgen's
/// own pruning `-O1` also gives the smallest result (measured: widget 48.9 KB gzip with
/// `-O1`, 49.2 KB with `-Oz`).
fn optimise(input: &Path, output: &Path) -> Result<()> {
    let wasm_opt = which("wasm-opt").context("wasm-opt is missing: run `cargo xtask setup`")?;
    let result = Command::new(&wasm_opt)
        .args(["-O1", "--strip-debug", "--strip-producers"])
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(input)
        .arg("-o")
        .arg(output)
        .output()?;
    if !result.status.success() {
        bail!(
            "wasm-opt failed on {}:\n{}",
            input.display(),
            String::from_utf8_lossy(&result.stderr)
        );
    }
    Ok(())
}

/// True when `stamp` exists and no file under `inputs` was modified after it.
fn is_fresh(stamp: &Path, inputs: &[PathBuf]) -> bool {
    let Ok(built) = fs::metadata(stamp).and_then(|m| m.modified()) else {
        return false;
    };
    inputs
        .iter()
        .all(|input| newest(input).is_none_or(|newest| newest <= built))
}

/// The latest modification time of `path` or of anything below it (skipping `target/`).
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = fs::metadata(path).ok()?;
    let own = meta.modified().ok();
    if !meta.is_dir() {
        return own;
    }
    let children = fs::read_dir(path).ok()?.flatten();
    children
        .filter(|entry| entry.file_name() != "target")
        .filter_map(|entry| newest(&entry.path()))
        .chain(own)
        .max()
}

/// The hand-written scripts (`*.js` but wasm-bindgen's glue) without their comment lines
/// and indentation: the loader is weighed in gzip bytes on every host page.
fn strip_scripts(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".js") && !name.starts_with("livedesk_") {
            let text = fs::read_to_string(&path)?;
            fs::write(&path, strip_js(&text))?;
        }
    }
    Ok(())
}

/// Drops blank lines, lines that are only a `//` comment, `/* … */` comments that start a
/// line (but keeps `/*! … */`), and leading white space. Line-based on purpose, and so
/// safe only for scripts whose template literals have no line starting with `//` or `/*`
/// (the widget's scripts, whose only template literals are CSS).
pub fn strip_js(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_comment = false;
    for line in source.lines() {
        let line = line.trim();
        if in_comment {
            in_comment = !line.contains("*/");
            continue;
        }
        if line.starts_with("/*") && !line.starts_with("/*!") {
            in_comment = !line.contains("*/");
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The scripts the widget's loader fetches after it has run (`load('<name>')` in
/// `loader.js`).
const LATER_SCRIPTS: [&str; 2] = ["bridge", "proactive"];

/// Gives the scripts the loader fetches later their content's hash in their name
/// (`bridge.<hash>.js`) and tells the loader those names. nginx caches hashed files for a
/// year, and a host page whose `loader.js` is still the cached one of the previous release
/// keeps getting the parts of that release. The plain names stay too, for loaders of
/// releases before this one.
fn name_later_scripts(dir: &Path) -> Result<()> {
    let loader_path = dir.join("loader.js");
    let mut loader = fs::read_to_string(&loader_path)?;
    for name in LATER_SCRIPTS {
        let text = fs::read(dir.join(format!("{name}.js")))?;
        let hashed = format!("{name}.{:016x}", fnv1a(&text));
        let call = format!("load('{name}')");
        if !loader.contains(&call) {
            bail!("loader.js has no {call}: update LATER_SCRIPTS in xtask/src/web.rs");
        }
        loader = loader.replace(&call, &format!("load('{hashed}')"));
        fs::write(dir.join(format!("{hashed}.js")), text)?;
    }
    fs::write(&loader_path, loader)?;
    Ok(())
}

/// FNV-1a, 64 bits: the same name for the same bytes on every machine and Rust release.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A `gzip -9` and a brotli copy beside each script, stylesheet, page and wasm file
/// (`name.gz`, `name.br`); the server sends the brotli one to browsers that accept it
/// (over HTTPS, all of today's), the gzip one to the others that accept gzip.
fn precompress(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        let compressible = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| ["js", "css", "html", "wasm"].contains(&ext));
        if entry.file_type()?.is_dir() {
            precompress(&path)?;
        } else if compressible {
            run(Command::new("gzip")
                .args(["-9", "-k", "-f", "-n"])
                .arg(&path))?;
            let mut br = path.clone().into_os_string();
            br.push(".br");
            fs::write(br, brotli_11(&fs::read(&path)?)?)?;
        }
    }
    Ok(())
}

/// `data` compressed by brotli at its highest quality and largest window that browsers
/// take (24 bits, 16 MiB), as for files compressed once and sent many times.
pub(crate) fn brotli_11(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 24);
        writer.write_all(data)?;
        writer.flush()?;
    }
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(from) else {
        return Ok(()); // no static files (yet)
    };
    fs::create_dir_all(to)?;
    for entry in entries.flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{fnv1a, strip_js};

    #[test]
    fn file_names_hash_their_content_the_same_way_everywhere() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn scripts_lose_comment_lines_and_indentation_only() {
        let source = "/*! keep */\n  // gone\n  /* gone\n     too */\n  const url = 'http://x/y'; // kept\n\n  a();\n";
        assert_eq!(
            strip_js(source),
            "/*! keep */\nconst url = 'http://x/y'; // kept\na();\n"
        );
    }
}
