"""False starts taken back before anything else runs (``engine.restarts``)."""

import pytest

from engine.restarts import take_back


def cut(text: str) -> str | None:
    """The words taken back, or None."""
    words = text.split()
    found = take_back(words)
    return None if found is None else " ".join(words[found[0]:found[1]])


@pytest.mark.parametrize("said, taken", [
    ("git checkout main actually git checkout dash b hotfix", "git checkout main actually"),
    ("make build I mean make test".lower(), "make build i mean"),
    ("pip install requests wait no pip install httpx", "pip install requests wait no"),
    ("filebrowser you know filebrowser", "filebrowser you know"),
    ("filebrowser hm filebrowser", "filebrowser hm"),   # a hesitation however spelt
    ("git push ehm no wait git push dash u origin main", "git push ehm no wait"),
    ("git git status", "git"),
    ("systemctl restart nginx no wait sudo systemctl reload nginx", "systemctl restart nginx no wait"),
    ("sudo apt install vim sorry apt install neovim", "apt install vim sorry"),  # sudo stays
    ("ls dash la uh scratch that du dash sh star", "ls dash la uh scratch that"),
    # after other speech, the restatement repeats two words, and a correction precedes it
    ("okay so git push no wait git push dash u origin main", "git push no wait"),
    ("git commit dash m quote fix quote actually quote fix bug quote", "quote fix quote actually"),
    # the last restart wins
    ("make a no make b no make c", "make a no make b no"),
    ("git log dash dash stat space dash dash graph no wait dash dash all",
     "dash dash graph no wait"),
    ("ls slash dev slash sda one make that slash dev slash sdb", "slash dev slash sda one make that"),
])
def test_a_restatement_or_restart_phrase_takes_back_the_false_start(said, taken):
    assert cut(said) == taken


@pytest.mark.parametrize("said", [
    "cd dot dot slash dot dot",                      # words said twice on purpose
    "dot dot slash configure",
    "echo one one",
    "tar dash dash create um dash dash file x",      # a filler between two parts
    "grep dash i no wait dash r todo",               # a correction of one part: the model's
    "don't forget that you need to run make space install",
    "lando lando no wait start",                     # the second word is the mistake corrected
    "systemctl space minus minus no dash block sorry I mean rescue space minus minus no dash block",
    "scratch that",                                  # nothing before it
    "git push dash u origin main",
])
def test_nothing_is_taken_back_without_a_restart(said):
    assert cut(said) is None


def test_the_engine_converts_what_is_left_and_says_what_it_dropped():
    from engine import Engine

    result = Engine(use_model=False).convert("git space status no wait git space diff")
    assert (result.output, result.taken_back) == ("git diff", "git space status no wait")
    assert [(s.start, s.end, s.said) for s in result.spans] == [(5, 8, "git space diff")]


def test_a_span_across_the_cut_holds_the_taken_back_words():
    from engine import Engine

    result = Engine(use_model=False).convert(
        "git space log space dash dash oneline actually dash dash oneline space dash n space five")
    assert result.taken_back == "dash dash oneline actually"
    assert result.output == "git log --oneline -n 5"
    assert [(s.start, s.end) for s in result.spans] == [(0, 16)]


def test_explain_shows_what_was_taken_back(capsys):
    from engine.cli import main

    assert main(["convert", "--explain", "--no-model", "make space build I mean make space test"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("make test\n")
    assert "taken back (said, then said again): 'make space build I mean'" in out
