"""Tests for bench/corpus.py: filling tldr templates into concrete, realistic bash commands."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import corpus
from bench.corpus import (FOLDS, Example, commands, fill, fill_example, load_examples, page_fold,
                          page_split)
from bench.levels import LEVELS
from processor.vocabulary import PROTOCOL_WORDS, RESERVED_WORDS

REPO = Path(__file__).resolve().parent.parent
CORPUS_ROWS = 30_479
PLACEHOLDER = re.compile(r"\\\{\\\{|\\\}\\\}|\{\{(.*?)\}\}(?!\})")

pytestmark = pytest.mark.skipif(not corpus.CORPUS_PATH.is_file(),
                                reason=f"corpus not at {corpus.CORPUS_PATH}")


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples()


@pytest.fixture(scope="module")
def filled() -> tuple[list[tuple[Example, str]], Counter]:
    skipped: Counter = Counter()
    return commands(skipped=skipped), skipped


@pytest.fixture(scope="module")
def bodies(examples) -> list[str]:
    """Every distinct placeholder body of the corpus, in corpus order."""
    seen: dict[str, None] = {}
    for e in examples:
        for m in PLACEHOLDER.finditer(e.template):
            if m.group(1) is not None:
                seen.setdefault(m.group(1), None)
    return list(seen)


def one(template: str, seed: int = 0) -> str:
    return fill(template, random.Random(seed))


def many(template: str, n: int = 60) -> list[str]:
    return [one(template, seed) for seed in range(n)]


# --- loading --------------------------------------------------------------------------------

def test_load_examples_reads_every_row(examples):
    assert len(examples) == CORPUS_ROWS
    assert all(e.page and e.platform and e.template for e in examples)
    assert {e.platform for e in examples} == {"common", "linux", "osx"}
    tar = next(e for e in examples if e.page == "tar")
    assert "{{" in tar.template
    with pytest.raises(AttributeError):
        tar.page = "zip"  # frozen


def test_missing_corpus_names_where_it_looked(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(FileNotFoundError, match="DICTBASH_CORPUS") as info:
        load_examples(missing)
    assert str(missing) in str(info.value)


def test_corpus_path_default_and_env_override(tmp_path):
    code = "import bench.corpus as c; print(c.CORPUS_PATH)"
    env = {k: v for k, v in os.environ.items() if k != "DICTBASH_CORPUS"}
    default = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, text=True,
                             capture_output=True, check=True).stdout.strip()
    assert Path(default) == REPO.parent / "shared" / "corpus" / "tldr-commands.jsonl"
    other = tmp_path / "other.jsonl"
    overridden = subprocess.run([sys.executable, "-c", code], cwd=REPO, text=True,
                                env={**env, "DICTBASH_CORPUS": str(other)},
                                capture_output=True, check=True).stdout.strip()
    assert Path(overridden) == other


def test_load_examples_from_a_given_path(tmp_path):
    path = tmp_path / "mini.jsonl"
    path.write_text('{"page": "ls", "platform": "common", "description": "List", '
                    '"command": "ls {{path/to/directory}}"}\n', encoding="utf-8")
    assert load_examples(path) == [Example("ls", "common", "List", "ls {{path/to/directory}}")]
    pairs = commands(path=path)
    assert len(pairs) == 1 and pairs[0][1].startswith("ls ") and "{{" not in pairs[0][1]


# --- determinism ----------------------------------------------------------------------------

def test_same_seed_same_command(examples):
    for e in examples[::97]:
        copy = Example("other-page", "linux", "other text", e.template)
        assert fill_example(e, 3) == fill_example(e, 3) == fill_example(copy, 3)


def test_different_seeds_usually_differ(examples):
    valued = [e for e in examples[::3] if re.search(r"\{\{(?!\[)", e.template)]
    differ = sum(fill_example(e, 0) != fill_example(e, 1) for e in valued)
    assert differ / len(valued) > 0.8  # measured 0.88; the rest have one or two choices only


def test_same_output_in_a_fresh_process_with_another_hash_seed(examples):
    """Seeds come from hashlib: PYTHONHASHSEED must not change any command or split."""
    sample = examples[::300]
    code = ("import bench.corpus as c\n"
            "for e in c.load_examples()[::300]:\n"
            "    print(repr((c.fill_example(e, 7), c.page_split(e.page))))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, text=True, check=True,
                         capture_output=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert out.stdout.splitlines() == [repr((fill_example(e, 7), page_split(e.page)))
                                       for e in sample]


# --- the whole corpus -----------------------------------------------------------------------

def test_no_placeholder_is_left_and_skips_are_counted(filled, examples):
    pairs, skipped = filled
    assert len(pairs) + sum(skipped.values()) == len(examples)
    assert set(skipped) <= {"braces", "non-ascii", "control"}
    for _, command in pairs:
        assert "{{" not in command and "}}" not in command, command
        assert command.isascii() and not re.search(r"[\x00-\x1f\x7f]", command), command


def test_fillable_share(filled, examples):
    pairs, skipped = filled
    share = len(pairs) / len(examples)
    print(f"\nfillable {len(pairs)}/{len(examples)} = {share:.4%}; skipped {dict(skipped)}")
    assert share >= 0.995  # measured 99.92%: 22 braces, 3 non-ascii


def test_skips_come_from_the_templates_not_from_filling(filled, examples):
    """A ``braces`` skip is a command with real literal braces (tldr's ``\\{\\{``, a ``{{{``
    JSON body, an unclosed ``{{``), never a placeholder the filler left; ``non-ascii`` skips
    are exactly the non-ASCII templates."""
    dropped = Counter(examples) - Counter(e for e, _ in filled[0])
    assert sum(dropped.values()) == sum(filled[1].values())
    for e in dropped:
        reason = corpus.skip_reason(fill_example(e, 0))
        if reason == "braces":
            assert re.search(r"\\[{}]|\{\{\{|\}\}\}", e.template) or \
                e.template.count("{{") != e.template.count("}}"), e.template
    assert sum(not e.template.isascii() for e in examples) == filled[1]["non-ascii"]


def test_values_avoid_reserved_protocol_words(bodies):
    """A filled-in value never brings a reserved word (``one``, ``dash``...) of its own,
    quoted (prose) or not."""
    bad = []
    for body in bodies:
        own = set(re.findall(r"[a-z]+", body.lower()))
        for seed, template in enumerate(("{{%s}}", '"{{%s}}"')):
            words = set(re.findall(r"[a-z]+", one(template % body, seed).lower()))
            bad += [(body, w) for w in words & RESERVED_WORDS - own]
    assert not bad, bad[:20]


def test_value_pools_are_ascii_and_free_of_protocol_words():
    """Every value the filler draws from: printable ASCII, no word of any protocol phrase
    (not even ``new`` or ``line``), so no filled value reads as a protocol phrase."""
    pools = [*corpus._POOLS.values(), *corpus._NUMBERS.values(), *corpus._WORD_EXTS.values(),
             *(part for family in corpus._FAMILIES.values() for part in family),
             corpus._FILES, corpus._DIRS, corpus._MOUNT_DIRS, corpus._REPO_DIRS,
             corpus._BINARIES, corpus._SOCKETS, corpus._EXTS, corpus._GENERIC_STEMS,
             corpus._GENERIC_DIRS]
    values = [v for pool in pools for v in pool]
    assert len(values) > 1000
    for value in values:
        assert value.isascii() and value.isprintable() and value.strip() == value, value
        assert not set(re.findall(r"[a-z]+", value.lower())) & PROTOCOL_WORDS, value


def test_values_are_mostly_lower_case(bodies):
    values = "".join(one("{{" + b + "}}", 1) for b in bodies if not re.search(r"[A-Z]", b))
    letters = [c for c in values if c.isalpha()]
    assert sum(c.isupper() for c in letters) / len(letters) < 0.05


# --- option alternatives, extensions, lists -------------------------------------------------

def test_option_alternatives_pick_one_listed_spelling():
    outputs = set(many("tar {{[-x|--extract]}} {{[-v|--verbose]}}"))
    assert outputs <= {f"tar {x} {v}" for x in ("-x", "--extract") for v in ("-v", "--verbose")}
    assert len(outputs) == 4
    assert set(many("git {{[sw|switch]}} main")) == {"git sw main", "git switch main"}


def test_option_only_templates_expand_to_listed_spellings(examples):
    checked = 0
    for e in examples:
        parts = re.split(r"(\{\{\[[^\[\]{}]*\|[^\[\]{}]*\]\}\})", e.template)
        if len(parts) == 1 or re.search(r"\{\{|\\[{}]", "".join(parts[::2])):
            continue  # no option alternative, other placeholders, or escaped braces
        pattern = "".join(re.escape(p) if i % 2 == 0 else
                          "(?:" + "|".join(map(re.escape, p[3:-3].split("|"))) + ")"
                          for i, p in enumerate(parts))
        assert re.fullmatch(pattern, fill_example(e, 0)), e.template
        checked += 1
    assert checked > 2000


def test_extensions_are_honoured(bodies):
    simple = [b for b in bodies if re.fullmatch(r"path/to/[\w-]+\.[a-z0-9]+(\.[a-z0-9]+)?", b)
              and not b.endswith(".ext")]
    assert len(simple) > 300
    for body in simple:
        ext = body.split("/")[-1].split(".", 1)[1]
        for seed in range(3):
            assert one("{{" + body + "}}", seed).endswith("." + ext), body


def test_extension_alternatives_pick_one():
    for out in many("{{path/to/file[.gz|.bz2]}}"):
        assert re.fullmatch(r"\S+\.(gz|bz2)", out) and not out.endswith(("..gz", "..bz2"))
    seen = {out.rsplit(".", 1)[1] for out in many("{{path/to/source.tar[.gz|.bz2|.xz]}}")}
    assert seen == {"gz", "bz2", "xz"}
    assert all(out.endswith((".tar.gz", ".tar.bz2", ".tar.xz"))
               for out in many("{{path/to/source.tar[.gz|.bz2|.xz]}}"))


def test_an_extension_after_the_placeholder_is_not_doubled():
    for out in many("pdftk {{path/to/input}}.pdf cat output {{path/to/output}}.pdf"):
        assert re.fullmatch(r"pdftk [\w~/-]+\.pdf cat output [\w~/-]+\.pdf", out), out


def test_ellipsis_lists_have_one_to_three_distinct_items():
    counts = Counter()
    for out in many("{{path/to/file1 path/to/file2 ...}}", 200):
        items = out.split(" ")
        assert 1 <= len(items) <= 3 and len(set(items)) == len(items), out
        assert all(items), out
        counts[len(items)] += 1
    assert set(counts) == {1, 2, 3}
    for out in many("scontrol suspend {{job_id1,job_id2,...}}"):
        assert re.fullmatch(r"scontrol suspend [\w-]+(,[\w-]+){0,2}", out), out
    for out in many("apt install {{package1 package2 ...}}"):
        assert re.fullmatch(r"apt install [\w.+-]+( [\w.+-]+){0,2}", out), out
    for out in many("makoctl mode -s {{mode1 mode2 ...}}"):  # literal items keep their numbers
        assert re.fullmatch(r"makoctl mode -s mode1( mode2( mode3)?)?", out), out


def test_enumerated_alternatives_pick_one_listed_value():
    outs = set(many("hwinfo --{{cpu|memory|disk|usb|...}}"))
    assert outs == {f"hwinfo --{x}" for x in ("cpu", "memory", "disk", "usb")}
    assert set(many("set -o {{on|off}}")) == {"set -o on", "set -o off"}


# --- hand-checked kinds of value ------------------------------------------------------------

IP = r"\d{1,3}(\.\d{1,3}){3}"
HOST = r"[\w.-]+"


@pytest.mark.parametrize(("template", "expected"), [
    ("ssh {{username}}@{{host}}", rf"ssh [a-z][\w.-]*@{HOST}"),
    ("ping {{ip_address}}", rf"ping {IP}"),
    ("ping {{192.168.1.1}}", rf"ping {IP}"),
    ("nc -l {{port}}", r"nc -l \d{2,5}"),
    ("curl {{url}}", r"curl https?://\S+"),
    ("wget {{https://example.com/file.zip}}", r"wget https?://\S+"),
    ("git config user.email {{email}}", r"git config user\.email [\w.+-]+@[\w-]+(\.[\w-]+)+"),
    ("git checkout {{branch_name}}", r"git checkout [a-z][\w./-]*"),
    ("git show {{commit}}", r"git show (HEAD[~^]?\d*|[0-9a-f]{7,40})"),
    ('git commit -m "{{message}}"', r'git commit -m "[a-z][a-z0-9 ]*"'),
    ("git commit -m {{message}}", r"git commit -m [a-z]+"),  # unquoted: one word
    ("sleep {{seconds}}", r"sleep \d+"),
    ("kill {{pid}}", r"kill \d+"),
    ("head -n {{count}} {{path/to/file.txt}}", r"head -n \d+ [\w~/.-]+\.txt"),
    ("sudo dd if={{path/to/file.iso}} of={{/dev/sdX}}",
     r"sudo dd if=[\w~/.-]+\.iso of=/dev/(sd[a-z]|nvme0n1|mmcblk0)"),
    ("mount {{/dev/sdXY}} {{path/to/mount_point}}",
     r"mount /dev/(sd[a-z]\d|nvme0n1p1|mmcblk0p1) /(mnt|media)/\w+"),
    ("cd {{path/to/directory}}", r"cd [\w~/.-]+"),
    ("docker run {{image}}:{{tag}}", r"docker run [\w./-]+:[\w.-]+"),
    ("npm install {{package}}", r"npm install [\w.-]+"),
    ("systemctl restart {{unit}}", r"systemctl restart [\w.-]+"),
    ("ip link set {{ethX}} up", r"ip link set (eth|wlan|enp|wlp|en|lo|docker)\w* up"),
    ("echo ${{{array_name[@]}}}", r"echo \$\{array_name\[@\]\}"),
    ("rpcclient {{domain}}\\{{username}}", r"rpcclient [\w.-]+\\[\w.-]+"),
    ("sudo {{command}}", r"sudo \S.*"),
    ("grep {{[-E|--extended-regexp]}} '{{regex}}' {{path/to/file}}",
     r"grep (-E|--extended-regexp) '\S.*' \S+"),
])
def test_placeholder_kinds(template, expected):
    for seed in range(25):
        out = one(template, seed)
        assert re.fullmatch(expected, out), (template, out)


def test_files_and_directories_look_like_what_people_type():
    files = set(many("cat {{path/to/file}}", 200))
    dirs = set(many("ls {{path/to/directory}}", 200))
    assert len(files) > 15 and len(dirs) > 15
    assert any("/" in f for f in files) and any("/" not in f.split(" ", 1)[1] for f in files)
    assert any(d.startswith("ls ~/") for d in dirs) and any(d.startswith("ls /") for d in dirs)
    assert not any(re.search(r"\.(txt|pdf|py|json)$", d) for d in dirs)


def test_literal_double_braces_are_unescaped_and_skipped():
    out = one("docker inspect {{[-f|--format]}} '\\{\\{.LogPath\\}\\}' {{container}}")
    assert re.fullmatch(r"docker inspect (-f|--format) '\{\{\.LogPath\}\}' [\w-]+", out)
    assert corpus.skip_reason(out) == "braces"
    assert corpus.skip_reason("echo caf\u00e9") == "non-ascii"
    assert corpus.skip_reason("printf 'a\tb'") == "control"
    assert corpus.skip_reason("ls -la") is None


# --- test/train split -----------------------------------------------------------------------

def test_page_split_is_stable_and_about_a_fifth(examples):
    pages = sorted({e.page for e in examples})
    splits = [page_split(p) for p in pages]
    assert splits == [page_split(p) for p in pages]
    assert set(splits) == {"train", "test"}
    share = splits.count("test") / len(pages)
    assert 0.18 < share < 0.22  # measured 0.1945 of 6,929 page names


def test_no_page_is_in_both_splits(filled):
    test = commands(split="test")
    train = commands(split="train")
    test_pages = {e.page for e, _ in test}
    train_pages = {e.page for e, _ in train}
    assert not test_pages & train_pages
    assert all(page_split(p) == "test" for p in test_pages)
    assert len(test) + len(train) == len(filled[0])
    assert 0.17 < len(test) / (len(test) + len(train)) < 0.23
    with pytest.raises(ValueError):
        commands(split="dev")


def test_a_development_set_is_made_of_the_train_pages_of_one_fold(filled):
    from bench.testsets import build

    sets = build(per_level=8, fold=2)
    assert set(sets) == set(LEVELS) and all(len(rows) == 8 for rows in sets.values())
    pages = {row["page"] for rows in sets.values() for row in rows}
    assert {page_split(p) for p in pages} == {"train"} and {page_fold(p) for p in pages} == {2}
    folds = Counter(page_fold(e.page) for e, _ in commands(split="train"))
    assert set(folds) == set(range(FOLDS)) and min(folds.values()) > len(filled[0]) / 8
