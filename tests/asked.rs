//! Questions people asked (`knowledge/asked/`): they teach the bot how its
//! facts are asked for, are never offered back to people, and never grade
//! the set they came from.

mod common;

use common::{bundled, bundled_config, repo};
use talksbot::answers::{Knowledge, Response};

/// An answerable question of the dev set `name` that the base stores as
/// asked, and the fact it was labelled with.
fn an_asked_question_of(name: &str) -> (String, String) {
    let file = talksbot::eval::load(&repo().join(format!("tests/eval/{name}.toml"))).expect("dev set loads");
    let base = &bundled().base;
    file.cases
        .iter()
        .filter(|c| !c.expect.is_empty())
        .find_map(|c| {
            let fact = base.fact_position(&c.expect[0])?;
            base.asked(fact)
                .contains(&c.question)
                .then(|| (c.question.clone(), c.expect[0].clone()))
        })
        .expect("the dev set's questions are asked of the base")
}

#[test]
fn a_question_someone_asked_is_answered_with_the_fact_it_was_labelled_with() {
    let (question, fact) = an_asked_question_of("dev19");
    let reply = bundled().ask(&question).unwrap();
    assert_eq!(
        reply.fact_id(),
        Some(fact.as_str()),
        "{question:?}: {:?}",
        reply.ranking
    );
    let best = &reply.ranking[0];
    assert!(best.asked, "{best:?}");
    assert_eq!(best.matched.as_deref(), Some(question.as_str()));
}

#[test]
fn close_questions_offered_to_people_are_only_the_facts_own() {
    let base = &bundled().base;
    let own = |q: &str| base.facts().iter().any(|f| f.questions.iter().any(|o| o == q));
    // Chat that shares a word or two with asked questions, near misses, a topic.
    let mut offered = Vec::new();
    for question in [
        "hi bot how r u doing today",
        "which city in turkey were the talks in",
        "what did putin say to witkoff",
        "rubio",
    ] {
        if let Response::Suggest(close) = bundled().ask(question).unwrap().response {
            offered.extend(close.into_iter().map(|s| (question, s.question)));
        }
    }
    assert!(!offered.is_empty(), "nothing was offered");
    for (question, close) in offered {
        assert!(own(&close), "{question:?} offered {close:?}");
    }
}

#[test]
fn a_dev_set_is_graded_on_a_base_that_never_read_its_own_questions() {
    let path = repo().join("tests/eval/dev19.toml");
    let file = talksbot::eval::load(&path).unwrap();
    let config = bundled_config();
    let graded = talksbot::eval::run(bundled(), &file, config.eval).unwrap();
    let blind = Knowledge::new(
        bundled()
            .base
            .without_asked("dev19")
            .expect("dev19 is asked of the base"),
        &config.matcher,
    );
    let mut unnamed = file.clone();
    unnamed.name = None;
    assert_eq!(
        graded.answered_right,
        talksbot::eval::run(&blind, &unnamed, config.eval)
            .unwrap()
            .answered_right
    );
    // Asked of the base that holds them, its questions would grade themselves.
    let flattered = talksbot::eval::run(bundled(), &unnamed, config.eval).unwrap();
    assert!(
        flattered.answered_right > graded.answered_right,
        "{} vs {}",
        flattered.answered_right,
        graded.answered_right
    );
}

#[test]
fn autocomplete_completes_with_the_facts_own_questions_never_an_asked_one() {
    let (question, fact) = an_asked_question_of("dev19");
    let base = &bundled().base;
    let own = &base.fact(&fact).unwrap().questions;
    let choices = talksbot::discord::render::question_choices(bundled(), &question, false);
    let first = choices.first().expect("something is offered");
    let name = serde_json::to_value(first).unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(name, question);
    assert!(own.contains(&name), "{name:?} is not one of {fact}'s questions");
}
