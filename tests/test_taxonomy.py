"""The eval bench's failure taxonomy: hand-labelled failures, the precedence between patterns
that overlap, and the classifier's totality on arbitrary input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.taxonomy import PATTERNS, classify, first_divergence, shell_tokens

# (dictated, expected, output, pattern): every label written by hand.
LABELLED = [
    # spacing: the same characters once whitespace is ignored
    ("ls dash l a", "ls -la", "ls-la", "spacing"),
    ("ls dash l a", "ls -la", "ls - la", "spacing"),
    ("cd space dot slash logs slash", "cd ./logs/", "cd ./logs /", "spacing"),
    ("echo space quote hello world quote", 'echo "hello world"', 'echo "helloworld"', "spacing"),
    ("tail minus f app period log", "tail -f app.log", "tail -fapp.log", "spacing"),
    # context_symbol: a dash read in the wrong role
    ("brew install cask dash fonts", "brew install cask-fonts", "brew install cask -fonts",
     "context_symbol"),
    ("git push dash dash force", "git push --force", "git push -force", "context_symbol"),
    ("git push dash dash force", "git push --force", "git push - -force", "context_symbol"),
    ("npm init my dash app", "npm init my-app", "npm init my- app", "context_symbol"),
    ("ls dash l", "ls -l", "ls l", "context_symbol"),
    # long_distance: right up to an error past the first ten spoken words
    ("ssh space admin at one nine two dot one six eight dot one dot two five four",
     "ssh admin@192.168.1.254", "ssh admin@192.168.1.25", "long_distance"),
    ("tar space dash c z f space backup dot tar dot gz space dot slash logs slash archive",
     "tar -czf backup.tar.gz ./logs/archive", "tar -czf backup.tar.gz ./logs/", "long_distance"),
    ("scp space dash r space build space deploy at web dot example dot com colon slash srv "
     "slash app", "scp -r build deploy@web.example.com:/srv/app",
     "scp -r build deploy@web.example.com:/srv/App", "long_distance"),
    # nested_quoting: a quote lost, added or moved
    ("grep space quote foo bar quote space notes dot txt", 'grep "foo bar" notes.txt',
     'grep "foo bar notes.txt"', "nested_quoting"),
    ("git space commit space dash m space quote quote", 'git commit -m ""', "git commit -m",
     "nested_quoting"),
    ("echo space quote it single quote s quote", "echo \"it's\"", 'echo "it"s"',
     "nested_quoting"),
    ("sed space single quote s slash a slash b slash single quote space file",
     "sed 's/a/b/' file", "sed 's/a/b/ file'", "nested_quoting"),
    # directive_scope: case or joining wrong on the words a directive reaches
    ("export space all caps node underscore all caps env equals production",
     "export NODE_ENV=production", "export NODE_env=production", "directive_scope"),
    ("snake case max retries space count", "max_retries count", "max_retries_count",
     "directive_scope"),
    ("cat space capital readme dot md", "cat Readme.md", "cat readme.md", "directive_scope"),
    ("camel case get user name", "getUserName", "getUsername", "directive_scope"),
    # number: only digit strings differ
    ("ping space one nine two dot one six eight dot zero dot one", "ping 192.168.0.1",
     "ping 1 9 2.168.0.1", "number"),
    ("date space dash dash date equals two thousand twenty four", "date --date=2024",
     "date --date=20024", "number"),
    ("llm space dash dash temp space zero point seven", "llm --temp 0.7", "llm --temp 07",
     "number"),
    ("chmod space zero seven five five space run dot sh", "chmod 0755 run.sh", "chmod 755 run.sh",
     "number"),
    # casing: equal ignoring case, no directive behind it
    ("LS dash LA.", "ls -la", "LS -la", "casing"),
    ("git space status", "git status", "Git status", "casing"),
    ("cat space readme dot md", "cat readme.md", "cat README.md", "casing"),
    # content: a token with no counterpart
    ("rm space dash r f space build", "rm -rf build", "rm -rf", "content"),
    ("so the command is make space test", "make test", "so the command is make test", "content"),
    ("cat space notes dot md", "cat notes.md", "dog notes.md", "content"),
    ("first run npm space install then wait", "first run npm install then wait", "npm install",
     "content"),
    # other: similar tokens altered
    ("ls dash a l", "ls -al", "ls -la", "other"),
    ("cat space notes dot md", "cat notes.md", "cat note.md", "other"),
    ("git space checkout space main", "git checkout main", "git checkout maim", "other"),
]


@pytest.mark.parametrize(("dictated", "expected", "output", "pattern"), LABELLED)
def test_labelled_failures(dictated, expected, output, pattern):
    assert classify(dictated, expected, output) == pattern


def test_every_pattern_has_three_labelled_failures():
    for pattern in PATTERNS:
        assert sum(1 for *_, p in LABELLED if p == pattern) >= 3, pattern


# (dictated, expected, output, pattern, the rule that decides between the two candidates)
AMBIGUOUS = [
    ("brew install cask dash fonts", "brew install cask-fonts", "brew install cask -fonts",
     "context_symbol", "spacing vs context_symbol: a joining dash got a space beside it"),
    ("ls dash l a", "ls -la", "ls-la",
     "spacing", "context_symbol vs spacing: a flag dash only lost its space"),
    ('grep space quote todo quote notes dot txt', 'grep "todo" notes.txt', 'grep "todo"notes.txt',
     "spacing", "nested_quoting vs spacing: whitespace alone never re-pairs quotes"),
    ("ping space one nine two", "ping 192", "ping 1 9 2",
     "number", "spacing vs number: whitespace inside a digit string is a number read wrongly"),
    ("ssh space dash p space two two two two space host", "ssh -p 2222 host", "ssh -p2222 host",
     "spacing", "number vs spacing: a space lost between a flag and its digits is spacing"),
    ("ping space dash c space four space one nine two dot one six eight dot zero dot one",
     "ping -c 4 192.168.0.1", "ping -c 4 192.168.0.11",
     "long_distance", "number vs long_distance: a late digit error in a long command"),
    ("tar space dash c z f space backup dot tar dot gz space dot slash logs slash archive",
     "tar -czf backup.tar.gz ./logs/archive", "tar -czf backup.tar.gz ./logs/",
     "long_distance", "content vs long_distance: a trailing path lost late"),
    ("scp space dash r space build space deploy at web dot example dot com colon slash srv "
     "slash app", "scp -r build deploy@web.example.com:/srv/app",
     "scp -r build deploy@web.example.com:/srv/App",
     "long_distance", "casing vs long_distance: a late case error"),
    ("tar space dash c z f space backup dot tar dot gz space dot slash logs slash",
     "tar -czf backup.tar.gz ./logs/", "tar -czf backup.tar.gz ./logs /",
     "spacing", "long_distance vs spacing: a local rule explains the error wherever it sits"),
    ("git space push space dash u space origin space feature slash login dash page space dash "
     "dash force", "git push -u origin feature/login-page --force",
     "git push -u origin feature/login-page -force",
     "context_symbol", "long_distance vs context_symbol: local rule first"),
    ("git space commit space dash dash allow dash empty dash message space dash m space quote "
     "quote", 'git commit --allow-empty-message -m ""', "git commit --allow-empty-message -m",
     "nested_quoting", "long_distance vs nested_quoting: local rule first"),
    ("docker space run space dash dash rm space dash it space dash e space snake case max "
     "retries equals three space app", "docker run --rm -it -e max_retries=3 app",
     "docker run --rm -it -e max retries=3 app",
     "directive_scope", "long_distance vs directive_scope: local rule first"),
    ("cat space capital readme dot md", "cat Readme.md", "cat readme.md",
     "directive_scope", "casing vs directive_scope: the directive's word lost its case"),
    ("git space commit space dash m space quote capital fix typo quote",
     'git commit -m "Fix typo"', 'Git commit -m "Fix typo"',
     "casing", "directive_scope vs casing: the case error is on no word the directive reaches"),
    ("camel case get user name", "getUserName", "get User Name",
     "directive_scope", "spacing vs directive_scope: the split words are the directive's"),
    ("kebab case my app", "my-app", "my -app",
     "directive_scope", "context_symbol vs directive_scope: the dash is the directive's joiner"),
    ("brew install cask dash fonts space capital readme", "brew install cask-fonts Readme",
     "brew install cask -fonts Readme",
     "context_symbol", "directive_scope vs context_symbol: the directive's word is right"),
    ("seq space one space ten", "seq 1 10", "seq 110",
     "number", "content vs number: tokens merged, but only digit strings differ"),
    ("ls dash l a", "ls -la", "ls - la",
     "spacing", "content vs spacing: an extra token made only of whitespace splits"),
    ("echo space quote quote", 'echo ""', "echo",
     "nested_quoting", "content vs nested_quoting: the lost token is an empty string"),
    ("cat space notes dot md", "cat notes.md", "bat notes.md",
     "other", "content vs other: the substitute resembles the word it replaces"),
    ("cat space notes dot md", "cat notes.md", "dog notes.md",
     "content", "other vs content: the substitute shares nothing with the word"),
]


@pytest.mark.parametrize(
    ("dictated", "expected", "output", "pattern"),
    [case[:4] for case in AMBIGUOUS],
    ids=[case[4] for case in AMBIGUOUS],
)
def test_precedence_between_overlapping_patterns(dictated, expected, output, pattern):
    assert classify(dictated, expected, output) == pattern


def test_correct_pair_is_not_a_failure():
    with pytest.raises(ValueError):
        classify("ls space dash l a", "ls -la", "ls -la")


def test_patterns_are_the_report_order():
    assert PATTERNS == (
        "spacing", "context_symbol", "long_distance", "nested_quoting", "directive_scope",
        "number", "casing", "content", "other",
    )


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("ls -la | grep x", ["ls", "-la", "|", "grep", "x"]),
        ("make && ./run || echo x; ls", ["make", "&&", "./run", "||", "echo", "x", ";", "ls"]),
        ("cmd > out.txt 2>&1", ["cmd", ">", "out.txt", "2>&1"]),
        ("echo hi >> log", ["echo", "hi", ">>", "log"]),
        ('grep "foo bar" notes.txt', ["grep", '"foo bar"', "notes.txt"]),
        ("echo 'a | b' ''", ["echo", "'a | b'", "''"]),
        ('--name="a b" x', ['--name="a b"', "x"]),
        ('echo "unclosed | quote', ["echo", '"unclosed | quote']),
        ("echo it's", ["echo", "it", "'s"]),
        ("", []),
        ("   ", []),
        ("trailing \\", ["trailing", "\\"]),
        ("x86_64 192.168.0.1", ["x86_64", "192.168.0.1"]),
    ],
)
def test_shell_tokens(text, tokens):
    assert shell_tokens(text) == tokens


def test_first_divergence():
    assert first_divergence("ls -la", "ls -al") == 4
    assert first_divergence("ls", "ls -la") == 2
    assert first_divergence("abc", "xbc") == 0


_SHELLISH = st.text(alphabet="aZ1 9-_.'\"|&;<>()\\/\n\t\u00a0é")


@settings(max_examples=300, deadline=None)
@given(
    dictated=st.one_of(st.text(), _SHELLISH, st.just("snake case max retries space count")),
    expected=st.one_of(st.text(), _SHELLISH),
    output=st.one_of(st.text(), _SHELLISH),
)
def test_classify_is_total_on_distinct_strings(dictated, expected, output):
    if expected == output:
        with pytest.raises(ValueError):
            classify(dictated, expected, output)
    else:
        assert classify(dictated, expected, output) in PATTERNS


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), _SHELLISH))
def test_shell_tokens_never_raise_and_keep_every_visible_character(text):
    assert "".join("".join(shell_tokens(text)).split()) == "".join(text.split())
