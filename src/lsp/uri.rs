//! `file:` URIs and the paths they name. Editors percent-encode what RFC 3986 does not
//! allow in a path (spaces, non-ASCII letters) and some encode more (VS Code writes a
//! drive letter's colon as `%3A`); decoding everything and encoding only what must be
//! gives one path per file whichever client wrote the URI.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The lexical absolute path a `file:` URI names; `None` for any other scheme (an unsaved
/// `untitled:` buffer) or a host other than the local one.
pub(crate) fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let (host, path) = rest.split_at(rest.find('/')?);
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = renkei_model::links::percent_decode(path);
    // `/C:/x` on Windows is `C:/x`.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => {
            decoded[1..].to_string()
        }
        _ => decoded.into_owned(),
    };
    let path = PathBuf::from(decoded);
    path.is_absolute()
        .then(|| renkei_model::path::lexical(&path))
}

/// The `file:` URI of the absolute `path`.
pub(crate) fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut encoded = String::from("file://");
    if !text.starts_with('/') {
        encoded.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&encoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap_or_else(|_| panic!("{text} is a URI"))
    }

    #[test]
    fn paths_round_trip_through_uris() {
        let path = Path::new("/doctrine/a b/é#1.md");
        let made = uri_of(path);
        assert_eq!(
            made.as_ref().map(|uri| uri.as_str()),
            Some("file:///doctrine/a%20b/%C3%A9%231.md")
        );
        assert_eq!(made.as_ref().and_then(path_of).as_deref(), Some(path));
    }

    #[test]
    fn other_schemes_and_hosts_name_no_file() {
        assert_eq!(path_of(&uri("untitled:Untitled-1")), None);
        assert_eq!(path_of(&uri("file://server/share/a.md")), None);
        assert_eq!(
            path_of(&uri("file://localhost/a/./b/../c.md")).as_deref(),
            Some(Path::new("/a/c.md"))
        );
    }
}
