//! Secrets kept at rest (a sign-in provider's client secret), sealed with a key from the
//! environment (`TANDEM_SECRET_KEY`), so a copy of the database or a backup does not give
//! them away. XChaCha20-Poly1305: a random nonce per secret, and tampering is detected.
//!
//! `v2` (now): the key is derived from `TANDEM_SECRET_KEY` with HKDF-SHA-256, and each
//! secret is bound to its setting (the setting's id is associated data), so a sealed secret
//! copied into another setting's row does not open. `v1` (before): a plain SHA-256 of the
//! key and no binding; still read, and re-sealed as `v2` once at startup (`upgrade`).

use base64::{engine::general_purpose::STANDARD_NO_PAD as B64, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use domain::single_sign_on::Owner;
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

fn usable(key: Option<&str>) -> Result<&str, SecretError> {
    let key = key.ok_or(SecretError::NoKey)?.trim();
    if key.len() < 32 {
        return Err(SecretError::WeakKey);
    }
    Ok(key)
}

/// The v2 key: HKDF-SHA-256 over the operator's key, for this one purpose.
fn cipher(key: Option<&str>) -> Result<XChaCha20Poly1305, SecretError> {
    let key = usable(key)?;
    let mut derived = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(Some(b"tandem-secrets-v2"), key.as_bytes())
        .expand(b"sealed provider secrets", &mut derived)
        .map_err(|_| SecretError::WeakKey)?;
    Ok(XChaCha20Poly1305::new(&derived.into()))
}

/// The v1 key (read only).
fn cipher_v1(key: Option<&str>) -> Result<XChaCha20Poly1305, SecretError> {
    let key = Sha256::digest(usable(key)?.as_bytes());
    Ok(XChaCha20Poly1305::new(&key))
}

/// What binds a sealed secret to its setting or trust ("tandem setting 7", "tandem trust 2").
fn bound_to(owner: Owner) -> Vec<u8> {
    format!("tandem {owner}").into_bytes()
}

fn key_from_env() -> Option<String> {
    std::env::var(KEY_VARIABLE).ok().filter(|k| !k.is_empty())
}

/// Why this server cannot keep a client secret (no key, or too short a one), if it cannot:
/// said before an admin fills in the form, not after.
pub fn key_problem() -> Option<SecretError> {
    usable(key_from_env().as_deref()).err()
}

pub fn seal(owner: Owner, plain: &str) -> Result<String, SecretError> {
    seal_with(key_from_env().as_deref(), owner, plain)
}

pub fn open(owner: Owner, sealed: &str) -> Result<String, SecretError> {
    open_with(key_from_env().as_deref(), owner, sealed)
}

/// Whether a sealed secret is in the old form (re-sealed at startup by `upgrade`).
pub fn is_v1(sealed: &str) -> bool {
    sealed.starts_with("v1.")
}

fn seal_with(key: Option<&str>, owner: Owner, plain: &str) -> Result<String, SecretError> {
    let cipher = cipher(key)?;
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain.as_bytes(),
                aad: &bound_to(owner),
            },
        )
        .map_err(|_| SecretError::CannotOpen)?;
    Ok(format!("v2.{}.{}", B64.encode(nonce), B64.encode(sealed)))
}

fn open_with(key: Option<&str>, owner: Owner, sealed: &str) -> Result<String, SecretError> {
    let mut parts = sealed.split('.');
    let (Some(version), Some(nonce), Some(body), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SecretError::CannotOpen);
    };
    let nonce = B64.decode(nonce).map_err(|_| SecretError::CannotOpen)?;
    let body = B64.decode(body).map_err(|_| SecretError::CannotOpen)?;
    if nonce.len() != 24 {
        return Err(SecretError::CannotOpen);
    }
    let nonce = XNonce::from_slice(&nonce);
    let plain = match version {
        "v2" => cipher(key)?.decrypt(
            nonce,
            Payload {
                msg: &body,
                aad: &bound_to(owner),
            },
        ),
        "v1" => cipher_v1(key)?.decrypt(nonce, body.as_ref()),
        _ => return Err(SecretError::CannotOpen),
    }
    .map_err(|_| SecretError::CannotOpen)?;
    String::from_utf8(plain).map_err(|_| SecretError::CannotOpen)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef-test";
    const S3: Owner = Owner::Setting(3);
    const S7: Owner = Owner::Setting(7);
    const S8: Owner = Owner::Setting(8);

    #[test]
    fn sealed_secrets_open_only_with_their_key_their_setting_and_unaltered() {
        let sealed = seal_with(Some(KEY), S7, "client-secret-value").unwrap();
        assert!(sealed.starts_with("v2.") && !sealed.contains("client-secret-value"));
        assert_eq!(
            open_with(Some(KEY), S7, &sealed).unwrap(),
            "client-secret-value"
        );
        // Copied into another setting's row: it does not open there.
        assert_eq!(
            open_with(Some(KEY), S8, &sealed),
            Err(SecretError::CannotOpen)
        );
        // Nor in the trust of the same number.
        assert_eq!(
            open_with(Some(KEY), Owner::Trust(7), &sealed),
            Err(SecretError::CannotOpen)
        );
        // A fresh nonce each time: the same secret never seals the same way twice.
        assert_ne!(
            seal_with(Some(KEY), S7, "client-secret-value").unwrap(),
            sealed
        );
        let other = "another-key-that-is-long-enough-0123456789";
        assert_eq!(
            open_with(Some(other), S7, &sealed),
            Err(SecretError::CannotOpen)
        );
        let mut altered = sealed.clone();
        altered.pop();
        altered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(
            open_with(Some(KEY), S7, &altered),
            Err(SecretError::CannotOpen)
        );
        assert_eq!(seal_with(None, S7, "x"), Err(SecretError::NoKey));
        assert_eq!(seal_with(Some("short"), S7, "x"), Err(SecretError::WeakKey));
    }

    /// A secret sealed before (v1: SHA-256 of the key, unbound) still opens, so it can be
    /// re-sealed as v2 at startup.
    #[test]
    fn old_secrets_still_open() {
        let cipher = cipher_v1(Some(KEY)).unwrap();
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let body = cipher.encrypt(&nonce, b"old-secret".as_ref()).unwrap();
        let v1 = format!("v1.{}.{}", B64.encode(nonce), B64.encode(body));
        assert!(is_v1(&v1));
        assert_eq!(open_with(Some(KEY), S3, &v1).unwrap(), "old-secret");
    }
}
