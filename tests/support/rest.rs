//! The REST side of the stand-in: the routes the bot uses under `/api/v10`,
//! answered the way Discord answers them (status codes, error codes, the
//! objects it returns), with every request recorded and every JSON body
//! checked against Discord's OpenAPI spec.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{payloads, Inner, Recorded, State};

const API: &str = "/api/v10";

/// A route the stand-in serves, with the ids in its path.
enum Route {
    Gateway,
    GatewayBot,
    CurrentUser,
    User,
    Application,
    Commands {
        guild: Option<u64>,
    },
    Channel(u64),
    CreateMessage(u64),
    Message {
        channel: u64,
        message: u64,
    },
    /// PUT /channels/{c}/messages/{m}/reactions/{emoji}/@me
    React {
        channel: u64,
        message: u64,
        emoji: String,
    },
    Typing,
    Guild(u64),
    GuildRoles,
    GuildChannels,
    Member {
        user: u64,
    },
    Callback {
        interaction: u64,
    },
    Original {
        token: String,
    },
    Followup {
        token: String,
    },
    FollowupMessage {
        token: String,
        message: u64,
    },
}

impl Route {
    /// Routes that Discord answers without the bot token (the interaction
    /// token in the path is the credential).
    fn needs_auth(&self) -> bool {
        !matches!(
            self,
            Route::Callback { .. } | Route::Original { .. } | Route::Followup { .. } | Route::FollowupMessage { .. }
        )
    }
}

fn route(method: &str, path: &str) -> Option<Route> {
    let rest = path.strip_prefix(API)?;
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let id = |s: &str| s.parse::<u64>().ok();
    let r = match (method, segs.as_slice()) {
        ("GET", ["gateway"]) => Route::Gateway,
        ("GET", ["gateway", "bot"]) => Route::GatewayBot,
        ("GET", ["users", "@me"]) => Route::CurrentUser,
        ("GET", ["users", u]) => {
            id(u)?;
            Route::User
        }
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => Route::Application,
        ("GET" | "PUT", ["applications", _app, "commands"]) => Route::Commands { guild: None },
        ("GET" | "PUT", ["applications", _app, "guilds", g, "commands"]) => Route::Commands { guild: Some(id(g)?) },
        ("GET", ["channels", c]) => Route::Channel(id(c)?),
        ("POST", ["channels", c, "messages"]) => Route::CreateMessage(id(c)?),
        ("GET" | "PATCH", ["channels", c, "messages", m]) => Route::Message {
            channel: id(c)?,
            message: id(m)?,
        },
        ("PUT", ["channels", c, "messages", m, "reactions", emoji, "@me"]) => Route::React {
            channel: id(c)?,
            message: id(m)?,
            emoji: (*emoji).to_string(),
        },
        ("POST", ["channels", _c, "typing"]) => Route::Typing,
        ("GET", ["guilds", g]) => Route::Guild(id(g)?),
        ("GET", ["guilds", _g, "roles"]) => Route::GuildRoles,
        ("GET", ["guilds", _g, "channels"]) => Route::GuildChannels,
        ("GET", ["guilds", _g, "members", u]) => Route::Member { user: id(u)? },
        ("POST", ["interactions", i, _token, "callback"]) => Route::Callback { interaction: id(i)? },
        ("GET" | "PATCH", ["webhooks", _app, token, "messages", "@original"]) => Route::Original {
            token: (*token).to_string(),
        },
        ("POST", ["webhooks", _app, token]) => Route::Followup {
            token: (*token).to_string(),
        },
        ("GET" | "PATCH", ["webhooks", _app, token, "messages", m]) => Route::FollowupMessage {
            token: (*token).to_string(),
            message: id(m)?,
        },
        _ => return None,
    };
    Some(r)
}

/// Whether the stand-in has no route for this request (so a 404 to it means
/// the bot called something Discord does not have, or the stand-in lacks).
pub(super) fn is_unrouted(method: &str, path: &str) -> bool {
    route(method, path).is_none()
}

fn error(status: u16, code: u64, message: &str) -> (u16, Value) {
    (status, json!({"message": message, "code": code}))
}

pub(super) async fn handle(
    AxumState(inner): AxumState<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let response = handle_timed(&inner, method, uri, headers, body);
    let spent = started.elapsed().as_nanos() as u64;
    inner.busy_ns.fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
    response
}

fn handle_timed(inner: &Arc<Inner>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let method = method.as_str().to_string();
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let content_type = header("content-type");
    let user_agent = header("user-agent");
    let authorization = header("authorization");

    let mut problems = Vec::new();
    if !user_agent.as_deref().is_some_and(|ua| ua.starts_with("DiscordBot (")) {
        problems.push(format!(
            "{method} {path}: no `User-Agent: DiscordBot (url, version)` header (got {user_agent:?})"
        ));
    }
    let json_body = if body.is_empty() {
        None
    } else {
        let is_json = content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json"));
        if !is_json {
            problems.push(format!(
                "{method} {path}: a body sent as {content_type:?}, not application/json"
            ));
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(format!("{method} {path}: the body is not JSON: {e}"));
                None
            }
        }
    };
    if let Some(b) = &json_body {
        let api_path = path.strip_prefix(API).unwrap_or(&path);
        for p in inner.spec.problems(&method, api_path, b) {
            problems.push(format!("{method} {path}: {}", p.describe()));
        }
    }

    let mut st = inner.lock();
    st.violations.extend(problems);
    let index = st.requests.len();
    st.requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        authorization: authorization.clone(),
        content_type,
        user_agent,
        body: json_body.clone(),
        status: 0,
    });

    let failure = st
        .failures
        .iter_mut()
        .find(|f| f.times > 0 && f.method == method && path.starts_with(&f.path_prefix))
        .map(|f| {
            f.times -= 1;
            (f.status, f.body.clone(), f.deliver_anyway)
        });
    st.failures.retain(|f| f.times > 0);

    let (status, reply) = match &failure {
        Some((status, body, false)) => (*status, body.clone()),
        _ => {
            let outcome = match route(&method, &path) {
                None => error(404, 0, "404: Not Found"),
                Some(r) => {
                    let authed = authorization.as_deref().and_then(|a| a.strip_prefix("Bot "))
                        == Some(super::StandIn::TOKEN)
                        && !st.reject_token;
                    if r.needs_auth() && !authed {
                        error(401, 0, "401: Unauthorized")
                    } else {
                        serve(inner, &mut st, r, json_body.unwrap_or(Value::Null))
                    }
                }
            };
            match failure {
                Some((status, body, true)) => (status, body),
                _ => outcome,
            }
        }
    };
    st.requests[index].status = status;
    drop(st);

    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if status == 204 {
        code.into_response()
    } else {
        (code, axum::Json(reply.clone())).into_response()
    };
    if status == 429 {
        let after = reply.get("retry_after").and_then(Value::as_f64).unwrap_or(1.0);
        let global = reply.get("global").and_then(Value::as_bool).unwrap_or(false);
        let h = response.headers_mut();
        let mut set = |k: &'static str, v: String| {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.insert(k, v);
            }
        };
        set("retry-after", format!("{}", after.ceil() as u64));
        set("x-ratelimit-limit", "5".into());
        set("x-ratelimit-remaining", "0".into());
        set("x-ratelimit-reset-after", format!("{after:.3}"));
        set("x-ratelimit-bucket", "stand-in-bucket".into());
        set("x-ratelimit-scope", if global { "global" } else { "user" }.into());
        if global {
            set("x-ratelimit-global", "true".into());
        }
    }
    response
}

/// Carries out a routed, authorised request.
fn serve(inner: &Inner, st: &mut State, route: Route, body: Value) -> (u16, Value) {
    match route {
        Route::Gateway => (200, json!({"url": inner.gateway_url()})),
        Route::GatewayBot => (200, payloads::gateway_bot(&inner.gateway_url())),
        Route::CurrentUser => (200, payloads::bot_user()),
        Route::User => (200, payloads::owner_user()),
        Route::Application => (200, payloads::application()),
        Route::Commands { guild } => {
            if body.is_null() {
                let list = match guild {
                    None => st.global_commands.clone(),
                    Some(g) => st.guild_commands.get(&g).cloned().unwrap_or_default(),
                };
                return (200, Value::Array(list));
            }
            let Some(list) = body.as_array() else {
                return error(400, 50035, "Invalid Form Body");
            };
            if list.len() > 100 {
                return error(400, 30032, "Maximum number of application commands reached (100)");
            }
            let stored: Vec<Value> = list
                .iter()
                .map(|c| {
                    let name = c.get("name").and_then(Value::as_str).unwrap_or("");
                    let mut out = c.clone();
                    out["id"] = json!(payloads::command_id(name).to_string());
                    out["application_id"] = json!(super::StandIn::APPLICATION_ID.to_string());
                    out["version"] = json!(payloads::new_snowflake().to_string());
                    if out.get("type").is_none() {
                        out["type"] = json!(1);
                    }
                    if out.get("default_member_permissions").is_none() {
                        out["default_member_permissions"] = Value::Null;
                    }
                    out["nsfw"] = json!(false);
                    if let Some(g) = guild {
                        out["guild_id"] = json!(g.to_string());
                    }
                    out
                })
                .collect();
            match guild {
                None => st.global_commands = stored.clone(),
                Some(g) => {
                    st.guild_commands.insert(g, stored.clone());
                }
            }
            (200, Value::Array(stored))
        }
        Route::Channel(c) => match st.channels.get(&c) {
            Some(ch) => (200, ch.clone()),
            None => error(404, 10003, "Unknown Channel"),
        },
        Route::CreateMessage(channel) => create_message(st, channel, &body),
        Route::Message { channel, message } => {
            let Some(list) = st.messages.get_mut(&channel) else {
                return error(404, 10008, "Unknown Message");
            };
            let Some(pos) = list.iter().position(|m| payloads::id_of(m) == Some(message)) else {
                return error(404, 10008, "Unknown Message");
            };
            edit_or_show(&mut list[pos], body, None)
        }
        Route::React {
            channel,
            message,
            emoji,
        } => react(st, channel, message, &emoji),
        Route::Typing => (204, Value::Null),
        Route::Guild(g) if g == super::StandIn::GUILD_ID => (200, payloads::guild()),
        Route::Guild(_) => error(404, 10004, "Unknown Guild"),
        Route::GuildRoles => (200, payloads::roles()),
        Route::GuildChannels => (200, payloads::channels(false)),
        Route::Member { user } => match st.members.get(&user) {
            Some(m) => (200, m.clone()),
            None => error(404, 10007, "Unknown Member"),
        },
        Route::Callback { interaction } => callback(st, interaction, &body),
        Route::Original { token } => {
            let Some(i) = payloads::interaction_of_token(&token).and_then(|id| st.interactions.get_mut(&id)) else {
                return error(404, 10015, "Unknown Webhook");
            };
            let Some(original) = i.original.as_mut() else {
                return error(404, 10008, "Unknown Message");
            };
            // The first edit of a deferred response ends its "thinking…".
            if !body.is_null() {
                if let Some(flags) = original["flags"].as_u64() {
                    original["flags"] = json!(flags & !128);
                }
            }
            edit_or_show(original, body, Some(&mut st.webhook_edits))
        }
        Route::Followup { token } => {
            // Follow-ups exist only once the interaction has been answered.
            let Some(i) = payloads::interaction_of_token(&token)
                .and_then(|id| st.interactions.get_mut(&id))
                .filter(|i| i.acknowledged)
            else {
                return error(404, 10015, "Unknown Webhook");
            };
            let message = bot_message(i.channel_id, &body, None);
            i.followups.push(message.clone());
            st.webhook_edits.push(body);
            (200, message)
        }
        Route::FollowupMessage { token, message } => {
            let Some(i) = payloads::interaction_of_token(&token).and_then(|id| st.interactions.get_mut(&id)) else {
                return error(404, 10015, "Unknown Webhook");
            };
            let Some(m) = i.followups.iter_mut().find(|m| payloads::id_of(m) == Some(message)) else {
                return error(404, 10008, "Unknown Message");
            };
            edit_or_show(m, body, Some(&mut st.webhook_edits))
        }
    }
}

/// A message by the bot as Discord returns it.
fn bot_message(channel: u64, body: &Value, reference: Option<Value>) -> Value {
    let id = payloads::new_snowflake();
    let mut m = json!({
        "id": id.to_string(),
        "type": if reference.is_some() { 19 } else { 0 },
        "channel_id": channel.to_string(),
        "author": payloads::user(super::StandIn::BOT_USER_ID, super::StandIn::BOT_NAME, true),
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": payloads::now_timestamp(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "components": body.get("components").cloned().unwrap_or(json!([])),
        "pinned": false,
        "flags": body.get("flags").cloned().unwrap_or(json!(0)),
    });
    for e in m["embeds"].as_array_mut().into_iter().flatten() {
        if e.get("type").is_none() {
            e["type"] = json!("rich");
        }
    }
    if let Some(n) = body.get("nonce") {
        m["nonce"] = n.clone();
    }
    if let Some(r) = reference {
        m["message_reference"] = r;
    }
    m
}

fn apply_edit(message: &mut Value, body: &Value) {
    for k in ["content", "embeds", "components", "flags"] {
        if let Some(v) = body.get(k) {
            message[k] = v.clone();
        }
    }
    message["edited_timestamp"] = json!(payloads::now_timestamp());
}

/// A GET (no body) shows the message; a PATCH edits it, noting the edit in
/// `edits` when given, and returns it as it is now.
fn edit_or_show(message: &mut Value, body: Value, edits: Option<&mut Vec<Value>>) -> (u16, Value) {
    if !body.is_null() {
        apply_edit(message, &body);
        if let Some(edits) = edits {
            edits.push(body);
        }
    }
    (200, message.clone())
}

fn create_message(st: &mut State, channel: u64, body: &Value) -> (u16, Value) {
    if !st.channels.contains_key(&channel) {
        return error(404, 10003, "Unknown Channel");
    }
    let has_content = body
        .get("content")
        .and_then(Value::as_str)
        .is_some_and(|c| !c.is_empty())
        || body
            .get("embeds")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
        || body
            .get("components")
            .and_then(Value::as_array)
            .is_some_and(|c| !c.is_empty());
    if !has_content {
        return error(400, 50006, "Cannot send an empty message");
    }
    let nonce = body.get("nonce").map(|n| match n {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let enforce = body.get("enforce_nonce").and_then(Value::as_bool) == Some(true);
    if let (Some(n), true) = (&nonce, enforce) {
        if let Some(existing) = st.nonces.get(&(channel, n.clone())) {
            let existing = *existing;
            if let Some(m) = st
                .messages
                .get(&channel)
                .and_then(|l| l.iter().find(|m| payloads::id_of(m) == Some(existing)))
            {
                return (200, m.clone());
            }
        }
    }
    let reference = body.get("message_reference").map(|r| {
        let mut r = r.clone();
        if r.get("channel_id").is_none() {
            r["channel_id"] = json!(channel.to_string());
        }
        r
    });
    if let Some(r) = &reference {
        let target = r
            .get("message_id")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<u64>().ok());
        let known = target.is_some_and(|t| st.known_messages.contains_key(&t));
        let fail_if_missing = r.get("fail_if_not_exists").and_then(Value::as_bool) != Some(false);
        if !known && fail_if_missing {
            return error(400, 50035, "Invalid Form Body: Unknown message");
        }
    }
    let message = bot_message(channel, body, reference);
    let id = payloads::id_of(&message).unwrap_or(0);
    if let (Some(n), true) = (nonce, enforce) {
        st.nonces.insert((channel, n), id);
    }
    st.messages.entry(channel).or_default().push(message.clone());
    st.known_messages.insert(id, message.clone());
    if st.echo_own_messages {
        let mut echo = message.clone();
        if st.channels.get(&channel).and_then(|c| c.get("guild_id")).is_some() {
            echo["guild_id"] = json!(super::StandIn::GUILD_ID.to_string());
            echo["member"] = payloads::member(None, &[super::StandIn::BOT_ROLE_ID]);
        }
        st.dispatch("MESSAGE_CREATE", echo);
    }
    (200, message)
}

/// The bot's own reaction on a message, as Discord takes it: the emoji
/// percent-encoded in the path (a raw one does not arrive as one segment),
/// a message Discord knows, in that channel; adding it twice is no error.
fn react(st: &mut State, channel: u64, message: u64, emoji: &str) -> (u16, Value) {
    let Some(name) = percent_decode(emoji).filter(|e| !e.is_empty()) else {
        return error(400, 10014, "Unknown Emoji");
    };
    if !st.channels.contains_key(&channel) {
        return error(404, 10003, "Unknown Channel");
    }
    let known = st
        .known_messages
        .get(&message)
        .is_some_and(|m| m.get("channel_id").and_then(Value::as_str) == Some(channel.to_string().as_str()));
    if !known {
        return error(404, 10008, "Unknown Message");
    }
    let mine = st.reactions.entry(message).or_default();
    if !mine.contains(&name) {
        mine.push(name);
    }
    (204, Value::Null)
}

/// `%XX` escapes decoded; `None` if that is not UTF-8 or an escape is broken.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn callback(st: &mut State, interaction: u64, body: &Value) -> (u16, Value) {
    let deadline = st.interaction_deadline;
    let Some(i) = st.interactions.get_mut(&interaction) else {
        return error(404, 10062, "Unknown interaction");
    };
    if i.acknowledged {
        return error(400, 40060, "Interaction has already been acknowledged.");
    }
    if deadline.is_some_and(|d| Instant::now().duration_since(i.dispatched) > d) {
        return error(404, 10062, "Unknown interaction");
    }
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
    // Which callback types suit which interaction types.
    let fits = match kind {
        1 => i.kind == 1,
        4 | 5 => matches!(i.kind, 2 | 3 | 5),
        6 | 7 => matches!(i.kind, 3 | 5) && i.message.is_some(),
        8 => i.kind == 4,
        9 => matches!(i.kind, 2 | 3),
        _ => false,
    };
    if !fits {
        return error(
            400,
            40043,
            "Interaction response type is not valid for this interaction",
        );
    }
    i.acknowledged = true;
    let data = body.get("data").cloned().unwrap_or(json!({}));
    match kind {
        4 => i.original = Some(bot_message(i.channel_id, &data, None)),
        5 => {
            let mut m = bot_message(i.channel_id, &json!({"content": ""}), None);
            m["flags"] = json!(data.get("flags").and_then(Value::as_u64).unwrap_or(0) | 128);
            i.original = Some(m);
        }
        7 => {
            let mut m = i.message.clone().unwrap_or(Value::Null);
            apply_edit(&mut m, &data);
            i.original = Some(m.clone());
            let channel = i.channel_id;
            if let (Some(id), Some(list)) = (payloads::id_of(&m), st.messages.get_mut(&channel)) {
                if let Some(stored) = list.iter_mut().find(|x| payloads::id_of(x) == Some(id)) {
                    *stored = m;
                }
            }
        }
        6 => i.original = i.message.clone(),
        _ => {}
    }
    st.interaction_responses.push((interaction, body.clone()));
    (204, Value::Null)
}
