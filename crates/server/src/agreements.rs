//! Agreement texts, loaded at start from the files named in configuration
//! (`--agreement`), or the sample the repository ships. A file starts with
//! `id:`, `version:` and `title:` lines, then `---`, then the text.

use std::path::Path;

use pc_api::Agreement;

/// The sample agreement, used when no files are configured.
pub const SAMPLE: &str = include_str!("../agreements/mpn-agreement-sample.txt");

/// The Microsoft Partner Network agreement's id.
pub const MPN: &str = "mpn";

pub fn parse(source: &str, name: &str) -> Result<Agreement, String> {
    let (head, text) = source
        .split_once("\n---\n")
        .ok_or_else(|| format!("{name}: no `---` line between the header and the text"))?;
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix(':')))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("{name}: the header has no `{key}:` line"))
    };
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("{name}: the agreement text is empty"));
    }
    Ok(Agreement {
        id: field("id")?,
        version: field("version")?,
        title: field("title")?,
        text,
    })
}

/// Every version known, in the order loaded; the last of an id is current.
#[derive(Debug)]
pub struct Agreements {
    versions: Vec<Agreement>,
}

impl Agreements {
    pub fn load(files: &[impl AsRef<Path>]) -> Result<Self, String> {
        let mut versions = vec![];
        if files.is_empty() {
            versions.push(parse(SAMPLE, "sample agreement")?);
        }
        for f in files {
            let f = f.as_ref();
            let source = std::fs::read_to_string(f)
                .map_err(|e| format!("--agreement {}: {e}", f.display()))?;
            let a = parse(&source, &f.display().to_string())?;
            if versions
                .iter()
                .any(|v: &Agreement| v.id == a.id && v.version == a.version)
            {
                return Err(format!(
                    "{}: {} version {} is loaded twice",
                    f.display(),
                    a.id,
                    a.version
                ));
            }
            versions.push(a);
        }
        if !versions.iter().any(|v| v.id == MPN) {
            return Err(format!(
                "no agreement file has `id: {MPN}` (the partner network agreement)"
            ));
        }
        Ok(Agreements { versions })
    }

    pub fn current(&self, id: &str) -> Option<&Agreement> {
        self.versions.iter().rev().find(|a| a.id == id)
    }

    pub fn version(&self, id: &str, version: &str) -> Option<&Agreement> {
        self.versions
            .iter()
            .find(|a| a.id == id && a.version == version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses_and_says_it_is_a_sample() {
        let a = parse(SAMPLE, "sample").unwrap();
        assert_eq!(a.id, MPN);
        assert!(a.title.contains("sample"));
        assert!(a.text.starts_with("SAMPLE AGREEMENT"));
        assert!(a.text.split_whitespace().count() > 900);
    }

    #[test]
    fn broken_files_are_named() {
        assert!(parse("id: x\nversion: 1\n", "a.txt")
            .unwrap_err()
            .contains("a.txt: no `---`"));
        assert!(parse("id: x\ntitle: T\n---\ntext", "b.txt")
            .unwrap_err()
            .contains("`version:`"));
        assert!(parse("id: x\nversion: 1\ntitle: T\n---\n  ", "c.txt")
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn configured_files_replace_the_sample_and_the_last_version_is_current() {
        let dir = tempfile::tempdir().unwrap();
        let v1 = dir.path().join("v1.txt");
        let v2 = dir.path().join("v2.txt");
        std::fs::write(&v1, "id: mpn\nversion: 2025\ntitle: MPN\n---\nOld text.").unwrap();
        std::fs::write(&v2, "id: mpn\nversion: 2026\ntitle: MPN\n---\nNew text.").unwrap();
        let a = Agreements::load(&[&v1, &v2]).unwrap();
        assert_eq!(a.current(MPN).unwrap().version, "2026");
        assert!(a.version(MPN, "2025").is_some());
        assert!(a.version(MPN, "2026-11-sample").is_none());
        assert!(Agreements::load(&[&v1, &v1]).unwrap_err().contains("twice"));
        assert!(Agreements::load(&[dir.path().join("missing.txt")]).is_err());
    }
}
