"""The library call and the CLI as a user meets them: routes, fallbacks, bad input, exit codes."""

import json
import subprocess
import sys
import threading
from dataclasses import replace

import pytest

from engine import Engine
from engine.cli import main


@pytest.fixture(scope="module")
def engine():
    return Engine()


def test_strict_goes_to_the_processor(engine):
    result = engine.convert("git space push space dash u space origin space main")
    assert (result.output, result.route, result.warnings) == ("git push -u origin main", "processor", [])
    assert "gate" in result.timings_ms and "model" not in result.timings_ms


def test_recogniser_text_of_strict_speech_stays_on_the_processor(engine):
    result = engine.convert("LS space dash LA.", from_recogniser=True)
    assert (result.output, result.route) == ("ls -la", "processor")


def test_typed_case_is_meaning(engine):
    # the same words typed: their case is the speaker's, but for a sentence capital first
    assert engine.convert("LS space dash LA.").output == "LS -LA"
    assert engine.convert("Git space log space capital HEAD tilde two").output == "git log HEAD~2"
    assert engine.convert("git space log space capital HEAD tilde two",
                          from_recogniser=True).output == "git log Head~2"
    assert engine.convert("cd space slash Applications").output == "cd /Applications"


def test_prose_only_comes_back_unchanged_in_text_mode_and_types_nothing_as_a_command(engine):
    for prose in ("three files in the folder", "add a dash of salt", "meet me at noon"):
        result = engine.convert(prose, keep_prose=True)
        assert (result.output, result.route) == (prose, "unchanged")
        result = engine.convert(prose)
        assert (result.output, result.route) == ("", "unchanged")
        assert [s.said for s in result.spans] == [prose]  # what was said is still there


def test_recogniser_text_of_a_plain_word_command_is_typed_as_a_command(engine):
    # nothing to convert but the recogniser's capital and full stop
    for text, command in (("Git status.", "git status"), ("NPM install.", "npm install"),
                          ("Tldr, freshclam", "tldr freshclam")):
        result = engine.convert(text, from_recogniser=True)
        assert (result.output, result.route) == (command, "processor")
    prose = "There are three files in the folder."
    result = engine.convert(prose, from_recogniser=True, keep_prose=True)
    assert (result.output, result.route) == (prose, "unchanged")


def test_an_utterance_starting_with_sudo_is_a_command(engine):
    # the segmenter reads these as prose (number words, no protocol word); no sentence starts
    # with sudo
    result = engine.convert("Sudo systemctl restart Nginx.", from_recogniser=True)
    assert (result.output, result.route) == ("sudo systemctl restart nginx", "model")
    assert engine.convert("sudo a two dissite localhost").output == "sudo a2dissite localhost"


def test_loose_speech_goes_to_the_model(engine):
    result = engine.convert("git push minus u origin main")
    assert result.route == "model"
    assert result.output == "git push -u origin main"
    assert result.spans[0].protocol == "git space push space minus u space origin space main"


@pytest.mark.parametrize("text", ["um uh", "okay um", "hmm"])
def test_fillers_alone_type_nothing(engine, text):
    result = engine.convert(text)
    assert result.route == "unchanged" and not any(s.kind == "command" for s in result.spans)
    assert result.output == "" and not result.warnings
    assert engine.convert(text, keep_prose=True).output == text


class _DropsEverything:
    """A tagger that drops every word it is given."""

    def tag_many(self, fragments):
        from models.tagger import Tagged

        return [[Tagged("drop", 0.9, 0.0) for _ in words] for words in fragments]


def test_a_span_the_model_drops_whole_is_prose_beside_a_command_and_glued_alone():
    engine = Engine()
    engine._tagger = _DropsEverything()
    text = "okay let's copy it over scp config dot yaml server colon slash etc"
    result = engine.convert(text, keep_prose=True)
    assert result.output == text and not result.warnings  # nothing glued, nothing lost
    assert all(s.kind == "prose" and s.output == s.said for s in result.spans)
    # text mode, a whole command the segmenter found: the processor's
    alone = engine.convert("git push minus u origin main", keep_prose=True)
    assert alone.route == "processor" and alone.output == "gitpush-uoriginmain"
    assert any("dropped every word" in w for w in alone.warnings)
    # command mode asks the model whether there is a command at all: it says there is none
    said = engine.convert("git push minus u origin main")
    assert (said.output, said.route, said.warnings) == ("", "unchanged", [])


def test_command_mode_without_the_model_takes_the_segmenter_s_word_for_prose(tmp_path):
    engine = Engine(adapter_dir=tmp_path / "no-adapter")
    result = engine.convert("meet me at the station at noon")
    assert (result.output, result.route) == ("", "unchanged")
    assert any(w.startswith("model unavailable") for w in result.warnings)


def test_a_word_is_dropped_only_when_something_licenses_it():
    from engine.engine import _licensed
    from models.tagger import Tagged

    def tags(text, given):
        tagged = [Tagged(t, 0.9, 0.0) for t in given.split()]
        return [t.tag for t in _licensed(text.split(), tagged)]

    # a program name before a filler is the command's own word
    assert tags("bob you know uninstall", "drop drop drop keep") == ["keep", "drop", "drop", "keep"]
    # a few words before it too; but not further than a false start reaches
    assert tags("sudo badblocks um slash dev", "drop keep drop keep keep")[0] == "keep"
    assert tags("sudo a b c um d", "drop keep keep keep drop keep")[0] == "drop"
    # whatever its kind, unless the speaker starts again with it right after the filler
    assert tags("test dash z um double quote", "drop drop keep drop keep keep")[:2] == ["keep", "keep"]
    assert tags("git space um show", "drop drop drop keep") == ["keep", "keep", "drop", "keep"]
    assert tags("gh alias set you know dash dash shell alias one",
                "keep drop keep drop drop keep keep keep keep keep")[1] == "keep"
    # said again later: a false start; a wrapper word; a correction in the fragment
    assert tags("git um git status", "drop drop keep keep") == ["drop", "drop", "keep", "keep"]
    assert tags("okay um ls", "drop drop keep") == ["drop", "drop", "keep"]
    assert tags("cat um no wait ls", "drop drop drop drop keep") == ["drop"] * 4 + ["keep"]
    # nothing kept after the filler: nothing to attach the word to
    assert tags("bob um", "drop drop") == ["drop", "drop"]
    # a spoken `space` between kept words stands, unless a correction is said
    assert tags("slash join space um hash", "keep keep drop drop keep")[2] == "keep"
    assert tags("ls space", "keep drop") == ["keep", "drop"]
    assert tags("ls space dash a no wait dash l", "keep drop drop drop drop drop keep keep")[1] == "drop"
    # a compound command's opening keyword stays where its body and end are typed
    assert tags("for x in y semicolon do ls semicolon done",
                "drop keep keep keep keep keep keep keep keep")[0] == "keep"
    assert tags("for done sorry x semicolon do ls semicolon done",
                "drop drop drop keep keep keep keep keep keep")[:2] == ["keep", "drop"]
    assert tags("for me run echo done", "drop drop drop keep keep")[0] == "drop"
    assert tags("for x wait no for y do ls done",
                "drop drop drop drop keep keep keep keep keep")[0] == "drop"
    # a symbol word between two kept words stays, correction or not
    assert tags("haproxy dash w dash v no wait dash f",
                "keep drop keep drop drop drop drop keep keep")[1] == "keep"
    assert tags("ls dash l no wait dash a", "keep drop drop drop drop keep keep")[1] == "drop"
    # a quoted string is text: its words stay, but for hesitations and fillers of several words
    assert tags("echo quote this is a test quote", "keep keep keep drop drop keep keep") == ["keep"] * 7
    assert tags("echo quote you are um you know it quote",
                "keep keep keep keep drop drop drop keep keep") == ["keep"] * 4 + ["drop"] * 3 + ["keep"] * 2
    # a quote left open marks nothing, and a correction leaves the tagger's word
    assert tags("echo quote is it", "keep keep drop keep")[2] == "drop"
    assert tags("echo quote is it quote no wait ls", "drop drop drop drop drop drop drop keep")[2] == "drop"


def test_mixed_speech_keeps_the_prose_as_said_in_text_mode(engine):
    result = engine.convert("First run npm space install then wait", keep_prose=True)
    assert result.route == "mixed"
    assert result.output == "First run npm install then wait"
    assert [s.kind for s in result.spans] == ["prose", "command", "prose"]


def test_command_mode_types_the_command_alone(engine):
    """The model reads the whole utterance and drops what is speech."""
    result = engine.convert("First run npm space install then wait")
    assert (result.output, result.route) == ("npm install", "model")
    assert [s.kind for s in result.spans] == ["command"]


def test_text_mode_gives_back_what_the_model_drops_at_a_span_edge(engine):
    result = engine.convert("to list the hidden files use ls dash la", keep_prose=True)
    assert result.output == "to list the hidden files use ls -la"


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02 \ufffd", "🙂 ∑ 日本語", "dash " * 20000])
def test_bad_input_never_raises(engine, text):
    result = engine.convert(text)
    assert isinstance(result.output, str)
    if not text.strip():
        assert result.route == "unchanged" and "nothing to convert" in result.warnings


def test_huge_command_is_rendered_without_the_model(engine):
    result = engine.convert("git push minus u origin main " * 100)
    assert any("too long for the model" in w for w in result.warnings) or result.route == "unchanged"


def test_missing_model_falls_back_to_the_processor(tmp_path):
    result = Engine(adapter_dir=tmp_path / "no-adapter").convert("git push minus u origin main")
    assert result.route == "processor"
    assert result.output == "gitpush-uoriginmain"
    assert any(w.startswith("model unavailable") and "processor only" in w for w in result.warnings)


def test_missing_classifiers_fall_back_to_the_processor(monkeypatch):
    from classifiers import Gate

    def broken(*_args, **_kwargs):
        raise OSError("gate.npz: no such file")

    monkeypatch.setattr(Gate, "load", broken)
    result = Engine().convert("ls space dash l")
    assert result.output == "ls -l"
    assert any("classifiers unavailable" in w for w in result.warnings)


def test_convert_many_matches_convert_and_threads_agree(engine):
    texts = ["ls space dash l", "git push minus u origin main", "add a dash of salt",
             "okay so make space test please"]
    one_by_one = [engine.convert(t).output for t in texts]
    assert [r.output for r in engine.convert_many(texts)] == one_by_one
    results = {}

    def work(k):
        results[k] = [engine.convert(t).output for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == one_by_one for r in results.values())


def test_cli_convert_exit_codes_and_json(capsys):
    assert main(["convert", "git space status"]) == 0
    assert capsys.readouterr().out == "git status\n"
    assert main(["convert", "three files in the folder"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "\n" and "nothing typed" in captured.err
    assert main(["convert", "--keep-prose", "three files in the folder"]) == 1
    assert capsys.readouterr().out == "three files in the folder\n"
    assert main(["convert", "--keep-prose", "first run npm space install then wait"]) == 0
    assert capsys.readouterr().out == "first run npm install then wait\n"
    assert main(["convert", "--from-recogniser", "LS space dash LA."]) == 0
    assert capsys.readouterr().out == "ls -la\n"
    assert main(["convert", "--json", "ls space dash l"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["route"] == "processor" and record["output"] == "ls -l"
    assert record["alternatives"] == []
    assert main(["convert", "--json", "blockout two"]) == 0
    assert [a["output"] for a in json.loads(capsys.readouterr().out)["alternatives"]] == [
        "blockout 2"]
    assert main(["convert", "--explain", "ls space dash l"]) == 0
    assert "symbol" in capsys.readouterr().out


def test_cli_reads_lines_from_stdin_and_rejects_bad_usage():
    run = subprocess.run([sys.executable, "-m", "engine.cli", "convert"], input="ls space dash l\ncd space dot dot\n",
                         capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (0, "ls -l\ncd ..\n")
    bad = subprocess.run([sys.executable, "-m", "engine.cli", "convert", "--nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_an_unsure_unsaid_space_offers_the_other_reading(engine):
    # strict words, no ``space`` said: the spacer half thinks one (but not past the margin)
    for text, output, other in (("blockout two", "blockout2", "blockout 2"),
                                ("open period", "open .", "open.")):
        result = engine.convert(text)
        assert (result.output, result.route) == (output, "processor")
        assert [a.output for a in result.alternatives] == [other]
        assert 0.02 <= result.alternatives[0].score < 0.5  # a runner-up: less than the best
        assert result.to_dict()["alternatives"] == [
            {"output": other, "score": result.alternatives[0].score}]


def test_alternatives_are_distinct_ranked_and_plausible(engine):
    texts = ["blockout two", "pm two monit", "open period", "frida trace dash i open",
             "python three dash m pip install requests", "sudo a two dissite localhost"]
    for result in engine.convert_many(texts):
        outputs = [a.output for a in result.alternatives]
        assert len(outputs) == len(set(outputs)) <= 3 and result.output not in outputs
        scores = [a.score for a in result.alternatives]
        assert scores == sorted(scores, reverse=True) and all(s >= 0.02 for s in scores)


def test_a_different_repair_of_the_audio_is_an_alternative(engine):
    from engine.engine import convert_heard
    from engine.recognizer import Transcript

    said = "git space push space dash f"
    readings = {said: -1.0, "git space push space dash s": -2.0,   # types something else
                "git space push space dash if": -9.0,              # too unlikely to offer
                "git space push space dash f ": -2.5}              # types the same
    result = convert_heard(engine, Transcript(said, said, 1.0, 0.1, readings))
    assert result.output == "git push -f"
    assert [a.output for a in result.alternatives] == ["git push -s"]
    assert 0.2 < result.alternatives[0].score < 0.5  # its share of the readings: a runner-up
    # nothing else weighed: what convert gives; nothing heard: no result
    alone = convert_heard(engine, Transcript(said, said, 1.0, 0.1))
    assert replace(alone, timings_ms={}) == replace(
        engine.convert(said, from_recogniser=True), timings_ms={})
    assert convert_heard(engine, Transcript("", "", 1.0, 0.1)) is None


def test_said_spaces_and_prose_offer_no_alternatives(engine):
    # where the speaker says every space, nothing is left to the spacer: no other reading
    for text in ("git space push space dash u space origin space main", "ls", "cd space dot dot",
                 "three files in the folder"):
        assert engine.convert(text).alternatives == [], text
    # two commands in text mode, each unsure: a share of one's readings says nothing of the
    # other's, so none; one command in text mode: the whole output, its prose as said
    mixed = engine.convert("first run blockout two then run open period", keep_prose=True)
    assert mixed.output == "first run blockout2 then run open ." and mixed.alternatives == []
    one = engine.convert("to open it run open period", keep_prose=True)
    assert [a.output for a in one.alternatives] == ["to open it run open."]


def test_the_second_opinions_runners_up_are_offered(monkeypatch):
    engine = Engine()
    engine.load_model()

    def even(texts):  # the base model finds every reading as likely: the spacer's odds decide
        return [0.0] * len(texts)

    def unsure(*args, **kwargs):  # the spacer keeps its choices, none of them sure
        return [0.5 if score > 0 else -0.5 for score in real(*args, **kwargs)]

    real = engine._spacer.space_scores
    monkeypatch.setattr(engine._tagger, "command_logprobs", even)
    monkeypatch.setattr(engine._spacer, "space_scores", unsure)
    result = engine.convert("frida trace dash i open")
    assert result.route == "model" and result.alternatives
    assert all(a.output != result.output and 0.02 <= a.score < 0.5 for a in result.alternatives)
