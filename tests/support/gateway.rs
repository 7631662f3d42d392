//! The websocket gateway: HELLO, HEARTBEAT/ACK, IDENTIFY → READY (+
//! GUILD_CREATE), RESUME → replay + RESUMED, plain JSON text frames.
//!
//! serenity 0.12.5 connects to `<url>?v=10` (no `encoding`, no
//! `compress=zlib-stream`); its IDENTIFY says `"compress": true`, which only
//! allows Discord to zlib single payloads: plain text frames are fine.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State as AxumState};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};

use super::{payloads, Inner, Out, Session, StandIn, INTENT_GUILDS};

pub(super) async fn upgrade(
    ws: WebSocketUpgrade,
    RawQuery(query): RawQuery,
    AxumState(inner): AxumState<Arc<Inner>>,
) -> Response {
    ws.on_upgrade(move |socket| connection(socket, inner, query.unwrap_or_default()))
}

fn frame(op: u8, d: Value) -> String {
    json!({"op": op, "d": d, "s": null, "t": null}).to_string()
}

async fn connection(socket: WebSocket, inner: Arc<Inner>, query: String) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Out>();
    let id = {
        let mut st = inner.lock();
        st.next_conn += 1;
        let id = st.next_conn;
        st.conns.insert(id, tx.clone());
        st.gateway_log.push(format!("connect #{id} ?{query}"));
        id
    };
    let version = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("v="))
        .map(str::to_string);
    if version.as_deref().is_some_and(|v| v != "10") {
        let _ = tx.send(Out::Close(4012, "Invalid API version.".into()));
    } else {
        let hello = frame(
            10,
            json!({"heartbeat_interval": StandIn::HEARTBEAT_INTERVAL_MS, "_trace": ["[\"gateway-prd-stand-in\",{\"micros\":0.0}]"]}),
        );
        let _ = tx.send(Out::Text(hello));
    }

    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Out::Text(text)) => {
                    if sink.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                    // Read until the client answers the close (or gives up),
                    // so the close frame is not lost to a reset connection.
                    let _ = tokio::time::timeout(Duration::from_secs(2), async {
                        while let Some(Ok(m)) = stream.next().await {
                            if matches!(m, Message::Close(_)) {
                                break;
                            }
                        }
                    })
                    .await;
                    break;
                }
                Some(Out::Drop) | None => break,
            },
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => on_payload(&inner, id, &text),
                Some(Ok(Message::Binary(_))) => {
                    let _ = tx.send(Out::Close(4002, "Decode error.".into()));
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }

    let mut st = inner.lock();
    st.conns.remove(&id);
    st.authed_conns.remove(&id);
    if let Some(s) = st.session.as_mut() {
        if s.conn == Some(id) {
            s.conn = None;
        }
    }
    st.gateway_log.push(format!("disconnect #{id}"));
}

fn token_ok(token: Option<&str>) -> bool {
    token.is_some_and(|t| t == StandIn::TOKEN || t.strip_prefix("Bot ") == Some(StandIn::TOKEN))
}

/// Handles one payload from the client on connection `conn`.
fn on_payload(inner: &Inner, conn: u64, text: &str) {
    let mut st = inner.lock();
    let close = |st: &mut super::State, code: u16| {
        st.send(conn, Out::Close(code, super::close_reason(code).into()));
        st.gateway_log.push(format!("close #{conn} with {code}"));
    };
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        close(&mut st, 4002);
        return;
    };
    let d = payload.get("d").cloned().unwrap_or(Value::Null);
    let op = payload.get("op").and_then(Value::as_u64);
    let authed = st.authed_conns.contains(&conn);
    match op {
        Some(1) => {
            st.heartbeat_count += 1;
            st.send(conn, Out::Text(frame(11, Value::Null)));
        }
        Some(2) => {
            if authed {
                close(&mut st, 4005);
                return;
            }
            if st.reject_token || !token_ok(d.get("token").and_then(Value::as_str)) {
                st.session = None;
                close(&mut st, 4004);
                return;
            }
            let Some(intents) = d.get("intents").and_then(Value::as_u64) else {
                close(&mut st, 4013);
                return;
            };
            st.identify_count += 1;
            st.identifies.push(d.clone());
            st.authed_conns.insert(conn);
            // A new session replaces the old one and its connection.
            if let Some(old) = st.session.as_ref().and_then(|s| s.conn).filter(|c| *c != conn) {
                st.send(old, Out::Close(4000, "Unknown error.".into()));
            }
            let session_id = st.next_session_id();
            st.gateway_log.push(format!("IDENTIFY on #{conn} → READY {session_id}"));
            st.session = Some(Session {
                id: session_id.clone(),
                seq: 0,
                history: Vec::new(),
                intents,
                conn: Some(conn),
            });
            st.dispatch("READY", payloads::ready(&session_id, &inner.gateway_url()));
            if intents & INTENT_GUILDS != 0 {
                st.dispatch("GUILD_CREATE", payloads::guild_create());
            }
        }
        Some(6) => {
            if st.reject_token || !token_ok(d.get("token").and_then(Value::as_str)) {
                st.session = None;
                close(&mut st, 4004);
                return;
            }
            let wanted = d.get("session_id").and_then(Value::as_str).unwrap_or("");
            let client_seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
            let current = st.session.as_ref().filter(|s| s.id == wanted).map(|s| (s.seq, s.conn));
            let Some((seq, old_conn)) = current else {
                st.gateway_log
                    .push(format!("RESUME of unknown session {wanted:?} on #{conn} → op 9 false"));
                st.send(conn, Out::Text(frame(9, json!(false))));
                return;
            };
            if client_seq > seq {
                close(&mut st, 4007);
                st.session = None;
                return;
            }
            if let Some(old) = old_conn.filter(|c| *c != conn) {
                st.send(old, Out::Close(4000, "Unknown error.".into()));
            }
            st.resume_count += 1;
            st.authed_conns.insert(conn);
            let replay: Vec<String> = st
                .session
                .as_ref()
                .map(|s| {
                    s.history
                        .iter()
                        .filter(|(s, _)| *s > client_seq)
                        .map(|(_, t)| t.clone())
                        .collect()
                })
                .unwrap_or_default();
            st.gateway_log.push(format!(
                "RESUME {wanted} from s={client_seq} on #{conn}: replaying {}",
                replay.len()
            ));
            for text in replay {
                st.send(conn, Out::Text(text));
            }
            let resumed_seq = {
                let s = st.session.as_mut().expect("checked above");
                s.seq += 1;
                s.conn = Some(conn);
                s.seq
            };
            let resumed = json!({"op": 0, "s": resumed_seq, "t": "RESUMED", "d": {"_trace": ["[\"gateway-prd-stand-in\",{\"micros\":0.0}]"]}});
            st.send(conn, Out::Text(resumed.to_string()));
        }
        Some(3 | 4 | 8 | 31) => {
            if !authed {
                close(&mut st, 4003);
            }
        }
        _ => close(&mut st, 4001),
    }
}
