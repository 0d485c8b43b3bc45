//! The app shell a device keeps for offline use, and the build id that names it.
//!
//! The build id is a hash of every file the service worker precaches, read from the built
//! site at startup: any change to the wasm, the scripts, the styles, the offline pages or the
//! fonts is a new id. Pages ask for the shell under versioned URLs (`?v=<id>`), and the
//! worker's own bytes carry the id, so every device's browser sees a new worker after an
//! update and installs it. Computed here rather than by a build script so that the id always
//! names the files actually served.

use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Written where the build id goes in the files that carry it.
pub const PLACEHOLDER: &str = "__TANDEM_BUILD__";

/// Files of the site root that carry the build id, served from memory with it filled in.
const TEMPLATED: [(&str, &str); 4] = [
    ("sw.js", "text/javascript; charset=utf-8"),
    ("offline.js", "text/javascript; charset=utf-8"),
    ("offline.html", "text/html; charset=utf-8"),
    ("signed-out.html", "text/html; charset=utf-8"),
];

/// Everything else the worker precaches (see `public/sw.js`), relative to the site root.
const PRECACHED: [&str; 12] = [
    "pkg/tandem.js",
    "pkg/tandem_bg.wasm",
    "pkg/tandem.css",
    "outbox-core.js",
    "device-db.js",
    "lock.js",
    "manifest.webmanifest",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "fonts/opendyslexic-latin-400-normal.woff2",
    "fonts/opendyslexic-latin-700-normal.woff2",
];

/// The build, as this server process serves it.
#[derive(Debug, Default)]
pub struct Shell {
    pub build: String,
    files: Vec<(&'static str, &'static str, Bytes)>,
}

impl Shell {
    /// Reads the built site. Missing files are left out (a test serving `public/` has no
    /// wasm), so the id still changes with whatever is there.
    pub fn load(site_root: &Path) -> std::io::Result<Shell> {
        let mut hash = Sha256::new();
        let mut templates = vec![];
        for (name, content_type) in TEMPLATED {
            if let Some(bytes) = read_if_present(&site_root.join(name))? {
                hash.update(name.as_bytes());
                hash.update(&bytes);
                templates.push((name, content_type, bytes));
            }
        }
        for name in PRECACHED {
            if let Some(bytes) = read_if_present(&site_root.join(name))? {
                hash.update(name.as_bytes());
                hash.update(&bytes);
            }
        }
        let build: String = hash
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let files = templates
            .into_iter()
            .map(|(name, content_type, bytes)| {
                let text = String::from_utf8_lossy(&bytes).replace(PLACEHOLDER, &build);
                (name, content_type, Bytes::from(text))
            })
            .collect();
        Ok(Shell { build, files })
    }

    /// A file that carries the build id, by its path (`/sw.js`): its type and bytes.
    pub fn file(&self, path: &str) -> Option<(&'static str, Bytes)> {
        let name = path.strip_prefix('/')?;
        self.files
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, content_type, bytes)| (*content_type, bytes.clone()))
    }

    /// `/pkg/tandem.css` → `/pkg/tandem.css?v=<build>`.
    pub fn url(&self, path: &str) -> String {
        format!("{path}?v={}", self.build)
    }
}

fn read_if_present(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tandem-shell-{}", uuid::Uuid::new_v4()));
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_build_id_follows_every_precached_file_and_fills_the_templates() {
        let a = site(&[
            ("sw.js", "const BUILD = \"__TANDEM_BUILD__\";"),
            ("pkg/tandem.css", "body{}"),
        ]);
        let b = site(&[
            ("sw.js", "const BUILD = \"__TANDEM_BUILD__\";"),
            ("pkg/tandem.css", "body{color:red}"),
        ]);
        let (sa, sb) = (Shell::load(&a).unwrap(), Shell::load(&b).unwrap());
        assert_eq!(sa.build.len(), 16);
        assert_ne!(sa.build, sb.build, "a changed stylesheet is a new build");
        assert_eq!(
            sa.build,
            Shell::load(&a).unwrap().build,
            "the same files, the same id"
        );
        let (kind, bytes) = sa.file("/sw.js").unwrap();
        assert_eq!(kind, "text/javascript; charset=utf-8");
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            format!("const BUILD = \"{}\";", sa.build)
        );
        assert!(
            sa.file("/pkg/tandem.css").is_none(),
            "only templates are served from memory"
        );
        assert_eq!(sa.url("/offline.js"), format!("/offline.js?v={}", sa.build));
        std::fs::remove_dir_all(a).unwrap();
        std::fs::remove_dir_all(b).unwrap();
    }
}
