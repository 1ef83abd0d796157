//! Password-encrypted attachments: the standard Office encryption
//! (ECMA-376 agile: AES-256-CBC, SHA-512, 100 000 spins), which Excel 2010+
//! and WPS open with a password prompt. Done in memory: the output folder
//! keeps the plain workbooks; only what leaves is encrypted.

use std::io::{Cursor, Write};

/// A rep's file password. Never printed, logged or written: its `Debug`
/// says nothing about it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// The password's text, for the encryption only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// Encrypt an .xlsx's bytes with a password.
pub fn encrypt_xlsx(plain: &[u8], password: &Password) -> std::io::Result<Vec<u8>> {
    let mut rng = rand::rng();
    let mut w = ms_offcrypto_writer::Ecma376AgileWriter::create(
        &mut rng,
        password.expose(),
        Cursor::new(Vec::new()),
    )?;
    w.write_all(plain)?;
    Ok(w.into_inner()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_workbook_opens_with_its_password_only() {
        let plain = b"PK\x03\x04 a workbook's bytes".to_vec();
        let pw = Password::new("123456");
        let sealed = encrypt_xlsx(&plain, &pw).unwrap();
        // An OLE2 compound file holding the encrypted package.
        assert!(sealed.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]));
        assert!(!sealed.windows(plain.len()).any(|w| w == plain.as_slice()));
        assert_eq!(
            office_crypto::decrypt_from_bytes(sealed.clone(), "123456").unwrap(),
            plain
        );
        // The wrong password gives no workbook (the decryptor does not check
        // the verifier itself: what comes out is no zip).
        let wrong = office_crypto::decrypt_from_bytes(sealed, "654321").unwrap_or_default();
        assert_ne!(wrong, plain);
        assert!(!wrong.starts_with(b"PK"));
        assert_eq!(format!("{pw:?}"), "Password(…)");
    }
}
