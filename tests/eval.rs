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
