//! Short names for the imports wasm-bindgen gives a wasm app, in the wasm and in its glue.
//!
//! wasm-bindgen imports every browser function the app calls from the glue's module
//! (`./<app>_bg.js`) under the function's name plus a 16-digit hash
//! (`__wbg_append_493e9926331694ec`), and writes each name twice: in the wasm's import
//! section and as a key of the glue's import object. gzip cannot shrink the hashes; renamed
//! `i0`, `i1`, … the widget's wasm and glue are ≈ 6 KB gzip smaller (measured with 187
//! imports). The custom sections (names, producers, target features), which browsers do
//! not read, are dropped on the way.

use anyhow::{Context, Result, bail};
use std::fs;
use std::ops::Range;
use std::path::Path;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{ImportSection, Module, RawSection};
use wasmparser::{Imports, Parser, Payload};

/// The glue's import module, renamed.
const MODULE: &str = "a";

/// Renames the imports from the glue in `wasm_path` and the keys of `glue_path`'s import
/// object alike, and drops the wasm's custom sections.
pub fn shorten(wasm_path: &Path, glue_path: &Path) -> Result<()> {
    let wasm = fs::read(wasm_path)?;
    let glue = fs::read_to_string(glue_path)?;
    let stem = wasm_path
        .file_stem()
        .and_then(|s| s.to_str())
        .context("the wasm file has no name")?;
    let (wasm, glue) = rename(&wasm, glue, &format!("./{stem}.js"))
        .with_context(|| format!("shortening the imports of {}", wasm_path.display()))?;
    fs::write(wasm_path, wasm)?;
    fs::write(glue_path, glue)?;
    Ok(())
}

/// The renamed wasm and glue; `glue_module` is the import module wasm-bindgen named after
/// the glue's `_bg.js` file.
fn rename(wasm: &[u8], mut glue: String, glue_module: &str) -> Result<(Vec<u8>, String)> {
    let mut module = Module::new();
    let mut renamed = 0_usize;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(reader) => {
                let mut section = ImportSection::new();
                for group in reader {
                    let Imports::Single(_, import) = group? else {
                        bail!("a compact import group, which wasm-bindgen does not write");
                    };
                    let ty = RoundtripReencoder.entity_type(import.ty)?;
                    if import.module == glue_module {
                        let short = format!("i{renamed:x}");
                        renamed += 1;
                        glue = rename_key(&glue, import.name, &short)?;
                        section.import(MODULE, &short, ty);
                    } else {
                        section.import(import.module, import.name, ty);
                    }
                }
                module.section(&section);
            }
            Payload::CustomSection(_) => {}
            payload => {
                if let Some((id, range)) = payload.as_section() {
                    let data = &wasm[usize_range(range)?];
                    module.section(&RawSection { id, data });
                }
            }
        }
    }
    let object = format!("\"{glue_module}\": import0,");
    if glue.matches(&object).count() != 1 {
        bail!("the glue does not hand its imports over as {object}");
    }
    let glue = glue.replace(&object, &format!("{MODULE}: import0,"));
    Ok((module.finish(), glue))
}

/// `glue` with the import object's key `name` (a line `        name: function(…`) called
/// `short`; an error unless `name` is in the glue exactly once, as that key.
fn rename_key(glue: &str, name: &str, short: &str) -> Result<String> {
    let key = format!(" {name}: ");
    if glue.matches(name).count() != 1 || glue.matches(&key).count() != 1 {
        bail!("the import {name} is not one key of the glue's import object");
    }
    Ok(glue.replacen(&key, &format!(" {short}: "), 1))
}

fn usize_range(range: Range<u64>) -> Result<Range<usize>> {
    Ok(usize::try_from(range.start)?..usize::try_from(range.end)?)
}

#[cfg(test)]
mod tests {
    use super::rename;
    use wasm_encoder::{
        CustomSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
        ImportSection, Instruction, Module, TypeSection,
    };
    use wasmparser::{Imports, Parser, Payload};

    const GLUE_MODULE: &str = "./app_bg.js";

    /// A module that imports `f_0123` from the glue and `memory` from elsewhere, exports
    /// `run` (which calls the import), and carries a custom section.
    fn module() -> Vec<u8> {
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut imports = ImportSection::new();
        imports.import(
            GLUE_MODULE,
            "__wbg_f_0123456789abcdef",
            EntityType::Function(0),
        );
        imports.import(
            "env",
            "memory",
            EntityType::Memory(wasm_encoder::MemoryType {
                minimum: 1,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            }),
        );
        module.section(&imports);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut exports = ExportSection::new();
        exports.export("run", ExportKind::Func, 1);
        module.section(&exports);
        let mut code = wasm_encoder::CodeSection::new();
        let mut run = Function::new([]);
        run.instruction(&Instruction::Call(0));
        run.instruction(&Instruction::End);
        code.function(&run);
        module.section(&code);
        module.section(&CustomSection {
            name: "name".into(),
            data: [1, 2, 3][..].into(),
        });
        module.finish()
    }

    fn imports(wasm: &[u8]) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::ImportSection(reader) = payload.expect("a valid module") {
                for group in reader {
                    if let Imports::Single(_, import) = group.expect("a valid import") {
                        found.push((import.module.to_owned(), import.name.to_owned()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn glue_imports_get_short_names_in_the_wasm_and_the_glue_alike() {
        let glue = "const import0 = {\n    __proto__: null,\n    __wbg_f_0123456789abcdef: function() { f(); },\n};\nreturn {\n    __proto__: null,\n    \"./app_bg.js\": import0,\n};\n";
        let (wasm, glue) = rename(&module(), glue.to_owned(), GLUE_MODULE).expect("renamed");

        assert_eq!(
            imports(&wasm),
            [("a".into(), "i0".into()), ("env".into(), "memory".into())]
        );
        assert!(glue.contains("    i0: function() { f(); },"), "{glue}");
        assert!(glue.contains("    a: import0,"), "{glue}");
        assert!(!glue.contains("__wbg_f_"), "{glue}");
        let sections = Parser::new(0)
            .parse_all(&wasm)
            .map(|p| p.expect("a valid section"));
        assert!(
            !sections
                .into_iter()
                .any(|p| matches!(p, Payload::CustomSection(_))),
            "custom sections are dropped"
        );
        wasmparser::validate(&wasm).expect("the renamed module is valid");
    }

    #[test]
    fn an_import_the_glue_does_not_name_once_is_an_error() {
        let glue = "const import0 = {};\nreturn { \"./app_bg.js\": import0, };\n";
        let Err(error) = rename(&module(), glue.to_owned(), GLUE_MODULE) else {
            panic!("an import the glue does not name is refused");
        };
        assert!(
            error.to_string().contains("__wbg_f_0123456789abcdef"),
            "{error}"
        );
    }
}
