//! A deterministic synthetic fact base of any size, shaped like a news
//! base: every fact is a person at an event (a domain and a kind of event)
//! in a place, in a month, asked about in several ways. Entries share their
//! vocabulary the way real ones do: a few hundred people and places recur
//! across many facts, and "trade" or "summit" is in a fifth to a quarter of all
//! phrasings, so that a question's common words reach thousands of texts.
//! Queries are new phrasings and stored ones with a word left out and
//! keyboard typos, plus questions the base cannot answer.
//!
//! Names of people and places are made of syllables, so they are not
//! English words (as real surnames mostly are not) and a misspelt one can
//! land on a similar name, as it would in a large real base.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::data::{Entry, LabelledQuery, Query};
use crate::engines::talksbot::toml_string;
use talksbot::typos::{Rng, Typist};

const FIRST_NAMES: &[&str] = &[
    "Anna", "Marek", "Olga", "Pavel", "Irina", "Tomas", "Elena", "Yusuf", "Sofia", "Karim", "Lena", "Dmitri", "Nadia",
    "Jonas", "Leila", "Viktor", "Maria", "Aziz", "Petra", "Omar", "Greta", "Ivan", "Hana", "Milan", "Rosa", "Emil",
    "Dana", "Artem", "Vera", "Samir",
];

const ROLES: &[&str] = &[
    "foreign minister",
    "trade envoy",
    "prime minister",
    "defence secretary",
    "energy minister",
    "special envoy",
    "president",
    "spokesperson",
    "chief negotiator",
    "finance minister",
    "ambassador",
    "deputy minister",
];

/// Domains of events, most common first: the first ("trade") is in about a
/// fifth of all phrasings, the next few in a tenth or more.
const DOMAINS: &[&str] = &[
    "trade", "energy", "security", "grain", "nuclear", "climate", "arms", "border", "water", "debt", "refugee",
    "fishing", "shipping", "tariff", "aid", "health",
];

const EVENTS: &[&str] = &[
    "summit",
    "talks",
    "deal",
    "conference",
    "agreement",
    "negotiations",
    "forum",
    "treaty",
    "accord",
    "meeting",
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const ONSETS: &[&str] = &[
    "Ru", "Vo", "Ka", "Mi", "Ta", "Be", "Do", "Le", "Za", "Pe", "Gri", "Sha", "Ko", "Ne", "Ha", "Os", "Bra", "Ul",
    "Fe", "Ja", "Sve", "Mor", "Tri", "Al",
];
const MIDDLES: &[&str] = &[
    "ben", "las", "rin", "tov", "mar", "del", "gan", "ser", "vik", "lor", "den", "mit", "ras", "zen", "kul", "bor",
];
const SURNAME_ENDS: &[&str] = &[
    "ko", "ov", "ski", "enko", "ani", "ez", "berg", "sson", "ides", "escu", "ova", "ur",
];
const PLACE_ENDS: &[&str] = &[
    "grad", "ville", "burg", "abad", "polis", "holm", "stad", "mouth", "ford", "dorf",
];

/// People and places in the pools; the base draws from them with a skew, so
/// some recur in many facts and most in a few.
const PEOPLE: usize = 2_500;
const PLACES: usize = 600;
/// Names kept out of the base, for questions about someone it does not know.
const STRANGERS: usize = 300;

/// Ways a fact is stored: each fact gets `per_fact` of these. Every one
/// names the person, the event and the place, so no two facts share one.
const STORED: &[&str] = &[
    "What did {s} say at the {d} {e} in {p}?",
    "When did {n} attend the {d} {e} in {p}?",
    "Who did the {r} {s} meet at the {p} {d} {e}?",
    "Did {s} sign anything at the {d} {e} in {p} in {m}?",
    "What happened when {s} went to {p} for the {d} {e}?",
    "Why was {n} at the {d} {e} in {p}?",
    "{s} {p} {d} {e}?",
    "How did the {d} {e} in {p} go for {s}?",
    "What was agreed by {s} at the {p} {d} {e}?",
    "What did {r} {s} say about the {d} {e} in {p} in {m}?",
];

/// Ways people ask that no fact stores.
const ASKED: &[&str] = &[
    "{s} at the {d} {e} in {p}: what happened?",
    "anything new on {s} and the {p} {d} {e}",
    "what was {s}'s line at the {d} {e} in {p}",
    "did the {r} {s} go to the {d} {e} in {p} in {m}",
    "tell me about {n} at the {d} {e} in {p}",
    "{p} {d} {e} {s} outcome?",
    "what did {s} say about the {d} {e}",
    "what did the {r} say at the {p} {d} {e}",
];

/// Questions that name nothing the base has.
const OFF_TOPIC: &[&str] = &[
    "what is the weather like tomorrow",
    "who won the football last night",
    "recommend a good pizza place",
    "how do I reset my password",
    "what time is it in tokyo",
    "tell me a joke",
];

/// Share of words (three letters or more) in a query that get a typo.
const TYPO_RATE: f64 = 0.25;
/// Share of queries with a word left out; of those, the same share lose a second.
const DROP_RATE: f64 = 0.5;
/// Share of queries the base cannot answer.
const OUT_OF_SCOPE: f64 = 0.2;

#[derive(Debug, Clone)]
struct Person {
    first: usize,
    surname: String,
    role: usize,
}

/// One fact: who, what, where and when, as positions in the pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fact {
    person: usize,
    domain: usize,
    event: usize,
    place: usize,
    month: usize,
}

/// What a word of a query says about the fact asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    First,
    Surname,
    Role,
    Domain,
    Event,
    Place,
    Month,
}

/// The fact a query was written for, by slot; `None` for a slot the query
/// does not name (or whose word was left out).
#[derive(Debug, Clone, Copy, Default)]
struct Said {
    first: Option<usize>,
    surname: Option<usize>,
    role: Option<usize>,
    domain: Option<usize>,
    event: Option<usize>,
    place: Option<usize>,
    month: Option<usize>,
}

/// A base of `facts` facts with the phrasings, queries and names they use.
pub struct Synthetic {
    people: Vec<Person>,
    strangers: Vec<Person>,
    places: Vec<String>,
    pub facts: Vec<Fact>,
    /// Per fact, its stored phrasings.
    pub phrasings: Vec<Vec<String>>,
    seed: u64,
}

/// Names from syllables, distinct, in a seeded order.
fn names(ends: &[&str], rng: &mut Rng) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for a in ONSETS {
        for b in MIDDLES {
            for c in ends {
                all.push(format!("{a}{b}{c}"));
            }
        }
    }
    // Fisher-Yates, seeded.
    for i in (1..all.len()).rev() {
        let j = rng.below(i + 1);
        all.swap(i, j);
    }
    all
}

/// Draws positions 0..n with a Zipf-like skew (weight 1/(rank + offset)):
/// the first few are drawn far more often than the last.
struct Skewed {
    cumulative: Vec<f64>,
}

impl Skewed {
    fn new(n: usize, offset: f64) -> Skewed {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|i| {
                total += 1.0 / (i as f64 + offset);
                total
            })
            .collect();
        Skewed { cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let x = rng.next_f64() * self.cumulative.last().copied().unwrap_or(0.0);
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len() - 1)
    }
}

impl Synthetic {
    /// A base of about `questions` stored phrasings, `per_fact` per fact.
    pub fn generate(questions: usize, per_fact: usize, seed: u64) -> Synthetic {
        let per_fact = per_fact.clamp(1, STORED.len());
        let facts_wanted = questions.div_ceil(per_fact).max(1);
        let mut rng = Rng::new(seed ^ 0x6261_7365);
        let surnames = names(SURNAME_ENDS, &mut rng);
        let person = |surname: &String, rng: &mut Rng| Person {
            first: rng.below(FIRST_NAMES.len()),
            surname: surname.clone(),
            role: rng.below(ROLES.len()),
        };
        let people: Vec<Person> = surnames[..PEOPLE].iter().map(|s| person(s, &mut rng)).collect();
        let strangers: Vec<Person> = surnames[PEOPLE..PEOPLE + STRANGERS]
            .iter()
            .map(|s| person(s, &mut rng))
            .collect();
        let places: Vec<String> = names(PLACE_ENDS, &mut rng).into_iter().take(PLACES).collect();
        let who = Skewed::new(PEOPLE, 20.0);
        let r#where = Skewed::new(PLACES, 10.0);
        let domain = Skewed::new(DOMAINS.len(), 2.0);
        let event = Skewed::new(EVENTS.len(), 2.0);
        let mut seen = HashSet::new();
        let mut facts = Vec::with_capacity(facts_wanted);
        while facts.len() < facts_wanted {
            let f = Fact {
                person: who.draw(&mut rng),
                domain: domain.draw(&mut rng),
                event: event.draw(&mut rng),
                place: r#where.draw(&mut rng),
                month: rng.below(MONTHS.len()),
            };
            // One fact per person, event and place: the month only adds.
            if seen.insert((f.person, f.domain, f.event, f.place)) {
                facts.push(f);
            }
        }
        let mut base = Synthetic {
            people,
            strangers,
            places,
            facts,
            phrasings: Vec::new(),
            seed,
        };
        let mut phrasings = Vec::with_capacity(base.facts.len());
        for f in &base.facts {
            let mut templates: Vec<usize> = (0..STORED.len()).collect();
            for i in 0..per_fact {
                let j = i + rng.below(templates.len() - i);
                templates.swap(i, j);
            }
            phrasings.push(
                templates[..per_fact]
                    .iter()
                    .map(|&t| base.render(STORED[t], f, false).0.join(" "))
                    .collect(),
            );
        }
        base.phrasings = phrasings;
        base
    }

    pub fn id(fact: usize) -> String {
        format!("f{fact:07}")
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.phrasings
            .iter()
            .enumerate()
            .map(|(i, qs)| Entry {
                id: Self::id(i),
                questions: qs.clone(),
            })
            .collect()
    }

    fn person(&self, f: &Fact, stranger: bool) -> &Person {
        if stranger {
            &self.strangers[f.person % self.strangers.len()]
        } else {
            &self.people[f.person]
        }
    }

    /// A template filled in for a fact: its words, and which slot each word
    /// names. With `stranger`, the person is one the base does not have.
    fn render(&self, template: &str, f: &Fact, stranger: bool) -> (Vec<String>, Vec<Option<Slot>>) {
        let p = self.person(f, stranger);
        let mut words = Vec::new();
        let mut slots = Vec::new();
        for token in template.split(' ') {
            let Some(open) = token.find('{') else {
                words.push(token.to_string());
                slots.push(None);
                continue;
            };
            let (before, rest) = token.split_at(open);
            let key = &rest[1..2];
            let after = &rest[3..];
            let values: Vec<(String, Slot)> = match key {
                "s" => vec![(p.surname.clone(), Slot::Surname)],
                "n" => vec![
                    (FIRST_NAMES[p.first].to_string(), Slot::First),
                    (p.surname.clone(), Slot::Surname),
                ],
                "r" => ROLES[p.role].split(' ').map(|w| (w.to_string(), Slot::Role)).collect(),
                "d" => vec![(DOMAINS[f.domain].to_string(), Slot::Domain)],
                "e" => vec![(EVENTS[f.event].to_string(), Slot::Event)],
                "p" => vec![(self.places[f.place].clone(), Slot::Place)],
                "m" => vec![(MONTHS[f.month].to_string(), Slot::Month)],
                other => unreachable!("unknown placeholder {other}"),
            };
            let last = values.len() - 1;
            for (i, (value, slot)) in values.into_iter().enumerate() {
                let mut word = value;
                if i == 0 {
                    word.insert_str(0, before);
                }
                if i == last {
                    word.push_str(after);
                }
                words.push(word);
                slots.push(Some(slot));
            }
        }
        (words, slots)
    }

    /// What the words left in a query say, for the fact it was written for.
    fn said(&self, f: &Fact, slots: &[Option<Slot>], stranger: bool) -> Said {
        let mut said = Said::default();
        let p = if stranger { None } else { Some(f.person) };
        for slot in slots.iter().flatten() {
            match slot {
                Slot::First => said.first = Some(self.person(f, stranger).first),
                // A stranger's surname matches no one: `usize::MAX`.
                Slot::Surname => said.surname = Some(p.unwrap_or(usize::MAX)),
                Slot::Role => said.role = Some(self.person(f, stranger).role),
                Slot::Domain => said.domain = Some(f.domain),
                Slot::Event => said.event = Some(f.event),
                Slot::Place => said.place = Some(f.place),
                Slot::Month => said.month = Some(f.month),
            }
        }
        said
    }

    fn fits(&self, said: &Said, f: &Fact) -> bool {
        let p = &self.people[f.person];
        said.surname.is_none_or(|s| s == f.person)
            && said.first.is_none_or(|x| x == p.first)
            && said.role.is_none_or(|x| x == p.role)
            && said.domain.is_none_or(|x| x == f.domain)
            && said.event.is_none_or(|x| x == f.event)
            && said.place.is_none_or(|x| x == f.place)
            && said.month.is_none_or(|x| x == f.month)
    }

    /// `count` labelled queries from seeded stream `stream`: a right answer
    /// is any fact that fits every slot the query still names.
    pub fn queries(&self, count: usize, stream: u64) -> Vec<(Query, LabelledQuery)> {
        let mut rng = Rng::new(self.seed ^ stream);
        let mut typist = Typist::new(TYPO_RATE, self.seed ^ stream ^ 0x7479_706f);
        // Facts by person, to find the ones that fit without a full scan.
        let mut by_person: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, f) in self.facts.iter().enumerate() {
            by_person.entry(f.person).or_default().push(i);
        }
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let roll = rng.next_f64();
            let (text, right) = if roll < OUT_OF_SCOPE * 0.15 {
                (OFF_TOPIC[rng.below(OFF_TOPIC.len())].to_string(), Vec::new())
            } else {
                let out_of_scope = roll < OUT_OF_SCOPE;
                let mut f = self.facts[rng.below(self.facts.len())];
                // Half the unanswerable ones ask about someone the base does
                // not know; the rest about a known person at an event and
                // place that the base has, though never together.
                let stranger = out_of_scope && rng.below(2) == 0;
                if out_of_scope && !stranger {
                    f.place = rng.below(self.places.len());
                    f.domain = rng.below(DOMAINS.len());
                }
                let template = if rng.below(2) == 0 {
                    ASKED[rng.below(ASKED.len())]
                } else {
                    STORED[rng.below(STORED.len())]
                };
                let (mut words, mut slots) = self.render(template, &f, stranger);
                let mut drop = DROP_RATE;
                while rng.next_f64() < drop && words.len() > 3 {
                    let i = rng.below(words.len());
                    words.remove(i);
                    slots.remove(i);
                    drop *= DROP_RATE;
                }
                let said = self.said(&f, &slots, stranger);
                let candidates: Vec<usize> = match said.surname {
                    Some(p) => by_person.get(&p).cloned().unwrap_or_default(),
                    None => (0..self.facts.len()).collect(),
                };
                let right: Vec<usize> = candidates
                    .into_iter()
                    .filter(|&i| self.fits(&said, &self.facts[i]))
                    .collect();
                if out_of_scope && !right.is_empty() {
                    // The made-up combination exists after all: draw again.
                    continue;
                }
                let mut text = words.join(" ");
                if rng.below(2) == 0 {
                    // Chat style: lower case, no question mark.
                    text = text.to_lowercase().trim_end_matches('?').to_string();
                }
                (typist.apply(&text), right)
            };
            let query = Query {
                query: text.clone(),
                expected: right.first().map(|&i| Self::id(i)),
                also: right.iter().skip(1).map(|&i| Self::id(i)).collect(),
            };
            out.push((query, LabelledQuery { text, right }));
        }
        out
    }

    /// Writes the base as a knowledge folder: sources.toml and facts/*.toml,
    /// each fact with an answer, a date and its people and places, and the
    /// queries as an eval file (`eval.toml`) for `talksbot eval`. Quotes are
    /// made up like everything else: there is no articles folder to check them.
    pub fn write_knowledge(&self, dir: &Path, queries: &[Query]) -> Result<()> {
        let facts_dir = dir.join("facts");
        if facts_dir.exists() {
            std::fs::remove_dir_all(&facts_dir).with_context(|| format!("cannot clear {}", facts_dir.display()))?;
        }
        std::fs::create_dir_all(&facts_dir).with_context(|| format!("cannot create {}", facts_dir.display()))?;
        let write = |path: &Path, text: &str| {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        };
        write(
            &dir.join("sources.toml"),
            "# A synthetic base from `talksbot-bench scale`; nothing here happened.\n\n[[source]]\nid = \"scale-wire\"\noutlet = \"Synthetic Wire\"\ndate = \"2025-12-31\"\n",
        )?;
        for (file_no, chunk) in self.facts.chunks(FACTS_PER_FILE).enumerate() {
            let mut text = String::new();
            for (i, f) in chunk.iter().enumerate() {
                let n = file_no * FACTS_PER_FILE + i;
                let p = &self.people[f.person];
                let name = format!("{} {}", FIRST_NAMES[p.first], p.surname);
                let (domain, event, place) = (DOMAINS[f.domain], EVENTS[f.event], &self.places[f.place]);
                let questions: Vec<String> = self.phrasings[n].iter().map(|q| toml_string(q)).collect();
                let day = 1 + (n * 7) % 28;
                let _ = write!(
                    text,
                    "[[fact]]\nid = \"{}\"\nquestions = [{}]\nanswer = {}\nsources = [\"scale-wire\"]\nquotes = [{}]\ndates = [\"2025-{:02}-{day:02}\"]\ntags = [\"{domain}\"]\nentities = [{}, {}]\n\n",
                    Self::id(n),
                    questions.join(", "),
                    toml_string(&format!(
                        "{name}, the {}, was at the {domain} {event} in {place} on {day} {} 2025.",
                        ROLES[p.role],
                        MONTHS[f.month]
                    )),
                    toml_string(&format!("{} attended the {domain} {event}", p.surname)),
                    f.month + 1,
                    toml_string(&name),
                    toml_string(place),
                );
            }
            write(&facts_dir.join(format!("scale-{:04}.toml", file_no + 1)), &text)?;
        }
        let mut eval = String::from("# Queries from `talksbot-bench scale`, for `talksbot eval`.\n\n");
        for q in queries {
            let expect: Vec<String> = q.expected.iter().chain(&q.also).map(|id| toml_string(id)).collect();
            let _ = write!(
                eval,
                "[[case]]\nquestion = {}\nexpect = [{}]\n\n",
                toml_string(&q.query),
                expect.join(", ")
            );
        }
        write(&dir.join("eval.toml"), &eval)
    }
}

const FACTS_PER_FILE: usize = 2_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_base_and_queries() {
        let a = Synthetic::generate(500, 5, 1);
        let b = Synthetic::generate(500, 5, 1);
        assert_eq!(a.phrasings, b.phrasings);
        assert_eq!(a.facts.len(), 100);
        let qa: Vec<Query> = a.queries(50, 9).into_iter().map(|q| q.0).collect();
        let qb: Vec<Query> = b.queries(50, 9).into_iter().map(|q| q.0).collect();
        assert_eq!(qa, qb);
        assert_ne!(Synthetic::generate(500, 5, 2).phrasings, a.phrasings);
    }

    #[test]
    fn phrasings_are_unique_and_name_their_fact() {
        let base = Synthetic::generate(5_000, 5, 3);
        let mut seen = HashSet::new();
        for (f, qs) in base.facts.iter().zip(&base.phrasings) {
            assert_eq!(qs.len(), 5);
            for q in qs {
                assert!(seen.insert(q.to_lowercase()), "{q} twice");
                assert!(q.contains(&base.people[f.person].surname), "{q}");
                assert!(q.contains(&base.places[f.place]), "{q}");
            }
        }
    }

    #[test]
    fn common_words_are_shared_widely_and_queries_are_labelled() {
        let base = Synthetic::generate(20_000, 5, 4);
        let share = |word: &str| {
            let holding = base.phrasings.iter().flatten().filter(|q| q.contains(word)).count();
            holding as f64 / (base.facts.len() * 5) as f64
        };
        assert!((0.05..0.3).contains(&share(" trade ")), "{}", share(" trade "));
        assert!((0.05..0.3).contains(&share(" summit")), "{}", share(" summit"));
        let queries = base.queries(400, 5);
        let out = queries.iter().filter(|(_, l)| !l.in_scope()).count();
        assert!((40..=130).contains(&out), "{out} out of scope");
        for (q, l) in &queries {
            assert_eq!(q.expected.is_some(), l.in_scope());
            assert_eq!(q.also.len() + usize::from(l.in_scope()), l.right.len());
            assert!(l.right.iter().all(|&i| i < base.facts.len()));
        }
    }
}
