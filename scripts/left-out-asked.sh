#!/usr/bin/env bash
# The left-out score with questions people asked: for each blind dev set, a base whose asked
# files are written from the other dev sets only (conflicts found without it), a calibration
# fitted without it, and the set scored on both. Prints per set and threshold
#   threshold set right answerable wrongly declined unanswerable right-2*wrong
# then the sums. Run from the repository root after `cargo build --release`; about twenty
# minutes on two cores.
#
#   scripts/left-out-asked.sh [THRESHOLD...]      (default 0.69)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./target/release/talksbot
thresholds=${*:-0.69}
sets=$(ls tests/eval/dev*.toml | xargs -n1 basename | sed 's/\.toml$//' | sort -V)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fold() {
  local f=$1 kb=$work/kb_$1 files=tests/eval/questions.toml
  mkdir -p "$kb"
  ln -s "$PWD/knowledge/sources.toml" "$PWD/knowledge/synonyms.toml" "$PWD/knowledge/facts" "$kb/"
  python3 scripts/asked-from-dev.py --out "$kb/asked" --leave-out "$f" > /dev/null
  for g in $sets; do [ "$g" != "$f" ] && files="$files tests/eval/$g.toml"; done
  cp config/talksbot.toml "$work/$f.toml"
  # shellcheck disable=SC2086
  "$bin" calibrate --write --knowledge "$kb" --config "$work/$f.toml" $files > /dev/null
}
jobs=$(nproc 2>/dev/null || echo 2)
for f in $sets; do
  fold "$f" &
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait
for t in $thresholds; do
  for f in $sets; do
    sed -i "s/^answer_threshold = .*/answer_threshold = $t/" "$work/$f.toml"
    # A set below its pass marks exits non-zero; its counts are still wanted.
    { "$bin" eval "tests/eval/$f.toml" --knowledge "$work/kb_$f" --config "$work/$f.toml" || true; } |
      awk -v t="$t" -v f="$f" '
        { if (match($0, /\(([0-9]+)\/([0-9]+)\)/)) { s = substr($0, RSTART + 1, RLENGTH - 2); split(s, p, "/") } }
        /^answered right/ { r = p[1]; n = p[2] }
        /^answered wrongly/ { w = p[1] }
        /^declined \(unanswerable\)/ { d = p[1]; u = p[2] }
        END { print t, f, r, n, w, d, u, r - 2 * (w + u - d) }'
  done
done | tee "$work/rows"
awk '{ r[$1] += $3; n[$1] += $4; w[$1] += $5; d[$1] += $6; u[$1] += $7; s[$1] += $8 }
     END { for (t in s) printf "%s all: right %d of %d, answered wrongly %d, declined %d of %d, right - 2 x wrong %d\n", t, r[t], n[t], w[t], d[t], u[t], s[t] }' "$work/rows" | sort
