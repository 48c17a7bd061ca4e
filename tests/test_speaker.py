"""The speaker: bash to strict protocol words, and the round trip through the processor."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from processor import SpeakError, process, speak


@pytest.mark.parametrize("command,said", [
    ("tar -xzf a.tar.gz", "tar space dash x z f space a dot tar dot gz"),
    ("git push -u origin main", "git space push space dash u space origin space main"),
    ("ls -la", "ls space dash l a"),
    ("chmod 0755 run.sh", "chmod space zero seven five five space run dot sh"),
    ("sleep 42", "sleep space forty two"),
    ("head -n 100 log", "head space dash n space one zero zero space log"),
    ("cd ../src", "cd space dot dot slash src"),
    ("make && make install", "make space and and space make space install"),
    ("cmd 2>&1 | less", "cmd space two redirect ampersand one space pipe space less"),
    ("echo hi >> log", "echo space hi space append space log"),
    ("grep -R TODO", "grep space dash capital r space all caps todo"),
    ("cat Readme.md", "cat space capital readme dot md"),
    ("export NODE_ENV=dev", "export space screaming case node env equals dev"),
    ("vim getUserName.js", "vim space camel case get user name dot js"),
    ("echo max_retries", "echo space snake case max retries"),
    ("docker run --rm app", "docker space run space dash dash rm space app"),
    ('git commit -m "fix login bug"', "git space commit space dash m space quote fix login bug quote"),
    ("cat one.txt", "cat space o n e dot txt"),  # a file named like a number word is spelled
    ("find . -name x", "find space dot space dash name space x"),
    ("printf 'a\nb'", "printf space single quote a new line b single quote"),
])
def test_canonical_spellings(command, said):
    assert speak(command) == said
    assert process(said) == command


@pytest.mark.parametrize("command,reason", [
    ("", "empty"),
    ("echo café", "'é' at position"),
    ("printf 'a\tb'", "'\\t' at position"),
    ('echo "meet at noon"', "no protocol spelling"),
])
def test_unspeakable_commands_say_why(command, reason):
    with pytest.raises(SpeakError, match=re.escape(reason)):
        speak(command)


def test_seeded_variations_are_deterministic_and_vary():
    command = "ssh -p 2222 user@192.168.1.10 && tail -f /var/log/syslog"
    assert speak(command, seed=7) == speak(command, seed=7)
    variants = {speak(command, seed=s) for s in range(20)}
    assert len(variants) > 5
    assert all(process(said) == command for said in variants)
    assert any("minus" in s or "period" in s or "forward slash" in s for s in variants)


def test_number_styles_under_seeds():
    spoken = {speak("echo 2024", seed=s) for s in range(40)}
    assert "echo space two zero two four" in spoken
    assert "echo space two thousand twenty four" in spoken
    assert "echo space twenty twenty four" in spoken


_words = st.sampled_from(["git", "ls", "src", "main", "docker", "origin", "data", "app", "kubectl",
                          "one", "dot", "space", "at", "point", "and", "open", "new", "back"])
_token = st.one_of(
    _words,
    st.builds(lambda w: "-" + w[:2], _words),
    st.builds(lambda w: "--" + w, _words),
    st.builds(lambda a, b: f"{a}/{b}.txt", _words, _words),
    st.builds(lambda a, b: f"{a.upper()}_{b.upper()}={a}", _words, _words),
    st.builds(lambda a, b: a + b.capitalize(), _words, _words),
    st.builds(str, st.integers(0, 100_000)),
    st.builds(lambda a, n: f"{a}@10.0.{n}.1:{n}", _words, st.integers(0, 255)),
    st.sampled_from(["|", "&&", "||", ">", ">>", "2>&1", ";", "*.py", "~/", "$HOME", "{}", "\\;"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_token, min_size=1, max_size=12))
def test_unquoted_commands_always_round_trip(tokens):
    command = " ".join(tokens)
    said = speak(command)  # must not raise: every unquoted ASCII command is speakable
    assert process(said) == command
