#!/usr/bin/env python3
"""Writes knowledge/asked/<name>.toml from each blind dev set tests/eval/<name>.toml.

Every answerable question of a dev set (one with a non-empty `expect`) becomes one more
way of asking for the first fact it expects, unless that fact already stores it (same
words, case and spacing aside). Near misses, off-topic and uncovered questions are left
out: they name no fact. The fact writer's own set (questions.toml) is left out, since its
questions were written with the facts; the test set (test.toml) is never read.

Measuring a dev set leaves its own asked file out of the base it is measured on
(`talksbot eval`, `talksbot calibrate` and the tests do this by the file's name), so a
dev set is always scored on questions the base never read.

Run from the repository root after relabelling or adding a dev set:

    python3 scripts/asked-from-dev.py

Then refit the calibration (`talksbot calibrate --write`), as for any change to the base.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter

HEADER = """\
# Questions people typed, each with the fact that answers it: the answerable questions of
# the blind dev set tests/eval/{name}.toml (written from the articles alone by someone who
# never saw the fact base, labelled afterwards against it), grouped by the first fact each
# expects. Written by scripts/asked-from-dev.py; rerun it rather than editing by hand.
#
# The matcher reads each as one more way of asking for its fact; none is ever shown as one
# of the fact's own questions. Measuring tests/eval/{name}.toml leaves this file out.
"""


def key(question):
    return " ".join(question.lower().split())


def pairs(question):
    text = re.sub(r"[^a-z0-9 ]+", "", key(question))
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def likeness(a, b):
    """Sørensen-Dice over letter pairs, as the matcher measures wording."""
    return 2 * sum((a & b).values()) / max(1, sum(a.values()) + sum(b.values()))


# A question labelled answerable in one set and worded nearly the same as one
# labelled unanswerable in another (or as an open question of its fact) was
# read two ways by two labellers: it is left out rather than taught either way.
CONFLICT = 0.85


def main():
    # --out FOLDER writes the asked files there instead; --leave-out NAME reads
    # nothing of tests/eval/NAME.toml, not even to find conflicts: how the
    # README's left-out figures measure a set on questions none of it shaped.
    args = sys.argv[1:]
    out_dir = None
    left_out = set()
    while args:
        flag, value, args = args[0], args[1] if len(args) > 1 else None, args[2:]
        if value is None or flag not in ("--out", "--leave-out"):
            sys.exit("usage: asked-from-dev.py [--out FOLDER] [--leave-out NAME]...")
        if flag == "--out":
            out_dir = value
        else:
            left_out.add(value)
    root = os.getcwd()
    stored = {}
    unsaid = {}
    for path in glob.glob(os.path.join(root, "knowledge", "facts", "*.toml")):
        with open(path, "rb") as f:
            for fact in tomllib.load(f).get("fact", []):
                stored[fact["id"].strip()] = {key(q) for q in fact["questions"]}
                unsaid[fact["id"].strip()] = [pairs(q) for q in fact.get("unsaid", [])]
    out_dir = out_dir or os.path.join(root, "knowledge", "asked")
    os.makedirs(out_dir, exist_ok=True)
    dev_sets = sorted(
        (p for p in glob.glob(os.path.join(root, "tests", "eval", "dev*.toml")) if os.path.basename(p)[:-5] not in left_out),
        key=lambda p: int(re.sub(r"\D", "", os.path.basename(p)) or 1),
    )
    sets = []
    for path in dev_sets:
        with open(path, "rb") as f:
            sets.append((os.path.basename(path)[: -len(".toml")], tomllib.load(f).get("case", [])))
    answerable = [pairs(c["question"]) for _, cases in sets for c in cases if c.get("expect")]
    unanswerable = [pairs(c["question"]) for _, cases in sets for c in cases if not c.get("expect")]
    # A near miss (or a question no single fact answers) asks of the subject
    # of the fact the base ranks first for it: one more of that fact's open
    # questions. Ranked on the base without any asked questions.
    on_topic = [
        " ".join(c["question"].split())
        for _, cases in sets
        for c in cases
        if not c.get("expect") and c.get("kind") in ("near-miss", "uncovered")
    ]
    subject = dict(zip(on_topic, ranked_first(root, on_topic)))
    total = 0
    conflicts = 0
    for name, cases in sets:
        groups = {}
        for case in cases:
            question = " ".join(case["question"].split())
            expect = case.get("expect", [])
            open_question = not expect
            fact = expect[0] if expect else subject.get(question)
            if fact is None:
                continue
            if fact not in stored:
                sys.exit(f"{name}: {case['question']!r} expects {fact!r}, which no fact has")
            group = groups.setdefault(fact, ([], []))
            if key(question) in stored[fact] or key(question) in {key(q) for q in group[0] + group[1]}:
                continue
            others = answerable if open_question else unanswerable + unsaid[fact]
            if any(likeness(pairs(question), other) >= CONFLICT for other in others):
                conflicts += 1
                continue
            group[open_question].append(question)
        lines = [HEADER.format(name=name)]
        for fact, (questions, open_questions) in groups.items():
            if not questions and not open_questions:
                continue
            lines.append("\n[[asked]]\n")
            lines.append(f"fact = {json.dumps(fact)}\n")
            for field, listed in (("questions", questions), ("unsaid", open_questions)):
                if listed:
                    lines.append(f"{field} = [\n")
                    lines.extend(f"  {json.dumps(q, ensure_ascii=False)},\n" for q in listed)
                    lines.append("]\n")
        with open(os.path.join(out_dir, f"{name}.toml"), "w", encoding="utf-8") as f:
            f.write("".join(lines))
        count = sum(len(q) + len(o) for q, o in groups.values())
        total += count
        print(f"{os.path.join(out_dir, name)}.toml: {count} questions for {len(groups)} facts")
    print(f"{total} asked questions from {len(dev_sets)} dev sets; {conflicts} left out as labelled both ways")


def ranked_first(root, questions):
    """The fact the bundled binary ranks first for each question, on the base without asked files."""
    binary = os.path.join(root, "target", "release", "talksbot")
    if not os.path.exists(binary):
        sys.exit("build the bot first: cargo build --release")
    with tempfile.TemporaryDirectory() as base:
        for part in ("sources.toml", "synonyms.toml", "facts"):
            os.symlink(os.path.join(root, "knowledge", part), os.path.join(base, part))
        out = subprocess.run(
            [binary, "ask", "--json", "--knowledge", base],
            input="\n".join(questions) + "\n",
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    firsts = []
    for line in out.splitlines():
        candidates = json.loads(line).get("candidates") or []
        firsts.append(candidates[0]["fact_id"] if candidates else None)
    if len(firsts) != len(questions):
        sys.exit("the bot answered a different number of questions than it was asked")
    return firsts


if __name__ == "__main__":
    main()
