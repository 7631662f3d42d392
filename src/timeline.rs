//! The timeline: what happened when, as the sources tell it, one short line
//! per event. Free of any chat platform, like [`crate::answers`].
//!
//! A fact's `dates` are the dates of what it is about. Most facts of an
//! interview are things said in it, dated the day the interview ran, which
//! is also the day the article reporting it was published; listed one by one
//! they bury the real events under a wall of one day. So a fact dated on the
//! publication day of a source it rests on counts as part of that source's
//! report (the interview, the statement), and each report is one event; a
//! date the sources give for something else (a meeting, a call) is an event
//! of its own. Two lines of one day that say the same thing are one.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::answers::human_date;
use crate::knowledge::{Fact, FactBase, Source, SourceKind};

/// Longest line the timeline shows for one event, in characters.
pub const LINE_CHARS: usize = 150;

/// One dated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: NaiveDate,
    /// One short line, in the base's words.
    pub text: String,
    /// Who reports it.
    pub outlet: String,
    /// The facts behind the line, in base order.
    pub facts: Vec<String>,
}

/// What one (fact, date) pair is on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    /// Said or reported on the day a source was published: that source's report.
    Report(NaiveDate, String),
    /// Something the sources date themselves.
    Dated(NaiveDate, String),
}

/// The dated events from `from` to `to` (both included, either open), in
/// order of date, then of the base.
pub fn events(base: &FactBase, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Vec<Event> {
    let in_range = |d: &NaiveDate| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t);
    let mut order: Vec<Key> = Vec::new();
    let mut members: HashMap<Key, Vec<&Fact>> = HashMap::new();
    for fact in base.facts() {
        let dates: BTreeSet<NaiveDate> = fact.dates.iter().copied().filter(in_range).collect();
        for date in dates {
            let key = match reporting_source(base, fact, date) {
                Some(source) => Key::Report(date, source.id.clone()),
                None => Key::Dated(date, fact.id.clone()),
            };
            let list = members.entry(key.clone()).or_default();
            if list.is_empty() {
                order.push(key);
            }
            list.push(fact);
        }
    }
    let mut events: Vec<(NaiveDate, Vec<&Fact>, Event)> = Vec::new();
    for key in order {
        let facts = members.remove(&key).unwrap_or_default();
        let event = match &key {
            Key::Report(date, source_id) => {
                let source = base.source(source_id).expect("a report's source is in the base");
                report_event(*date, source, &facts)
            }
            Key::Dated(date, _) => fact_event(base, *date, facts[0]),
        };
        // A line that says what an earlier line of the same day says joins it.
        match events
            .iter_mut()
            .find(|(d, earlier, e)| *d == event.date && same_event(earlier, e, &facts, &event))
        {
            Some((_, earlier, e)) => {
                for f in &facts {
                    if !e.facts.contains(&f.id) {
                        e.facts.push(f.id.clone());
                        earlier.push(f);
                    }
                }
            }
            None => events.push((event.date, facts, event)),
        }
    }
    let mut events: Vec<Event> = events.into_iter().map(|(_, _, e)| e).collect();
    // Stable: within a day, the base's order stays.
    events.sort_by_key(|e| e.date);
    events
}

/// The source whose publication day `date` is, if the fact rests on one:
/// an article before a headline printed on its page.
fn reporting_source<'a>(base: &'a FactBase, fact: &Fact, date: NaiveDate) -> Option<&'a Source> {
    let same_day: Vec<&Source> = fact
        .sources
        .iter()
        .filter_map(|id| base.source(id))
        .filter(|s| s.date == date)
        .collect();
    same_day
        .iter()
        .find(|s| s.kind == SourceKind::Article)
        .or(same_day.first())
        .copied()
}

/// One line for what a source reported on its day: what the source is about
/// (its context, or its headline) when several facts come from it, the fact
/// itself when there is one.
fn report_event(date: NaiveDate, source: &Source, facts: &[&Fact]) -> Event {
    let summary = if facts.len() > 1 {
        source
            .context
            .as_deref()
            .or(source.title.as_deref())
            .map(|t| short_line(t, date))
    } else {
        None
    };
    Event {
        date,
        text: summary.unwrap_or_else(|| short_line(&facts[0].answer, date)),
        outlet: source.outlet.clone(),
        facts: facts.iter().map(|f| f.id.clone()).collect(),
    }
}

fn fact_event(base: &FactBase, date: NaiveDate, fact: &Fact) -> Event {
    let outlet = fact
        .quotes
        .iter()
        .map(|q| q.source.as_str())
        .chain(fact.sources.iter().map(String::as_str))
        .find_map(|id| base.source(id))
        .map(|s| s.outlet.clone())
        .unwrap_or_default();
    Event {
        date,
        text: short_line(&fact.answer, date),
        outlet,
        facts: vec![fact.id.clone()],
    }
}

/// Two lines of one day are one event when they rest on the same passage
/// (one quote contains the other, from the same source) or say nearly the
/// same words.
fn same_event(a_facts: &[&Fact], a: &Event, b_facts: &[&Fact], b: &Event) -> bool {
    let shares_passage = a_facts.iter().any(|fa| {
        b_facts.iter().any(|fb| {
            fa.quotes.iter().any(|qa| {
                fb.quotes.iter().any(|qb| {
                    let (x, y) = (
                        crate::matching::text::normalize_question(&qa.text),
                        crate::matching::text::normalize_question(&qb.text),
                    );
                    qa.source == qb.source && !x.is_empty() && !y.is_empty() && (x.contains(&y) || y.contains(&x))
                })
            })
        })
    });
    shares_passage || similar_words(&a.text, &b.text)
}

/// The words that carry meaning: no dates, numbers or short words, which
/// two lines of one day share without saying the same thing.
fn content_words(text: &str) -> BTreeSet<String> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    crate::matching::text::normalize_question(text)
        .split(' ')
        .filter(|w| w.chars().count() > 3 && !w.chars().all(|c| c.is_ascii_digit()) && !MONTHS.contains(w))
        .map(str::to_string)
        .collect()
}

fn similar_words(a: &str, b: &str) -> bool {
    let (a, b) = (content_words(a), content_words(b));
    if a.is_empty() || b.is_empty() {
        return a == b;
    }
    let shared = a.intersection(&b).count();
    let all = a.union(&b).count();
    shared * 10 >= all * 6
}

/// The first sentence (or clause before a semicolon) of `text`, without
/// what the date heading above it already says ("On 11 March 2025, …",
/// "… on 13 March 2025") or asides in brackets, at most [`LINE_CHARS`]
/// characters.
pub fn short_line(text: &str, date: NaiveDate) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut line = without_brackets(first_sentence(&text));
    let day = human_date(date);
    let opening = format!("On {day}, ");
    if line.len() > opening.len()
        && line.is_char_boundary(opening.len())
        && line[..opening.len()].eq_ignore_ascii_case(&opening)
    {
        line = capitalize(&line[opening.len()..]);
    }
    line = line.replace(&format!(" on {day}"), "");
    crate::clip::clip(&line, LINE_CHARS)
}

/// Text without its bracketed asides ("(as cited by Reuters)", "(17 May
/// 2025)"), and without the space each leaves.
fn without_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    // Unbalanced brackets: the text as it was, rather than half of it.
    if depth > 0 {
        return text.to_string();
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out.replace(" ,", ",").replace(" .", ".").replace(" ;", ";")
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Up to the first semicolon, or the first full stop that ends a sentence:
/// one after a lower-case word of four letters or more and before a capital,
/// so "U.S. envoy" and "Sen. Graham" are not taken for sentence ends.
fn first_sentence(text: &str) -> &str {
    let text = text.split(';').next().unwrap_or(text).trim();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        if c != '.' || n + 2 >= chars.len() || chars[n + 1].1 != ' ' || !chars[n + 2].1.is_uppercase() {
            continue;
        }
        let word: Vec<char> = chars[..n]
            .iter()
            .rev()
            .map(|&(_, c)| c)
            .take_while(|c| c.is_alphabetic())
            .collect();
        if word.len() >= 4 && word.iter().all(|c| c.is_lowercase()) {
            return &text[..=i];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_line_is_the_first_sentence_without_the_date_the_heading_says() {
        assert_eq!(
            short_line(
                "On 11 March 2025, during talks in Jeddah, Kyiv agreed. Afterwards, aid resumed.",
                day("2025-03-11")
            ),
            "During talks in Jeddah, Kyiv agreed."
        );
        assert_eq!(
            short_line(
                "U.S. envoy Steve Witkoff met Putin; the article says no more.",
                day("2025-03-13")
            ),
            "U.S. envoy Steve Witkoff met Putin"
        );
        assert_eq!(
            short_line("He was with Sen. Graham in Turkey.", day("2025-05-18")),
            "He was with Sen. Graham in Turkey."
        );
        assert_eq!(
            short_line(
                "After meeting Putin in Moscow on 13 March 2025, Witkoff told CNN (as cited by Reuters) that a call was due.",
                day("2025-03-13")
            ),
            "After meeting Putin in Moscow, Witkoff told CNN that a call was due."
        );
        assert_eq!(
            short_line("Rubio spoke with Lavrov on Saturday (17 May 2025).", day("2025-05-17")),
            "Rubio spoke with Lavrov on Saturday."
        );
        assert!(short_line(&"word ".repeat(100), day("2025-05-18")).chars().count() <= LINE_CHARS);
    }

    fn base(facts: &str) -> FactBase {
        let dir = std::path::Path::new("/timeline");
        let sources = r#"
[[source]]
id = "paper"
outlet = "The Paper"
context = "The minister's Sunday interview"
date = "2025-03-16"

[[source]]
id = "wire"
outlet = "The Wire"
date = "2025-03-20"
"#;
        let files = vec![
            (dir.join("sources.toml"), sources.to_string()),
            (dir.join("facts").join("f.toml"), facts.to_string()),
        ];
        FactBase::from_files(dir, &files).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fact(id: &str, answer: &str, quote: &str, source: &str, dates: &str) -> String {
        format!(
            "[[fact]]\nid = \"{id}\"\nquestions = [\"{id}?\"]\nanswer = \"{answer}\"\nsources = [\"{source}\"]\nquotes = [\"{quote}\"]\ndates = [{dates}]\n"
        )
    }

    #[test]
    fn what_was_said_on_a_source_s_day_is_its_report_and_other_dates_are_events_of_their_own() {
        let facts = [
            fact(
                "said-one",
                "The minister said one thing.",
                "one thing",
                "paper",
                "\"2025-03-16\"",
            ),
            fact(
                "said-two",
                "The minister said another.",
                "another",
                "paper",
                "\"2025-03-16\"",
            ),
            fact(
                "met",
                "The envoys met in Jeddah.",
                "met in Jeddah",
                "paper",
                "\"2025-03-11\"",
            ),
            fact(
                "met-again",
                "In Jeddah, the envoys met.",
                "the envoys met in Jeddah",
                "paper",
                "\"2025-03-11\"",
            ),
            fact("wire-only", "A call took place.", "a call", "wire", "\"2025-03-20\""),
            fact("undated", "No date here.", "no date", "wire", ""),
        ]
        .concat();
        let events = events(&base(&facts), None, None);
        let lines: Vec<(String, &str, &str)> = events
            .iter()
            .map(|e| (e.date.to_string(), e.text.as_str(), e.outlet.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("2025-03-11".to_string(), "The envoys met in Jeddah.", "The Paper"),
                ("2025-03-16".to_string(), "The minister's Sunday interview", "The Paper"),
                ("2025-03-20".to_string(), "A call took place.", "The Wire"),
            ]
        );
        assert_eq!(events[0].facts, ["met", "met-again"], "one passage, one event");
        assert_eq!(events[1].facts, ["said-one", "said-two"]);
        let from_17 = super::events(&base(&facts), NaiveDate::from_ymd_opt(2025, 3, 17), None);
        assert_eq!(from_17.len(), 1, "only the range asked for: {from_17:?}");
    }

    #[test]
    fn lines_that_say_the_same_words_are_alike_and_dates_do_not_make_them_so() {
        assert!(similar_words(
            "Kyiv agreed to a 30-day ceasefire proposed by the United States in Jeddah",
            "In Jeddah, Kyiv agreed to the 30-day ceasefire the United States proposed"
        ));
        assert!(!similar_words(
            "Witkoff met Putin in Moscow on 13 March 2025",
            "After meeting Putin in Moscow on 13 March 2025, Witkoff expected a call this week"
        ));
    }
}
