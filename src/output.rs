//! Writing reports and baselines: to a temporary file beside the target, then a rename, so that
//! a full disk or a crash never leaves a truncated file where a whole one was.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// renamed over `path`. The temporary file is removed if anything fails.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Writes what `write` writes to `path` atomically, as [`write_atomically`] does.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_beside(path, write, None)
}

/// Replaces an input file that `--fix` changed, atomically as above, with the file's
/// permissions; the path is resolved first, so a link keeps pointing at the file it named.
pub fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&real)?.permissions();
    write_beside(&real, |file| file.write_all(bytes), Some(permissions))
}

/// Writes a temporary file in `path`'s folder, then renames it over `path`.
fn write_beside(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| std::ffi::OsString::from("output"), |n| n.to_os_string());
    let temporary = folder.join(format!(
        ".{}.errlint-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        write(&mut file)?;
        file.sync_all()?;
        if let Some(permissions) = permissions {
            std::fs::set_permissions(&temporary, permissions)?;
        }
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Refuses outputs that would destroy something: two reports to one file, or a report (or a
/// baseline) over a file errlint reads — a document, a `$ref`'d file, a config, a baseline.
/// `errlint --output openapi.yaml report.txt` (arguments swapped) must not replace the document.
pub fn check_outputs<'a>(
    outputs: &[&'a Path],
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    for (i, output) in outputs.iter().enumerate() {
        if outputs[..i].iter().any(|earlier| same(earlier, output)) {
            return Err(format!(
                "two reports would be written to `{}`: give each its own file",
                output.display()
            ));
        }
    }
    // Only an output that exists can be an input; most do not, so nothing is resolved twice.
    let existing: Vec<std::path::PathBuf> = outputs
        .iter()
        .filter_map(|o| std::fs::canonicalize(o).ok())
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    for input in inputs {
        let Ok(real) = std::fs::canonicalize(input) else {
            continue;
        };
        if existing.contains(&real) {
            return Err(format!(
                "refusing to write to `{}`: errlint reads it (nothing was written)",
                input.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_atomically;

    #[test]
    fn replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("errlint-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.txt");
        std::fs::write(&path, "old and longer").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert!(write_atomically(&dir.join("missing/report.txt"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn outputs_never_replace_inputs_or_each_other() {
        let dir = std::env::temp_dir().join(format!("errlint-outputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let document = dir.join("openapi.yaml");
        std::fs::write(&document, "openapi: 3.0.3").unwrap();
        let report = dir.join("report.txt");
        let via_dot = dir.join(".").join("openapi.yaml");
        use super::check_outputs;
        assert!(check_outputs(&[&report], [document.as_path()]).is_ok());
        assert!(check_outputs(&[&via_dot], [document.as_path()]).is_err());
        assert!(check_outputs(&[&report, &report], []).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
