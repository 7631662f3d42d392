//! `StandIn`: a local Discord (API v10) on 127.0.0.1 for the bot's tests.
//!
//! It serves the REST API under `/api/v10` and a websocket gateway at
//! `/gateway`, both from one random port, and behaves the way Discord does
//! where the bot can tell: 401s for a bad token, nonce de-duplication,
//! "already acknowledged" interactions, the 3-second interaction deadline,
//! intents (no message content without MESSAGE_CONTENT unless the bot is
//! mentioned), the bot's own messages coming back as MESSAGE_CREATE,
//! RESUME with replay, and request bodies checked against Discord's own
//! OpenAPI spec. Tests steer it (inject failures, dispatch events, drop the
//! connection) and read back what the bot did.
#![allow(dead_code)]

pub mod bot;
mod gateway;
pub mod payloads;
mod rest;
pub mod spec;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedSender;

#[allow(unused_imports)]
pub use payloads::{
    autocomplete, bot_user, button_press, command_id, dm_message_create, interaction_token, member, message_create,
    modal_submit, modal_text_row, slash_command, user, with_member_roles,
};

/// One REST request the stand-in received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path without the query, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    /// The query string without `?` (empty if none).
    pub query: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    /// The JSON body, if the request had one.
    pub body: Option<Value>,
    /// The status the stand-in answered with (0 while still being handled).
    pub status: u16,
}

/// What [`StandIn::drain`] hands over.
#[derive(Debug, Default)]
pub struct Drained {
    /// Accepted interaction callbacks: (interaction id, body).
    pub responses: Vec<(u64, Value)>,
    /// Messages the bot created, as Discord returned them.
    pub messages: Vec<Value>,
}

/// What `fail_next` arranged.
struct Failure {
    method: String,
    path_prefix: String,
    status: u16,
    body: Value,
    times: usize,
    deliver_anyway: bool,
}

/// What the stand-in knows about an interaction it dispatched.
struct InteractionState {
    kind: u64,
    dispatched: Instant,
    acknowledged: bool,
    channel_id: u64,
    /// The message a component was on.
    message: Option<Value>,
    /// The original response, once there is one.
    original: Option<Value>,
    followups: Vec<Value>,
}

/// A frame for one websocket connection.
enum Out {
    Text(String),
    Close(u16, String),
    /// Drop the connection without a close frame (the stand-in is going away).
    Drop,
}

/// The gateway session (one shard).
struct Session {
    id: String,
    seq: u64,
    /// Every dispatch of this session, for replay on RESUME.
    history: Vec<(u64, String)>,
    intents: u64,
    /// The connection the session is live on; `None` while disconnected.
    conn: Option<u64>,
}

/// Intent bits the stand-in honours.
const INTENT_GUILDS: u64 = 1 << 0;
const INTENT_GUILD_MESSAGES: u64 = 1 << 9;
const INTENT_DIRECT_MESSAGES: u64 = 1 << 12;
const INTENT_MESSAGE_CONTENT: u64 = 1 << 15;

struct State {
    reject_token: bool,
    echo_own_messages: bool,
    interaction_deadline: Option<Duration>,
    requests: Vec<Recorded>,
    violations: Vec<String>,
    failures: Vec<Failure>,
    /// Known channels, as GET /channels/{id} returns them.
    channels: BTreeMap<u64, Value>,
    /// Messages the bot created, per channel.
    messages: BTreeMap<u64, Vec<Value>>,
    /// Every message the stand-in knows by id (dispatched or created).
    known_messages: HashMap<u64, Value>,
    /// The bot's reactions, per message id: the emoji, decoded.
    reactions: HashMap<u64, Vec<String>>,
    nonces: HashMap<(u64, String), u64>,
    /// Guild members by user id (with `user`).
    members: HashMap<u64, Value>,
    interactions: HashMap<u64, InteractionState>,
    interaction_responses: Vec<(u64, Value)>,
    webhook_edits: Vec<Value>,
    global_commands: Vec<Value>,
    /// Files people attached, by the path of their CDN address.
    attachments: HashMap<String, Vec<u8>>,
    guild_commands: BTreeMap<u64, Vec<Value>>,
    // gateway
    conns: HashMap<u64, UnboundedSender<Out>>,
    authed_conns: HashSet<u64>,
    next_conn: u64,
    sessions_started: u64,
    session: Option<Session>,
    identify_count: usize,
    resume_count: usize,
    heartbeat_count: usize,
    identifies: Vec<Value>,
    gateway_log: Vec<String>,
}

impl State {
    fn new() -> State {
        let mut channels = BTreeMap::new();
        for c in [
            payloads::text_channel(StandIn::CHANNEL_ID, "general", 0, true),
            payloads::text_channel(StandIn::OTHER_CHANNEL_ID, "off-topic", 1, true),
        ] {
            let id = c["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
            channels.insert(id, c);
        }
        let mut members = HashMap::new();
        members.insert(
            StandIn::BOT_USER_ID,
            payloads::member(
                Some(payloads::user(StandIn::BOT_USER_ID, StandIn::BOT_NAME, true)),
                &[StandIn::BOT_ROLE_ID],
            ),
        );
        members.insert(
            StandIn::OWNER_ID,
            payloads::member(Some(payloads::owner_user()), &[StandIn::MOD_ROLE_ID]),
        );
        State {
            reject_token: false,
            echo_own_messages: true,
            interaction_deadline: Some(Duration::from_secs(3)),
            requests: Vec::new(),
            violations: Vec::new(),
            failures: Vec::new(),
            channels,
            messages: BTreeMap::new(),
            known_messages: HashMap::new(),
            reactions: HashMap::new(),
            nonces: HashMap::new(),
            members,
            interactions: HashMap::new(),
            interaction_responses: Vec::new(),
            webhook_edits: Vec::new(),
            global_commands: Vec::new(),
            attachments: HashMap::new(),
            guild_commands: BTreeMap::new(),
            conns: HashMap::new(),
            authed_conns: HashSet::new(),
            next_conn: 0,
            sessions_started: 0,
            session: None,
            identify_count: 0,
            resume_count: 0,
            heartbeat_count: 0,
            identifies: Vec::new(),
            gateway_log: Vec::new(),
        }
    }

    fn send(&self, conn: u64, out: Out) {
        if let Some(tx) = self.conns.get(&conn) {
            let _ = tx.send(out);
        }
    }

    /// The live connection of the session, if any.
    fn live_conn(&self) -> Option<u64> {
        self.session
            .as_ref()
            .and_then(|s| s.conn)
            .filter(|c| self.conns.contains_key(c))
    }

    /// Takes note of channels, members, messages and interactions a
    /// dispatched payload shows, so the REST side knows them too.
    fn learn(&mut self, event: &str, d: &Value) {
        let id_of = |v: Option<&Value>| v.and_then(Value::as_str).and_then(|s| s.parse::<u64>().ok());
        let channel_id = id_of(d.get("channel_id"));
        let guild_id = id_of(d.get("guild_id"));
        if let Some(c) = channel_id {
            self.channels.entry(c).or_insert_with(|| match guild_id {
                Some(_) => payloads::text_channel(c, &format!("channel-{c}"), 2, true),
                None => payloads::dm_channel(
                    c,
                    d.get("author")
                        .or_else(|| d.get("user"))
                        .cloned()
                        .unwrap_or(Value::Null),
                ),
            });
        }
        let mut learn_member = |user: Option<&Value>, member: Option<&Value>| {
            if let (Some(u), Some(m), Some(_)) = (user, member, guild_id) {
                if let Some(uid) = id_of(u.get("id")) {
                    let mut m = m.clone();
                    m["user"] = u.clone();
                    if let Some(o) = m.as_object_mut() {
                        o.remove("permissions");
                    }
                    self.members.insert(uid, m);
                }
            }
        };
        match event {
            "MESSAGE_CREATE" | "MESSAGE_UPDATE" => {
                learn_member(d.get("author"), d.get("member"));
                if let Some(id) = id_of(d.get("id")) {
                    self.known_messages.insert(id, d.clone());
                }
            }
            "INTERACTION_CREATE" => {
                let member = d.get("member");
                learn_member(member.and_then(|m| m.get("user")), member);
                if let Some(id) = id_of(d.get("id")) {
                    self.interactions.insert(
                        id,
                        InteractionState {
                            kind: d.get("type").and_then(Value::as_u64).unwrap_or(0),
                            dispatched: Instant::now(),
                            acknowledged: false,
                            channel_id: channel_id.unwrap_or(StandIn::CHANNEL_ID),
                            message: d.get("message").cloned(),
                            original: None,
                            followups: Vec::new(),
                        },
                    );
                }
            }
            _ => {}
        }
    }

    /// What Discord would do to a payload given the session's intents:
    /// `None` if the session would not get it at all.
    fn filter_for_intents(&self, event: &str, mut d: Value) -> Option<Value> {
        let Some(session) = &self.session else { return Some(d) };
        let intents = session.intents;
        if matches!(event, "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE") {
            let in_guild = d.get("guild_id").is_some();
            let needed = if in_guild {
                INTENT_GUILD_MESSAGES
            } else {
                INTENT_DIRECT_MESSAGES
            };
            if intents & needed == 0 {
                return None;
            }
            let bot = StandIn::BOT_USER_ID.to_string();
            let by_bot = d.pointer("/author/id").and_then(Value::as_str) == Some(bot.as_str());
            let mentions_bot = d.get("mentions").and_then(Value::as_array).is_some_and(|m| {
                m.iter()
                    .any(|u| u.get("id").and_then(Value::as_str) == Some(bot.as_str()))
            });
            if in_guild && intents & INTENT_MESSAGE_CONTENT == 0 && !by_bot && !mentions_bot {
                for (k, empty) in [
                    ("content", json!("")),
                    ("embeds", json!([])),
                    ("attachments", json!([])),
                    ("components", json!([])),
                ] {
                    if d.get(k).is_some() {
                        d[k] = empty;
                    }
                }
            }
        }
        if event.starts_with("GUILD_") && intents & INTENT_GUILDS == 0 && event != "GUILD_MEMBER_ADD" {
            return None;
        }
        Some(d)
    }

    /// Queues a dispatch on the session (sent now if it is live, replayed on
    /// RESUME otherwise). Returns the sequence number, or None if there is
    /// no session (Discord would lose the event) or intents filter it out.
    fn dispatch(&mut self, event: &str, d: Value) -> Option<u64> {
        self.learn(event, &d);
        let d = self.filter_for_intents(event, d)?;
        let Some(session) = self.session.as_mut() else {
            eprintln!("stand-in: {event} dispatched with no gateway session (call wait_for_ready first); Discord would lose it");
            self.gateway_log.push(format!("lost {event}: no session"));
            return None;
        };
        session.seq += 1;
        let seq = session.seq;
        let text = json!({"op": 0, "s": seq, "t": event, "d": d}).to_string();
        session.history.push((seq, text.clone()));
        let conn = session.conn;
        self.gateway_log.push(format!("dispatch {event} s={seq}"));
        if let Some(c) = conn {
            self.send(c, Out::Text(text));
        }
        Some(seq)
    }

    fn next_session_id(&mut self) -> String {
        self.sessions_started += 1;
        format!("stand-in-session-{:04}", self.sessions_started)
    }
}

struct Inner {
    port: u16,
    spec: &'static spec::Spec,
    state: Mutex<State>,
    /// Nanoseconds spent in the REST handler, for benches that need to
    /// tell the stand-in's share of the time from the bot's.
    busy_ns: std::sync::atomic::AtomicU64,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}/gateway", self.port)
    }
}

/// A local Discord. Dropping it stops the server and drops its connections.
pub struct StandIn {
    inner: Arc<Inner>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.abort();
        let st = self.inner.lock();
        for tx in st.conns.values() {
            let _ = tx.send(Out::Drop);
        }
    }
}

impl StandIn {
    pub const APPLICATION_ID: u64 = 1_180_000_000_000_000_001;
    pub const BOT_USER_ID: u64 = 1_180_000_000_000_000_002;
    /// Owns the application and the guild; has the Moderator role.
    pub const OWNER_ID: u64 = 1_180_000_000_000_000_003;
    pub const GUILD_ID: u64 = 1_180_000_000_000_000_100;
    /// #general
    pub const CHANNEL_ID: u64 = 1_180_000_000_000_000_200;
    /// #off-topic, a second text channel in the guild.
    pub const OTHER_CHANNEL_ID: u64 = 1_180_000_000_000_000_201;
    /// The "Moderator" role.
    pub const MOD_ROLE_ID: u64 = 1_180_000_000_000_000_300;
    /// The bot's managed role (the permissions of its invite).
    pub const BOT_ROLE_ID: u64 = 1_180_000_000_000_000_301;
    pub const BOT_NAME: &'static str = "talksbot";
    /// The only token accepted (`Bot <TOKEN>` over REST; with or without `Bot ` in IDENTIFY).
    pub const TOKEN: &'static str = "MTE4MDAwMDAwMDAwMDAwMDAwMg.GStand.in-token-for-tests-only";
    /// How old an interaction or message must be before
    /// [`StandIn::drain`] forgets it: past any deadline or retry.
    pub const FORGET_AFTER: Duration = Duration::from_secs(10);
    /// The heartbeat interval in HELLO: long, so tests never wait on heartbeats.
    pub const HEARTBEAT_INTERVAL_MS: u64 = 45_000;

    /// Binds 127.0.0.1:0 and serves REST under /api/v10 and the gateway at
    /// /gateway. Panics, saying why, if Discord's OpenAPI spec cannot be
    /// loaded: request bodies would otherwise go unchecked.
    pub async fn start() -> StandIn {
        let spec = spec::spec().unwrap_or_else(|e| panic!("the Discord stand-in cannot check request bodies: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the stand-in binds a port on 127.0.0.1");
        let port = listener.local_addr().expect("a bound socket has an address").port();
        let inner = Arc::new(Inner {
            port,
            spec,
            state: Mutex::new(State::new()),
            busy_ns: std::sync::atomic::AtomicU64::new(0),
        });
        let app = axum::Router::new()
            .route("/gateway", axum::routing::get(gateway::upgrade))
            .route("/attachments/*file", axum::routing::get(serve_attachment))
            .fallback(rest::handle)
            .with_state(Arc::clone(&inner));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        StandIn { inner, server }
    }

    /// `http://127.0.0.1:PORT`: the API base to give the bot (serenity's
    /// proxy setting swaps it in for `https://discord.com`).
    /// A file someone attached to a command, as Discord describes it in the
    /// interaction's `resolved.attachments`; its `url` serves the bytes, as
    /// Discord's CDN does (no bot token needed).
    pub fn attach(&self, filename: &str, content: &[u8]) -> Value {
        let id = payloads::new_snowflake();
        let path = format!("/attachments/{}/{id}/{filename}", Self::CHANNEL_ID);
        let url = format!("http://127.0.0.1:{}{path}", self.inner.port);
        self.inner.lock().attachments.insert(path, content.to_vec());
        json!({
            "id": id.to_string(),
            "filename": filename,
            "size": content.len(),
            "url": url,
            "proxy_url": url,
            "content_type": "text/plain; charset=utf-8",
            "ephemeral": true,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.inner.port)
    }

    /// `ws://127.0.0.1:PORT/gateway`, what GET /gateway answers.
    pub fn gateway_url(&self) -> String {
        self.inner.gateway_url()
    }

    // ---- gateway control ----

    /// Waits until a session is live: IDENTIFY answered with READY (or a
    /// RESUME answered with RESUMED) on a connection that is still open.
    /// After `close_gateway`, this waits for the client to come back.
    pub async fn wait_for_ready(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| s.inner.lock().live_conn().is_some()).await
    }

    pub fn identify_count(&self) -> usize {
        self.inner.lock().identify_count
    }

    pub fn resume_count(&self) -> usize {
        self.inner.lock().resume_count
    }

    /// HEARTBEATs (op 1) received and acknowledged.
    pub fn heartbeat_count(&self) -> usize {
        self.inner.lock().heartbeat_count
    }

    /// The `d` of every IDENTIFY received (intents, properties, token...).
    pub fn identifies(&self) -> Vec<Value> {
        self.inner.lock().identifies.clone()
    }

    /// A line per gateway happening, for debugging a failing test.
    pub fn gateway_log(&self) -> Vec<String> {
        self.inner.lock().gateway_log.clone()
    }

    /// Sends a DISPATCH (op 0) with the next sequence number to the live
    /// session; while the session is disconnected the event is kept and
    /// replayed on RESUME. As on Discord, a message event is not sent without
    /// the GUILD_MESSAGES / DIRECT_MESSAGES intent, and a guild message's
    /// content, embeds, attachments and components are blanked without
    /// MESSAGE_CONTENT unless the bot is among its `mentions`.
    ///
    /// Panics if serenity 0.12.5 could not parse the event (it would drop it
    /// silently); use [`StandIn::dispatch_unchecked`] to send it anyway.
    pub async fn dispatch(&self, event: &str, data: Value) {
        let frame = json!({"op": 0, "s": 1, "t": event, "d": data});
        match serde_json::from_value::<serenity::model::event::GatewayEvent>(frame) {
            Ok(serenity::model::event::GatewayEvent::Dispatch(_, serenity::model::event::Event::Unknown(_))) => {
                eprintln!("stand-in: serenity does not know the event {event}; it will reach only raw handlers");
            }
            Ok(_) => {}
            Err(e) => panic!(
                "serenity 0.12.5 cannot parse this {event} payload and would silently drop it: {e}\npayload: {data}"
            ),
        }
        self.inner.lock().dispatch(event, data);
    }

    /// [`StandIn::dispatch`] without the check that serenity can parse it.
    pub async fn dispatch_unchecked(&self, event: &str, data: Value) {
        self.inner.lock().dispatch(event, data);
    }

    /// Closes the session's websocket with this close code (all open
    /// connections if no session is live) and waits (up to 2 s) until the
    /// connection has ended. 4000-4003, 4005, 4008 keep the session resumable;
    /// 4004, 4007, 4009 and 4010-4014 end it, as on Discord.
    pub async fn close_gateway(&self, code: u16) {
        let targets: Vec<u64> = {
            let mut st = self.inner.lock();
            let targets = match st.live_conn() {
                Some(c) => vec![c],
                None => st.conns.keys().copied().collect(),
            };
            for c in &targets {
                st.send(*c, Out::Close(code, close_reason(code).to_string()));
            }
            if let Some(s) = st.session.as_mut() {
                s.conn = None;
            }
            if matches!(code, 4004 | 4007 | 4009 | 4010..=4014) {
                st.session = None;
            }
            st.gateway_log.push(format!("close {code} by the stand-in"));
            targets
        };
        self.wait_until(Duration::from_secs(2), |s| {
            let st = s.inner.lock();
            targets.iter().all(|c| !st.conns.contains_key(c))
        })
        .await;
    }

    /// Sends op 7 RECONNECT: the client should reconnect and RESUME. Events
    /// dispatched from now on wait for the resumed connection.
    pub async fn send_reconnect(&self) {
        let mut st = self.inner.lock();
        if let Some(c) = st.live_conn() {
            st.send(
                c,
                Out::Text(json!({"op": 7, "d": null, "s": null, "t": null}).to_string()),
            );
        }
        if let Some(s) = st.session.as_mut() {
            s.conn = None;
        }
        st.gateway_log.push("op 7 RECONNECT sent".into());
    }

    /// Sends op 9 INVALID SESSION. Not resumable: the session is gone, and
    /// events dispatched before the next IDENTIFY are lost, as on Discord.
    pub async fn send_invalid_session(&self, resumable: bool) {
        let mut st = self.inner.lock();
        if let Some(c) = st.live_conn() {
            st.send(
                c,
                Out::Text(json!({"op": 9, "d": resumable, "s": null, "t": null}).to_string()),
            );
            st.authed_conns.remove(&c);
        }
        if resumable {
            if let Some(s) = st.session.as_mut() {
                s.conn = None;
            }
        } else {
            st.session = None;
        }
        st.gateway_log.push(format!("op 9 INVALID SESSION ({resumable}) sent"));
    }

    /// While true, REST answers 401 `{"message": "401: Unauthorized", "code": 0}`
    /// and the gateway closes 4004 after IDENTIFY (or RESUME).
    pub fn reject_token(&self, yes: bool) {
        self.inner.lock().reject_token = yes;
    }

    /// Whether messages the bot posts come back to it as MESSAGE_CREATE
    /// (as on Discord, given the intents). On by default.
    pub fn echo_own_messages(&self, yes: bool) {
        self.inner.lock().echo_own_messages = yes;
    }

    /// How long after its INTERACTION_CREATE an interaction may still be
    /// answered (Discord: 3 s, the default); `None`: forever.
    pub fn set_interaction_deadline(&self, deadline: Option<Duration>) {
        self.inner.lock().interaction_deadline = deadline;
    }

    // ---- REST control and inspection ----

    /// The next `times` requests whose method is `method` and whose path
    /// starts with `path_prefix` (e.g. `("POST", "/api/v10/channels/")`; a
    /// prefix without `/api/v10` is taken as relative to it) get `status` and
    /// `body` instead of their normal answer. With `deliver_anyway` the
    /// request is also carried out (the message is stored) first. A 429 gets
    /// Retry-After and X-RateLimit-* headers from the body's `retry_after`.
    pub fn fail_next(
        &self,
        method: &str,
        path_prefix: &str,
        status: u16,
        body: Value,
        times: usize,
        deliver_anyway: bool,
    ) {
        let path_prefix = if path_prefix.starts_with("/api/") {
            path_prefix.to_string()
        } else {
            format!("/api/v10/{}", path_prefix.trim_start_matches('/'))
        };
        self.inner.lock().failures.push(Failure {
            method: method.to_uppercase(),
            path_prefix,
            status,
            body,
            times,
            deliver_anyway,
        });
    }

    /// How many failures arranged with `fail_next` have not happened yet.
    pub fn failures_pending(&self) -> usize {
        self.inner.lock().failures.iter().map(|f| f.times).sum()
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().requests.clone()
    }

    /// Requests the stand-in had no route for (it answered 404 to them).
    pub fn unexpected_requests(&self) -> Vec<Recorded> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.status == 404 && rest::is_unrouted(&r.method, &r.path))
            .cloned()
            .collect()
    }

    /// Messages the bot created in a channel (POST /channels/{id}/messages,
    /// after nonce de-duplication and later edits), as Discord returned them.
    /// Interaction responses are not here: see `interaction_responses`,
    /// `original_response` and `webhook_edits`.
    pub fn messages(&self, channel_id: u64) -> Vec<Value> {
        self.inner.lock().messages.get(&channel_id).cloned().unwrap_or_default()
    }

    /// The emoji the bot has reacted with on a message, in order.
    pub fn reactions(&self, message_id: u64) -> Vec<String> {
        self.inner
            .lock()
            .reactions
            .get(&message_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Interaction callbacks received (and accepted): (interaction id, body).
    pub fn interaction_responses(&self) -> Vec<(u64, Value)> {
        self.inner.lock().interaction_responses.clone()
    }

    /// For long runs (the soak): hands over every accepted interaction
    /// response and every bot message created more than `older_than` ago,
    /// and forgets what a long run would otherwise pile up: recorded
    /// requests, the gateway log and replay history and webhook edits at
    /// once; interactions, known messages, nonces and reactions once they
    /// are [`StandIn::FORGET_AFTER`] old. So the stand-in's memory stays
    /// flat and the process's growth is the bot's.
    ///
    /// A message handed over is no longer found by its nonce, so
    /// `older_than` must outlast the bot's retries of it, or a retry would
    /// post a second copy. A RESUME after a drain replays nothing from
    /// before it. Requests answered 404 are kept for
    /// [`StandIn::unexpected_requests`].
    pub fn drain(&self, older_than: Duration) -> Drained {
        let mut st = self.inner.lock();
        let now = Instant::now();
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let before = |age: Duration| {
            let cutoff = now_ms.saturating_sub(age.as_millis() as u64);
            move |id: u64| payloads::snowflake_ms(id) < cutoff
        };
        let handed_over = before(older_than);
        let forgotten = before(Self::FORGET_AFTER);
        let responses = std::mem::take(&mut st.interaction_responses);
        let mut messages = Vec::new();
        for list in st.messages.values_mut() {
            let (gone, kept): (Vec<Value>, Vec<Value>) = std::mem::take(list)
                .into_iter()
                .partition(|m| payloads::id_of(m).is_some_and(handed_over));
            *list = kept;
            messages.extend(gone);
        }
        // Past Discord's 3-second deadline an interaction cannot be
        // answered anyway; a question message may still be replied to
        // while the bot retries (its reply must reference a known message).
        st.interactions
            .retain(|_, i| now.duration_since(i.dispatched) <= Self::FORGET_AFTER);
        st.known_messages.retain(|id, _| !forgotten(*id));
        st.nonces.retain(|_, id| !forgotten(*id));
        st.reactions.retain(|id, _| !forgotten(*id));
        st.requests.retain(|r| r.status == 404);
        st.gateway_log.clear();
        st.webhook_edits.clear();
        if let Some(session) = st.session.as_mut() {
            session.history.clear();
        }
        Drained { responses, messages }
    }

    /// How many interaction callbacks have been accepted: what
    /// `interaction_responses().len()` says, without copying them.
    pub fn interaction_response_count(&self) -> usize {
        self.inner.lock().interaction_responses.len()
    }

    /// Time spent handling REST requests since the last call (summed over
    /// requests, so it can exceed wall time when they overlap).
    pub fn take_busy(&self) -> Duration {
        Duration::from_nanos(self.inner.busy_ns.swap(0, std::sync::atomic::Ordering::Relaxed))
    }

    /// The current original response of an interaction (after edits), as a message.
    pub fn original_response(&self, interaction_id: u64) -> Option<Value> {
        self.inner
            .lock()
            .interactions
            .get(&interaction_id)
            .and_then(|i| i.original.clone())
    }

    /// Follow-up messages of an interaction.
    pub fn followups(&self, interaction_id: u64) -> Vec<Value> {
        self.inner
            .lock()
            .interactions
            .get(&interaction_id)
            .map(|i| i.followups.clone())
            .unwrap_or_default()
    }

    /// Bodies of accepted edits to interaction originals and follow-ups:
    /// PATCH /webhooks/{app}/{token}/messages/{@original|id} and POST /webhooks/{app}/{token}.
    pub fn webhook_edits(&self) -> Vec<Value> {
        self.inner.lock().webhook_edits.clone()
    }

    /// Registered application commands, as returned to the bot (with ids):
    /// the global ones, then each guild's (these have `guild_id`).
    pub fn registered_commands(&self) -> Vec<Value> {
        let st = self.inner.lock();
        let mut all = st.global_commands.clone();
        for cmds in st.guild_commands.values() {
            all.extend(cmds.iter().cloned());
        }
        all
    }

    /// Polls (every 10 ms) until `pred(self)` holds or `timeout` passes;
    /// returns whether it held.
    pub async fn wait_until(&self, timeout: Duration, pred: impl Fn(&StandIn) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if pred(self) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Every problem found in a request so far: each JSON body is checked
    /// against Discord's OpenAPI spec ("METHOD path: message at
    /// /instance/path"); a JSON body for an operation that has none is a
    /// problem too, and so is a request without Discord's required
    /// `User-Agent: DiscordBot (url, version)` or a JSON body sent without
    /// `Content-Type: application/json`.
    pub fn spec_violations(&self) -> Vec<String> {
        self.inner.lock().violations.clone()
    }
}

/// Discord's reason text for a gateway close code.
fn close_reason(code: u16) -> &'static str {
    match code {
        4000 => "Unknown error.",
        4001 => "Unknown opcode.",
        4002 => "Decode error.",
        4003 => "Not authenticated.",
        4004 => "Authentication failed.",
        4005 => "Already authenticated.",
        4007 => "Invalid seq.",
        4008 => "Rate limited.",
        4009 => "Session timed out.",
        4010 => "Invalid shard.",
        4011 => "Sharding required.",
        4012 => "Invalid API version.",
        4013 => "Invalid intent(s).",
        4014 => "Disallowed intent(s).",
        _ => "",
    }
}

/// Discord's CDN, for the files attached in tests.
async fn serve_attachment(
    axum::extract::State(inner): axum::extract::State<Arc<Inner>>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match inner.lock().attachments.get(uri.path()) {
        Some(bytes) => (
            [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            bytes.clone(),
        )
            .into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}
