//! Discord-shaped JSON: the `d` of gateway events, and the objects the REST
//! API returns. Every field Discord always sends is present, because serenity
//! 0.12.5 silently drops an event it cannot deserialize.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Map, Value};

use super::StandIn;

/// Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// The maximum upload size an interaction reports (10 MiB, a guild without boosts).
pub const ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;

// Permission bits used below.
const CREATE_INSTANT_INVITE: u64 = 1 << 0;
const KICK_MEMBERS: u64 = 1 << 1;
const ADD_REACTIONS: u64 = 1 << 6;
const VIEW_CHANNEL: u64 = 1 << 10;
const SEND_MESSAGES: u64 = 1 << 11;
const MANAGE_MESSAGES: u64 = 1 << 13;
const EMBED_LINKS: u64 = 1 << 14;
const ATTACH_FILES: u64 = 1 << 15;
const READ_MESSAGE_HISTORY: u64 = 1 << 16;
const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
const CONNECT: u64 = 1 << 20;
const SPEAK: u64 = 1 << 21;
const CHANGE_NICKNAME: u64 = 1 << 26;
const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
const MANAGE_THREADS: u64 = 1 << 34;
const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
const MODERATE_MEMBERS: u64 = 1 << 40;

/// What @everyone may do in the stand-in's guild.
pub const EVERYONE_PERMISSIONS: u64 = CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS;
/// What the "Moderator" role adds.
pub const MODERATOR_PERMISSIONS: u64 = KICK_MEMBERS | MANAGE_MESSAGES | MANAGE_THREADS | MODERATE_MEMBERS;
/// What the bot's managed role (from its invite) grants: see channels, send
/// messages (also in threads), embed links, read message history.
pub const BOT_ROLE_PERMISSIONS: u64 =
    VIEW_CHANNEL | SEND_MESSAGES | SEND_MESSAGES_IN_THREADS | EMBED_LINKS | READ_MESSAGE_HISTORY;

/// Discord's timestamp form: `2025-01-01T12:00:00.000000+00:00`.
pub fn now_timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// A fresh snowflake for the current millisecond (ids increase).
pub fn new_snowflake() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(DISCORD_EPOCH_MS);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    ((ms.saturating_sub(DISCORD_EPOCH_MS)) << 22) | (n & 0x3f_ffff)
}

/// When a snowflake was made, in Unix milliseconds.
pub fn snowflake_ms(id: u64) -> u64 {
    (id >> 22) + DISCORD_EPOCH_MS
}

/// The token of an interaction the stand-in dispatches (deterministic).
pub fn interaction_token(id: u64) -> String {
    format!("tok{id}")
}

/// The interaction id a token names, if it is one of [`interaction_token`]'s.
pub fn interaction_of_token(token: &str) -> Option<u64> {
    token.strip_prefix("tok")?.parse().ok()
}

/// The id the stand-in gives the command `name` both when it is registered
/// and in the interactions that invoke it.
pub fn command_id(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1_180_000_000_001_000_000 + h % 1_000_000
}

/// A user object as Discord sends it (in message authors, mentions,
/// interaction members). `bot` is present only for bots, as on Discord.
pub fn user(id: u64, name: &str, bot: bool) -> Value {
    let mut u = json!({
        "id": id.to_string(),
        "username": name,
        "avatar": null,
        "discriminator": if bot { "4821" } else { "0" },
        "public_flags": 0,
        "flags": 0,
        "banner": null,
        "accent_color": null,
        "global_name": if bot { Value::Null } else { json!(name) },
        "avatar_decoration_data": null,
        "collectibles": null,
        "banner_color": null,
        "clan": null,
        "primary_guild": null,
    });
    if bot {
        u["bot"] = json!(true);
    }
    u
}

/// The bot's own user object (as in READY and GET /users/@me).
pub fn bot_user() -> Value {
    let mut u = user(StandIn::BOT_USER_ID, StandIn::BOT_NAME, true);
    u["verified"] = json!(true);
    u["mfa_enabled"] = json!(false);
    u["email"] = Value::Null;
    u["locale"] = json!("en-US");
    u["premium_type"] = json!(0);
    u
}

/// The guild's owner, who also owns the application.
pub fn owner_user() -> Value {
    user(StandIn::OWNER_ID, "owner", false)
}

fn ids(ids: &[u64]) -> Value {
    Value::Array(ids.iter().map(|i| json!(i.to_string())).collect())
}

/// The permissions a member with these roles has in the guild (no channel overwrites).
pub fn permissions_of(roles: &[u64]) -> u64 {
    let mut p = EVERYONE_PERMISSIONS;
    for r in roles {
        p |= match *r {
            StandIn::MOD_ROLE_ID => MODERATOR_PERMISSIONS,
            StandIn::BOT_ROLE_ID => BOT_ROLE_PERMISSIONS,
            _ => 0,
        };
    }
    p
}

/// A guild member object. With `user`, as in GUILD_CREATE, REST and
/// interactions; without (None), as the `member` of a MESSAGE_CREATE.
pub fn member(user: Option<Value>, roles: &[u64]) -> Value {
    let mut m = json!({
        "roles": ids(roles),
        "premium_since": null,
        "pending": false,
        "nick": null,
        "mute": false,
        "joined_at": "2024-03-01T10:00:00.000000+00:00",
        "flags": 0,
        "deaf": false,
        "communication_disabled_until": null,
        "banner": null,
        "avatar": null,
        "unusual_dm_activity_until": null,
    });
    if let Some(u) = user {
        m["user"] = u;
    }
    m
}

/// A member as in an interaction: with the user and a `permissions` string.
pub fn interaction_member(user: Value, roles: &[u64]) -> Value {
    let mut m = member(Some(user), roles);
    m["permissions"] = json!(permissions_of(roles).to_string());
    m
}

/// The guild's roles: @everyone (id = guild id), "Moderator", and the bot's managed role.
pub fn roles() -> Value {
    let role = |id: u64, name: &str, perms: u64, position: u64, managed: bool, tags: Value| {
        json!({
            "id": id.to_string(),
            "name": name,
            "description": null,
            "permissions": perms.to_string(),
            "position": position,
            "color": if name == "Moderator" { 0x2e_cc71 } else { 0 },
            "colors": {"primary_color": if name == "Moderator" { 0x2e_cc71 } else { 0 }, "secondary_color": null, "tertiary_color": null},
            "hoist": name == "Moderator",
            "managed": managed,
            "mentionable": false,
            "icon": null,
            "unicode_emoji": null,
            "flags": 0,
            "tags": tags,
        })
    };
    json!([
        role(
            StandIn::GUILD_ID,
            "@everyone",
            EVERYONE_PERMISSIONS,
            0,
            false,
            json!({})
        ),
        role(
            StandIn::MOD_ROLE_ID,
            "Moderator",
            MODERATOR_PERMISSIONS,
            2,
            false,
            json!({})
        ),
        role(
            StandIn::BOT_ROLE_ID,
            StandIn::BOT_NAME,
            BOT_ROLE_PERMISSIONS,
            1,
            true,
            json!({"bot_id": StandIn::BOT_USER_ID.to_string()})
        ),
    ])
}

/// A guild text channel. `with_guild_id` is false inside GUILD_CREATE, where
/// Discord leaves it out.
pub fn text_channel(id: u64, name: &str, position: u64, with_guild_id: bool) -> Value {
    let mut c = json!({
        "id": id.to_string(),
        "type": 0,
        "name": name,
        "position": position,
        "flags": 0,
        "parent_id": null,
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
        "icon_emoji": null,
        "theme_color": null,
    });
    if with_guild_id {
        c["guild_id"] = json!(StandIn::GUILD_ID.to_string());
    }
    c
}

/// A direct-message channel with `recipient`.
pub fn dm_channel(id: u64, recipient: Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [recipient],
    })
}

/// The guild's channels: #general (CHANNEL_ID) and #off-topic (OTHER_CHANNEL_ID).
pub fn channels(with_guild_id: bool) -> Value {
    json!([
        text_channel(StandIn::CHANNEL_ID, "general", 0, with_guild_id),
        text_channel(StandIn::OTHER_CHANNEL_ID, "off-topic", 1, with_guild_id),
    ])
}

/// The guild as REST returns it (GET /guilds/{id}).
pub fn guild() -> Value {
    json!({
        "id": StandIn::GUILD_ID.to_string(),
        "name": "Stand-in Guild",
        "icon": null,
        "icon_hash": null,
        "description": null,
        "home_header": null,
        "splash": null,
        "discovery_splash": null,
        "features": [],
        "banner": null,
        "owner_id": StandIn::OWNER_ID.to_string(),
        "application_id": null,
        "region": "deprecated",
        "afk_channel_id": null,
        "afk_timeout": 300,
        "system_channel_id": StandIn::CHANNEL_ID.to_string(),
        "system_channel_flags": 0,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 1,
        "roles": roles(),
        "default_message_notifications": 1,
        "mfa_level": 0,
        "explicit_content_filter": 2,
        "max_presences": null,
        "max_members": 500_000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "vanity_url_code": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "rules_channel_id": null,
        "safety_alerts_channel_id": null,
        "public_updates_channel_id": null,
        "hub_type": null,
        "premium_progress_bar_enabled": false,
        "latest_onboarding_question_id": null,
        "nsfw": false,
        "nsfw_level": 0,
        "emojis": [],
        "stickers": [],
        "incidents_data": null,
        "inventory_settings": null,
        "embed_enabled": false,
        "embed_channel_id": null,
    })
}

/// The `d` of the GUILD_CREATE sent after READY: the guild with its two
/// text channels, the three roles, and the bot and the owner as members.
pub fn guild_create() -> Value {
    let mut g = guild();
    let extra = json!({
        "joined_at": "2024-03-01T10:00:00.000000+00:00",
        "large": false,
        "unavailable": false,
        "member_count": 2,
        "voice_states": [],
        "members": [
            member(Some(bot_user_plain()), &[StandIn::BOT_ROLE_ID]),
            member(Some(owner_user()), &[StandIn::MOD_ROLE_ID]),
        ],
        "channels": channels(false),
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        "activity_instances": [],
        "application_command_counts": {},
        "lazy": true,
    });
    if let (Some(g), Some(extra)) = (g.as_object_mut(), extra.as_object()) {
        g.extend(extra.clone());
    }
    g
}

fn bot_user_plain() -> Value {
    user(StandIn::BOT_USER_ID, StandIn::BOT_NAME, true)
}

/// The `d` of READY.
pub fn ready(session_id: &str, resume_gateway_url: &str) -> Value {
    json!({
        "v": 10,
        "user_settings": {},
        "user": bot_user(),
        "session_type": "normal",
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "relationships": [],
        "private_channels": [],
        "presences": [],
        "guilds": [{"id": StandIn::GUILD_ID.to_string(), "unavailable": true}],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["us-east", "us-central"],
        "game_relationships": [],
        "auth": {},
        "application": {"id": StandIn::APPLICATION_ID.to_string(), "flags": 8_953_856},
        "shard": [0, 1],
        "_trace": ["[\"gateway-prd-stand-in\",{\"micros\":0.0}]"],
    })
}

/// GET /oauth2/applications/@me: the application, owned by OWNER_ID.
pub fn application() -> Value {
    json!({
        "id": StandIn::APPLICATION_ID.to_string(),
        "name": StandIn::BOT_NAME,
        "icon": null,
        "description": "",
        "summary": "",
        "type": null,
        "is_monetized": false,
        "is_verified": false,
        "is_discoverable": false,
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "7c0f6c1e3f2b4d5a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f",
        "flags": 8_953_856,
        "hook": true,
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "owner": owner_user(),
        "team": null,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "integration_types_config": {"0": {}},
        "tags": [],
        "bot": bot_user_plain(),
    })
}

/// GET /gateway/bot.
pub fn gateway_bot(url: &str) -> Value {
    json!({
        "url": url,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
    })
}

fn with_member_in_mentions(mentions: Vec<Value>) -> Value {
    Value::Array(
        mentions
            .into_iter()
            .map(|mut m| {
                if m.get("member").is_none() {
                    m["member"] = member(None, &[]);
                }
                m
            })
            .collect(),
    )
}

/// The `d` of a MESSAGE_CREATE in GUILD_ID, sent by `author`, with a
/// `member` object for the author (no roles: see [`with_member_roles`]).
pub fn message_create(
    id: u64,
    channel_id: u64,
    author: Value,
    content: &str,
    mentions: Vec<Value>,
    mention_roles: Vec<u64>,
    mention_everyone: bool,
) -> Value {
    let mut d = dm_message_create(id, channel_id, author, content);
    d["mentions"] = with_member_in_mentions(mentions);
    d["mention_roles"] = ids(&mention_roles);
    d["mention_everyone"] = json!(mention_everyone);
    d["member"] = member(None, &[]);
    d["guild_id"] = json!(StandIn::GUILD_ID.to_string());
    d
}

/// The `d` of a MESSAGE_CREATE in a direct-message channel (no guild, no member).
pub fn dm_message_create(id: u64, channel_id: u64, author: Value, content: &str) -> Value {
    json!({
        "type": 0,
        "tts": false,
        "timestamp": now_timestamp(),
        "pinned": false,
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": false,
        "id": id.to_string(),
        "flags": 0,
        "embeds": [],
        "edited_timestamp": null,
        "content": content,
        "components": [],
        "channel_id": channel_id.to_string(),
        "author": author,
        "attachments": [],
    })
}

/// Sets the roles of the `member` of a MESSAGE_CREATE or interaction payload
/// (and, for interactions, the member's `permissions` string to match).
pub fn with_member_roles(mut payload: Value, roles: &[u64]) -> Value {
    if let Some(m) = payload.get_mut("member").and_then(Value::as_object_mut) {
        m.insert("roles".into(), ids(roles));
        if m.contains_key("permissions") {
            m.insert("permissions".into(), json!(permissions_of(roles).to_string()));
        }
    }
    payload
}

fn user_id_of(user: &Value) -> Option<u64> {
    user.get("id")?.as_str()?.parse().ok()
}

/// Fills `data.resolved` for USER (6) and ROLE (8) options, as Discord does,
/// walking into subcommands.
fn resolved_for(options: &Value) -> Option<Value> {
    fn walk(
        options: &Value,
        users: &mut Map<String, Value>,
        members: &mut Map<String, Value>,
        roles: &mut Map<String, Value>,
    ) {
        let Some(list) = options.as_array() else { return };
        for o in list {
            let id = o.get("value").and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_u64().map(|n| n.to_string()))
            });
            match (o.get("type").and_then(Value::as_u64), id) {
                (Some(6), Some(id)) => {
                    let n: u64 = id.parse().unwrap_or(0);
                    let u = if n == StandIn::BOT_USER_ID {
                        bot_user_plain()
                    } else {
                        user(n, &format!("user{n}"), false)
                    };
                    users.insert(id.clone(), u);
                    let mut m = member(None, &[]);
                    m["permissions"] = json!(EVERYONE_PERMISSIONS.to_string());
                    members.insert(id, m);
                }
                (Some(8), Some(id)) => {
                    if let Some(r) = roles_list().into_iter().find(|r| r["id"] == json!(id)) {
                        roles.insert(id, r);
                    }
                }
                _ => {}
            }
            if let Some(sub) = o.get("options") {
                walk(sub, users, members, roles);
            }
        }
    }
    let (mut users, mut members, mut roles) = (Map::new(), Map::new(), Map::new());
    walk(options, &mut users, &mut members, &mut roles);
    if users.is_empty() && roles.is_empty() {
        return None;
    }
    let mut r = Map::new();
    if !users.is_empty() {
        r.insert("users".into(), Value::Object(users));
        r.insert("members".into(), Value::Object(members));
    }
    if !roles.is_empty() {
        r.insert("roles".into(), Value::Object(roles));
    }
    Some(Value::Object(r))
}

fn roles_list() -> Vec<Value> {
    match roles() {
        Value::Array(v) => v,
        _ => Vec::new(),
    }
}

/// The fields every guild interaction has.
fn interaction_base(id: u64, kind: u8, user: Value, channel_id: u64) -> Value {
    let roles: Vec<u64> = Vec::new();
    let member_perms = permissions_of(&roles);
    let mut channel = text_channel(
        channel_id,
        if channel_id == StandIn::OTHER_CHANNEL_ID {
            "off-topic"
        } else {
            "general"
        },
        0,
        true,
    );
    channel["permissions"] = json!(member_perms.to_string());
    json!({
        "version": 1,
        "type": kind,
        "token": interaction_token(id),
        "member": interaction_member(user, &roles),
        "locale": "en-US",
        "id": id.to_string(),
        "guild_locale": "en-US",
        "guild_id": StandIn::GUILD_ID.to_string(),
        "guild": {"locale": "en-US", "id": StandIn::GUILD_ID.to_string(), "features": []},
        "entitlements": [],
        "entitlement_sku_ids": [],
        "context": 0,
        "channel_id": channel_id.to_string(),
        "channel": channel,
        "authorizing_integration_owners": {"0": StandIn::GUILD_ID.to_string()},
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "app_permissions": permissions_of(&[StandIn::BOT_ROLE_ID]).to_string(),
        "application_id": StandIn::APPLICATION_ID.to_string(),
    })
}

fn command_data(name: &str, options: Value) -> Value {
    let mut data = json!({"type": 1, "name": name, "id": command_id(name).to_string()});
    let has_options = options.as_array().is_some_and(|a| !a.is_empty());
    if has_options {
        if let Some(r) = resolved_for(&options) {
            data["resolved"] = r;
        }
        data["options"] = options;
    }
    data
}

/// The `d` of an INTERACTION_CREATE for the slash command `name` (type 2,
/// APPLICATION_COMMAND) in GUILD_ID / CHANNEL_ID, invoked by `user` (a member
/// without roles: see [`with_member_roles`]). `options` is Discord's option
/// array (`[{"name": "question", "type": 3, "value": "..."}]`) or `null`.
pub fn slash_command(id: u64, name: &str, options: Value, user: Value) -> Value {
    let mut i = interaction_base(id, 2, user, StandIn::CHANNEL_ID);
    i["data"] = command_data(name, options);
    i
}

fn mark_focused(options: &mut Value) -> bool {
    let Some(list) = options.as_array_mut() else {
        return false;
    };
    if list.iter().any(|o| o.get("focused") == Some(&json!(true))) {
        return true;
    }
    for o in list.iter_mut().rev() {
        if let Some(sub) = o.get_mut("options") {
            if mark_focused(sub) {
                return true;
            }
        }
    }
    for o in list.iter_mut().rev() {
        if o.get("value").is_some() {
            o["focused"] = json!(true);
            return true;
        }
    }
    false
}

/// The `d` of an INTERACTION_CREATE of type 4 (APPLICATION_COMMAND_AUTOCOMPLETE)
/// for `name`. If no option has `"focused": true`, the last one with a value gets it.
/// Discord sends the partial input as a string, whatever the option's type.
pub fn autocomplete(id: u64, name: &str, options: Value, user: Value) -> Value {
    let mut options = options;
    mark_focused(&mut options);
    let mut i = interaction_base(id, 4, user, StandIn::CHANNEL_ID);
    let mut data = json!({"type": 1, "name": name, "id": command_id(name).to_string()});
    data["options"] = if options.is_null() { json!([]) } else { options };
    i["data"] = data;
    i
}

fn channel_of(message: &Value) -> u64 {
    message
        .get("channel_id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(StandIn::CHANNEL_ID)
}

/// The `d` of an INTERACTION_CREATE of type 3 (MESSAGE_COMPONENT): `user`
/// pressed the button `custom_id` on `message` (a message object, e.g. one
/// from [`StandIn::messages`]).
pub fn button_press(id: u64, custom_id: &str, message: Value, user: Value) -> Value {
    let mut i = interaction_base(id, 3, user, channel_of(&message));
    i["data"] = json!({"custom_id": custom_id, "component_type": 2});
    i["message"] = message;
    i
}

/// The `d` of an INTERACTION_CREATE of type 5 (MODAL_SUBMIT). `components`
/// is the submitted rows: `[{"type": 1, "components": [{"type": 4,
/// "custom_id": "...", "value": "..."}]}]`.
pub fn modal_submit(id: u64, custom_id: &str, components: Value, user: Value) -> Value {
    let mut i = interaction_base(id, 5, user, StandIn::CHANNEL_ID);
    i["data"] = json!({"custom_id": custom_id, "components": components});
    i
}

/// One text-input row of a modal submission, for [`modal_submit`].
pub fn modal_text_row(custom_id: &str, value: &str) -> Value {
    json!({"type": 1, "components": [{"type": 4, "custom_id": custom_id, "value": value}]})
}

/// An interaction payload with a file attached to it (from
/// [`super::StandIn::attach`]), as Discord resolves an attachment option.
pub fn with_attachment(mut payload: Value, attachment: Value) -> Value {
    let id = attachment["id"].as_str().unwrap_or_default().to_string();
    payload["data"]["resolved"]["attachments"][id] = attachment;
    payload
}

/// The user id in a user object.
pub fn id_of(object: &Value) -> Option<u64> {
    user_id_of(object)
}
