//! The labelled question set: the matcher must stay above its pass marks.

mod common;

use common::{bundled, bundled_config, repo};

#[test]
fn the_labelled_question_set_passes_its_marks() {
    let file = talksbot::eval::load(&repo().join("tests/eval/questions.toml")).expect("question file loads");
    let answerable = file.cases.iter().filter(|c| !c.expect.is_empty()).count();
    let unanswerable = file.cases.len() - answerable;
    assert!(file.cases.len() >= 150 && unanswerable >= 40, "the set is too small");
    let report = talksbot::eval::run(bundled(), &file, bundled_config().eval).expect("labels name real facts");
    assert!(report.passed(), "\n{}", report.render());
}

/// The blind questions (written from the articles alone, never the fact base):
/// the two dev sets, which the calibration is fitted on, and the test split,
/// which nothing is tuned on.
#[test]
fn the_blind_question_sets_pass_their_marks() {
    for name in ["dev", "dev2", "dev3", "test"] {
        let file = talksbot::eval::load(&repo().join(format!("tests/eval/{name}.toml"))).expect("question file loads");
        let near_misses = file
            .cases
            .iter()
            .filter(|c| c.kind.as_deref() == Some("near-miss"))
            .count();
        assert!(near_misses >= 10, "{name}: too few near misses");
        let report = talksbot::eval::run(bundled(), &file, bundled_config().eval).expect("labels name real facts");
        assert!(report.passed(), "{name}:\n{}", report.render());
    }
}
