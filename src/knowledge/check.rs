//! Every rule a fact base must follow, each broken rule reported with its
//! file:line:column and a fix a curator can act on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml::Spanned;

use super::raw::{self, RawFact, RawQuote, RawSource};
use super::{AskedQuestion, Fact, KnowledgeError, Location, Quote, Source, SourceKind, SynonymGroup};
use crate::matching::hash::WordMap;

/// One thing wrong with the fact base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\n  fix: {}", self.location, self.message, self.fix)
    }
}

/// Turns byte offsets into line and column for one file. Line starts are
/// found once, so locating each of a large file's values stays cheap.
struct FileText<'a> {
    path: &'a Path,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> FileText<'a> {
    fn new(path: &'a Path, text: &'a str) -> FileText<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        FileText {
            path,
            text,
            line_starts,
        }
    }

    fn at(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.text.get(line_start..offset).map_or(1, |s| s.chars().count() + 1);
        Location {
            file: self.path.to_path_buf(),
            line,
            column,
        }
    }

    fn of<T>(&self, spanned: &Spanned<T>) -> Location {
        self.at(spanned.span().start)
    }
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, location: Location, message: impl Into<String>, fix: impl Into<String>) {
        self.0.push(Problem {
            location,
            message: message.into(),
            fix: fix.into(),
        });
    }
}

/// A TOML or shape error from the parser, with advice for the usual causes.
fn parse_problem(file: &FileText, kind: &str, err: &toml::de::Error) -> Problem {
    let message = err.message().trim().to_string();
    let fix = if message.contains("unknown field") {
        format!("check the spelling of the key; a {kind} may only use the fields the message lists")
    } else if let Some(field) = message.strip_prefix("missing field ") {
        format!("add {} = ... to this {kind}", field.trim_matches('`'))
    } else if message.contains("untagged enum RawQuote") {
        "write a quote as \"verbatim text\" or as { source = \"source-id\", text = \"verbatim text\" }".into()
    } else if message.contains("invalid type") {
        "check the value: text goes in double quotes, lists in [ ], dates as \"YYYY-MM-DD\"".into()
    } else {
        "fix the TOML syntax here: look for an unclosed quote or bracket, a missing comma, or a key written twice"
            .into()
    };
    let message = message.replace("untagged enum RawQuote", "a quote");
    Problem {
        location: err.span().map_or_else(|| file.at(0), |s| file.at(s.start)),
        message,
        fix,
    }
}

/// Parses a file of `[[kind]]` tables. The parser stops at the first
/// table it cannot read; when the file is good TOML, each table is then read
/// alone, so that every table's problem is reported in one run, and the
/// good tables are still checked.
fn parse_tables<F: serde::de::DeserializeOwned>(file: &FileText, kind: &str, problems: &mut Problems) -> Vec<F> {
    let err = match toml::from_str::<F>(file.text) {
        Ok(parsed) => return vec![parsed],
        Err(err) => err,
    };
    let ranges = table_ranges(file.text, kind);
    if ranges.len() < 2 {
        problems.0.push(parse_problem(file, kind, &err));
        return Vec::new();
    }
    let mut parsed = Vec::new();
    for range in ranges {
        match toml::from_str::<F>(&only(file.text, range)) {
            Ok(p) => parsed.push(p),
            Err(e) => problems.0.push(parse_problem(file, kind, &e)),
        }
    }
    parsed
}

/// Where each `[[kind]]` table of a file starts and ends (the first also
/// holds whatever comes before it), or nothing when the file is not good
/// TOML or its headers cannot be told apart from text in strings.
fn table_ranges(text: &str, kind: &str) -> Vec<std::ops::Range<usize>> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let tables = doc.get(kind).and_then(toml::Value::as_array).map_or(0, Vec::len);
    let header = format!("[[{kind}]]");
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with(&header) {
            starts.push(offset);
        }
        offset += line.len();
    }
    if starts.len() != tables || doc.len() != 1 {
        return Vec::new();
    }
    let mut ends: Vec<usize> = starts.iter().skip(1).copied().collect();
    ends.push(text.len());
    if let Some(first) = starts.first_mut() {
        *first = 0;
    }
    starts.into_iter().zip(ends).map(|(s, e)| s..e).collect()
}

/// The text with everything outside `range` blanked, byte for byte, so
/// that positions the parser reports are positions in the real file.
fn only(text: &str, range: std::ops::Range<usize>) -> String {
    // Ranges start and end at line starts, so no character is split.
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| if range.contains(&i) || b == b'\n' { b } else { b' ' })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    // Ten characters exactly: "2025-3-1" parses but is not what curators are asked to write.
    (text.trim().len() == 10).then_some(date)
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// How two phrasings are compared for duplicates: case, accents and
/// punctuation don't make a question different.
pub(crate) fn phrasing_key(text: &str) -> String {
    crate::matching::text::normalize_question(text)
}

/// A checked fact base in pieces.
pub(super) struct Parts {
    pub sources: Vec<Source>,
    pub facts: Vec<Fact>,
    pub synonyms: Vec<SynonymGroup>,
    pub contrasts: Vec<SynonymGroup>,
    pub asked: Vec<AskedQuestion>,
}

/// The questions of the `asked/` files. One naming a fact the base no
/// longer has is left out, not a problem: removing a fact must not be
/// refused for the questions people once asked of it.
fn check_asked(files: &[(PathBuf, String)], problems: &mut Problems) -> Vec<AskedQuestion> {
    let mut asked = Vec::new();
    for (path, text) in files.iter().filter(|(path, _)| raw::in_dir(path, raw::ASKED_DIR)) {
        let file = FileText::new(path, text);
        let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
        for parsed in parse_tables::<raw::AskedFile>(&file, "asked", problems) {
            for group in parsed.asked {
                let group = group.into_inner();
                let fact = group.fact.into_inner().trim().to_string();
                let questions = group.questions.into_iter().map(|q| (q, false));
                for (q, open) in questions.chain(group.unsaid.into_iter().map(|q| (q, true))) {
                    let location = file.of(&q);
                    let question = q.into_inner().trim().to_string();
                    if question.is_empty() || question.contains('\n') {
                        problems.add(
                            location,
                            "an asked question is empty or runs over more than one line",
                            "write each question on one line, or delete it",
                        );
                        continue;
                    }
                    asked.push(AskedQuestion {
                        file: name.to_string(),
                        fact: fact.clone(),
                        question,
                        open,
                    });
                }
            }
        }
    }
    asked
}

/// Parses and checks every file; all problems are collected, not just the first.
pub(super) fn build(dir: &Path, files: &[(PathBuf, String)]) -> Result<Parts, KnowledgeError> {
    let mut problems = Problems(Vec::new());
    let mut sources = Vec::new();
    let mut facts = Vec::new();
    let mut synonyms = Vec::new();
    let mut contrasts = Vec::new();
    let mut saw_sources_file = false;

    // First pass: sources, since facts refer to them.
    for (path, text) in files {
        let file = FileText::new(path, text);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if raw::in_dir(path, raw::FACTS_DIR) || raw::in_dir(path, raw::ASKED_DIR) {
            continue;
        }
        match name {
            raw::SOURCES_FILE => {
                saw_sources_file = true;
                for parsed in parse_tables::<raw::SourcesFile>(&file, "source", &mut problems) {
                    for s in parsed.source {
                        if let Some(source) = check_source(&file, s, &mut problems) {
                            sources.push(source);
                        }
                    }
                }
            }
            raw::SYNONYMS_FILE => match toml::from_str::<raw::SynonymsFile>(text) {
                Ok(parsed) => {
                    for (groups, into, contrast) in [
                        (parsed.synonyms, &mut synonyms, false),
                        (parsed.contrast, &mut contrasts, true),
                    ] {
                        for group in groups {
                            let location = file.of(&group);
                            let terms: Vec<String> =
                                group.into_inner().terms.into_iter().map(|t| t.into_inner()).collect();
                            if terms.len() < 2 || terms.iter().any(|t| t.split('|').any(|s| s.trim().is_empty())) {
                                problems.add(
                                    location,
                                    "a group needs at least two non-empty terms",
                                    "list two or more words or phrases in terms = [ ... ], or delete the group",
                                );
                                continue;
                            }
                            // "|" joins two names of one party in a contrast
                            // group ("ukraine | kyiv"); among synonyms, where
                            // every term is one thing already, it is a slip.
                            if !contrast && terms.iter().any(|t| t.contains('|')) {
                                problems.add(
                                    location,
                                    "\"|\" joins names of one party only in a [[contrast]] group",
                                    "list each spelling as its own term of the synonym group",
                                );
                                continue;
                            }
                            into.push(SynonymGroup { terms, location });
                        }
                    }
                }
                Err(err) => problems.0.push(parse_problem(&file, "synonym group", &err)),
            },
            _ => {}
        }
    }
    if !saw_sources_file {
        problems.add(
            Location {
                file: dir.join(raw::SOURCES_FILE),
                line: 0,
                column: 0,
            },
            "the knowledge folder has no sources.toml",
            "create sources.toml with one [[source]] table per article",
        );
    }

    check_duplicate_sources(&sources, &mut problems);
    check_synonym_overlap(&synonyms, &mut problems);
    let source_ids: HashSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();

    let fact_files: Vec<&(PathBuf, String)> = files
        .iter()
        .filter(|(path, _)| raw::in_dir(path, raw::FACTS_DIR))
        .collect();
    for (file_facts, file_problems) in check_fact_files(&fact_files, &source_ids) {
        facts.extend(file_facts);
        problems.0.extend(file_problems);
    }
    if facts.is_empty() && problems.0.is_empty() {
        problems.add(
            Location {
                file: dir.join(raw::FACTS_DIR),
                line: 0,
                column: 0,
            },
            "the fact base has no facts",
            "add a [[fact]] table to a .toml file in the facts folder",
        );
    }
    check_duplicate_facts(&facts, &mut problems);
    let asked = check_asked(files, &mut problems);

    if problems.0.is_empty() {
        Ok(Parts {
            sources,
            facts,
            synonyms,
            contrasts,
            asked,
        })
    } else {
        Err(KnowledgeError::Invalid(problems.0))
    }
}

/// A facts file's facts and problems.
type Checked = (Vec<Fact>, Vec<Problem>);

/// Parses and checks each facts file, on as many threads as there are
/// cores: per file, in order, its facts and its problems, as checking the
/// files one after another gives them.
fn check_fact_files(files: &[&(PathBuf, String)], source_ids: &HashSet<&str>) -> Vec<Checked> {
    let one = |(path, text): &(PathBuf, String)| {
        let file = FileText::new(path, text);
        let mut problems = Problems(Vec::new());
        let mut facts = Vec::new();
        for parsed in parse_tables::<raw::FactsFile>(&file, "fact", &mut problems) {
            for f in parsed.fact {
                facts.push(check_fact(&file, f, source_ids, &mut problems));
            }
        }
        (facts, problems.0)
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if workers <= 1 {
        return files.iter().map(|f| one(f)).collect();
    }
    // Files differ in size: each worker takes the next file not yet taken.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Checked)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = files.get(i) else {
                            break mine;
                        };
                        mine.push((i, one(file)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, checked)| checked).collect()
}

fn check_source(file: &FileText, s: Spanned<RawSource>, problems: &mut Problems) -> Option<Source> {
    let location = file.of(&s);
    let s = s.into_inner();
    let mut ok = true;
    let id = s.id.get_ref().trim().to_string();
    if !is_slug(&id) {
        ok = false;
        problems.add(
            file.of(&s.id),
            format!("source id {:?} is not a valid id", s.id.get_ref()),
            "use lowercase letters, digits and dashes, e.g. \"kyiv-independent-2025-03-16\"",
        );
    }
    if s.outlet.get_ref().trim().is_empty() {
        ok = false;
        problems.add(
            file.of(&s.outlet),
            "the outlet is empty",
            "name the publication, e.g. outlet = \"Newsmax\"",
        );
    }
    let date = parse_date(s.date.get_ref());
    if date.is_none() {
        problems.add(
            file.of(&s.date),
            format!("{:?} is not a date", s.date.get_ref()),
            "write the date as \"YYYY-MM-DD\", e.g. \"2025-03-16\"",
        );
    }
    let kind = match s.kind.as_ref().map(|k| k.get_ref().as_str()) {
        None | Some("article") => SourceKind::Article,
        Some("headline") => SourceKind::Headline,
        Some(other) => {
            ok = false;
            problems.add(
                file.of(s.kind.as_ref().expect("matched Some")),
                format!("unknown source kind {other:?}"),
                "use kind = \"article\" or kind = \"headline\"",
            );
            SourceKind::Article
        }
    };
    if let Some(url) = &s.url {
        if !(url.get_ref().starts_with("https://") || url.get_ref().starts_with("http://")) {
            ok = false;
            problems.add(
                file.of(url),
                format!("{:?} is not a web address", url.get_ref()),
                "give the full address starting with https://, or leave url out when it is not known",
            );
        }
    }
    Some(Source {
        id,
        kind,
        outlet: s.outlet.into_inner().trim().to_string(),
        byline: s.byline.filter(|b| !b.trim().is_empty()),
        title: s.title.filter(|t| !t.trim().is_empty()),
        context: s.context.filter(|c| !c.trim().is_empty()),
        date: date?,
        url: s.url.map(Spanned::into_inner),
        article: s.article.map(Spanned::into_inner),
        location,
    })
    .filter(|_| ok)
}

fn check_fact(file: &FileText, f: Spanned<RawFact>, source_ids: &HashSet<&str>, problems: &mut Problems) -> Fact {
    let location = file.of(&f);
    let f = f.into_inner();
    let id = f.id.get_ref().trim().to_string();
    if !is_slug(&id) {
        problems.add(
            file.of(&f.id),
            format!("fact id {:?} is not a valid id", f.id.get_ref()),
            "use lowercase letters, digits and dashes, e.g. \"witkoff-met-putin\"",
        );
    }
    if f.questions.get_ref().is_empty() {
        problems.add(
            file.of(&f.questions),
            format!("fact {id:?} has no questions"),
            "add at least one way people would ask for this fact to questions = [ ... ]",
        );
    }
    for q in f.questions.get_ref() {
        if phrasing_key(q.get_ref()).is_empty() {
            problems.add(
                file.of(q),
                format!("fact {id:?} has an empty question"),
                "write the question out, or remove the empty string",
            );
        }
    }
    if f.answer.get_ref().trim().is_empty() {
        problems.add(
            file.of(&f.answer),
            format!("fact {id:?} has an empty answer"),
            "write the answer in a sentence or two",
        );
    }
    if f.sources.get_ref().is_empty() {
        problems.add(
            file.of(&f.sources),
            format!("fact {id:?} names no source"),
            "add the id of the article it comes from, from sources.toml, to sources = [ ... ]",
        );
    }
    for s in f.sources.get_ref() {
        if !source_ids.contains(s.get_ref().as_str()) {
            problems.add(
                file.of(s),
                format!("fact {id:?} cites unknown source {:?}", s.get_ref()),
                "use an id defined in sources.toml, or add a [[source]] for this article there first",
            );
        }
    }
    if f.quotes.get_ref().is_empty() {
        problems.add(
            file.of(&f.quotes),
            format!("fact {id:?} has no quote"),
            "add a short passage copied word for word from the source to quotes = [ ... ]",
        );
    }
    let first_source = f
        .sources
        .get_ref()
        .first()
        .map(|s| s.get_ref().clone())
        .unwrap_or_default();
    let mut quotes = Vec::new();
    for q in f.quotes.into_inner() {
        let qloc = file.of(&q);
        let (source, text) = match q.into_inner() {
            RawQuote::Text(text) => (first_source.clone(), text),
            RawQuote::Attributed { source, text } => (source, text),
        };
        if text.trim().is_empty() {
            problems.add(
                qloc.clone(),
                format!("fact {id:?} has an empty quote"),
                "copy the passage the answer rests on, or remove the empty quote",
            );
        }
        if !f.sources.get_ref().iter().any(|s| s.get_ref() == &source) {
            problems.add(
                qloc.clone(),
                format!("fact {id:?} quotes source {source:?}, which is not in its sources"),
                "add that source to the fact's sources, or correct the quote's source",
            );
        }
        quotes.push(Quote {
            source,
            text: text.trim().to_string(),
            location: qloc,
        });
    }
    let mut unsaid = Vec::new();
    for u in f.unsaid {
        let text = u.get_ref().trim().to_string();
        let key = phrasing_key(&text);
        if key.is_empty() {
            problems.add(
                file.of(&u),
                format!("fact {id:?} has an empty unsaid question"),
                "write out the question its sources leave open, or remove the empty string",
            );
        } else if f.questions.get_ref().iter().any(|q| phrasing_key(q.get_ref()) == key) {
            problems.add(
                file.of(&u),
                format!("fact {id:?} lists {text:?} both as a question it answers and as one its sources leave open"),
                "keep it in questions if the answer says it, in unsaid if it does not",
            );
        }
        unsaid.push(text);
    }
    let mut dates = Vec::new();
    for d in &f.dates {
        match parse_date(d.get_ref()) {
            Some(date) => dates.push(date),
            None => problems.add(
                file.of(d),
                format!("{:?} is not a date", d.get_ref()),
                "write dates as \"YYYY-MM-DD\", e.g. \"2025-03-13\"; leave dates out when the article gives none",
            ),
        }
    }
    // Returned even when broken, so duplicates across facts are still found;
    // the problems already recorded keep the base from loading.
    Fact {
        id,
        questions: f
            .questions
            .into_inner()
            .into_iter()
            .map(|q| q.into_inner().trim().to_string())
            .collect(),
        answer: f.answer.into_inner().trim().to_string(),
        sources: f.sources.into_inner().into_iter().map(Spanned::into_inner).collect(),
        quotes,
        dates,
        tags: f.tags,
        entities: f.entities,
        note: f.note,
        unsaid,
        location,
    }
}

fn check_duplicate_sources(sources: &[Source], problems: &mut Problems) {
    let mut seen: HashMap<&str, &Location> = HashMap::new();
    for s in sources {
        if let Some(first) = seen.insert(&s.id, &s.location) {
            problems.add(
                s.location.clone(),
                format!("source id {:?} is already used at {first}", s.id),
                "give this source a different id, or merge the two",
            );
        }
    }
}

fn check_duplicate_facts(facts: &[Fact], problems: &mut Problems) {
    let mut ids: HashMap<&str, &Location> = HashMap::new();
    let mut phrasings: WordMap<String, (&str, &Location)> = WordMap::default();
    for f in facts {
        if let Some(first) = ids.insert(&f.id, &f.location) {
            problems.add(
                f.location.clone(),
                format!("fact id {:?} is already used at {first}", f.id),
                "give this fact a different id, or merge it into the other",
            );
        }
        let mut own = HashSet::new();
        for q in &f.questions {
            let key = phrasing_key(q);
            if !own.insert(key.clone()) {
                continue;
            }
            match phrasings.get(&key) {
                Some((other, at)) if *other != f.id => problems.add(
                    f.location.clone(),
                    format!(
                        "the question {q:?} is listed under fact {:?} and under {other:?} ({at})",
                        f.id
                    ),
                    "keep each phrasing under the one fact that answers it; reword or remove one",
                ),
                Some(_) => {}
                None => {
                    phrasings.insert(key, (&f.id, &f.location));
                }
            }
        }
    }
}

fn check_synonym_overlap(groups: &[SynonymGroup], problems: &mut Problems) {
    let mut seen: BTreeMap<String, &Location> = BTreeMap::new();
    for g in groups {
        for t in &g.terms {
            let key = phrasing_key(t);
            if let Some(first) = seen.get(&key) {
                if *first != &g.location {
                    problems.add(
                        g.location.clone(),
                        format!("{t:?} is already in the synonym group at {first}"),
                        "a term can belong to one group only: merge the groups or remove it from one",
                    );
                }
            } else {
                seen.insert(key, &g.location);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::FactBase;

    const SOURCES: &str = r#"
[[source]]
id = "paper"
outlet = "The Paper"
date = "2025-03-16"
article = "paper.txt"
"#;

    fn load(facts: &str) -> Result<FactBase, KnowledgeError> {
        FactBase::from_files(
            Path::new("kb"),
            &[
                (PathBuf::from("kb/sources.toml"), SOURCES.to_string()),
                (PathBuf::from("kb/facts/a.toml"), facts.to_string()),
            ],
        )
    }

    fn problems(facts: &str) -> Vec<Problem> {
        match load(facts) {
            Ok(_) => panic!("expected problems"),
            Err(e) => e.problems(),
        }
    }

    const GOOD: &str = r#"
[[fact]]
id = "one"
questions = ["Who met Putin?"]
answer = "Witkoff."
sources = ["paper"]
quotes = ["Witkoff met Putin"]
dates = ["2025-03-13"]
"#;

    #[test]
    fn a_good_fact_loads() {
        let base = load(GOOD).expect("valid");
        assert_eq!(base.facts()[0].quotes[0].source, "paper");
        assert_eq!(base.facts()[0].location.line, 2);
    }

    #[test]
    fn a_misspelt_field_is_reported_where_it_is() {
        let p = problems(&GOOD.replace("answer =", "answr ="));
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("unknown field `answr`"), "{}", p[0]);
        assert_eq!((p[0].location.line, p[0].location.column), (5, 1), "{}", p[0]);
    }

    #[test]
    fn every_misshapen_fact_of_a_file_is_reported_and_the_good_ones_still_checked() {
        let three = format!(
            "# Facts — with an em dash, to keep positions honest.\n{GOOD}{}{}{}",
            GOOD.replace("id = \"one\"", "id = \"two\"")
                .replace("answer =", "answr ="),
            GOOD.replace("id = \"one\"", "id = \"three\"")
                .replace("quotes =", "quotse =")
                .replace("[\"paper\"]\n", "[\"nowhere\"]\n"),
            GOOD.replace("id = \"one\"", "id = \"four\"")
                .replace("2025-03-13", "2025-13-45")
                .replace("Who met Putin?", "Whom did Witkoff meet?")
        );
        let p = problems(&three);
        let all = p.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(all.contains("unknown field `answr`"), "{all}");
        assert!(all.contains("unknown field `quotse`"), "{all}");
        let lines: Vec<usize> = p.iter().map(|p| p.location.line).collect();
        assert!(lines.contains(&14) && lines.contains(&24), "{all}");
        assert!(
            all.contains("is not a date"),
            "a well-shaped fact is still checked: {all}"
        );
        assert_eq!(p.len(), 3, "the good fact has no problem: {all}");
    }

    #[test]
    fn syntax_errors_point_at_the_line() {
        let p = problems(&GOOD.replace("answer = \"Witkoff.\"", "answer = \"Witkoff."));
        assert_eq!(p[0].location.line, 5, "{}", p[0]);
        assert!(p[0].fix.contains("syntax"));
    }

    #[test]
    fn semantic_problems_are_all_reported_at_once() {
        let text = format!(
            "{GOOD}\n{}",
            GOOD.replace("id = \"one\"", "id = \"two\"")
                .replace("\"2025-03-13\"", "\"2025-13-45\"")
                .replace("[\"paper\"]", "[\"nowhere\"]")
                .replace("Witkoff.", " ")
        );
        let p = problems(&text);
        let all = p.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(all.contains("is not a date"), "{all}");
        assert!(all.contains("unknown source \"nowhere\""), "{all}");
        assert!(all.contains("empty answer"), "{all}");
        assert!(all.contains("listed under fact \"two\" and under \"one\""), "{all}");
        assert!(p.iter().all(|p| p.location.line > 0));
    }

    #[test]
    fn open_questions_load_and_must_be_written_out_and_not_answered_too() {
        let open = GOOD.replace(
            "dates = [\"2025-03-13\"]",
            "dates = [\"2025-03-13\"]\nunsaid = [\" Where did they meet? \"]",
        );
        assert_eq!(load(&open).unwrap().facts()[0].unsaid, ["Where did they meet?"]);
        let p = problems(&open.replace("Where did they meet?", "  "));
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("empty unsaid question"), "{}", p[0]);
        assert_eq!(p[0].location.line, 9, "{}", p[0]);
        let p = problems(&open.replace("Where did they meet?", "who met putin"));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].message
                .contains("both as a question it answers and as one its sources leave open"),
            "{}",
            p[0]
        );
    }

    #[test]
    fn a_bar_joins_names_of_one_party_in_a_contrast_group_only() {
        let with = |synonyms: &str| {
            FactBase::from_files(
                Path::new("kb"),
                &[
                    (PathBuf::from("kb/sources.toml"), SOURCES.to_string()),
                    (PathBuf::from("kb/synonyms.toml"), synonyms.to_string()),
                    (PathBuf::from("kb/facts/a.toml"), GOOD.to_string()),
                ],
            )
        };
        let base = with("[[contrast]]\nterms = [\"russia\", \"ukraine | kyiv\"]\n").expect("valid");
        assert_eq!(base.contrasts()[0].terms, ["russia", "ukraine | kyiv"]);
        for (synonyms, says) in [
            (
                "[[synonyms]]\nterms = [\"kyiv | kiev\", \"kyyiv\"]\n",
                "only in a [[contrast]] group",
            ),
            (
                "[[contrast]]\nterms = [\"russia\", \"ukraine | \"]\n",
                "at least two non-empty terms",
            ),
        ] {
            let p = with(synonyms).unwrap_err().problems();
            assert_eq!(p.len(), 1, "{synonyms}");
            assert!(p[0].message.contains(says), "{}", p[0]);
            assert_eq!(p[0].location.line, 1, "{}", p[0]);
        }
    }

    #[test]
    fn duplicate_ids_name_the_first_place() {
        let p = problems(&format!("{GOOD}{}", GOOD.replace("Who met Putin?", "Who saw Putin?")));
        assert!(p[0].message.contains("already used at kb/facts/a.toml:2:1"), "{}", p[0]);
    }

    #[test]
    fn quotes_must_appear_verbatim_in_the_article() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("paper.txt"),
            "Yesterday “Witkoff   met Putin” in Moscow.",
        )
        .unwrap();
        let base = load(GOOD).unwrap().verified(dir.path()).unwrap();
        assert_eq!(base.verified_against(), Some(dir.path()));
        let err = load(&GOOD.replace("Witkoff met Putin", "Witkoff met Biden"))
            .unwrap()
            .verified(dir.path())
            .unwrap_err();
        let p = err.problems();
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("not in the article"), "{}", p[0]);
        assert!(p[0].fix.contains("\"Witkoff met Putin\""), "{}", p[0]);
    }
}
