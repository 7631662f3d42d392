#!/usr/bin/env python3
"""Right answers minus twice the wrong ones, per answer_threshold, over labelled files.

A wrong answer counts an answerable question answered with the wrong fact and an
unanswerable question answered at all. Run from the repository root after
`cargo build --release`, with TALKSBOT_ARTICLES set as for the tests:

    python3 scripts/sweep-threshold.py tests/eval/questions.toml tests/eval/dev.toml \
        tests/eval/dev2.toml tests/eval/dev3.toml tests/eval/dev4.toml tests/eval/dev5.toml \
        tests/eval/dev6.toml tests/eval/dev7.toml tests/eval/dev8.toml

Only the threshold changes (in a temporary copy of config/talksbot.toml); the
calibration stays as bundled. Never run it on tests/eval/test.toml to choose anything.
"""
import re
import subprocess
import sys
import tempfile

THRESHOLDS = [round(0.55 + 0.01 * i, 2) for i in range(26)]


def counts(config, path):
    out = subprocess.run(
        ["./target/release/talksbot", "--config", config, "eval", path],
        capture_output=True, text=True,
    ).stdout

    def pair(label):
        m = re.search(re.escape(label) + r".*?\((\d+)/(\d+)\)", out)
        return (int(m.group(1)), int(m.group(2))) if m else (0, 0)

    right, _ = pair("answered right")
    wrong, _ = pair("answered wrongly")
    declined, unanswerable = pair("declined (unanswerable)")
    return right, wrong + unanswerable - declined


def main(files):
    bundled = open("config/talksbot.toml").read()
    with tempfile.NamedTemporaryFile("w", suffix=".toml") as config:
        for t in THRESHOLDS:
            config.seek(0)
            config.truncate()
            config.write(re.sub(r"(?m)^answer_threshold = .*$", f"answer_threshold = {t}", bundled))
            config.flush()
            total, parts = 0, []
            for path in files:
                right, wrong = counts(config.name, path)
                total += right - 2 * wrong
                parts.append(f"{path.split('/')[-1]} {right}/{wrong}")
            print(f"{t:.2f}  {total:4d}   " + "  ".join(parts))


if __name__ == "__main__":
    main(sys.argv[1:])
