"""The eval bench's batch evaluation: scoring, breakdowns, input handling, the JSON records,
the comparison of two runs and the rendered reports, all against a fake converter whose
outputs are written by hand, so every expected figure here is counted by hand too."""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from types import SimpleNamespace

import pytest

from bench import report
from bench.evaluate import (
    Pair,
    add_eval_parser,
    compare,
    load,
    load_run,
    run,
    select,
    summarise,
    write_json,
)
from bench.taxonomy import PATTERNS

# dictated -> (expected, output, route, category, level), each output chosen by hand.
CASES = {
    "ls space dash l a": ("ls -la", "ls -la", "processor", "files", "strict"),
    "ls dash l a": ("ls -la", "ls  -la ", "processor", "files", "loose"),
    "git status please": ("git status", "Git Status", "model", "git", "natural"),
    "git push dash dash force": ("git push --force", "git push -force", "model", "git", "loose"),
    "GIT SPACE LOG": ("git log", "git log", "mixed", "git", "voice"),
    "echo space quote a pipe b quote": ('echo "a|b"', 'echo "a|b', "unchanged", None, "strict"),
}


def fake_convert(text: str, **modes) -> SimpleNamespace:
    _, output, route, _, _ = CASES[text]
    return SimpleNamespace(output=output, route=route)


def echo_convert(text: str, **modes) -> SimpleNamespace:
    """A converter that types the dictation back."""
    return SimpleNamespace(output=text, route="processor")


def case_pairs() -> list[Pair]:
    return [Pair(d, e, id=f"p{i}", category=c, difficulty=lvl)
            for i, (d, (e, _, _, c, lvl)) in enumerate(CASES.items())]


def load_row(row: dict) -> Pair:
    """The ``Pair`` that ``load`` reads from one row."""
    from bench.evaluate import _pair

    return _pair(row, "test")


def write_jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def case_rows() -> list[dict]:
    return [{"id": p.id, "dictated": p.dictated, "expected": p.expected, "category": p.category,
             "difficulty": p.difficulty} for p in case_pairs()]


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="dictbash")
    add_eval_parser(parser.add_subparsers())
    args = parser.parse_args(["eval", *argv])
    return args.func(args)


@pytest.fixture
def fake_engine(monkeypatch):
    """The CLI's default converter (``Engine().convert``) replaced by ``fake_convert``."""
    monkeypatch.setattr("engine.engine.Engine", lambda: SimpleNamespace(convert=fake_convert))


# ---------------------------------------------------------------------------------- scoring


def test_scores_are_exact_normalised_and_case_insensitive():
    records = {r.dictated: r for r in run(case_pairs(), fake_convert, quiet=True)}
    scores = {d: (r.exact, r.normalised, r.case_insensitive, r.pattern) for d, r in records.items()}
    assert scores == {
        "ls space dash l a": (True, True, True, None),
        "ls dash l a": (False, True, True, "spacing"),
        "git status please": (False, False, True, "casing"),
        "git push dash dash force": (False, False, False, "context_symbol"),
        "GIT SPACE LOG": (True, True, True, None),
        "echo space quote a pipe b quote": (False, False, False, "nested_quoting"),
    }
    record = records["git status please"]
    assert (record.output, record.route, record.category, record.difficulty) == (
        "Git Status", "model", "git", "natural")
    assert all(r.latency_us >= 0 for r in records.values())


def test_converter_errors_name_the_pair():
    def broken(text, **modes):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError) as raised:
        run([Pair("ls", "ls", source="x.jsonl:7")], broken, quiet=True)
    assert "x.jsonl:7" in " ".join(raised.value.__notes__)


# ------------------------------------------------------------------------------- breakdowns


def test_breakdowns_match_hand_counts():
    summary = summarise(run(case_pairs(), fake_convert, quiet=True), skipped=2)
    counts = lambda group: (group["n"], *group["correct"].values())  # noqa: E731
    assert counts(summary["overall"]) == (6, 2, 3, 4)
    assert summary["overall"]["accuracy"]["normalised"] == 3 / 6
    assert {k: counts(g) for k, g in summary["by_category"].items()} == {
        "(none)": (1, 0, 0, 0), "files": (2, 1, 2, 2), "git": (3, 1, 1, 2)}
    # levels and routes come in the protocol's and the engine's order, not alphabetically
    assert [(k, counts(g)) for k, g in summary["by_level"].items()] == [
        ("strict", (2, 1, 1, 1)), ("loose", (2, 0, 1, 1)), ("natural", (1, 0, 0, 1)),
        ("voice", (1, 1, 1, 1))]
    assert [(k, counts(g)) for k, g in summary["by_route"].items()] == [
        ("processor", (2, 1, 2, 2)), ("model", (2, 0, 0, 1)), ("mixed", (1, 1, 1, 1)),
        ("unchanged", (1, 0, 0, 0))]
    assert list(summary["failures"]) == list(PATTERNS)
    assert {p: n for p, n in summary["failures"].items() if n} == {
        "spacing": 1, "casing": 1, "context_symbol": 1, "nested_quoting": 1}
    assert summary["skipped"] == 2 and summary["pairs"] == 6


# ---------------------------------------------------------------------------------- loading


def test_malformed_jsonl_rows_are_reported_by_line_and_skipped(tmp_path, capsys, fake_engine):
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        '{"dictated": "ls space dash l a", "expected": "ls -la"}\n'  # 1 good
        '{"dictated": "ls", "expected": \n'                           # 2 bad JSON
        '["ls", "ls"]\n'                                               # 3 not an object
        '\n'                                                           # 4 blank: not a row
        '{"dictated": "ls"}\n'                                         # 5 no expected
        '{"dictated": 5, "expected": "5"}\n'                           # 6 not a string
        '{"dictated": "GIT SPACE LOG", "expected": "git log", "note": "kept"}\n',  # 7 good
        encoding="utf-8",
    )
    pairs, skipped = load(path)
    assert [p.dictated for p in pairs] == ["ls space dash l a", "GIT SPACE LOG"]
    assert pairs[1].extra == {"note": "kept"} and pairs[1].source == f"{path}:7"
    assert [s.line for s in skipped] == [2, 3, 5, 6]
    assert "not a JSON object" in skipped[1].reason and "'expected'" in skipped[2].reason

    assert cli(str(path), "--quiet") == 0
    out, err = capsys.readouterr()
    assert [line.split(": ")[1] for line in err.splitlines()] == [
        f"skipped {path}:{n}" for n in (2, 3, 5, 6)]
    assert "2 pairs from 1 file(s) (4 malformed rows skipped)" in out


def test_json_array_input_keeps_line_numbers(tmp_path):
    path = tmp_path / "pairs.json"
    path.write_text(
        '[\n'
        '  {"dictated": "ls space dash l a", "expected": "ls -la", "id": 3, "words": 5},\n'
        '  {"dictated": "cd",\n'
        '   "expected": null},\n'
        '  {"dictated": "GIT SPACE LOG", "expected": "git log", "difficulty": "voice"}\n'
        ']\n',
        encoding="utf-8",
    )
    pairs, skipped = load(path)
    assert [(p.id, p.expected, p.difficulty) for p in pairs] == [
        ("3", "ls -la", None), (None, "git log", "voice")]
    assert pairs[0].extra == {"words": 5} and pairs[1].source == f"{path}:5"
    assert [(s.line, s.reason) for s in skipped] == [(3, "'expected' is not a string")]


def test_json_array_that_does_not_parse_exits_2_with_its_line(tmp_path, capsys):
    path = tmp_path / "pairs.json"
    path.write_text('[{"dictated": "ls", "expected": "ls"},\n {"dictated": "cd" "x": 1},\n'
                    ' {"dictated": "pwd", "expected": "pwd"}]', encoding="utf-8")
    assert cli(str(path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:2: not valid JSON" in err


def test_jsonl_and_json_inputs_read_the_same_pairs(tmp_path, capsys, fake_engine):
    rows = case_rows()
    write_jsonl(tmp_path / "a.jsonl", rows[:3])
    (tmp_path / "b.json").write_text(json.dumps(rows[3:], indent=2), encoding="utf-8")
    assert cli(str(tmp_path / "a.jsonl"), str(tmp_path / "b.json"), "--quiet",
               "--json", str(tmp_path / "run.json")) == 0
    records = json.loads((tmp_path / "run.json").read_text())["records"]
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    assert "6 pairs from 2 file(s)" in capsys.readouterr().out


def test_limit_and_filter(tmp_path, fake_engine):
    pairs = case_pairs()
    pairs[0].extra = {"words": 5}
    assert [p.id for p in select(pairs, [("category", "git")])] == ["p2", "p3", "p4"]
    # the same key twice: either value; different keys: both
    assert [p.id for p in select(pairs, [("difficulty", "loose"), ("difficulty", "voice")])] == [
        "p1", "p3", "p4"]
    assert [p.id for p in select(pairs, [("difficulty", "loose"), ("category", "git")])] == ["p3"]
    assert [p.id for p in select(pairs, [("words", "5")])] == ["p0"]
    assert [p.id for p in select(pairs, [("category", "git")], limit=2)] == ["p2", "p3"]

    write_jsonl(tmp_path / "pairs.jsonl", case_rows())
    out = tmp_path / "run.json"
    assert cli(str(tmp_path / "pairs.jsonl"), "--quiet", "--filter", "category=git",
               "--limit", "2", "--json", str(out)) == 0
    data = json.loads(out.read_text())
    assert [r["id"] for r in data["records"]] == ["p2", "p3"]
    assert (data["summary"]["filters"], data["summary"]["limit"]) == (["category=git"], 2)


# ----------------------------------------------------------------------------- JSON records


def test_json_records_recompute_the_summary(tmp_path, fake_engine):
    write_jsonl(tmp_path / "pairs.jsonl", case_rows())
    out = tmp_path / "run.json"
    assert cli(str(tmp_path / "pairs.jsonl"), "--quiet", "--json", str(out)) == 0
    data = json.loads(out.read_text())
    summary, records = data["summary"], data["records"]
    assert set(records[0]) == {"id", "dictated", "expected", "output", "route", "category",
                               "difficulty", "exact", "normalised", "case_insensitive",
                               "pattern", "latency_us", "mode", "prose_typed", "prose_lost",
                               "phrasing", "alternatives", "alternative_right"}

    def figures(rows):
        metrics = ("exact", "normalised", "case_insensitive")
        correct = {m: sum(r[m] for r in rows) for m in metrics}
        return {"n": len(rows), "correct": correct,
                "accuracy": {m: correct[m] / len(rows) for m in metrics}}

    assert summary["overall"] == figures(records)
    for key, field in (("by_level", "difficulty"), ("by_category", "category"),
                       ("by_route", "route")):
        values = {r[field] or "(none)" for r in records}
        assert summary[key] == {
            v: figures([r for r in records if (r[field] or "(none)") == v]) for v in values}
    assert {p: n for p, n in summary["failures"].items() if n} == {
        p: sum(r["pattern"] == p for r in records)
        for p in {r["pattern"] for r in records} - {None}}
    assert all((r["pattern"] is None) == r["exact"] for r in records)
    assert summary["latency_us"]["median"] == statistics.median(r["latency_us"] for r in records)


def test_a_run_saved_before_phrasing_loads_as_seen(tmp_path):
    records = run(case_pairs(), fake_convert, quiet=True)
    write_json(tmp_path / "run.json", summarise(records), records)
    data = json.loads((tmp_path / "run.json").read_text())
    for record in data["records"]:
        del record["phrasing"]
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert [r.phrasing for r in load_run(tmp_path / "old.json")] == ["seen"] * 6


# --------------------------------------------------------------------------------- phrasing


def phrased_rows() -> list[dict]:
    """The six cases, the natural and voice rows (one exact) and the first loose one worded
    with held-out phrases: seen strict 1 of 2, loose 0 of 1; unseen loose 0 of 1, natural 0
    of 1, voice 1 of 1."""
    rows = case_rows()
    for row in rows:
        if row["id"] in ("p1", "p2", "p4"):
            row.update(phrasing="unseen", phrases=["for the port"])
    return rows


def test_summary_puts_seen_and_unseen_side_by_side_with_unseen_the_headline():
    pairs = [load_row(row) for row in phrased_rows()]
    summary = summarise(run(pairs, fake_convert, quiet=True))
    split = summary["by_phrasing"]
    exact = lambda groups: {k: (g["n"], g["correct"]["exact"]) for k, g in groups.items()}  # noqa
    assert summary["headline"] == "unseen" and list(split) == ["seen", "unseen"]
    assert exact({p: split[p]["overall"] for p in split}) == {"seen": (3, 1), "unseen": (3, 1)}
    assert exact(split["seen"]["by_level"]) == {"strict": (2, 1), "loose": (1, 0)}
    assert exact(split["unseen"]["by_level"]) == {"loose": (1, 0), "natural": (1, 0),
                                                  "voice": (1, 1)}
    assert split["unseen"]["prose"]["natural"]["command_rows"] == 1
    assert "natural" not in split["seen"]["prose"]
    # the totals over every row are unchanged by the split
    assert exact({"all": summary["overall"]}) == {"all": (6, 2)}

    text = report.summary_text(summary)
    assert "headline, unseen phrasing (3 pairs): exact 33.3% (1)" in text
    table = [line.split() for line in text.splitlines() if line.startswith("  ")]
    assert table == [["level", "seen", "%", "(n)", "unseen", "%", "(n)", "headline"],
                     ["strict", "50.0%", "(2)", "-"],
                     ["loose", "0.0%", "(1)", "0.0%", "(1)"],
                     ["natural", "-", "0.0%", "(1)"],
                     ["voice", "-", "100.0%", "(1)"],
                     ["all", "33.3%", "(3)", "33.3%", "(3)"]]
    assert "loose 0 of 1 seen / 0 of 1 unseen, natural 0 of 1 unseen" in text
    markdown = report.markdown(summary, [])
    assert "| level | seen % (n) | unseen % (n) headline |" in markdown
    assert "| natural | - | 0.0% (1) |" in markdown


def test_a_run_with_no_unseen_row_keeps_seen_as_its_headline():
    summary = summarise(run(case_pairs(), fake_convert, quiet=True))
    assert summary["headline"] == "seen" and list(summary["by_phrasing"]) == ["seen"]
    assert summary["by_phrasing"]["seen"]["overall"] == summary["overall"]
    text = report.summary_text(summary)
    assert "headline" not in text and ["all", "33.3%", "(6)", "-"] in [
        line.split() for line in text.splitlines()]
    assert "loose 0 of 2, natural 0 of 1" in text


def test_phrasing_flag_scores_only_those_rows_and_bad_values_are_skipped(
        tmp_path, capsys, fake_engine):
    rows = phrased_rows() + [{"dictated": "x", "expected": "y", "phrasing": "maybe"}]
    write_jsonl(tmp_path / "pairs.jsonl", rows)
    out = tmp_path / "run.json"
    assert cli(str(tmp_path / "pairs.jsonl"), "--quiet", "--phrasing", "unseen",
               "--json", str(out)) == 0
    assert "pairs.jsonl:7: 'phrasing' is neither 'seen' nor 'unseen'" in capsys.readouterr().err
    data = json.loads(out.read_text())
    assert [(r["id"], r["phrasing"]) for r in data["records"]] == [
        ("p1", "unseen"), ("p2", "unseen"), ("p4", "unseen")]
    assert data["summary"]["filters"] == ["phrasing=unseen"]
    assert cli(str(tmp_path / "pairs.jsonl"), "--quiet", "--phrasing", "seen",
               "--json", str(out)) == 0
    assert [r["id"] for r in json.loads(out.read_text())["records"]] == ["p0", "p3", "p5"]
    assert cli("--compare", str(out), str(out), "--phrasing", "seen") == 2


def test_compare_shows_phrasing_deltas_when_b_has_unseen_rows():
    pairs = [load_row(row) for row in phrased_rows()]
    a, b = run(pairs, echo_convert, quiet=True), run(pairs, fake_convert, quiet=True)
    text = report.comparison_text(compare(a, b), "a", "b")
    rows = text[text.index("by phrasing"):].splitlines()[2:]
    assert [row.split()[:2] for row in rows] == [["seen", "3"], ["unseen", "3"]]
    assert "by phrasing" not in report.comparison_text(compare(a, a[:1]), "a", "b")


# ---------------------------------------------------------------------------------- compare


def _run_file(path, outputs: dict[str, tuple[str, str]]):
    """A ``--json`` run file of the pairs ``outputs`` names: id -> (output, category)."""
    pairs = [Pair(f"say {i}", f"cmd {i}", id=i, category=c, difficulty="strict")
             for i, (_, c) in outputs.items()]
    by_text = {f"say {i}": o for i, (o, _) in outputs.items()}
    records = run(pairs, lambda t, **_: SimpleNamespace(output=by_text[t], route="processor"),
                  quiet=True)
    write_json(path, summarise(records), records)


def test_compare_lists_regressions_first_and_shows_a_see_saw(tmp_path, capsys):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    _run_file(a, {"g1": ("cmd g1", "git"), "g2": ("cmd g2", "git"),
                  "f1": ("wrong", "files"), "f2": ("cmd f2", "files"), "t1": ("cmd t1", "text")})
    _run_file(b, {"g1": ("cmd  g1", "git"), "g2": ("cmd g2", "git"),
                  "f1": ("cmd f1", "files"), "f2": ("cmd f2", "files"), "t1": ("cmd t1", "text")})
    assert cli("--compare", str(a), str(b)) == 0
    out = capsys.readouterr().out
    assert out.index("REGRESSIONS") < out.index("[g1 git strict]") < out.index("FIXES") < out.index(
        "[f1 files strict]") < out.index("by category")
    assert "(spacing)" in out  # the regression's pattern in B
    table = out[out.index("by category"):out.index("by level")].splitlines()[2:5]
    assert [row.split()[0] for row in table] == ["git", "text", "files"]
    assert "-50.0p" in table[0] and "+50.0p" in table[2]


def test_compare_matches_by_id_then_by_text_and_says_when_runs_differ(tmp_path, capsys):
    a = run([Pair("ls", "ls", id="1"), Pair("pwd", "pwd")], echo_convert, quiet=True)
    b = run([Pair("ls", "ls", id="9"), Pair("pwd", "pwd", id="2"), Pair("cd", "cd")],
            echo_convert, quiet=True)
    comparison = compare(a, b)
    assert [(x.dictated, y.dictated) for x, y in comparison.matched] == [
        ("ls", "ls"), ("pwd", "pwd")]
    assert [r.dictated for r in comparison.only_b] == ["cd"]
    assert "1 only in B" in report.comparison_text(comparison, "a", "b")

    write_json(tmp_path / "a.json", summarise(a), a)
    other = run([Pair("cd", "cd", id="7")], echo_convert, quiet=True)
    write_json(tmp_path / "b.json", summarise(other), other)
    assert cli("--compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")) == 0
    assert "no pair in common" in capsys.readouterr().out


# ---------------------------------------------------------------------------------- reports


def test_markdown_report_has_the_tables_and_pattern_examples(tmp_path, fake_engine):
    write_jsonl(tmp_path / "pairs.jsonl", case_rows())
    out = tmp_path / "run.md"
    assert cli(str(tmp_path / "pairs.jsonl"), "--quiet", "--report", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert "| pattern | failures | share of failures |" in text
    assert "| spacing | 1 | 25.0% |" in text and "| number | 0 | 0.0% |" in text
    assert "| level | n | exact | normalised | case-insensitive |" in text
    assert "| strict | 2 | 50.0% (1) | 50.0% (1) | 50.0% (1) |" in text
    assert "| model | 2 | 0.0% (0) | 0.0% (0) | 50.0% (1) |" in text
    assert "### nested_quoting (1)" in text
    # a pipe is escaped so the table holds; a trailing space is made visible
    assert r'| `echo space quote a pipe b quote` | `echo "a\|b"` | `echo "a\|b` |' in text
    assert "| `ls dash l a` | `ls -la` | `ls  -la␠` |" in text


def test_chart_is_a_png(tmp_path):
    path = tmp_path / "run.png"
    report.chart(summarise(run(case_pairs(), fake_convert, quiet=True)), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


# ------------------------------------------------------------------------------- exit codes


def test_missing_file_exits_2_with_one_line(tmp_path, capsys):
    assert cli(str(tmp_path / "missing.jsonl")) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "missing.jsonl" in err and "Traceback" not in err


def test_spacer_model_and_adapter_flags_give_the_engine_those_and_refuse_ones_that_do_not_load(
        tmp_path, capsys, monkeypatch):
    from classifiers.artifacts import default_path

    made = []
    monkeypatch.setattr("engine.engine.Engine", lambda **kw: made.append(kw) or SimpleNamespace(
        convert=fake_convert, load_model=lambda: None))
    write_jsonl(tmp_path / "pairs.jsonl", case_rows())
    pairs = str(tmp_path / "pairs.jsonl")
    assert cli(pairs, "--quiet", "--spacer", str(default_path("spacer"))) == 0
    assert cli(pairs, "--quiet", "--model", "m", "--adapter", "a") == 0
    assert made == [{"model_dir": None, "adapter_dir": None, "spacer_path": default_path("spacer")},
                    {"model_dir": Path("m"), "adapter_dir": Path("a"), "spacer_path": None}]
    monkeypatch.undo()
    capsys.readouterr()
    (tmp_path / "spacer.npz").write_text("not an artifact", encoding="utf-8")
    assert cli(pairs, "--spacer", str(tmp_path / "spacer.npz")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "spacer.npz" in err and "dictbash train spacer" in err
    (tmp_path / "adapter").mkdir()
    assert cli(pairs, "--adapter", str(tmp_path / "adapter")) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "model unavailable" in err
    assert str(tmp_path / "adapter") in err and "Traceback" not in err


def test_file_without_valid_rows_exits_2(tmp_path, capsys):
    (tmp_path / "bad.jsonl").write_text('{"dictated": "ls"}\n', encoding="utf-8")
    assert cli(str(tmp_path / "bad.jsonl")) == 2
    assert "no valid rows" in capsys.readouterr().err


def test_each_level_is_scored_in_its_mode_and_prose_is_counted():
    calls = []

    def convert(text, **modes):
        calls.append(modes)
        typed = {"so the command is make space test": "command make test",
                 "first run npm space install then wait": "first run npm install",
                 "LS dash LA.": "ls -la"}
        return SimpleNamespace(output=typed[text], route="model")

    pairs = [Pair("so the command is make space test", "make test", difficulty="natural"),
             Pair("first run npm space install then wait", "first run npm install then wait",
                  difficulty="mixed", extra={"span": [2, 5], "protocol": "npm space install"}),
             Pair("LS dash LA.", "ls -la", difficulty="voice")]
    natural, mixed, voice = run(pairs, convert, quiet=True)
    assert calls == [{"from_recogniser": False, "keep_prose": False},
                     {"from_recogniser": False, "keep_prose": True},
                     {"from_recogniser": True, "keep_prose": False}]
    assert (natural.mode, natural.prose_typed, natural.exact) == ("command", 1, False)  # "command"
    assert (mixed.mode, mixed.prose_lost) == ("text", 2)  # "then wait"
    assert voice.exact and voice.prose_typed == 0
    # the mixed row in command mode expects its command alone
    command = run(pairs[1:2], convert, quiet=True, mode="command")[0]
    assert (command.expected, command.prose_typed) == ("npm install", 2)  # "first run"
    assert summarise([natural, mixed, voice])["prose"]["natural"] == {
        "command_rows": 1, "typed_prose": 1, "text_rows": 0, "lost_prose": 0}


def test_a_quote_is_no_part_of_a_word_but_an_apostrophe_is():
    from bench.evaluate import _alnum

    assert _alnum("perl -i'.bak' -e 's/a/b/g' it's") == ["perl", "i", "bak", "e", "s", "a",
                                                        "b", "g", "it's"]


def test_an_alternative_that_is_right_is_counted_only_where_the_best_is_wrong():
    from bench.evaluate import _pair, score

    pair = _pair({"dictated": "blockout two", "expected": "blockout2"}, "row")
    wrong = score(pair, "blockout 2", "processor", 1.0, alternatives=["blockout2"])
    right = score(pair, "blockout2", "processor", 1.0, alternatives=["blockout 2"])
    assert (wrong.alternatives, wrong.alternative_right) == (1, True)
    assert (right.alternatives, right.alternative_right) == (1, False)
    summary = summarise([wrong, right])
    assert summary["alternatives"] == {"offered": 2, "right": 1}
