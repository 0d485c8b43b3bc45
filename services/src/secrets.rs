//! Secrets kept at rest (a sign-in provider's client secret), sealed with a key from the
//! environment (`TANDEM_SECRET_KEY`), so a copy of the database or a backup does not give
//! them away. XChaCha20-Poly1305: a random nonce per secret, and tampering is detected.

use base64::{engine::general_purpose::STANDARD_NO_PAD as B64, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    XChaCha20Poly1305, XNonce,
};
use sha2::{Digest, Sha256};

pub const KEY_VARIABLE: &str = "TANDEM_SECRET_KEY";

/// Why a secret cannot be sealed or opened, in words for the admin or the operator.
#[derive(Debug, PartialEq, Eq)]
pub enum SecretError {
    NoKey,
    WeakKey,
    /// Sealed under another key (the key was changed) or altered.
    CannotOpen,
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretError::NoKey => "The server has no TANDEM_SECRET_KEY, so it cannot keep a client secret safely. Ask whoever runs Tandem to set it (see the README), then save again.",
            SecretError::WeakKey => "The server's TANDEM_SECRET_KEY is too short: it needs at least 32 random characters.",
            SecretError::CannotOpen => "The saved client secret cannot be read with the server's TANDEM_SECRET_KEY (the key was changed). Enter the client secret again.",
        })
    }
}

fn cipher(key: Option<&str>) -> Result<XChaCha20Poly1305, SecretError> {
    let key = key.ok_or(SecretError::NoKey)?;
    if key.trim().len() < 32 {
        return Err(SecretError::WeakKey);
    }
    let key = Sha256::digest(key.trim().as_bytes());
    Ok(XChaCha20Poly1305::new(&key))
}

fn key_from_env() -> Option<String> {
    std::env::var(KEY_VARIABLE).ok().filter(|k| !k.is_empty())
}

pub fn seal(plain: &str) -> Result<String, SecretError> {
    seal_with(key_from_env().as_deref(), plain)
}

pub fn open(sealed: &str) -> Result<String, SecretError> {
    open_with(key_from_env().as_deref(), sealed)
}

fn seal_with(key: Option<&str>, plain: &str) -> Result<String, SecretError> {
    let cipher = cipher(key)?;
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(&nonce, plain.as_bytes())
        .map_err(|_| SecretError::CannotOpen)?;
    Ok(format!("v1.{}.{}", B64.encode(nonce), B64.encode(sealed)))
}

fn open_with(key: Option<&str>, sealed: &str) -> Result<String, SecretError> {
    let cipher = cipher(key)?;
    let mut parts = sealed.split('.');
    let (Some("v1"), Some(nonce), Some(body), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SecretError::CannotOpen);
    };
    let nonce = B64.decode(nonce).map_err(|_| SecretError::CannotOpen)?;
    let body = B64.decode(body).map_err(|_| SecretError::CannotOpen)?;
    if nonce.len() != 24 {
        return Err(SecretError::CannotOpen);
    }
    let plain = cipher
        .decrypt(XNonce::from_slice(&nonce), body.as_ref())
        .map_err(|_| SecretError::CannotOpen)?;
    String::from_utf8(plain).map_err(|_| SecretError::CannotOpen)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef-test";

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_unaltered() {
        let sealed = seal_with(Some(KEY), "client-secret-value").unwrap();
        assert!(!sealed.contains("client-secret-value"));
        assert_eq!(
            open_with(Some(KEY), &sealed).unwrap(),
            "client-secret-value"
        );
        // A fresh nonce each time: the same secret never seals the same way twice.
        assert_ne!(seal_with(Some(KEY), "client-secret-value").unwrap(), sealed);
        let other = "another-key-that-is-long-enough-0123456789";
        assert_eq!(
            open_with(Some(other), &sealed),
            Err(SecretError::CannotOpen)
        );
        let mut altered = sealed.clone();
        altered.pop();
        altered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(open_with(Some(KEY), &altered), Err(SecretError::CannotOpen));
        assert_eq!(seal_with(None, "x"), Err(SecretError::NoKey));
        assert_eq!(seal_with(Some("short"), "x"), Err(SecretError::WeakKey));
    }
}
