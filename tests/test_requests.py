"""Requests around a command (``okay type ...``, ``... and press enter``) go; prose stays."""

import pytest

from engine import Engine
from engine.requests import request_frame


@pytest.mark.parametrize("said, command, typed", [
    ("okay type git status", "git status", True),
    ("so um just type clear", "clear", True),
    ("hm uhh okay type clear", "clear", True),
    ("type in ls space dash l", "ls space dash l", True),
    ("alright the command would be make", "make", True),
    ("could you run npm test", "npm test", False),
    ("docker system prune dash a and press enter", "docker system prune dash a", False),
    ("please type sudo reboot thanks", "sudo reboot", True),
])
def test_a_request_frame_is_found_around_the_command(said, command, typed):
    words = said.split()
    start, end, is_typed = request_frame(words)
    assert (" ".join(words[start:end]), is_typed) == (command, typed)


@pytest.mark.parametrize("said", [
    "git status",
    "type space ls",            # the strict dictation of `type ls`
    "type",                     # a cue with nothing after it
    "thanks",                   # a tail with no command before it
    "okay so git push",         # discourse words but no cue: the model's to judge
    "first run npm space install then wait",
    "echo space thanks",        # a closing word said as an argument
])
def test_no_frame_without_a_cue_before_or_a_tail_after_a_command(said):
    assert request_frame(said.split()) is None


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.mark.parametrize("said, typed, dropped", [
    ("okay so the next thing is dot slash configure", "./configure", "okay so the next thing is"),
    ("type kubectl get nodes dash o wide and then hit enter", "kubectl get nodes -o wide",
     "type ... and then hit enter"),
    ("so yeah type exit", "exit", "so yeah type"),
    ("let me check memory with free dash h", "free -h", "let me check memory with"),
])
def test_the_engine_types_the_command_and_says_what_request_it_dropped(engine, said, typed,
                                                                       dropped):
    result = engine.convert(said)
    assert (result.output, result.request) == (typed, dropped)
    assert [s.kind for s in result.spans] == ["command"]


def test_strict_speech_inside_a_request_is_rendered_without_it(engine):
    result = engine.convert("pveam space d space local space kebabcase template dev thanks")
    assert (result.output, result.route, result.request) == (
        "pveam d local template-dev", "processor", "thanks")


def test_without_the_model_the_processor_renders_only_the_command(tmp_path):
    result = Engine(adapter_dir=tmp_path / "no-adapter").convert(
        "okay so the next thing is dot slash configure")
    assert (result.output, result.route) == ("./configure", "processor")


@pytest.mark.parametrize("said", [
    "run make space test three times before merging",   # prose after the command: mixed
    "run the tests from the old folder before lunch",   # English after a cue to run
    "type space ls",                                     # strict
])
def test_prose_and_strict_speech_keep_their_words(engine, said):
    result = engine.convert(said, keep_prose=True)
    assert result.request == ""
    assert result.output in {said.replace("make space test", "make test"), "type ls", said}


@pytest.mark.parametrize("said, typed", [
    ("pm two monit", "pm2 monit"),      # no `space` said, but one is meant
    ("open period", "open ."),
    ("blockout two", "blockout2"),      # the spacer is not sure enough: one word, as said
    ("file dot txt", "file.txt"),
])
def test_strict_looking_words_get_only_the_spaces_the_spacer_is_sure_of(engine, said, typed):
    result = engine.convert(said)
    assert (result.output, result.route) == (typed, "processor")


def test_a_cue_joined_to_a_name_is_no_cue():
    assert request_frame("run dash mailcap space dash dash action equals edit".split()) is None
    assert request_frame("okay run ls space dash la".split())[:2] == (2, 6)
