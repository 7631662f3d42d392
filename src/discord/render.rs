//! Replies as Discord shows them: embeds with the answer and its sources,
//! buttons for close questions, full sources and timeline pages. Every
//! Discord limit is respected by trimming text cleanly here, with one budget
//! per message for what Discord counts across embeds, so no request is ever
//! refused for its size.

use chrono::NaiveDate;
use serenity::all::{
    AutocompleteChoice, ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseMessage,
};

use crate::answers::{human_date, Citation, Knowledge, Reply, Response};
use crate::knowledge::Fact;

/// Discord's limits, from its documentation, and a check of a request body
/// against all of them.
pub mod limits {
    use serde_json::Value;

    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FIELDS: usize = 25;
    pub const FOOTER: usize = 2048;
    pub const AUTHOR_NAME: usize = 256;
    /// All embeds of one message together.
    pub const EMBEDS_TOTAL: usize = 6000;
    pub const EMBEDS_PER_MESSAGE: usize = 10;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const ROWS: usize = 5;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const CHOICES: usize = 25;
    pub const CHOICE_TEXT: usize = 100;
    pub const CONTENT: usize = 2000;

    /// Every way a message or interaction response body breaks one of
    /// Discord's size limits (none: Discord accepts its size). Lengths are
    /// counted as [`super::discord_len`] counts them.
    pub fn problems(body: &Value) -> Vec<String> {
        // An interaction response carries its message in `data`.
        let message = body.get("data").filter(|d| d.is_object()).unwrap_or(body);
        let mut out = Vec::new();
        fn len(v: &Value) -> usize {
            v.as_str().map_or(0, super::discord_len)
        }
        fn check(out: &mut Vec<String>, what: String, v: &Value, max: usize, required: bool) {
            let n = len(v);
            if n > max {
                out.push(format!("{what} has {n} characters, more than {max}"));
            } else if required && n == 0 {
                out.push(format!("{what} is empty"));
            }
        }
        check(&mut out, "content".into(), &message["content"], CONTENT, false);
        let embeds = message["embeds"].as_array().cloned().unwrap_or_default();
        let mut total = 0;
        for (i, e) in embeds.iter().enumerate() {
            check(&mut out, format!("embed {i}'s title"), &e["title"], EMBED_TITLE, false);
            check(
                &mut out,
                format!("embed {i}'s description"),
                &e["description"],
                EMBED_DESCRIPTION,
                false,
            );
            check(
                &mut out,
                format!("embed {i}'s footer"),
                &e["footer"]["text"],
                FOOTER,
                e.get("footer").is_some(),
            );
            check(
                &mut out,
                format!("embed {i}'s author"),
                &e["author"]["name"],
                AUTHOR_NAME,
                e.get("author").is_some(),
            );
            let fields = e["fields"].as_array().cloned().unwrap_or_default();
            if fields.len() > FIELDS {
                out.push(format!("embed {i} has {} fields, more than {FIELDS}", fields.len()));
            }
            for (j, f) in fields.iter().enumerate() {
                check(
                    &mut out,
                    format!("embed {i}'s field {j} name"),
                    &f["name"],
                    FIELD_NAME,
                    true,
                );
                check(
                    &mut out,
                    format!("embed {i}'s field {j} value"),
                    &f["value"],
                    FIELD_VALUE,
                    true,
                );
                total += len(&f["name"]) + len(&f["value"]);
            }
            let own = len(&e["title"]) + len(&e["description"]) + len(&e["footer"]["text"]) + len(&e["author"]["name"]);
            if own == 0 && fields.is_empty() && e.get("image").is_none() && e.get("thumbnail").is_none() {
                out.push(format!("embed {i} is empty"));
            }
            total += own;
        }
        if embeds.len() > EMBEDS_PER_MESSAGE {
            out.push(format!("{} embeds, more than {EMBEDS_PER_MESSAGE}", embeds.len()));
        }
        if total > EMBEDS_TOTAL {
            out.push(format!(
                "the embeds hold {total} characters together, more than {EMBEDS_TOTAL}"
            ));
        }
        let rows = message["components"].as_array().cloned().unwrap_or_default();
        if rows.len() > ROWS {
            out.push(format!("{} rows of components, more than {ROWS}", rows.len()));
        }
        let mut ids = std::collections::HashSet::new();
        for (r, row) in rows.iter().enumerate() {
            let items = row["components"].as_array().cloned().unwrap_or_default();
            if items.is_empty() || items.len() > BUTTONS_PER_ROW {
                out.push(format!(
                    "row {r} has {} buttons, not 1 to {BUTTONS_PER_ROW}",
                    items.len()
                ));
            }
            for (b, item) in items.iter().enumerate() {
                check(
                    &mut out,
                    format!("row {r} button {b}'s label"),
                    &item["label"],
                    BUTTON_LABEL,
                    false,
                );
                if item.get("url").is_none() {
                    check(
                        &mut out,
                        format!("row {r} button {b}'s custom id"),
                        &item["custom_id"],
                        CUSTOM_ID,
                        true,
                    );
                    if !ids.insert(item["custom_id"].to_string()) {
                        out.push(format!("row {r} button {b}'s custom id is used twice"));
                    }
                }
            }
        }
        let choices = message["choices"].as_array().cloned().unwrap_or_default();
        if choices.len() > CHOICES {
            out.push(format!("{} choices, more than {CHOICES}", choices.len()));
        }
        for (c, choice) in choices.iter().enumerate() {
            check(
                &mut out,
                format!("choice {c}'s name"),
                &choice["name"],
                CHOICE_TEXT,
                true,
            );
            if choice["value"].is_string() {
                check(
                    &mut out,
                    format!("choice {c}'s value"),
                    &choice["value"],
                    CHOICE_TEXT,
                    true,
                );
            }
        }
        out
    }
}

/// Button ids: `ask:ASKER:FACT_ID` answers that fact in place.
pub const ASK_PREFIX: &str = "ask:";
/// Button ids: `src:FACT_ID[:PERCENT]` shows a fact's full source privately,
/// with the match score of the answer it was under.
pub const SOURCE_PREFIX: &str = "src:";
/// Button ids: `tl:OWNER:FROM:TO:PAGE` turns the timeline of FROM..TO
/// (each YYYY-MM-DD, or empty for open) to PAGE.
pub const TIMELINE_PREFIX: &str = "tl:";

/// Events on one timeline page: a screenful to read, not a wall.
pub const TIMELINE_PAGE: usize = 5;

const ANSWER_COLOUR: u32 = 0x2b6cb0;
const UNSURE_COLOUR: u32 = 0x718096;

/// Below this confidence an answer says it is the closest match, not an
/// exact one.
const CLOSE_BELOW: f32 = 0.9;
/// An answer's embed is left out rather than shown with less of its answer
/// than this (or the whole answer, when shorter).
const MIN_ANSWER: usize = 120;
/// A citation is left out rather than shown with less of its quote than this.
const MIN_QUOTE: usize = 40;
/// Readers' footers name outlets and dates; a longer one is cut.
const FOOTER_SHOWN: usize = 300;
/// A question is quoted back at most this long in a description.
const QUOTED_QUESTION: usize = 300;

pub use crate::clip::{clip, discord_len};

/// Escapes markdown in text people typed, so it is shown as typed; and
/// breaks `@everyone`-style words so they don't even look like pings.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '<' | ':' | '-'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200B}');
        }
    }
    out
}

/// Text on one line: a question quoted back cannot start a heading or a
/// list, or look like several messages.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A question someone typed, as the bot shows it: one line, escaped, cut.
fn quoted_question(question: &str, max: usize) -> String {
    clip(&escape(&one_line(question)), max)
}

/// Allowed mentions for everything the bot sends: nobody, not even the
/// person replied to.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .empty_users()
        .empty_roles()
        .replied_user(false)
}

/// What a reply consists of, before it is put into a message or an
/// interaction response.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub embeds: Vec<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
    /// Sent only to the asker when the answer is a slash command's.
    pub ephemeral: bool,
}

impl Rendered {
    /// The reply as an interaction's message, pinging nobody; whether only
    /// the presser sees it is the caller's choice (an update of a message
    /// keeps the message's own).
    pub fn message(self) -> CreateInteractionResponseMessage {
        CreateInteractionResponseMessage::new()
            .embeds(self.embeds)
            .components(self.components)
            .allowed_mentions(no_mentions())
    }
}

/// What Discord counts toward the 6,000 characters that all embeds of one
/// message may hold together: titles, descriptions, field names and values,
/// footers and author names. Every such text of a message is taken from
/// one budget, so no message can be refused for its size.
#[derive(Debug, Clone, Copy, Default)]
struct Budget {
    used: usize,
}

impl Budget {
    fn left(&self) -> usize {
        limits::EMBEDS_TOTAL.saturating_sub(self.used)
    }

    /// `text` cut to its own limit `max` and to what is left of the
    /// message's; `None` when nothing of it fits.
    fn take(&mut self, text: &str, max: usize) -> Option<String> {
        let clipped = clip(text, max.min(self.left()));
        if clipped.is_empty() {
            return None;
        }
        self.used += discord_len(&clipped);
        Some(clipped)
    }

    /// A field: its name whole (up to the name limit) and its value cut to
    /// what is left; `None` (and nothing spent) when less than
    /// `min_value` of the value would show.
    fn field(&mut self, name: &str, value: &str, min_value: usize) -> Option<(String, String)> {
        let name = clip(name, limits::FIELD_NAME);
        let value = value.trim();
        let room = self.left().saturating_sub(discord_len(&name)).min(limits::FIELD_VALUE);
        if name.is_empty() || value.is_empty() || room < min_value.min(discord_len(value)).max(1) {
            return None;
        }
        let value = clip(value, room);
        self.used += discord_len(&name) + discord_len(&value);
        Some((name, value))
    }
}

/// A citation as a field: where it comes from, then the quote, then the
/// link when there is room for it whole (a cut address is a broken link).
fn citation_field(c: &Citation, budget: &mut Budget) -> Option<(String, String)> {
    let name = clip(&c.attribution(), limits::FIELD_NAME);
    let quote = c.shown_quote();
    let room = budget
        .left()
        .saturating_sub(discord_len(&name))
        .min(limits::FIELD_VALUE);
    let wanted = MIN_QUOTE.min(discord_len(&quote));
    let link = c
        .url
        .as_deref()
        .map(|u| format!("\n{u}"))
        .filter(|l| discord_len(l) + wanted + 2 <= room)
        .unwrap_or_default();
    let quote_room = room.saturating_sub(discord_len(&link) + 2);
    if name.is_empty() || quote.is_empty() || quote_room < wanted.max(1) {
        return None;
    }
    let value = format!("> {}{link}", clip(&quote, quote_room));
    budget.used += discord_len(&name) + discord_len(&value);
    Some((name, value))
}

/// The footer readers see under an answer: where it comes from, and, when
/// the match is not certain, that it is the closest the sources have.
/// Fact ids and scores are for moderators ("Full source").
fn reader_footer(knowledge: &Knowledge, fact: &Fact, confidence: Option<f32>) -> String {
    let mut sources: Vec<String> = Vec::new();
    for c in knowledge.citations(fact) {
        let s = format!("{}, {}", c.outlet, human_date(c.date));
        if !sources.contains(&s) {
            sources.push(s);
        }
    }
    let mut parts = Vec::new();
    if confidence.is_some_and(|c| c < CLOSE_BELOW) {
        parts.push("The closest match to your question in my sources".to_string());
    }
    match sources.len() {
        0 => {}
        1 => parts.push(format!("Source: {}", sources[0])),
        _ => parts.push(format!("Sources: {}", sources.join("; "))),
    }
    clip(&parts.join(" · "), FOOTER_SHOWN)
}

/// An embed for one answered fact: the question it answers (when given),
/// the answer, a field per citation and the readers' footer, all from the
/// message's budget. `None` when the budget has no room for it: nothing is
/// added rather than an embed without its answer.
fn answer_embed(
    knowledge: &Knowledge,
    fact: &Fact,
    heading: Option<&str>,
    confidence: Option<f32>,
    budget: &mut Budget,
) -> Option<CreateEmbed> {
    let mut b = *budget;
    let footer = reader_footer(knowledge, fact, confidence);
    let title = heading
        .map(|q| quoted_question(q, limits::EMBED_TITLE))
        .filter(|t| !t.is_empty());
    let fixed = discord_len(&footer) + title.as_deref().map_or(0, discord_len);
    if b.left() < fixed + MIN_ANSWER.min(discord_len(fact.answer.trim())) {
        return None;
    }
    let mut embed = CreateEmbed::new().colour(ANSWER_COLOUR);
    if let Some(t) = title {
        embed = embed.title(b.take(&t, limits::EMBED_TITLE)?);
    }
    // The footer is added last but always shown: its room is kept first.
    b.used += discord_len(&footer);
    embed = embed.description(b.take(&fact.answer, limits::EMBED_DESCRIPTION)?);
    for c in knowledge.citations(fact).iter().take(limits::FIELDS) {
        let Some((name, value)) = citation_field(c, &mut b) else {
            break;
        };
        embed = embed.field(name, value, false);
    }
    if !footer.is_empty() {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    *budget = b;
    Some(embed)
}

/// Said when the facts of an answer left the base between the question
/// and the reply (a reload): never an empty message.
fn gone() -> Rendered {
    Rendered {
        embeds: vec![notice(
            "Not found",
            "That answer is no longer in my sources. Please ask again.",
        )],
        components: Vec::new(),
        ephemeral: true,
    }
}

/// Buttons in rows of five, at most five rows.
fn rows(buttons: Vec<CreateButton>) -> Vec<CreateActionRow> {
    buttons
        .chunks(limits::BUTTONS_PER_ROW)
        .take(limits::ROWS)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

/// A close-question button's id: who asked, then the fact. Only the asker's
/// press replaces the reply everyone sees; anyone else gets the answer privately.
fn ask_button_id(asker: u64, fact_id: &str) -> String {
    format!("{ASK_PREFIX}{asker}:{fact_id}")
}

/// The asker (when the button names one) and the fact of a close-question button.
pub fn ask_button_target(custom_id: &str) -> Option<(Option<u64>, &str)> {
    let rest = custom_id.strip_prefix(ASK_PREFIX)?;
    Some(match rest.split_once(':') {
        Some((asker, fact_id)) => (asker.parse().ok(), fact_id),
        // Buttons drawn before askers were recorded name the fact alone.
        None => (None, rest),
    })
}

/// Fact ids are short lowercase slugs; a button naming anything else was
/// not drawn by the bot.
fn is_fact_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn source_button_id(fact_id: &str, confidence: Option<f32>) -> String {
    match confidence {
        Some(c) => format!(
            "{SOURCE_PREFIX}{fact_id}:{}",
            (c.clamp(0.0, 1.0) * 100.0).round() as u32
        ),
        None => format!("{SOURCE_PREFIX}{fact_id}"),
    }
}

/// The fact and match score of a "Full source" button; `None` for an id the
/// bot did not draw.
pub fn source_button_target(custom_id: &str) -> Option<(&str, Option<f32>)> {
    let rest = custom_id.strip_prefix(SOURCE_PREFIX)?;
    let (fact_id, score) = match rest.split_once(':') {
        Some((fact_id, percent)) => {
            let percent: u8 = percent.parse().ok().filter(|p| *p <= 100)?;
            (fact_id, Some(f32::from(percent) / 100.0))
        }
        None => (rest, None),
    };
    is_fact_id(fact_id).then_some((fact_id, score))
}

/// "Full source" buttons under an answer, one per fact shown.
fn full_source_buttons(shown: &[(&Fact, Option<f32>)]) -> Vec<CreateActionRow> {
    let buttons = shown
        .iter()
        .map(|(fact, confidence)| {
            let label = if shown.len() == 1 {
                "Full source".to_string()
            } else {
                clip(&format!("Full source: {}", fact.questions[0]), limits::BUTTON_LABEL)
            };
            CreateButton::new(source_button_id(&fact.id, *confidence))
                .label(label)
                .style(ButtonStyle::Secondary)
        })
        .collect();
    rows(buttons)
}

/// Buttons for close questions, five to a row.
fn suggestion_buttons(suggestions: &[(String, String)], asker: u64) -> Vec<CreateActionRow> {
    let buttons = suggestions
        .iter()
        .map(|(fact_id, question)| {
            CreateButton::new(clip(&ask_button_id(asker, fact_id), limits::CUSTOM_ID))
                .label(clip(question, limits::BUTTON_LABEL))
                .style(ButtonStyle::Secondary)
        })
        .collect();
    rows(buttons)
}

/// Answered facts as embeds from one budget, the first headed by the
/// question they answer, with their "Full source" buttons.
fn answers(knowledge: &Knowledge, question: &str, facts: &[(&Fact, Option<f32>)]) -> Rendered {
    let mut budget = Budget::default();
    let mut embeds = Vec::new();
    let mut shown: Vec<(&Fact, Option<f32>)> = Vec::new();
    for &(fact, confidence) in facts.iter().take(limits::EMBEDS_PER_MESSAGE) {
        if shown.iter().any(|(f, _)| f.id == fact.id) {
            continue;
        }
        let heading = embeds.is_empty().then_some(question);
        match answer_embed(knowledge, fact, heading, confidence, &mut budget) {
            Some(embed) => {
                embeds.push(embed);
                shown.push((fact, confidence));
            }
            None => break,
        }
    }
    if embeds.is_empty() {
        return gone();
    }
    Rendered {
        embeds,
        components: full_source_buttons(&shown),
        ephemeral: false,
    }
}

/// The whole reply to a question `asker` asked.
pub fn reply(knowledge: &Knowledge, reply: &Reply, asker: u64) -> Rendered {
    match &reply.response {
        Response::Answer(facts) => {
            let found: Vec<(&Fact, Option<f32>)> = facts
                .iter()
                .filter_map(|a| knowledge.base.fact(&a.fact_id).map(|f| (f, Some(a.confidence))))
                .collect();
            answers(knowledge, &reply.question, &found)
        }
        Response::Suggest(suggestions) => {
            let mut budget = Budget::default();
            let asked = quoted_question(&reply.question, QUOTED_QUESTION);
            let mut embed = CreateEmbed::new().colour(UNSURE_COLOUR);
            // A question about what the sources leave open gets what they do
            // say, not a guess at what was meant.
            let open = suggestions.first().is_some_and(|s| s.unsaid);
            let (title, description) = if open {
                (
                    "My sources don't say",
                    format!("My sources don't say that (\u{201c}{asked}\u{201d}). Here is what they do say; pick a question and I'll answer it here."),
                )
            } else {
                (
                    "Did you mean…?",
                    format!("I'm not sure my sources answer \u{201c}{asked}\u{201d}. Pick the question you meant and I'll answer it here."),
                )
            };
            if let Some(title) = budget.take(title, limits::EMBED_TITLE) {
                embed = embed.title(title);
            }
            if let Some(text) = budget.take(&description, limits::EMBED_DESCRIPTION) {
                embed = embed.description(text);
            }
            let pairs: Vec<(String, String)> = suggestions
                .iter()
                .map(|s| (s.fact_id.clone(), s.question.clone()))
                .collect();
            Rendered {
                embeds: vec![embed],
                components: suggestion_buttons(&pairs, asker),
                ephemeral: false,
            }
        }
        Response::Abstain => Rendered {
            embeds: vec![abstain_embed(knowledge, &reply.question)],
            components: Vec::new(),
            ephemeral: true,
        },
    }
}

/// The answer to a close question someone picked: headed by that question
/// (the button's label), since the reply it replaces showed another.
pub fn chosen_answer(knowledge: &Knowledge, fact: &Fact) -> Rendered {
    answers(knowledge, &fact.questions[0], &[(fact, None)])
}

/// An honest "my sources don't say", with a few questions the bot does
/// answer and the sources it has.
pub fn abstain_embed(knowledge: &Knowledge, question: &str) -> CreateEmbed {
    let asked = quoted_question(question, QUOTED_QUESTION);
    let examples = knowledge.example_questions(3);
    let examples = if examples.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = examples.iter().map(|q| format!("• {}", one_line(q))).collect();
        format!("\n\nYou could ask, for example:\n{}", list.join("\n"))
    };
    let sources: Vec<String> = knowledge
        .base
        .sources()
        .iter()
        .filter(|s| s.kind == crate::knowledge::SourceKind::Article)
        .map(|s| format!("{} ({})", s.outlet, human_date(s.date)))
        .collect();
    let sources = if sources.is_empty() {
        String::new()
    } else {
        format!("\n\nMy sources: {}.", sources.join("; "))
    };
    notice(
        "My sources don't say",
        &format!("None of my sources answers \u{201c}{asked}\u{201d}, and I won't guess.{examples}{sources}"),
    )
}

/// A plain notice (errors, cooldowns), in an embed so it looks like the rest.
pub fn notice(title: &str, text: &str) -> CreateEmbed {
    let mut budget = Budget::default();
    let mut embed = CreateEmbed::new().colour(UNSURE_COLOUR);
    if let Some(title) = budget.take(title, limits::EMBED_TITLE) {
        embed = embed.title(title);
    }
    if let Some(text) = budget.take(text, limits::EMBED_DESCRIPTION) {
        embed = embed.description(text);
    }
    embed
}

/// `/source show` and the "Full source" button: everything about one
/// fact's sources, with the fact's id (and the match score, when it was an
/// answer) in the footer for moderators.
pub fn source_view(knowledge: &Knowledge, fact: &Fact, score: Option<f32>) -> Rendered {
    let mut b = Budget::default();
    let footer = match score {
        Some(s) => format!("fact {} · match score {:.2}", fact.id, s),
        None => format!("fact {}", fact.id),
    };
    let footer = clip(&footer, FOOTER_SHOWN);
    b.used += discord_len(&footer);
    let mut embed = CreateEmbed::new().colour(ANSWER_COLOUR);
    if let Some(title) = b.take(&fact.questions[0], limits::EMBED_TITLE) {
        embed = embed.title(title);
    }
    if let Some(answer) = b.take(&fact.answer, limits::EMBED_DESCRIPTION) {
        embed = embed.description(answer);
    }
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    for s in fact.sources.iter().filter_map(|id| knowledge.base.source(id)) {
        let mut text = format!("{}, {}", s.outlet, human_date(s.date));
        if let Some(by) = &s.byline {
            text.push_str(&format!("\nBy {by}"));
        }
        if let Some(t) = &s.title {
            text.push_str(&format!("\n\u{201c}{t}\u{201d}"));
        }
        if let Some(u) = &s.url {
            text.push_str(&format!("\n{u}"));
        }
        // Last, so a cut takes the least needed part.
        if let Some(c) = &s.context {
            text.push_str(&format!("\n{c}"));
        }
        let kind = match s.kind {
            crate::knowledge::SourceKind::Article => "Source",
            crate::knowledge::SourceKind::Headline => "Source: a related headline on the page",
        };
        if fields.len() >= limits::FIELDS {
            break;
        }
        match b.field(kind, &text, MIN_QUOTE) {
            Some((name, value)) => fields.push((name, value, false)),
            None => break,
        }
    }
    for q in &fact.quotes {
        if fields.len() >= limits::FIELDS {
            break;
        }
        let outlet = knowledge.base.source(&q.source).map_or("", |s| s.outlet.as_str());
        let quote = format!("> {}", crate::answers::quote_as_shown(&q.text));
        match b.field(&format!("Quote ({outlet})"), &quote, MIN_QUOTE) {
            Some((name, value)) => fields.push((name, value, false)),
            None => break,
        }
    }
    if !fact.dates.is_empty() && fields.len() < limits::FIELDS {
        let dates: Vec<String> = fact.dates.iter().map(|d| human_date(*d)).collect();
        if let Some((name, value)) = b.field("When", &dates.join(", "), 1) {
            fields.push((name, value, true));
        }
    }
    // What a reader checking the fact may ask next, and will not be told.
    if !fact.unsaid.is_empty() && fields.len() < limits::FIELDS {
        let open: Vec<String> = fact.unsaid.iter().map(|q| format!("- {q}")).collect();
        if let Some((name, value)) = b.field("The sources don't say", &open.join("\n"), 1) {
            fields.push((name, value, false));
        }
    }
    Rendered {
        embeds: vec![embed.fields(fields).footer(CreateEmbedFooter::new(footer))],
        components: Vec::new(),
        ephemeral: false,
    }
}

/// Which timeline page a button shows, as its id says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelinePage {
    /// Who ran `/timeline`: their presses turn the page everyone sees.
    pub owner: u64,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: usize,
}

/// Pages beyond any base's: an id asking for more was not drawn by the bot.
const MAX_PAGE: usize = 10_000;

fn timeline_button_id(t: &TimelinePage) -> String {
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    format!("{TIMELINE_PREFIX}{}:{}:{}:{}", t.owner, day(t.from), day(t.to), t.page)
}

/// The page a timeline button asks for; `None` for an id the bot did not
/// draw. The page is turned from the current base, so a page past its end
/// (the base has shrunk since) shows the last one.
pub fn timeline_button_target(custom_id: &str) -> Option<TimelinePage> {
    let parts: Vec<&str> = custom_id.strip_prefix(TIMELINE_PREFIX)?.split(':').collect();
    let [owner, from, to, page] = parts.as_slice() else {
        return None;
    };
    let day = |s: &str| -> Option<Option<NaiveDate>> {
        if s.is_empty() {
            return Some(None);
        }
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        (s.len() == 10).then_some(Some(d))
    };
    let page: usize = page.parse().ok().filter(|p| *p <= MAX_PAGE)?;
    Some(TimelinePage {
        owner: owner.parse().ok()?,
        from: day(from)?,
        to: day(to)?,
        page,
    })
}

/// `/timeline`: one page of dated events under date headings, the
/// timeline's range in the title, and buttons to the earlier and later pages.
pub fn timeline(knowledge: &Knowledge, at: TimelinePage) -> Rendered {
    let events = crate::timeline::events(&knowledge.base, at.from, at.to);
    let pages = events.len().div_ceil(TIMELINE_PAGE).max(1);
    let page = at.page.min(pages - 1);
    let title = match (events.first(), events.last()) {
        (Some(first), Some(last)) if first.date == last.date => format!("Timeline: {}", human_date(first.date)),
        (Some(first), Some(last)) => format!("Timeline: {} to {}", human_date(first.date), human_date(last.date)),
        _ => match (at.from, at.to) {
            (Some(f), Some(t)) => format!("Timeline from {} to {}", human_date(f), human_date(t)),
            (Some(f), None) => format!("Timeline from {}", human_date(f)),
            (None, Some(t)) => format!("Timeline up to {}", human_date(t)),
            (None, None) => "Timeline".to_string(),
        },
    };
    let mut text = String::new();
    let mut heading = None;
    for event in events.iter().skip(page * TIMELINE_PAGE).take(TIMELINE_PAGE) {
        if heading != Some(event.date) {
            if heading.is_some() {
                text.push('\n');
            }
            text.push_str(&format!("**{}**\n", human_date(event.date)));
            heading = Some(event.date);
        }
        text.push_str(&format!("• {} _({})_\n", event.text, event.outlet));
    }
    if events.is_empty() {
        text = "No dated events in that range.".to_string();
    }
    let count = match events.len() {
        1 => "1 event".to_string(),
        n => format!("{n} events"),
    };
    let footer = if pages > 1 {
        format!("Page {} of {pages} · {count}", page + 1)
    } else {
        count
    };
    let mut b = Budget::default();
    let mut embed = CreateEmbed::new().colour(ANSWER_COLOUR);
    if let Some(t) = b.take(&title, limits::EMBED_TITLE) {
        embed = embed.title(t);
    }
    if let Some(f) = b.take(&footer, limits::FOOTER) {
        embed = embed.footer(CreateEmbedFooter::new(f));
    }
    if let Some(d) = b.take(&text, limits::EMBED_DESCRIPTION) {
        embed = embed.description(d);
    }
    let components = if pages > 1 {
        let to_page = |p: usize| timeline_button_id(&TimelinePage { page: p, ..at });
        rows(vec![
            CreateButton::new(to_page(page.saturating_sub(1)))
                .label("◀ Earlier")
                .style(ButtonStyle::Secondary)
                .disabled(page == 0),
            CreateButton::new(to_page((page + 1).min(pages - 1)))
                .label("Later ▶")
                .style(ButtonStyle::Secondary)
                .disabled(page + 1 >= pages),
        ])
    } else {
        Vec::new()
    };
    Rendered {
        embeds: vec![embed],
        components,
        ephemeral: false,
    }
}

/// Autocomplete for `/ask` and `/source`: stored questions that fit what
/// has been typed so far, at most 25, each at most 100 characters. The value
/// sent back is the question itself for `/ask`, the fact id for `/source`.
pub fn question_choices(knowledge: &Knowledge, partial: &str, value_is_fact_id: bool) -> Vec<AutocompleteChoice> {
    let folded = crate::matching::text::fold(partial);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let mut picked: Vec<(String, String)> = Vec::new();
    let push = |fact: &Fact, question: &str, picked: &mut Vec<(String, String)>| {
        if picked.len() < limits::CHOICES && !picked.iter().any(|(f, _)| *f == fact.id) {
            picked.push((fact.id.clone(), question.to_string()));
        }
    };
    if !words.is_empty() {
        // What the matcher makes of it first, then plain word overlap.
        if let Ok(reply) = knowledge.ask(partial) {
            for r in &reply.ranking {
                if let Some(f) = knowledge.base.fact(&r.fact_id) {
                    // A question someone once typed is no choice to offer.
                    let own = r.matched.as_deref().filter(|_| !r.asked);
                    push(f, own.unwrap_or(&f.questions[0]), &mut picked);
                }
            }
        }
    }
    for f in knowledge.base.facts() {
        for q in &f.questions {
            let fq = crate::matching::text::fold(q);
            if words.iter().all(|w| fq.contains(w)) {
                push(f, q, &mut picked);
            }
        }
    }
    picked
        .into_iter()
        .map(|(fact, q)| {
            let name = clip(&q, limits::CHOICE_TEXT);
            let value = if value_is_fact_id {
                clip(&fact, limits::CHOICE_TEXT)
            } else {
                name.clone()
            };
            AutocompleteChoice::new(name, value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_shows_markdown_as_typed_and_defuses_pings() {
        assert_eq!(escape("**bold** @everyone"), "\\*\\*bold\\*\\* @\u{200B}everyone");
        assert_eq!(escape("<@&123>"), "\\<@\u{200B}&123\\>");
    }

    #[test]
    fn allowed_mentions_allow_nobody() {
        let v = serde_json::to_value(no_mentions()).unwrap();
        assert_eq!(v["parse"], serde_json::json!([]));
        assert_eq!(v["users"], serde_json::json!([]));
        assert_eq!(v["roles"], serde_json::json!([]));
        assert_eq!(v["replied_user"], false);
    }

    #[test]
    fn a_close_question_button_names_its_asker_and_fact() {
        let id = ask_button_id(1_180_000_000_000_000_003, "witkoff-met-putin");
        assert!(id.len() <= limits::CUSTOM_ID);
        assert_eq!(
            ask_button_target(&id),
            Some((Some(1_180_000_000_000_000_003), "witkoff-met-putin"))
        );
        assert_eq!(ask_button_target("ask:old-fact"), Some((None, "old-fact")));
        assert_eq!(ask_button_target("fact:add"), None);
    }

    #[test]
    fn many_suggestions_become_rows_of_five() {
        let pairs: Vec<(String, String)> = (0..12).map(|i| (format!("f{i}"), "q".repeat(200))).collect();
        let rows = suggestion_buttons(&pairs, 42);
        assert_eq!(rows.len(), 3);
        let v = serde_json::to_value(&rows).unwrap();
        for row in v.as_array().unwrap() {
            let buttons = row["components"].as_array().unwrap();
            assert!(buttons.len() <= 5);
            for b in buttons {
                assert!(b["label"].as_str().unwrap().chars().count() <= 80);
            }
        }
    }
}

/// Every reply the bot can render, for any fact base, is within every one
/// of Discord's limits: a reply that is too big is refused whole, and the
/// person gets nothing.
#[cfg(test)]
mod fits {
    use std::path::Path;

    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
    use serenity::all::{CreateAutocompleteResponse, CreateInteractionResponse, CreateMessage};

    use super::*;
    use crate::answers::AnsweredFact;
    use crate::knowledge::FactBase;
    use crate::matching::MatcherConfig;

    #[derive(Debug, Clone)]
    struct GenSource {
        headline: bool,
        outlet: String,
        byline: Option<String>,
        title: Option<String>,
        context: Option<String>,
        day: u32,
        url: Option<String>,
    }

    #[derive(Debug, Clone)]
    struct GenFact {
        questions: Vec<String>,
        answer: String,
        sources: Vec<usize>,
        quotes: Vec<(usize, String)>,
        days: Vec<u32>,
        tags: Vec<usize>,
    }

    #[derive(Debug, Clone)]
    struct Case {
        sources: Vec<GenSource>,
        facts: Vec<GenFact>,
        question: String,
        confidences: Vec<f32>,
    }

    /// Words as they come: plain, markdown, pings, accents, emoji (two
    /// UTF-16 units), sentence ends, and words longer than any field.
    fn word() -> impl Strategy<Value = String> {
        let plain = [
            "ceasefire",
            "talks",
            "Putin",
            "met",
            "in",
            "Moscow",
            "U.S.",
            "the",
            "a",
            "said;",
            "Sunday.",
            "Kyiv",
            "naïve",
            "Zelenskyy",
            "30-day",
            "On",
            "11",
            "March",
            "2025,",
        ];
        let odd = [
            "**bold**",
            "@everyone",
            "<@123>",
            "_x_",
            "é",
            "😀",
            "「引用」",
            "\u{200B}",
            "> quote",
            "`code`",
        ];
        prop_oneof![
            12 => prop::sample::select(plain.to_vec()).prop_map(str::to_string),
            2 => prop::sample::select(odd.to_vec()).prop_map(str::to_string),
            1 => (1usize..1500).prop_map(|n| "x".repeat(n)),
        ]
    }

    fn text(words: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
        prop::collection::vec(word(), words).prop_map(|w| w.join(" "))
    }

    fn source() -> impl Strategy<Value = GenSource> {
        (
            any::<bool>(),
            text(1..=80),
            prop::option::of(text(1..=60)),
            prop::option::of(text(1..=60)),
            prop::option::of(text(1..=120)),
            0u32..500,
            prop::option::of((1usize..1800).prop_map(|n| format!("https://example.org/{}", "p".repeat(n)))),
        )
            .prop_map(|(headline, outlet, byline, title, context, day, url)| GenSource {
                headline,
                outlet,
                byline,
                title,
                context,
                day,
                url,
            })
    }

    fn fact() -> impl Strategy<Value = GenFact> {
        (
            prop::collection::vec(text(1..=60), 1..=3),
            text(1..=1200),
            prop::collection::vec(0usize..64, 1..=5),
            prop::collection::vec((0usize..8, text(1..=160)), 1..=30),
            prop::collection::vec(0u32..500, 0..=4),
            prop::collection::vec(0usize..4, 0..=3),
        )
            .prop_map(|(questions, answer, sources, quotes, days, tags)| GenFact {
                questions,
                answer,
                sources,
                quotes,
                days,
                tags,
            })
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            prop::collection::vec(source(), 1..=12),
            prop::collection::vec(fact(), 1..=12),
            text(1..=400),
            prop::collection::vec(0.0f32..=1.0, 12),
        )
            .prop_map(|(sources, facts, question, confidences)| Case {
                sources,
                facts,
                question,
                confidences,
            })
    }

    fn day(n: u32) -> String {
        (NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(u64::from(n)))
            .format("%Y-%m-%d")
            .to_string()
    }

    /// The generated base, written as curators write it and checked as
    /// the bot loads it.
    fn knowledge(case: &Case) -> Knowledge {
        let sources: Vec<toml::Value> = case
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut t = toml::Table::new();
                t.insert("id".into(), format!("s{i}").into());
                t.insert("kind".into(), if s.headline { "headline" } else { "article" }.into());
                t.insert("outlet".into(), s.outlet.clone().into());
                t.insert("date".into(), day(s.day).into());
                for (key, v) in [
                    ("byline", &s.byline),
                    ("title", &s.title),
                    ("context", &s.context),
                    ("url", &s.url),
                ] {
                    if let Some(v) = v {
                        t.insert(key.into(), v.clone().into());
                    }
                }
                toml::Value::Table(t)
            })
            .collect();
        let tags = ["ceasefire", "meetings", "people", "sanctions"];
        let facts: Vec<toml::Value> = case
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut ids: Vec<String> = f
                    .sources
                    .iter()
                    .map(|n| format!("s{}", n % case.sources.len()))
                    .collect();
                ids.dedup();
                ids.sort();
                ids.dedup();
                let quotes: Vec<toml::Value> = f
                    .quotes
                    .iter()
                    .map(|(n, text)| {
                        let mut q = toml::Table::new();
                        q.insert("source".into(), ids[n % ids.len()].clone().into());
                        q.insert("text".into(), text.clone().into());
                        toml::Value::Table(q)
                    })
                    .collect();
                let mut t = toml::Table::new();
                t.insert("id".into(), format!("f{i}").into());
                // Every phrasing unique across the base, as the checks require.
                let unique = |prefix: &str| -> Vec<toml::Value> {
                    f.questions
                        .iter()
                        .enumerate()
                        .map(|(j, q)| format!("{prefix}{i}x{j} {q}").into())
                        .collect()
                };
                t.insert("questions".into(), unique("q").into());
                t.insert("answer".into(), f.answer.clone().into());
                t.insert(
                    "sources".into(),
                    ids.into_iter().map(toml::Value::from).collect::<Vec<_>>().into(),
                );
                t.insert("quotes".into(), quotes.into());
                t.insert(
                    "dates".into(),
                    f.days
                        .iter()
                        .map(|d| toml::Value::from(day(*d)))
                        .collect::<Vec<_>>()
                        .into(),
                );
                t.insert(
                    "tags".into(),
                    f.tags
                        .iter()
                        .map(|n| toml::Value::from(tags[*n]))
                        .collect::<Vec<_>>()
                        .into(),
                );
                // Every other fact leaves its phrasings' twins open (drawn
                // from what was generated, so the cases stay as they were).
                if i % 2 == 0 {
                    t.insert("unsaid".into(), unique("u").into());
                }
                toml::Value::Table(t)
            })
            .collect();
        let file = |key: &str, tables: Vec<toml::Value>| {
            let mut t = toml::Table::new();
            t.insert(key.into(), tables.into());
            toml::to_string(&t).expect("a generated base serializes")
        };
        let dir = Path::new("/generated");
        let files = vec![
            (dir.join("sources.toml"), file("source", sources)),
            (dir.join("facts").join("generated.toml"), file("fact", facts)),
        ];
        let base = FactBase::from_files(dir, &files).unwrap_or_else(|e| panic!("the generated base loads: {e}"));
        Knowledge::new(base, &MatcherConfig::default())
    }

    fn fits(what: &str, body: impl serde::Serialize) -> Result<(), TestCaseError> {
        let body = serde_json::to_value(body).expect("a body serializes");
        let problems = limits::problems(&body);
        prop_assert!(problems.is_empty(), "{}: {:?}", what, problems);
        Ok(())
    }

    /// A rendered reply as the bot sends it, as a message (mentions) and as
    /// an interaction response (slash commands, buttons).
    fn sent_both_ways(what: &str, rendered: Rendered) -> Result<(), TestCaseError> {
        prop_assert!(!rendered.embeds.is_empty(), "{} has no embed", what);
        let message = CreateMessage::new()
            .embeds(rendered.embeds.clone())
            .components(rendered.components.clone())
            .allowed_mentions(no_mentions());
        fits(&format!("{what} as a message"), message)?;
        fits(
            &format!("{what} as an update"),
            CreateInteractionResponse::UpdateMessage(rendered.clone().message()),
        )?;
        fits(
            &format!("{what} as an interaction response"),
            crate::discord::interaction_message(rendered, false),
        )
    }

    fn every_reply_fits(case: &Case) -> Result<(), TestCaseError> {
        let k = knowledge(case);
        let facts = k.base.facts();
        let answered: Vec<AnsweredFact> = facts
            .iter()
            .zip(case.confidences.iter().cycle())
            .map(|(f, c)| AnsweredFact {
                fact_id: f.id.clone(),
                answer: f.answer.clone(),
                citations: k.citations(f),
                confidence: *c,
            })
            .collect();
        let suggestions = facts
            .iter()
            .enumerate()
            .map(|(i, f)| crate::answers::Suggestion {
                fact_id: f.id.clone(),
                question: f.questions[0].clone(),
                confidence: 0.5,
                unsaid: i == 0 && case.question.len().is_multiple_of(2),
            })
            .collect();
        for response in [
            Response::Answer(answered),
            Response::Suggest(suggestions),
            Response::Abstain,
        ] {
            let reply = Reply {
                question: case.question.clone(),
                response,
                confidence: 0.5,
                ranking: Vec::new(),
            };
            sent_both_ways(reply.outcome_name(), super::reply(&k, &reply, u64::MAX))?;
        }
        for f in facts {
            sent_both_ways(&format!("the chosen answer {}", f.id), chosen_answer(&k, f))?;
            sent_both_ways(&format!("the full source of {}", f.id), source_view(&k, f, Some(0.87)))?;
            sent_both_ways(&format!("/source show {}", f.id), source_view(&k, f, None))?;
        }
        let dates: Vec<Option<NaiveDate>> = vec![None, NaiveDate::from_ymd_opt(2025, 6, 1)];
        for from in &dates {
            for page in [0, 1, 2, 7, MAX_PAGE] {
                let at = TimelinePage {
                    owner: u64::MAX,
                    from: *from,
                    to: None,
                    page,
                };
                sent_both_ways(&format!("timeline page {page}"), timeline(&k, at))?;
            }
        }
        sent_both_ways(
            "a notice",
            Rendered {
                embeds: vec![notice(&case.question, &case.question.repeat(20))],
                ..Default::default()
            },
        )?;
        for partial in ["", case.question.as_str(), facts[0].questions[0].as_str()] {
            let choices = question_choices(&k, partial, false);
            fits(
                "autocomplete",
                CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new().set_choices(choices)),
            )?;
        }
        Ok(())
    }

    #[test]
    fn every_reply_to_any_fact_base_is_within_every_discord_limit() {
        // A fixed seed: the same cases every run, so a failure is a bug to
        // fix, not a flake; the cases are varied enough to find the edges.
        let config = Config {
            cases: 24,
            failure_persistence: None,
            max_shrink_iters: 64,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]));
        if let Err(e) = runner.run(&case(), |c| every_reply_fits(&c)) {
            panic!("{e}");
        }
    }

    fn long_case() -> Case {
        let long = |n: usize| "word ".repeat(n);
        Case {
            sources: vec![GenSource {
                headline: false,
                outlet: long(50),
                byline: Some(long(50)),
                title: Some(long(50)),
                context: Some(long(200)),
                day: 10,
                url: Some(format!("https://example.org/{}", "p".repeat(500))),
            }],
            facts: (0..3)
                .map(|_| GenFact {
                    questions: vec![long(40)],
                    answer: long(1200),
                    sources: vec![0],
                    quotes: (0..25).map(|_| (0, long(100))).collect(),
                    days: vec![10],
                    tags: vec![0],
                })
                .collect(),
            question: long(400),
            confidences: vec![0.95; 12],
        }
    }

    #[test]
    fn once_a_first_answer_fills_the_budget_no_second_embed_is_added() {
        let case = long_case();
        let k = knowledge(&case);
        let answered = k
            .base
            .facts()
            .iter()
            .map(|f| AnsweredFact {
                fact_id: f.id.clone(),
                answer: f.answer.clone(),
                citations: k.citations(f),
                confidence: 0.95,
            })
            .collect();
        let reply = Reply {
            question: case.question.clone(),
            response: Response::Answer(answered),
            confidence: 0.95,
            ranking: Vec::new(),
        };
        let rendered = super::reply(&k, &reply, 1);
        assert_eq!(rendered.embeds.len(), 1, "the first answer took the whole budget");
        let body = serde_json::to_value(crate::discord::interaction_message(rendered, false)).unwrap();
        assert_eq!(limits::problems(&body), Vec::<String>::new());
        let rows = body["data"]["components"].as_array().unwrap();
        assert_eq!(
            rows.len(),
            1,
            "one Full source button, for the one answer shown: {rows:?}"
        );
    }

    #[test]
    fn a_full_source_counts_its_field_names_and_footer() {
        let k = knowledge(&long_case());
        let body = serde_json::to_value(source_view(&k, &k.base.facts()[0], Some(0.5)).message()).unwrap();
        assert_eq!(limits::problems(&body), Vec::<String>::new());
        assert!(body["embeds"][0]["footer"]["text"]
            .as_str()
            .unwrap()
            .starts_with("fact f0"));
    }

    #[test]
    fn the_limit_check_finds_what_discord_refuses() {
        let field = |name: &str, value: &str| serde_json::json!({"name": name, "value": value});
        let body = serde_json::json!({"type": 4, "data": {"embeds": [
            {"description": "d".repeat(4000), "footer": {"text": "f".repeat(1000)}},
            {"title": "t".repeat(257), "fields": [field("", "v"), field("n", &"v".repeat(1025))]},
            {},
        ]}});
        let problems = limits::problems(&body);
        for expected in [
            "embed 1's title has 257 characters",
            "embed 1's field 0 name is empty",
            "embed 1's field 1 value has 1025 characters",
            "embed 2 is empty",
            "the embeds hold",
        ] {
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{expected}: {problems:?}"
            );
        }
    }

    #[test]
    fn page_buttons_name_a_page_and_forged_ones_are_refused() {
        let at = TimelinePage {
            owner: 1_180_000_000_000_000_003,
            from: NaiveDate::from_ymd_opt(2025, 3, 1),
            to: None,
            page: 3,
        };
        let id = timeline_button_id(&at);
        assert!(id.len() <= limits::CUSTOM_ID);
        assert_eq!(timeline_button_target(&id), Some(at));
        for forged in [
            "tl:1:2025-03-01::3:4",
            "tl:x:::0",
            "tl:1:2025-3-1::0",
            "tl:1:::-1",
            "tl:1:::99999999999999999999",
            "tl:1:::10001",
            "ask:1:f",
        ] {
            assert_eq!(timeline_button_target(forged), None, "{forged}");
        }
    }

    #[test]
    fn full_source_buttons_name_a_fact_and_forged_ones_are_refused() {
        assert_eq!(
            source_button_target(&source_button_id("witkoff-met-putin", Some(0.873))),
            Some(("witkoff-met-putin", Some(0.87)))
        );
        assert_eq!(source_button_target("src:who-is-rubio"), Some(("who-is-rubio", None)));
        for forged in ["src:", "src:Who", "src:a:101", "src:a:x", "src:../a", "tl:1:::0"] {
            assert_eq!(source_button_target(forged), None, "{forged}");
        }
    }

    #[test]
    fn quotes_that_start_mid_sentence_are_marked_and_headlines_name_the_outlet_first() {
        assert_eq!(
            crate::answers::quote_as_shown("a recent meeting between\n envoys"),
            "…a recent meeting between envoys"
        );
        assert_eq!(
            crate::answers::quote_as_shown("\"Promising,\" he said"),
            "\"Promising,\" he said"
        );
        assert_eq!(crate::answers::quote_as_shown("…already marked"), "…already marked");
        let k = knowledge(&long_case());
        let mut c = k.citations(&k.base.facts()[0]).remove(0);
        c.outlet = "The Kyiv Independent".into();
        c.kind = crate::knowledge::SourceKind::Headline;
        c.date = NaiveDate::from_ymd_opt(2025, 3, 16).unwrap();
        assert_eq!(
            c.attribution(),
            "The Kyiv Independent · related headline, 16 March 2025"
        );
    }
}
