#!/usr/bin/env python3
"""Regenerates the English lexicon the matcher ships with, from two registry packages.

    pip download --no-deps -d /tmp/lex symspellpy==6.10.1 && unzip -o /tmp/lex/symspellpy-*.whl -d /tmp/lex
    apt-get install wordnet-base        # Debian: /usr/share/wordnet
    python3 src/matching/lexicon/make-data.py /tmp/lex/symspellpy/frequency_dictionary_en_82_765.txt /usr/share/wordnet

Writes, beside this script:
  english.tsv   word, log10 of its count in the frequency list (x100), its WordNet parts of
                speech with how often each was seen in tagged text (n3 v1 ...; N = a proper
                noun), and its base form when it is an irregular inflection (went -> go)
  related.txt   WordNet synonym sets: one set of words per line, each holding the words it
                is one of the first senses of, in a part of speech the word is often used as,
                since other senses are rare and would relate words by accident

Sources and licences are in LICENSES.md. The output is deterministic.
"""
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

MIN_COUNT = 40_000      # rarer words add size and no help: the fact base has its own
SENSES = 2              # first senses per part of speech that count for relatedness
MAX_SET = 12            # larger synonym sets are vague ("get", "take", "make")
MINOR_POS = 0.2         # a part of speech a word is tagged as less than this share as often as
                        # its commonest one does not relate it ("father" the verb, "beget")
MIN_SEEN = 10           # ... once seen this often in its commonest one
WORD = re.compile(r"^[a-z]+$")

def main(freq_path, wordnet_dir):
    out = Path(__file__).resolve().parent
    wn = Path(wordnet_dir)
    counts = {}
    for line in open(freq_path, encoding="utf-8"):
        parts = line.split()
        if len(parts) == 2 and WORD.match(parts[0]) and int(parts[1]) >= MIN_COUNT:
            counts[parts[0]] = int(parts[1])

    pos_files = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
    tags = defaultdict(dict)           # word -> {pos: tagged sense count}
    senses = defaultdict(list)         # word -> [(pos, offset)] in sense order
    for pos, name in pos_files.items():
        for line in open(wn / f"index.{name}", encoding="latin-1"):
            if line.startswith(" "):
                continue
            f = line.split()
            lemma = f[0].replace("-", "")
            if lemma not in counts:
                continue
            synsets, pointers = int(f[2]), int(f[3])
            tagged = int(f[5 + pointers])
            offsets = f[6 + pointers:6 + pointers + synsets]
            tags[lemma][pos] = max(tags[lemma].get(pos, 0), tagged)
            senses[lemma].extend((pos, o) for o in offsets[:SENSES])

    # How often each word was seen in tagged text as each part of speech (cntlist.rev:
    # "father%2:29:00:: 1 2" is the verb seen twice). A part of speech the word is seldom
    # used as relates it to nothing.
    seen = defaultdict(lambda: defaultdict(int))
    for line in open(wn / "cntlist.rev", encoding="latin-1"):
        f = line.split()
        if len(f) != 3 or "%" not in f[0]:
            continue
        lemma, key = f[0].split("%", 1)
        pos = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}.get(key[:1])
        if pos:
            seen[lemma.replace("-", "")][pos] += int(f[2])

    def used_as(word, pos):
        counts_of = seen.get(word)
        # A word seldom seen at all ("chat": once) tells nothing by its counts.
        if not counts_of or max(counts_of.values()) < MIN_SEEN:
            return True
        return counts_of.get(pos, 0) >= MINOR_POS * max(counts_of.values())

    first = {w: {k for k in keys if used_as(w, k[0])} for w, keys in senses.items()}

    members = {}                       # (pos, offset) -> words
    proper = set()
    for pos, name in pos_files.items():
        for line in open(wn / f"data.{name}", encoding="latin-1"):
            if line.startswith(" "):
                continue
            f = line.split()
            offset, count = f[0], int(f[3], 16)
            words = f[4:4 + 2 * count:2]
            found = []
            for w in words:
                w = re.sub(r"\(.*\)$", "", w)
                if "_" in w:
                    continue
                folded = w.lower().replace("-", "")
                if pos == "n" and w[:1].isupper():
                    proper.add(folded)
                if folded in counts:
                    found.append(folded)
            members[(pos, offset)] = sorted(set(found))

    # Irregular inflections ("went" -> "go"), from WordNet's exception lists. A word that
    # is a lemma in its own right, seen in tagged text at least twice and more often than
    # its base is in that part of speech, is that word: "offer" is no comparative of "off",
    # nor "ground" a form of "grind". (WordNet tags no modal verbs: "might" stays "may".)
    lemma_of = {}
    for pos, name in pos_files.items():
        for line in open(wn / f"{name}.exc", encoding="latin-1"):
            f = line.split()
            if len(f) >= 2 and f[0] in counts and WORD.match(f[1]) and f[0] != f[1]:
                own = sum(tags.get(f[0], {}).values())
                if own >= 2 and own > tags.get(f[1], {}).get(pos, 0):
                    continue
                lemma_of.setdefault(f[0], f[1])

    # Regular inflections ("tanks", "meeting") take the parts of speech of their base form,
    # by WordNet's own detachment rules (morphy).
    rules = {"n": [("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
                   ("men", "man"), ("ies", "y"), ("s", "")],
             "v": [("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
                   ("ing", ""), ("s", "")],
             "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")]}
    for word in sorted(counts):
        if word in lemma_of:
            base = lemma_of[word]
            for p, n in tags.get(base, {}).items():
                tags[word].setdefault(p, n)
            continue
        for p, endings in rules.items():
            for end, repl in endings:
                base = word[: -len(end)] + repl
                if word.endswith(end) and base != word and p in tags.get(base, {}):
                    tags[word].setdefault(p, tags[base][p])
                    break

    with open(out / "english.tsv", "w", encoding="utf-8") as w:
        w.write("# word\tlog10 count x100\tparts of speech (tagged senses; N proper noun)\tbase form\n")
        for word in sorted(counts):
            pos = " ".join(f"{p}{tags[word][p]}" for p in "nvar" if p in tags[word])
            if word in proper:
                pos = (pos + " N").strip()
            zipf = round(100 * math.log10(counts[word]))
            w.write(f"{word}\t{zipf}\t{pos}\t{lemma_of.get(word, '')}\n")

    # A set relates the words it is one of the first senses of, in a part of speech each is
    # used as: "beget" is not what "father" or "get" most often means, so neither is related
    # through it.
    sets = set()
    for word, keys in first.items():
        for key in keys:
            group = [m for m in members.get(key, []) if used_as(m, key[0])]
            if 2 <= len(group) <= MAX_SET:
                sets.add(" ".join(group))
    with open(out / "related.txt", "w", encoding="utf-8") as w:
        w.write("# WordNet 3.0 synonym sets (first senses only), one per line\n")
        for line in sorted(sets):
            w.write(line + "\n")

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
