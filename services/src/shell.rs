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
/// Written in `sw.js` where the lists of files it precaches go (`VERSIONED`, `STABLE`).
pub const VERSIONED_PLACEHOLDER: &str = "__TANDEM_VERSIONED__";
pub const STABLE_PLACEHOLDER: &str = "__TANDEM_STABLE__";

/// How a file of the app shell is asked for, and served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Under this build's `?v=` (pages name them so), from the built site.
    Versioned,
    /// Under this build's `?v=`, with the build id filled in, from memory (its content type).
    Templated(&'static str),
    /// By its plain URL (from the stylesheet, the manifest): only its bytes are in the id.
    Stable,
}

/// Every file of the app shell: what a device keeps to run Tandem offline (the service
/// worker precaches each), what names the build, and what needs no session to serve. The
/// one list: the worker's own lists are filled in from it (`sw.js`), as are the server's
/// routes for the templated files and its asset rule.
pub const FILES: [(&str, Kind); 20] = [
    ("/sw.js", Kind::Templated("text/javascript; charset=utf-8")),
    (
        "/offline.js",
        Kind::Templated("text/javascript; charset=utf-8"),
    ),
    ("/offline.html", Kind::Templated("text/html; charset=utf-8")),
    (
        "/signed-out.html",
        Kind::Templated("text/html; charset=utf-8"),
    ),
    ("/pkg/tandem.js", Kind::Versioned),
    ("/pkg/tandem_bg.wasm", Kind::Versioned),
    ("/pkg/tandem-full.js", Kind::Versioned),
    ("/pkg/tandem-full_bg.wasm", Kind::Versioned),
    ("/pkg/tandem.css", Kind::Versioned),
    ("/islands.js", Kind::Versioned),
    ("/outbox-core.js", Kind::Versioned),
    ("/status.js", Kind::Versioned),
    ("/device-db.js", Kind::Versioned),
    ("/lock.js", Kind::Versioned),
    ("/manifest.webmanifest", Kind::Stable),
    ("/favicon.svg", Kind::Stable),
    ("/icons/icon-192.png", Kind::Stable),
    ("/icons/icon-512.png", Kind::Stable),
    ("/fonts/opendyslexic-latin-400-normal.woff2", Kind::Stable),
    ("/fonts/opendyslexic-latin-700-normal.woff2", Kind::Stable),
];

/// The shell files of a kind, as the worker's lists name them.
fn paths(wanted: impl Fn(Kind) -> bool) -> Vec<&'static str> {
    FILES
        .iter()
        .filter(|(path, kind)| wanted(*kind) && *path != "/sw.js")
        .map(|(path, _)| *path)
        .collect()
}

/// Whether `path` is a file of the shell (served without looking up a session).
pub fn is_shell_file(path: &str) -> bool {
    FILES.iter().any(|(p, _)| *p == path)
}

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
        for (path, kind) in FILES {
            let name = path.trim_start_matches('/');
            if let Some(bytes) = read_if_present(&site_root.join(name))? {
                hash.update(name.as_bytes());
                hash.update(&bytes);
                if let Kind::Templated(content_type) = kind {
                    templates.push((name, content_type, bytes));
                }
            }
        }
        let versioned = serde_json::to_string(&paths(|k| k != Kind::Stable)).unwrap_or_default();
        let stable = serde_json::to_string(&paths(|k| k == Kind::Stable)).unwrap_or_default();
        let build: String = hash
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        let files = templates
            .into_iter()
            .map(|(name, content_type, bytes)| {
                let text = String::from_utf8_lossy(&bytes)
                    .replace(PLACEHOLDER, &build)
                    .replace(VERSIONED_PLACEHOLDER, &versioned)
                    .replace(STABLE_PLACEHOLDER, &stable);
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

    /// The worker's lists come from `FILES`: `public/sw.js` must ask for them (once each),
    /// and every file the list names must be one the build makes or `public/` holds.
    #[test]
    fn the_worker_takes_its_lists_from_the_one_list() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let sw = std::fs::read_to_string(root.join("public/sw.js")).unwrap();
        for placeholder in [VERSIONED_PLACEHOLDER, STABLE_PLACEHOLDER] {
            assert_eq!(sw.matches(placeholder).count(), 1, "{placeholder} in sw.js");
        }
        let built_by_the_build = ["/pkg/", "/fonts/"];
        for (path, _) in FILES {
            let in_public = root
                .join("public")
                .join(path.trim_start_matches('/'))
                .exists();
            assert!(
                in_public || built_by_the_build.iter().any(|p| path.starts_with(p)),
                "{path} is neither in public/ nor made by scripts/build.sh"
            );
        }
        let site = site(&[("sw.js", &sw)]);
        let shell = Shell::load(&site).unwrap();
        let served = String::from_utf8(shell.file("/sw.js").unwrap().1.to_vec()).unwrap();
        assert!(served.contains(r#""/pkg/tandem_bg.wasm","#), "{served}");
        assert!(served.contains(r#""/favicon.svg""#));
        assert!(!served.contains("__TANDEM_"));
        std::fs::remove_dir_all(site).unwrap();
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
