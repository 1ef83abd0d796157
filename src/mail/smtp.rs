//! The SMTP server of `kaohe mail --smtp URL`: the URL parsed and checked,
//! the password taken from an environment variable, and a lettre transport
//! built from them.
//!
//! - `smtps://user@host:465` — TLS from the first byte (default port 465);
//! - `smtp://user@host:587` — STARTTLS, required (default port 587);
//! - `smtp://host:25?tls=none` — no encryption; only for a relay on the same
//!   machine when a user is given (a password is never sent in clear text
//!   over the network).
//!
//! A password written in the URL is refused: it would end up in shell
//! history and process lists. It comes from an environment variable
//! (`KAOHE_SMTP_PASSWORD` unless `--password-env` names another) and is never
//! printed, logged or written anywhere; [`Secret::redact`] removes it from
//! any text that could reach the user (server replies, error messages).

use std::path::Path;
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::SmtpTransport;

/// The default environment variable holding the SMTP password.
pub const PASSWORD_ENV: &str = "KAOHE_SMTP_PASSWORD";

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the start.
    Implicit,
    /// `smtp://`: plain connection upgraded with STARTTLS, required.
    StartTls,
    /// `smtp://…?tls=none`: no encryption.
    None,
}

/// A parsed `--smtp` URL (it holds no password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// The login name, percent-decoded; `None`: no authentication.
    pub user: Option<String>,
}

/// A `--smtp` URL that cannot be used. The message never repeats the URL,
/// which might hold a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError(pub String);

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UrlError {}

fn fail(zh: &str, en: &str) -> UrlError {
    UrlError(format!("--smtp：{zh} / --smtp: {en}"))
}

impl Server {
    /// Parse `smtp://` or `smtps://` `[user@]host[:port][?tls=none]`.
    pub fn parse(text: &str) -> Result<Server, UrlError> {
        let url = url::Url::parse(text.trim()).map_err(|_| {
            fail(
                "不是有效的地址，应写成 smtps://用户名@主机:465 或 smtp://用户名@主机:587",
                "not a valid URL; write smtps://user@host:465 or smtp://user@host:587",
            )
        })?;
        if url.password().is_some() {
            return Err(fail(
                &format!("地址中不能写密码；请把密码放在环境变量 {PASSWORD_ENV} 中"),
                &format!("the URL must not hold a password; put it in the environment variable {PASSWORD_ENV}"),
            ));
        }
        let mut security = match url.scheme() {
            "smtps" => Security::Implicit,
            "smtp" => Security::StartTls,
            _ => {
                return Err(fail(
                    "只支持 smtp:// 和 smtps://",
                    "only smtp:// and smtps:// are supported",
                ))
            }
        };
        for (k, v) in url.query_pairs() {
            match (k.as_ref(), v.as_ref(), security) {
                ("tls", "none", Security::StartTls) => security = Security::None,
                ("tls", "required", Security::StartTls) => {}
                _ => {
                    return Err(fail(
                        "未知的参数（smtp:// 只认 ?tls=none 或 ?tls=required）",
                        "unknown parameter (smtp:// takes only ?tls=none or ?tls=required)",
                    ))
                }
            }
        }
        if !(url.path().is_empty() || url.path() == "/") || url.fragment().is_some() {
            return Err(fail(
                "地址只能有主机和端口",
                "the URL holds only the host and port",
            ));
        }
        let host = match url.host() {
            Some(url::Host::Ipv6(a)) => a.to_string(),
            Some(h) => h.to_string(),
            None => return Err(fail("缺少主机名", "no host")),
        };
        let port = url.port().unwrap_or(match security {
            Security::Implicit => 465,
            Security::StartTls => 587,
            Security::None => 25,
        });
        let user = match url.username() {
            "" => None,
            u => Some(
                percent_decode(u)
                    .ok_or_else(|| fail("用户名编码有误", "the user name is not valid UTF-8"))?,
            ),
        };
        let server = Server {
            host,
            port,
            security,
            user,
        };
        if server.security == Security::None && server.user.is_some() && !server.is_loopback() {
            return Err(fail(
                "tls=none 时只能对本机（localhost、127.0.0.1、::1）登录；其他服务器请用 smtps:// 或 STARTTLS",
                "with tls=none a login is only allowed to this machine (localhost, 127.0.0.1, ::1); use smtps:// or STARTTLS for any other server",
            ));
        }
        Ok(server)
    }

    /// `host:port`, as shown and logged.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|a| a.is_loopback())
    }

    /// The lettre transport: one connection per message (a dropped
    /// connection costs only that message), TLS as the URL says with the
    /// system's root certificates plus `extra_ca` (a PEM file, for a
    /// company relay with its own certificate authority), and the
    /// password when a user is given.
    pub fn transport(
        &self,
        password: Option<&Secret>,
        extra_ca: Option<&Path>,
    ) -> Result<SmtpTransport, String> {
        let mut builder = SmtpTransport::builder_dangerous(self.host.as_str())
            .port(self.port)
            .timeout(Some(Duration::from_secs(60)));
        if self.security != Security::None {
            let mut tls = TlsParameters::builder(self.host.clone());
            if let Some(ca) = extra_ca {
                let pem = std::fs::read(ca).map_err(|e| {
                    format!(
                        "--smtp-ca {}：无法读取（{e}） / cannot be read ({e})",
                        ca.display()
                    )
                })?;
                let not_pem = || {
                    format!(
                        "--smtp-ca {}：不是 PEM 证书 / is not a PEM certificate",
                        ca.display()
                    )
                };
                if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                    return Err(not_pem());
                }
                let cert = Certificate::from_pem(&pem).map_err(|_| not_pem())?;
                tls = tls.add_root_certificate(cert);
            }
            let tls = tls
                .build_rustls()
                .map_err(|e| format!("TLS 设置有误 / TLS setup failed: {e}"))?;
            builder = builder.tls(match self.security {
                Security::Implicit => Tls::Wrapper(tls),
                _ => Tls::Required(tls),
            });
        } else {
            builder = builder.tls(Tls::None);
        }
        if let (Some(user), Some(password)) = (&self.user, password) {
            builder = builder
                .credentials(Credentials::new(user.clone(), password.0.clone()))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Ok(builder.build())
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => {
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The SMTP password. Its `Debug` shows nothing.
#[derive(Clone)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Secret {
    /// The password in the environment variable `var`; `None` when it is
    /// unset or empty.
    pub fn from_env(var: &str) -> Option<Secret> {
        std::env::var(var)
            .ok()
            .filter(|s| !s.is_empty())
            .map(Secret)
    }

    /// `text` with every occurrence of the password replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, "***")
        }
    }
}

/// Redact with an optional secret.
pub fn redact(secret: Option<&Secret>, text: &str) -> String {
    secret.map_or_else(|| text.to_string(), |s| s.redact(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let ok = |s: &str| Server::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let cases = [
            (
                "smtps://hr@mail.example.com:465",
                ("mail.example.com", 465, Security::Implicit, Some("hr")),
            ),
            (
                "smtps://mail.example.com",
                ("mail.example.com", 465, Security::Implicit, None),
            ),
            (
                "smtp://hr%40example.com@smtp.example.com:587",
                (
                    "smtp.example.com",
                    587,
                    Security::StartTls,
                    Some("hr@example.com"),
                ),
            ),
            (
                "smtp://smtp.example.com",
                ("smtp.example.com", 587, Security::StartTls, None),
            ),
            (
                "smtp://smtp.example.com:2525?tls=required",
                ("smtp.example.com", 2525, Security::StartTls, None),
            ),
            (
                "smtp://relay.example.com:25?tls=none",
                ("relay.example.com", 25, Security::None, None),
            ),
            (
                "smtp://hr@127.0.0.1:2525?tls=none",
                ("127.0.0.1", 2525, Security::None, Some("hr")),
            ),
            (
                "smtp://hr@localhost?tls=none",
                ("localhost", 25, Security::None, Some("hr")),
            ),
            (
                "smtp://hr@[::1]:2525?tls=none",
                ("::1", 2525, Security::None, Some("hr")),
            ),
        ];
        for (url, (host, port, security, user)) in cases {
            let s = ok(url);
            assert_eq!(
                (s.host.as_str(), s.port, s.security, s.user.as_deref()),
                (host, port, security, user),
                "{url}"
            );
        }
        assert_eq!(ok("smtp://hr@[::1]:2525?tls=none").address(), "[::1]:2525");
        assert_eq!(
            ok("smtps://mail.example.com").address(),
            "mail.example.com:465"
        );
    }

    #[test]
    fn bad_urls_are_refused_without_repeating_them() {
        let cases = [
            ("smtps://hr:Geheim-42@mail.example.com", "password"),
            ("smtp://hr:Geheim-42@mail.example.com?tls=none", "password"),
            ("http://mail.example.com", "smtp://"),
            ("mail.example.com:465", "smtp://"),
            ("smtps://", "no host"),
            ("smtp://mail.example.com?starttls=yes", "parameter"),
            ("smtps://mail.example.com?tls=none", "parameter"),
            ("smtp://mail.example.com/inbox", "host and port"),
            ("smtp://hr@mail.example.com:25?tls=none", "this machine"),
            ("smtp://hr@10.0.0.1:25?tls=none", "this machine"),
        ];
        for (url, want) in cases {
            let e = Server::parse(url).unwrap_err().to_string();
            assert!(e.contains(want), "{url}: {e}");
            assert!(!e.contains("Geheim-42"), "{url}: {e}");
            assert!(!e.contains("mail.example.com"), "{url}: {e}");
        }
    }

    #[test]
    fn transports_build_for_every_security() {
        for url in [
            "smtps://hr@mail.example.com",
            "smtp://hr@mail.example.com",
            "smtp://localhost:2525?tls=none",
        ] {
            let s = Server::parse(url).unwrap();
            let secret = Secret("pw".into());
            assert!(s.transport(Some(&secret), None).is_ok(), "{url}");
        }
        let s = Server::parse("smtps://mail.example.com").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let not_pem = dir.path().join("ca.pem");
        std::fs::write(&not_pem, "not a certificate").unwrap();
        assert!(s.transport(None, Some(&not_pem)).is_err());
        assert!(s
            .transport(None, Some(&dir.path().join("missing.pem")))
            .is_err());
    }

    #[test]
    fn secrets_are_redacted_and_never_debug_printed() {
        let s = Secret("Geheim-42".into());
        assert_eq!(s.redact("535 bad Geheim-42 for hr"), "535 bad *** for hr");
        assert!(!format!("{s:?}").contains("Geheim"));
        assert_eq!(redact(None, "x"), "x");
    }
}
