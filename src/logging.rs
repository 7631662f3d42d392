//! Log lines an operator can trust and a member cannot forge.
//!
//! Every line the process logs goes through [`Sanitized`]: interaction and
//! webhook tokens are redacted (they let whoever reads them post as the bot
//! for 15 minutes), and one event is one line, whatever text it carries.
//! Colours are used only on a terminal. [`Chain`] shows an error with its
//! causes, so "error sending request" says why.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::io::{self, IsTerminal, Write};

use tracing_subscriber::fmt::MakeWriter;

/// What a redacted token is replaced with.
pub const REDACTED: &str = "<redacted>";

/// The log filter when `RUST_LOG` says nothing: the bot's own news, and only
/// warnings from the Discord libraries.
pub const DEFAULT_FILTER: &str = "info,serenity=warn,poise=warn";

/// Route segments followed by `{id}/{token}`: `/interactions/{id}/{token}/callback`
/// and `/webhooks/{application}/{token}/...`.
const TOKEN_ROUTES: [&str; 2] = ["/interactions/", "/webhooks/"];

/// `text` with the token of every interaction or webhook route in it
/// replaced by [`REDACTED`]. The one place tokens are taken out: request
/// paths and error messages use it, and so does every log line.
pub fn redact_tokens(text: &str) -> Cow<'_, str> {
    if !TOKEN_ROUTES.iter().any(|r| text.contains(r)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = TOKEN_ROUTES
            .iter()
            .filter_map(|r| rest.find(r).map(|at| (at, r.len())))
            .min();
        let Some((at, len)) = next else { break };
        let (before, after) = rest.split_at(at + len);
        out.push_str(before);
        rest = after;
        // The id: digits only. Anything else is not one of these routes
        // (and "/webhooks/" in prose is left as it is).
        let id_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        if id_len == 0 || rest.as_bytes().get(id_len) != Some(&b'/') {
            continue;
        }
        out.push_str(&rest[..=id_len]);
        rest = &rest[id_len + 1..];
        // Already redacted (a courier error, logged): leave it so.
        if let Some(after) = rest.strip_prefix(REDACTED) {
            out.push_str(REDACTED);
            rest = after;
            continue;
        }
        let token_len = rest.find(ends_a_segment).unwrap_or(rest.len());
        if token_len > 0 {
            out.push_str(REDACTED);
        }
        rest = &rest[token_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn ends_a_segment(c: char) -> bool {
    matches!(
        c,
        '/' | '?' | '#' | '"' | '\'' | '`' | '>' | ')' | ']' | ',' | ';' | '\\'
    ) || c.is_whitespace()
}

/// One log event as one line: tokens redacted, and any line break inside it
/// written as `\n` or `\r`, so text a member typed can never start a line
/// that looks like the bot's own. The final newline is kept.
pub fn sanitize_line(event: &str) -> Cow<'_, str> {
    let (body, end) = match event.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (event, ""),
    };
    let redacted = redact_tokens(body);
    if !redacted.contains(['\n', '\r']) {
        return match redacted {
            Cow::Borrowed(_) => Cow::Borrowed(event),
            Cow::Owned(mut s) => {
                s.push_str(end);
                Cow::Owned(s)
            }
        };
    }
    let mut out = String::with_capacity(redacted.len() + 8);
    for c in redacted.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push_str(end);
    Cow::Owned(out)
}

/// A [`MakeWriter`] whose writers pass every event through [`sanitize_line`].
///
/// The fmt layer formats an event whole and hands it over in one write, so
/// each write here is one event.
#[derive(Debug, Clone)]
pub struct Sanitized<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Sanitized<M> {
    type Writer = SanitizedWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        SanitizedWriter(self.0.make_writer())
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        SanitizedWriter(self.0.make_writer_for(meta))
    }
}

/// The writer of [`Sanitized`].
#[derive(Debug)]
pub struct SanitizedWriter<W>(W);

impl<W: Write> Write for SanitizedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(sanitize_line(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The subscriber the bot logs through: `RUST_LOG` or [`DEFAULT_FILTER`],
/// sanitized lines to `writer`, colours only if `ansi`.
pub fn subscriber<W>(writer: W, ansi: bool) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(Sanitized(writer))
        .finish()
}

/// Colours only for a person at a terminal: not in journald or a file, and
/// not when `NO_COLOR` is set (<https://no-color.org>).
pub fn stderr_wants_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Logs to standard error from now on (once per process; later calls keep
/// the first).
pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stderr, stderr_wants_colour()));
}

/// An error and its causes, as "what: why: why". A cause whose text the
/// line already says is not repeated, so an I/O error wrapped with its own
/// message reads once.
pub struct Chain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut said = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(c) = cause {
            let text = c.to_string();
            if !text.is_empty() && !said.contains(&text) {
                said.push_str(": ");
                said.push_str(&text);
            }
            cause = c.source();
        }
        f.write_str(&redact_tokens(&said))
    }
}

impl fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn interaction_callback_tokens_are_redacted() {
        assert_eq!(
            redact_tokens("POST /interactions/1180000000000000123/aW50ZXJhY3Rpb246MTIz.abc-_/callback failed"),
            "POST /interactions/1180000000000000123/<redacted>/callback failed"
        );
    }

    #[test]
    fn webhook_tokens_are_redacted_with_or_without_a_tail() {
        assert_eq!(
            redact_tokens("PATCH https://discord.com/api/v10/webhooks/42/tok99/messages/@original"),
            "PATCH https://discord.com/api/v10/webhooks/42/<redacted>/messages/@original"
        );
        assert_eq!(redact_tokens("POST /webhooks/42/tok99"), "POST /webhooks/42/<redacted>");
        assert_eq!(
            redact_tokens("path=\"/webhooks/42/tok99?wait=true\""),
            "path=\"/webhooks/42/<redacted>?wait=true\""
        );
    }

    #[test]
    fn every_token_in_a_line_is_redacted() {
        let line = "/interactions/1/a/callback then /webhooks/2/b/messages/3 and /interactions/4/c";
        assert_eq!(
            redact_tokens(line),
            "/interactions/1/<redacted>/callback then /webhooks/2/<redacted>/messages/3 and /interactions/4/<redacted>"
        );
    }

    #[test]
    fn redacting_twice_changes_nothing() {
        let once = redact_tokens("POST /interactions/1/secret/callback").into_owned();
        assert_eq!(redact_tokens(&once), once);
    }

    #[test]
    fn text_without_a_token_route_is_left_alone() {
        for text in [
            "POST /channels/1/messages",
            "see /webhooks/ in the docs",
            "/interactions/abc/def",
            "/webhooks/12",
            "",
        ] {
            assert_eq!(redact_tokens(text), text);
        }
    }

    #[test]
    fn an_event_with_line_breaks_stays_one_line() {
        let event = "INFO question text=who met putin\nINFO forged line\r\n";
        assert_eq!(
            sanitize_line(event),
            "INFO question text=who met putin\\nINFO forged line\\r\n"
        );
        assert_eq!(sanitize_line("plain line\n"), "plain line\n");
        assert!(matches!(sanitize_line("plain line\n"), Cow::Borrowed(_)));
    }

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Buffer {
            self.clone()
        }
    }

    #[test]
    fn the_bots_subscriber_writes_plain_sanitized_lines() {
        let buffer = Buffer::default();
        tracing::subscriber::with_default(subscriber(buffer.clone(), false), || {
            tracing::warn!(
                path = "/interactions/7/secret-token/callback",
                reason = "a\nb",
                "retrying"
            );
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!text.contains("secret-token"), "{text}");
        assert!(text.contains("/interactions/7/<redacted>/callback"), "{text}");
        assert!(!text.contains('\x1b'), "no colour codes: {text:?}");
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn Error + 'static))
        }
    }

    #[test]
    fn an_error_is_shown_with_its_causes_each_once() {
        let e = Layer(
            "error sending request",
            Some(Box::new(Layer(
                "tcp connect error: Connection refused (os error 111)",
                Some(Box::new(Layer("Connection refused (os error 111)", None))),
            ))),
        );
        assert_eq!(
            Chain(&e).to_string(),
            "error sending request: tcp connect error: Connection refused (os error 111)"
        );
    }
}
