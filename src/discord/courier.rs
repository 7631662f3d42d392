//! Every message the bot sends goes through here: Discord's REST API with
//! the retries a well-behaved bot owes it. A 429 waits as long as Discord
//! says; a 5xx or a dropped connection backs off and tries again, a bounded
//! number of times. Messages carry a nonce Discord enforces, so a retry of a
//! message that was in fact delivered never posts it twice.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;
use serenity::all::{
    ApplicationId, ChannelId, CreateInteractionResponse, CreateMessage, EditInteractionResponse, InteractionId,
    MessageId,
};

use crate::logging::{redact_tokens, Chain};
use crate::ops::Ops;

/// Where Discord's API lives unless `TALKSBOT_DISCORD_API` says otherwise.
pub const DISCORD_BASE: &str = "https://discord.com";

/// The bot token. Its `Debug` and `Display` never show it, so it cannot end
/// up in a log by accident.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        let token = token.into();
        Token(token.trim().trim_start_matches("Bot ").trim().to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Why a request failed for good. Paths are kept with their interaction
/// or webhook token redacted: these errors end up in logs.
#[derive(Debug, thiserror::Error)]
pub enum CourierError {
    #[error("Discord rejected the bot token (401 Unauthorized): check DISCORD_TOKEN or the token file")]
    Unauthorized,
    #[error("Discord refused {method} {path}: {status} {message}")]
    Refused {
        method: Method,
        path: String,
        status: StatusCode,
        message: String,
    },
    #[error("{method} {path} still failed after {attempts} attempts: {last}")]
    GaveUp {
        method: Method,
        path: String,
        attempts: u32,
        last: String,
    },
    #[error("could not encode or decode a Discord payload: {0}")]
    Json(#[from] serde_json::Error),
}

impl CourierError {
    /// Discord's JSON error code, for refusals that carry one.
    fn code(&self) -> Option<i64> {
        match self {
            CourierError::Refused { message, .. } => message.split("code ").nth(1)?.split(')').next()?.parse().ok(),
            _ => None,
        }
    }
}

/// Discord's error code for an interaction that has already been answered:
/// a retry of a callback that did arrive.
const ALREADY_ACKNOWLEDGED: i64 = 40060;

#[derive(Clone)]
pub struct Courier {
    client: reqwest::Client,
    base: String,
    token: Token,
    max_attempts: u32,
    max_backoff: Duration,
    /// Counts retries, when the bot keeps metrics.
    ops: Option<Arc<Ops>>,
}

impl fmt::Debug for Courier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Courier")
            .field("base", &self.base)
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

impl Courier {
    pub fn new(base: &str, token: Token, max_attempts: u32, max_backoff: Duration) -> Courier {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "DiscordBot (https://github.com/talksbot, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .timeout(Duration::from_secs(15))
            .build()
            .expect("a TLS client can be built");
        Courier {
            client,
            base: base.trim_end_matches('/').to_string(),
            token,
            max_attempts: max_attempts.max(1),
            max_backoff,
            ops: None,
        }
    }

    /// Counts every retry in `ops`, by the status that caused it.
    pub fn with_ops(mut self, ops: Arc<Ops>) -> Courier {
        self.ops = Some(ops);
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends one request, retrying 429s, 5xxs and connection failures.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, CourierError> {
        let url = format!("{}/api/v10{path}", self.base);
        // What logs and errors may show of the path: never its token.
        let shown = redact_tokens(path).into_owned();
        let mut last = String::new();
        for attempt in 1..=self.max_attempts {
            let mut status_seen = None;
            let mut req = self
                .client
                .request(method.clone(), &url)
                .header("Authorization", format!("Bot {}", self.token.expose()));
            if let Some(body) = body {
                req = req.json(body);
            }
            let wait = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let header_wait = retry_after_header(&resp);
                    let text = resp.text().await.unwrap_or_default();
                    if status.is_success() {
                        return Ok(if text.trim().is_empty() {
                            None
                        } else {
                            Some(serde_json::from_str(&text)?)
                        });
                    }
                    if status == StatusCode::UNAUTHORIZED {
                        return Err(CourierError::Unauthorized);
                    }
                    status_seen = Some(status.as_u16());
                    last = format!("{status} {}", text.chars().take(200).collect::<String>());
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        let body_wait = serde_json::from_str::<Value>(&text)
                            .ok()
                            .and_then(|v| v.get("retry_after").and_then(Value::as_f64))
                            .map(Duration::from_secs_f64);
                        body_wait.or(header_wait).unwrap_or(Duration::from_secs(1))
                    } else if status.is_server_error() {
                        self.backoff(attempt)
                    } else {
                        let parsed: Option<Value> = serde_json::from_str(&text).ok();
                        let message = parsed
                            .as_ref()
                            .map(|v| {
                                format!(
                                    "{} (code {})",
                                    v.get("message").and_then(Value::as_str).unwrap_or(""),
                                    v.get("code").and_then(Value::as_i64).unwrap_or(0)
                                )
                            })
                            .unwrap_or(text);
                        return Err(CourierError::Refused {
                            method,
                            path: shown,
                            status,
                            message,
                        });
                    }
                }
                Err(e) => {
                    // reqwest's own text is "error sending request"; the why
                    // (refused, reset, timed out) is in its causes.
                    last = Chain(&e.without_url()).to_string();
                    self.backoff(attempt)
                }
            };
            if attempt < self.max_attempts {
                let wait = wait.min(self.max_backoff);
                if let Some(ops) = &self.ops {
                    ops.discord_retry(status_seen);
                }
                tracing::warn!(%method, path = %shown, attempt, wait_ms = wait.as_millis() as u64, reason = ?last, "retrying a Discord request");
                tokio::time::sleep(wait).await;
            }
        }
        Err(CourierError::GaveUp {
            method,
            path: shown,
            attempts: self.max_attempts,
            last,
        })
    }

    fn backoff(&self, attempt: u32) -> Duration {
        Duration::from_millis(250u64.saturating_mul(1 << attempt.min(10)))
    }

    async fn send<T: Serialize>(&self, method: Method, path: &str, body: &T) -> Result<Option<Value>, CourierError> {
        let body = serde_json::to_value(body)?;
        self.request(method, path, Some(&body)).await
    }

    /// Posts a message to a channel. The builder should carry a nonce with
    /// `enforce_nonce(true)` so a retry cannot post it twice.
    pub async fn create_message(&self, channel: ChannelId, message: &CreateMessage) -> Result<Value, CourierError> {
        let path = format!("/channels/{channel}/messages");
        Ok(self.send(Method::POST, &path, message).await?.unwrap_or(Value::Null))
    }

    /// Adds the bot's reaction (a Unicode emoji) to a message. Adding the
    /// same reaction twice is no error on Discord, so retries are safe.
    pub async fn react(&self, channel: ChannelId, message: MessageId, emoji: &str) -> Result<(), CourierError> {
        let path = format!(
            "/channels/{channel}/messages/{message}/reactions/{}/@me",
            percent_encode(emoji)
        );
        self.request(Method::PUT, &path, None).await.map(|_| ())
    }

    /// Answers an interaction. A retry that finds the interaction already
    /// answered means the first attempt arrived: that is success.
    pub async fn respond(
        &self,
        interaction: InteractionId,
        token: &str,
        response: &CreateInteractionResponse,
    ) -> Result<(), CourierError> {
        let path = format!("/interactions/{interaction}/{token}/callback");
        match self.send(Method::POST, &path, response).await {
            Err(e) if e.code() == Some(ALREADY_ACKNOWLEDGED) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Edits the original response to an interaction (after a deferral).
    pub async fn edit_original(
        &self,
        application: ApplicationId,
        token: &str,
        edit: &EditInteractionResponse,
    ) -> Result<(), CourierError> {
        let path = format!("/webhooks/{application}/{token}/messages/@original");
        self.send(Method::PATCH, &path, edit).await.map(|_| ())
    }

    /// The websocket address of the gateway, asked of the API base itself,
    /// so that a proxy or test double is never bypassed for Discord's own.
    pub async fn gateway_url(&self) -> Result<String, CourierError> {
        let v = self
            .request(Method::GET, "/gateway", None)
            .await?
            .unwrap_or(Value::Null);
        v.get("url")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| CourierError::Refused {
                method: Method::GET,
                path: "/gateway".into(),
                status: StatusCode::OK,
                message: "the answer has no gateway url".into(),
            })
    }

    /// The bot's own user: checks the token, and gives the id mentions use.
    pub async fn current_user(&self) -> Result<Value, CourierError> {
        Ok(self
            .request(Method::GET, "/users/@me", None)
            .await?
            .unwrap_or(Value::Null))
    }
}

/// A path segment with every byte but letters, digits and `-._~` escaped,
/// as Discord wants an emoji in a reaction's path.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn retry_after_header(resp: &reqwest::Response) -> Option<Duration> {
    let h = resp.headers();
    let secs = h
        .get("x-ratelimit-reset-after")
        .or_else(|| h.get("retry-after"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let token = Token::new("Bot abc.def.ghi");
        assert_eq!(token.expose(), "abc.def.ghi");
        assert!(!format!("{token:?}").contains("abc"));
        let courier = Courier::new("http://127.0.0.1:1", token, 3, Duration::from_millis(10));
        assert!(!format!("{courier:?}").contains("abc"));
    }

    #[test]
    fn emoji_are_escaped_for_the_reaction_path() {
        assert_eq!(percent_encode("\u{23f3}"), "%E2%8F%B3");
        assert_eq!(percent_encode("name:123"), "name%3A123");
    }

    #[test]
    fn refusal_codes_are_read_back() {
        let e = CourierError::Refused {
            method: Method::POST,
            path: "/x".into(),
            status: StatusCode::BAD_REQUEST,
            message: "Interaction has already been acknowledged. (code 40060)".into(),
        };
        assert_eq!(e.code(), Some(ALREADY_ACKNOWLEDGED));
    }

    /// A port nothing listens on: bound, then let go.
    async fn closed_port() -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn a_request_that_gives_up_says_why_and_never_shows_the_interaction_token() {
        let base = format!("http://127.0.0.1:{}", closed_port().await);
        let courier = Courier::new(&base, Token::new("t"), 2, Duration::from_millis(1));
        let response = CreateInteractionResponse::Acknowledge;
        let err = courier
            .respond(InteractionId::new(5), "secret-interaction-token", &response)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("secret-interaction-token"), "{text}");
        assert!(text.contains("/interactions/5/<redacted>/callback"), "{text}");
        assert!(
            text.contains("error sending request: ") && text.to_lowercase().contains("connect"),
            "the cause is kept: {text}"
        );
    }
}
