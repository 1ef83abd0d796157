//! A real SMTP server on loopback for the mail tests: a TCP listener on
//! 127.0.0.1 speaking enough ESMTP (RFC 5321) for any client — EHLO/HELO,
//! STARTTLS or TLS from the first byte (rustls, the certificates in
//! `tests/fixtures/smtp-tls/`), AUTH PLAIN and LOGIN, MAIL, RCPT, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT. It keeps every accepted message with
//! its envelope, can refuse chosen recipients with 550, and can drop the
//! connection when a chosen recipient is named. It stops when dropped.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;

/// How the server behaves.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// RCPT TO of these addresses gets `550 5.1.1 … User unknown`.
    pub refuse: Vec<String>,
    /// RCPT TO of these addresses closes the connection without a reply.
    pub drop_on: Vec<String>,
    /// MAIL FROM needs a successful AUTH with this user and password.
    pub login: Option<(String, String)>,
    pub tls: Tls,
}

/// TLS of the server.
#[derive(Clone, Default)]
pub enum Tls {
    #[default]
    None,
    /// Offer STARTTLS (and refuse AUTH and MAIL before it).
    Upgrade(Arc<rustls::ServerConfig>),
    /// TLS from the first byte (smtps).
    Implicit(Arc<rustls::ServerConfig>),
}

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as transmitted, dot-unstuffed, CRLF line ends.
    pub data: Vec<u8>,
    /// The user that logged in, if any.
    pub user: Option<String>,
    /// The message came over TLS.
    pub tls: bool,
}

/// What happened in the server, for assertions.
#[derive(Debug, Default)]
pub struct Record {
    pub received: Vec<Received>,
    /// Every AUTH attempt: (user, password, accepted).
    pub auth: Vec<(String, String, bool)>,
    pub connections: usize,
}

pub struct SmtpServer {
    pub port: u16,
    record: Arc<Mutex<Record>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SmtpServer {
    pub fn start(behaviour: Behaviour) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let record = Arc::new(Mutex::new(Record::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (rec, st) = (record.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(tcp) = conn else { continue };
                rec.lock().unwrap().connections += 1;
                // One connection at a time, as a client sends one message
                // after the other; a stuck client cannot hang a test.
                tcp.set_read_timeout(Some(Duration::from_secs(20))).ok();
                let _ = Session::new(tcp, &behaviour, &rec).run();
            }
        });
        SmtpServer {
            port,
            record,
            stop,
            thread: Some(thread),
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.record.lock().unwrap().received.clone()
    }

    pub fn auth_attempts(&self) -> Vec<(String, String, bool)> {
        self.record.lock().unwrap().auth.clone()
    }

    pub fn connections(&self) -> usize {
        self.record.lock().unwrap().connections
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The server's TLS settings from the test certificates.
pub fn tls_config(dir: &Path) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    Arc::new(config)
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
    Gone,
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Gone => Ok(0),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            Stream::Gone => Err(io::ErrorKind::BrokenPipe.into()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            Stream::Gone => Ok(()),
        }
    }
}

struct Session<'a> {
    stream: Stream,
    buf: Vec<u8>,
    b: &'a Behaviour,
    record: &'a Mutex<Record>,
    tls: bool,
    user: Option<String>,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn unb64(s: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The address inside `MAIL FROM:<a@b> SIZE=…` / `RCPT TO:<a@b>`.
fn angle(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg[start..].find('>').map_or(arg.len(), |i| start + i);
    arg[start..end].to_string()
}

impl<'a> Session<'a> {
    fn new(tcp: TcpStream, b: &'a Behaviour, record: &'a Mutex<Record>) -> Session<'a> {
        let (stream, tls) = match &b.tls {
            Tls::Implicit(cfg) => (
                Stream::Tls(Box::new(rustls::StreamOwned::new(
                    rustls::ServerConnection::new(cfg.clone()).unwrap(),
                    tcp,
                ))),
                true,
            ),
            _ => (Stream::Plain(tcp), false),
        };
        Session {
            stream,
            buf: Vec::new(),
            b,
            record,
            tls,
            user: None,
            mail_from: None,
            rcpt_to: Vec::new(),
        }
    }

    fn reply(&mut self, text: &str) -> io::Result<()> {
        self.stream.write_all(text.as_bytes())?;
        self.stream.write_all(b"\r\n")?;
        self.stream.flush()
    }

    /// One line without its CRLF; `None` at the end of the stream.
    fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[..i].to_vec();
                self.buf.drain(..i + 2);
                return Ok(Some(line));
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    fn text_line(&mut self) -> io::Result<Option<String>> {
        Ok(self
            .line()?
            .map(|l| String::from_utf8_lossy(&l).into_owned()))
    }

    fn close(&mut self) {
        if let Stream::Plain(s) = &self.stream {
            let _ = s.shutdown(Shutdown::Both);
        }
        if let Stream::Tls(s) = &self.stream {
            let _ = s.sock.shutdown(Shutdown::Both);
        }
        self.stream = Stream::Gone;
    }

    fn check_login(&mut self, user: String, password: String) -> io::Result<()> {
        let ok = self
            .b
            .login
            .as_ref()
            .is_some_and(|(u, p)| *u == user && *p == password);
        self.record
            .lock()
            .unwrap()
            .auth
            .push((user.clone(), password, ok));
        if ok {
            self.user = Some(user);
            self.reply("235 2.7.0 Authentication successful")
        } else {
            self.reply("535 5.7.8 Authentication credentials invalid")
        }
    }

    fn run(mut self) -> io::Result<()> {
        self.reply("220 kaohe-test ESMTP ready")?;
        while let Some(line) = self.text_line()? {
            let (verb, arg) = line.split_once(' ').unwrap_or((&line, ""));
            let verb = verb.to_ascii_uppercase();
            let starttls_pending = matches!(self.b.tls, Tls::Upgrade(_)) && !self.tls;
            match verb.as_str() {
                "EHLO" => {
                    let mut lines = vec!["250-kaohe-test".to_string(), "250-8BITMIME".into()];
                    if starttls_pending {
                        lines.push("250-STARTTLS".into());
                    } else if self.b.login.is_some() {
                        lines.push("250-AUTH PLAIN LOGIN".into());
                    }
                    lines.push("250 SIZE 52428800".into());
                    self.reply(&lines.join("\r\n"))?;
                }
                "HELO" => self.reply("250 kaohe-test")?,
                "STARTTLS" if starttls_pending => {
                    self.reply("220 2.0.0 Ready to start TLS")?;
                    let Tls::Upgrade(cfg) = &self.b.tls else {
                        unreachable!()
                    };
                    let Stream::Plain(tcp) = std::mem::replace(&mut self.stream, Stream::Gone)
                    else {
                        unreachable!()
                    };
                    self.stream = Stream::Tls(Box::new(rustls::StreamOwned::new(
                        rustls::ServerConnection::new(cfg.clone()).unwrap(),
                        tcp,
                    )));
                    self.tls = true;
                    self.buf.clear();
                }
                "AUTH" if starttls_pending => {
                    self.reply("530 5.7.0 Must issue a STARTTLS command first")?
                }
                "AUTH" => {
                    let (mech, initial) = arg.split_once(' ').unwrap_or((arg, ""));
                    match mech.to_ascii_uppercase().as_str() {
                        "PLAIN" => {
                            let resp = if initial.is_empty() {
                                self.reply("334 ")?;
                                self.text_line()?.unwrap_or_default()
                            } else {
                                initial.to_string()
                            };
                            let decoded = unb64(&resp);
                            let mut parts = decoded.split('\0').skip(1);
                            let user = parts.next().unwrap_or("").to_string();
                            let pass = parts.next().unwrap_or("").to_string();
                            self.check_login(user, pass)?;
                        }
                        "LOGIN" => {
                            let user = if initial.is_empty() {
                                self.reply(&format!("334 {}", b64("Username:")))?;
                                unb64(&self.text_line()?.unwrap_or_default())
                            } else {
                                unb64(initial)
                            };
                            self.reply(&format!("334 {}", b64("Password:")))?;
                            let pass = unb64(&self.text_line()?.unwrap_or_default());
                            self.check_login(user, pass)?;
                        }
                        _ => self.reply("504 5.5.4 Unrecognized authentication type")?,
                    }
                }
                "MAIL" if starttls_pending => {
                    self.reply("530 5.7.0 Must issue a STARTTLS command first")?
                }
                "MAIL" if self.b.login.is_some() && self.user.is_none() => {
                    self.reply("530 5.7.0 Authentication required")?
                }
                "MAIL" => {
                    self.mail_from = Some(angle(arg));
                    self.rcpt_to.clear();
                    self.reply("250 2.1.0 Ok")?;
                }
                "RCPT" if self.mail_from.is_none() => self.reply("503 5.5.1 Need MAIL first")?,
                "RCPT" => {
                    let to = angle(arg);
                    if self.b.drop_on.contains(&to) {
                        self.close();
                        return Ok(());
                    }
                    if self.b.refuse.contains(&to) {
                        self.reply(&format!(
                            "550 5.1.1 <{to}>: Recipient address rejected: User unknown"
                        ))?;
                    } else {
                        self.rcpt_to.push(to);
                        self.reply("250 2.1.5 Ok")?;
                    }
                }
                "DATA" if self.rcpt_to.is_empty() => self.reply("554 5.5.1 No valid recipients")?,
                "DATA" => {
                    self.reply("354 End data with <CR><LF>.<CR><LF>")?;
                    let mut data = Vec::new();
                    loop {
                        let Some(l) = self.line()? else {
                            return Ok(());
                        };
                        if l == b"." {
                            break;
                        }
                        let l = l.strip_prefix(b".").unwrap_or(&l);
                        data.extend_from_slice(l);
                        data.extend_from_slice(b"\r\n");
                    }
                    let n = {
                        let mut r = self.record.lock().unwrap();
                        r.received.push(Received {
                            mail_from: self.mail_from.take().unwrap_or_default(),
                            rcpt_to: std::mem::take(&mut self.rcpt_to),
                            data,
                            user: self.user.clone(),
                            tls: self.tls,
                        });
                        r.received.len()
                    };
                    self.reply(&format!("250 2.0.0 Ok: queued as TEST{n:04}"))?;
                }
                "RSET" => {
                    self.mail_from = None;
                    self.rcpt_to.clear();
                    self.reply("250 2.0.0 Ok")?;
                }
                "NOOP" => self.reply("250 2.0.0 Ok")?,
                "QUIT" => {
                    self.reply("221 2.0.0 Bye")?;
                    self.close();
                    return Ok(());
                }
                _ => self.reply("502 5.5.2 Command not recognized")?,
            }
        }
        Ok(())
    }
}
