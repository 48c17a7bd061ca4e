"""``dictbash data check``: each kind of bad row is caught and named by file and line."""

import json

from bench.datacheck import check
from engine.cli import main
from models.prompt import SYSTEM_PROMPT, messages


def write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def messages_of(problems):
    return [(p.line, p.message.split(":")[0].split(" (")[0]) for p in problems]


def test_clean_file_passes(tmp_path):
    f = write(tmp_path / "a.jsonl", [
        {"dictated": "ls space dash l", "expected": "ls -l", "protocol": "ls space dash l"},
        {"dictated": "three files", "expected": "three files", "category": "prose"},
        {"dictated": "run ls space dash l now", "expected": "run ls -l now",
         "protocol": "ls space dash l", "span": [1, 5]},
        {"messages": messages("ls minus l", "ls space minus l")},
    ])
    problems, counts = check([f])
    assert problems == [] and counts == {str(f): 4}


def test_each_problem_is_named_with_its_line(tmp_path):
    f = write(tmp_path / "a.jsonl", [
        {"dictated": "ls", "expected": "ls"},                                    # 1 identity
        "{not json",                                                             # 2
        {"dictated": "cat space a", "expected": "cat a"},                       # 3 fine
        {"dictated": "cat space a", "expected": "cat a"},                       # 4 duplicate
        {"dictated": "x", "expected": 3},                                        # 5 wrong type
        {"dictated": "ls space dash l", "expected": "ls -la", "protocol": "ls space dash l"},  # 6
        {"messages": [{"role": "system", "content": "other"}, {"role": "user", "content": "a"},
                      {"role": "assistant", "content": "b"}]},                   # 7 system prompt
        {"messages": messages("same", "same")},                                  # 8 identity chat
        [1, 2],                                                                  # 9 not an object
    ])
    problems, _ = check([f])
    assert messages_of(problems) == [
        (1, "identity pair"), (2, "not valid JSON"), (4, "duplicate pair"),
        (5, "needs string fields 'dictated' and 'expected'"),
        (6, "protocol renders 'ls -l', not the expected 'ls -la'"),
        (7, "system prompt differs from models.prompt.SYSTEM_PROMPT"),
        (8, "identity pair"), (9, "not a JSON object"),
    ]


def test_pairs_shared_between_train_and_test_files(tmp_path):
    train = write(tmp_path / "train.jsonl", [{"messages": messages("ls minus l", "ls space minus l")}])
    test = write(tmp_path / "test.jsonl", [{"dictated": "pwd space x", "expected": "pwd x"},
                                           {"dictated": "ls minus l", "expected": "ls space minus l"}])
    problems, _ = check([train, test])
    assert [(p.path, p.line) for p in problems] == [(str(test), 2)]
    assert "shared with another file" in problems[0].message and "train.jsonl:1" in problems[0].message


def test_json_list_files_report_element_lines(tmp_path):
    f = tmp_path / "a.json"
    f.write_text('[\n  {"dictated": "a space b", "expected": "a b"},\n  {"dictated": "q", "expected": "q"}\n]\n')
    problems, _ = check([f])
    assert messages_of(problems) == [(3, "identity pair")]


def test_cli_exit_codes(tmp_path, capsys):
    good = write(tmp_path / "good.jsonl", [{"dictated": "a space b", "expected": "a b"}])
    bad = write(tmp_path / "bad.jsonl", [{"dictated": "a", "expected": "a"}])
    assert main(["data", "check", str(good)]) == 0
    assert main(["data", "check", str(bad)]) == 1
    assert "bad.jsonl:1: identity pair" in capsys.readouterr().err
    assert main(["data", "check", str(tmp_path / "missing.jsonl")]) == 1


def test_shipped_eval_sets_pass():
    from pathlib import Path

    files = sorted((Path(__file__).parent.parent / "bench" / "data").glob("*.jsonl"))
    assert len(files) >= 6
    problems, counts = check(files)
    assert problems == []
    assert SYSTEM_PROMPT  # the check compares chat rows against this one definition


def unseen_row(dictated, expected, phrases):
    return {"dictated": dictated, "expected": expected, "phrasing": "unseen", "phrases": phrases}


def test_an_unseen_phrase_found_in_a_training_input_fails(tmp_path):
    train = write(tmp_path / "train.jsonl", [
        {"messages": messages("pwd okay", "pwd")},
        {"messages": messages("So It Should Be ls minus l", "ls space minus l")}])
    test = write(tmp_path / "test.jsonl", [
        {"dictated": "ls space dash a", "expected": "ls -a"},
        unseen_row("cat space x for the port", "cat x for the port", ["for the port"]),
        unseen_row("it should  be cat space y", "it should be cat y", ["it should be", "um"])])
    problems, _ = check([test, train])
    assert [(p.path, p.line, p.message) for p in problems] == [
        (str(test), 3, f"unseen phrase 'it should be' occurs in the training input at {train}:2")]


def test_only_whole_words_of_training_inputs_count_and_only_unseen_rows_are_held_out(tmp_path):
    train = write(tmp_path / "train.jsonl", [{"messages": messages("the reports tab", "x")}])
    test = write(tmp_path / "test.jsonl", [
        unseen_row("port space a", "port a", ["port", "he report"]),   # inside words: clean
        {"dictated": "the reports tab space b", "expected": "the reports tab b"},  # seen
        unseen_row("ls space c", "ls c", ["REPORTS Tab"]),              # any case: a leak
        unseen_row("ls space d", "ls d", ["the {noun} tab"]),           # a slot: a leak
        unseen_row("ls space e", "ls e", ["the {noun}"]),               # a leak
        unseen_row("ls space f", "ls f", ["tab {noun}"])])              # no word after: clean
    problems, _ = check([train, test])
    assert [(p.line, p.message.split(" occurs")[0]) for p in problems] == [
        (3, "unseen phrase 'REPORTS Tab'"), (4, "unseen phrase 'the {noun} tab'"),
        (5, "unseen phrase 'the {noun}'")]


def test_train_files_count_their_seen_rows_as_training_inputs(tmp_path, capsys):
    rows = write(tmp_path / "rows.jsonl", [
        {"dictated": "then for the port cat space a", "expected": "then for the port cat a"},
        unseen_row("let me think um ls space d", "let me think um ls d", ["let me think um"])])
    test = write(tmp_path / "test.jsonl", [
        unseen_row("cat space b for the port", "cat b for the port", ["for the port"]),
        unseen_row("let me think um ls space e", "let me think um ls e", ["let me think um"])])
    assert check([test, rows])[0] == []  # not named as training: eval rows only
    problems, counts = check([test], train=[rows])
    assert [(p.path, p.line) for p in problems] == [(str(test), 1)]
    assert counts == {str(test): 2, str(rows): 2}
    assert main(["data", "check", str(test), "--train", str(rows)]) == 1
    assert f"test.jsonl:1: unseen phrase 'for the port' occurs in the training input at {rows}:1" \
        in capsys.readouterr().err


def test_phrasing_fields_are_checked(tmp_path):
    f = write(tmp_path / "a.jsonl", [
        {"dictated": "a space b", "expected": "a b", "phrasing": "new"},
        {"dictated": "c space d", "expected": "c d", "phrasing": "unseen"},
        unseen_row("e space f", "e f", ["ok", " "]),
        unseen_row("g space h", "g h", ["g"])])
    assert messages_of(check([f])[0]) == [
        (1, "'phrasing' must be 'seen' or 'unseen', not 'new'"),
        (2, "an unseen row needs 'phrases'"), (3, "an unseen row needs 'phrases'")]
