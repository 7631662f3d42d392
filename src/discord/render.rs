//! Replies as Discord shows them: embeds with the answer and its sources,
//! buttons for close questions. Every Discord limit is respected by trimming
//! text cleanly here, so no request is ever refused for its size.

use chrono::NaiveDate;
use serenity::all::{
    AutocompleteChoice, ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter,
};

use crate::answers::{human_date, Citation, Knowledge, Reply, Response};
use crate::knowledge::Fact;

/// Discord's limits, from its documentation.
pub mod limits {
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FIELDS: usize = 25;
    pub const FOOTER: usize = 2048;
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
}

/// Button ids: `ask:FACT_ID` answers that fact in place.
pub const ASK_PREFIX: &str = "ask:";

const ANSWER_COLOUR: u32 = 0x2b6cb0;
const UNSURE_COLOUR: u32 = 0x718096;

/// Cuts text to at most `max` characters, at a word boundary where one is
/// near, marking the cut with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match keep.rfind(char::is_whitespace) {
        Some(i) if keep[..i].chars().count() > max * 3 / 4 => &keep[..i],
        _ => keep.as_str(),
    };
    format!("{}…", cut.trim_end())
}

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

/// Counts characters the way Discord counts an embed's size.
#[derive(Default)]
struct Budget(usize);

impl Budget {
    /// Takes up to `max` characters of the remaining total for `text`.
    fn take(&mut self, text: &str, max: usize) -> String {
        let room = limits::EMBEDS_TOTAL.saturating_sub(self.0).min(max);
        let clipped = clip(text, room);
        self.0 += clipped.chars().count();
        clipped
    }
}

fn citation_field(c: &Citation, budget: &mut Budget) -> (String, String) {
    let name = budget.take(&c.attribution(), limits::FIELD_NAME);
    let link = c.url.as_deref().map(|u| format!("\n{u}")).unwrap_or_default();
    let quote_room = limits::FIELD_VALUE.saturating_sub(link.chars().count() + 4);
    let quote = clip(&c.quote.replace('\n', " "), quote_room);
    let value = budget.take(&format!("> {quote}{link}"), limits::FIELD_VALUE);
    (name, value)
}

/// An embed for one fact: the answer, a field per citation, the fact id.
pub fn fact_embed(
    knowledge: &Knowledge,
    fact: &Fact,
    confidence: Option<f32>,
    budget_used: usize,
) -> (CreateEmbed, usize) {
    let mut budget = Budget(budget_used);
    let mut embed = CreateEmbed::new()
        .colour(ANSWER_COLOUR)
        .description(budget.take(&fact.answer, limits::EMBED_DESCRIPTION));
    for c in knowledge.citations(fact).iter().take(limits::FIELDS) {
        if budget.0 + 40 > limits::EMBEDS_TOTAL {
            break;
        }
        let (name, value) = citation_field(c, &mut budget);
        embed = embed.field(name, value, false);
    }
    if let Some(url) = knowledge.citations(fact).iter().find_map(|c| c.url.clone()) {
        embed = embed.url(url);
    }
    let footer = match confidence {
        Some(c) => format!("fact {} · confidence {:.2}", fact.id, c),
        None => format!("fact {}", fact.id),
    };
    embed = embed.footer(CreateEmbedFooter::new(budget.take(&footer, limits::FOOTER)));
    (embed, budget.0)
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

/// Buttons for close questions, five to a row.
fn suggestion_buttons(suggestions: &[(String, String)], asker: u64) -> Vec<CreateActionRow> {
    suggestions
        .chunks(limits::BUTTONS_PER_ROW)
        .take(limits::ROWS)
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|(fact_id, question)| {
                        CreateButton::new(clip(&ask_button_id(asker, fact_id), limits::CUSTOM_ID))
                            .label(clip(question, limits::BUTTON_LABEL))
                            .style(ButtonStyle::Secondary)
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The whole reply to a question `asker` asked.
pub fn reply(knowledge: &Knowledge, reply: &Reply, asker: u64) -> Rendered {
    match &reply.response {
        Response::Answer(facts) => {
            let mut used = 0;
            let mut embeds = Vec::new();
            for answered in facts.iter().take(limits::EMBEDS_PER_MESSAGE) {
                if let Some(fact) = knowledge.base.fact(&answered.fact_id) {
                    let (embed, now) = fact_embed(knowledge, fact, Some(answered.confidence), used);
                    used = now;
                    embeds.push(embed);
                }
            }
            Rendered {
                embeds,
                components: Vec::new(),
                ephemeral: false,
            }
        }
        Response::Suggest(suggestions) => {
            let mut budget = Budget::default();
            let asked = clip(&escape(&reply.question.replace('\n', " ")), 300);
            let embed = CreateEmbed::new()
                .colour(UNSURE_COLOUR)
                .title("Not sure what you mean")
                .description(budget.take(
                    &format!("I'm not certain my sources answer \u{201c}{asked}\u{201d}. Did you mean one of these?"),
                    limits::EMBED_DESCRIPTION,
                ));
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

/// An honest "my sources don't say", naming what the bot does cover.
pub fn abstain_embed(knowledge: &Knowledge, question: &str) -> CreateEmbed {
    let asked = clip(&escape(&question.replace('\n', " ")), 300);
    let topics = knowledge.topics(8);
    let cover = if topics.is_empty() {
        String::new()
    } else {
        format!("\n\nI can answer questions about: {}.", topics.join(", "))
    };
    let sources: Vec<String> = knowledge
        .base
        .sources()
        .iter()
        .filter(|s| s.kind == crate::knowledge::SourceKind::Article)
        .map(|s| format!("{} ({})", s.outlet, human_date(s.date)))
        .collect();
    CreateEmbed::new()
        .colour(UNSURE_COLOUR)
        .title("My sources don't say")
        .description(clip(
            &format!(
                "None of my sources answers \u{201c}{asked}\u{201d}, and I won't guess.{cover}\nSources: {}.",
                sources.join("; ")
            ),
            limits::EMBED_DESCRIPTION,
        ))
}

/// A plain notice (errors, cooldowns), in an embed so it looks like the rest.
pub fn notice(title: &str, text: &str) -> CreateEmbed {
    CreateEmbed::new()
        .colour(UNSURE_COLOUR)
        .title(clip(title, limits::EMBED_TITLE))
        .description(clip(text, limits::EMBED_DESCRIPTION))
}

/// `/source`: everything about one fact's sources.
pub fn source_embed(knowledge: &Knowledge, fact: &Fact) -> CreateEmbed {
    let mut budget = Budget::default();
    let mut embed = CreateEmbed::new()
        .colour(ANSWER_COLOUR)
        .title(budget.take(&fact.questions[0], limits::EMBED_TITLE))
        .description(budget.take(&fact.answer, limits::EMBED_DESCRIPTION));
    let mut fields = 0;
    for source_id in &fact.sources {
        let Some(s) = knowledge.base.source(source_id) else {
            continue;
        };
        let mut text = format!("{}, {}", s.outlet, human_date(s.date));
        if let Some(b) = &s.byline {
            text.push_str(&format!("\nBy {b}"));
        }
        if let Some(t) = &s.title {
            text.push_str(&format!("\n\u{201c}{t}\u{201d}"));
        }
        if let Some(c) = &s.context {
            text.push_str(&format!("\n{c}"));
        }
        if let Some(u) = &s.url {
            text.push_str(&format!("\n{u}"));
        }
        let kind = match s.kind {
            crate::knowledge::SourceKind::Article => "Source",
            crate::knowledge::SourceKind::Headline => "Source (a headline on the page)",
        };
        if fields < limits::FIELDS && budget.0 + 60 < limits::EMBEDS_TOTAL {
            embed = embed.field(kind, budget.take(&text, limits::FIELD_VALUE), false);
            fields += 1;
        }
    }
    for q in &fact.quotes {
        if fields >= limits::FIELDS || budget.0 + 60 > limits::EMBEDS_TOTAL {
            break;
        }
        let outlet = knowledge.base.source(&q.source).map_or("", |s| s.outlet.as_str());
        embed = embed.field(
            format!("Quote ({outlet})"),
            budget.take(&format!("> {}", q.text), limits::FIELD_VALUE),
            false,
        );
        fields += 1;
    }
    if !fact.dates.is_empty() {
        let dates: Vec<String> = fact.dates.iter().map(|d| human_date(*d)).collect();
        if fields < limits::FIELDS {
            embed = embed.field("When", budget.take(&dates.join(", "), limits::FIELD_VALUE), true);
        }
    }
    embed.footer(CreateEmbedFooter::new(clip(
        &format!("fact {}", fact.id),
        limits::FOOTER,
    )))
}

/// `/timeline`: the dated events in order, each with its source.
pub fn timeline_embed(knowledge: &Knowledge, from: Option<NaiveDate>, to: Option<NaiveDate>) -> CreateEmbed {
    let mut events: Vec<(NaiveDate, &Fact)> = knowledge
        .base
        .facts()
        .iter()
        .flat_map(|f| f.dates.iter().map(move |d| (*d, f)))
        .filter(|(d, _)| from.is_none_or(|from| *d >= from) && to.is_none_or(|to| *d <= to))
        .collect();
    events.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    events.dedup_by(|a, b| a.0 == b.0 && a.1.id == b.1.id);
    let range = match (from, to) {
        (Some(f), Some(t)) => format!(" from {} to {}", human_date(f), human_date(t)),
        (Some(f), None) => format!(" from {}", human_date(f)),
        (None, Some(t)) => format!(" up to {}", human_date(t)),
        (None, None) => String::new(),
    };
    let mut text = String::new();
    let mut shown = 0;
    for (date, fact) in &events {
        let outlet = knowledge
            .citations(fact)
            .first()
            .map(|c| c.outlet.clone())
            .unwrap_or_default();
        let line = format!("**{}**: {} _({outlet})_\n", human_date(*date), clip(&fact.answer, 300));
        if text.chars().count() + line.chars().count() > limits::EMBED_DESCRIPTION - 40 {
            break;
        }
        text.push_str(&line);
        shown += 1;
    }
    if events.is_empty() {
        text = format!("No dated events{range}.");
    } else if shown < events.len() {
        text.push_str(&format!("…and {} more.", events.len() - shown));
    }
    CreateEmbed::new()
        .colour(ANSWER_COLOUR)
        .title(clip(&format!("Timeline{range}"), limits::EMBED_TITLE))
        .description(text)
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
                    push(f, r.matched.as_deref().unwrap_or(&f.questions[0]), &mut picked);
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
    fn clipping_respects_the_limit_and_words() {
        let long = "word ".repeat(100);
        let c = clip(&long, 50);
        assert!(c.chars().count() <= 50);
        assert!(c.ends_with('…'));
        assert!(!c.contains("wor…"));
        assert_eq!(clip("short", 50), "short");
        let unicode = "é".repeat(300);
        assert_eq!(clip(&unicode, 100).chars().count(), 100);
    }

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
