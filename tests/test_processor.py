"""PROTOCOL.md section 1, rule by rule, with expected outputs written by hand."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from processor import explain, process
from processor.vocabulary import PROTOCOL_WORDS


def check(cases):
    for said, typed in cases:
        assert process(said) == typed, said


def test_joining_and_space():
    check([
        ("ls space dash l a", "ls -la"),
        ("git space push space dash u space origin space main", "git push -u origin main"),
        ("cat space notes dot md", "cat notes.md"),
        ("ls space space dash l", "ls  -l"),
        ("echo", "echo"),
        ("", ""),
    ])


@pytest.mark.parametrize("said,typed", [
    ("dash", "-"), ("minus", "-"), ("hyphen", "-"), ("dot", "."), ("period", "."),
    ("slash", "/"), ("backslash", "\\"), ("pipe", "|"), ("redirect", ">"), ("append", ">>"),
    ("star", "*"), ("asterisk", "*"), ("bang", "!"), ("hash", "#"), ("hashtag", "#"),
    ("tilde", "~"), ("at", "@"), ("dollar", "$"), ("percent", "%"), ("caret", "^"),
    ("ampersand", "&"), ("equals", "="), ("plus", "+"), ("colon", ":"), ("semicolon", ";"),
    ("underscore", "_"), ("comma", ","), ("quote", '"'), ("backtick", "`"),
])
def test_single_word_symbols(said, typed):
    assert process(said) == typed


@pytest.mark.parametrize("said,typed", [
    ("single quote", "'"), ("dash dash", "--"), ("double dash", "--"), ("minus minus", "--"),
    ("open paren", "("), ("close paren", ")"), ("open parenthesis", "("),
    ("close parenthesis", ")"), ("and and", "&&"), ("open brace", "{"), ("close brace", "}"),
    ("open curly", "{"), ("close curly", "}"), ("pipe pipe", "||"), ("open bracket", "["),
    ("close bracket", "]"), ("dot dot", ".."), ("open angle", "<"), ("close angle", ">"),
    ("less than", "<"), ("greater than", ">"), ("two redirect", "2>"),
    ("two redirect ampersand", "2>&"), ("question mark", "?"), ("new line", "\n"),
    ("forward slash", "/"), ("back slash", "\\"), ("equals sign", "="), ("at sign", "@"),
    ("dollar sign", "$"), ("exclamation mark", "!"), ("exclamation point", "!"),
])
def test_multi_word_symbols(said, typed):
    assert process(said) == typed


def test_longest_match_and_repeats():
    check([
        ("dot dot dot", "..."),
        ("slash slash", "//"),
        ("two redirect ampersand one", "2>&1"),
        ("dash dash dash", "---"),
        ("dot dot slash", "../"),
        ("ls space two redirect ampersand one", "ls 2>&1"),
        ("make space and and space make space install", "make && make install"),
        ("true space pipe pipe space false", "true || false"),
    ])


def test_lone_halves_of_phrases_are_words():
    check([
        ("less", "less"), ("question", "question"), ("and", "and"), ("open", "open"),
        ("close", "close"), ("single", "single"), ("double", "double"),
        ("open space file", "open file"), ("less space notes dot txt", "less notes.txt"),
    ])


def test_extra_spellings_decided_in_vocabulary():
    check([
        ("double quote", '"'), ("back tick", "`"), ("semi colon", ";"),
        ("under score", "_"), ("newline", "\n"),
    ])


def test_digit_strings():
    check([
        ("one nine two", "192"), ("zero seven five five", "0755"), ("eight zero eight zero", "8080"),
        ("zero", "0"), ("zero zero", "00"), ("one zero zero", "100"),
    ])


def test_compound_numbers():
    check([
        ("forty two", "42"), ("one hundred", "100"), ("three thousand", "3000"),
        ("two hundred fifty", "250"), ("three thousand two hundred", "3200"),
        ("two thousand twenty four", "2024"), ("ten", "10"), ("nineteen", "19"),
        ("one hundred five", "105"), ("two hundred thousand", "200000"),
        ("nineteen hundred", "1900"), ("one million", "1000000"), ("hundred", "100"),
    ])


def test_numbers_compose_by_joining():
    check([
        ("one ninety two", "192"), ("x eighty six underscore sixty four", "x86_64"),
        ("s three", "s3"), ("ten dot zero dot zero dot one", "10.0.0.1"),
        ("twenty twenty four", "2024"), ("nineteen eighty four", "1984"),
        ("eighty eighty", "8080"), ("forty four three", "443"), ("twenty zero five", "2005"),
        ("python three", "python3"), ("one nine two dot one six eight dot one dot ten", "192.168.1.10"),
    ])


def test_decimal_point():
    check([
        ("zero point seven", "0.7"), ("three point one four", "3.14"),
        ("point", "point"), ("echo space point", "echo point"), ("one space point", "1 point"),
        ("version point two", "versionpoint2"),
    ])


def test_letters_and_unknown_words_pass_through():
    check([
        ("dash x v f", "-xvf"), ("my dash app", "my-app"), ("file dot txt", "file.txt"),
        ("kubectl", "kubectl"), ("README", "README"), ("café", "café"),
    ])


def test_capital():
    check([
        ("capital readme", "Readme"), ("dash capital r", "-R"), ("capital x", "X"),
        ("capital readme dot md", "Readme.md"), ("capital hello capital world", "HelloWorld"),
    ])


def test_all_caps_reaches_one_word():
    check([
        ("all caps node underscore all caps env", "NODE_ENV"), ("all caps todo", "TODO"),
        ("all caps node env", "NODEenv"), ("allcaps path", "PATH"), ("all-caps path", "PATH"),
    ])


def test_case_styles_and_their_scope():
    check([
        ("camel case get user name", "getUserName"), ("snake case max retries", "max_retries"),
        ("screaming case max retries", "MAX_RETRIES"), ("kebab case my app", "my-app"),
        ("pascal case user service", "UserService"),
        # scope ends at space, a symbol word, a number, a casing word, or the end
        ("snake case max retries space three", "max_retries 3"),
        ("camel case get user dot js", "getUser.js"),
        ("snake case http two", "http2"),
        ("camel case get user capital name", "getUserName"),
        ("kebab case my app all caps x", "my-appX"),
        # recogniser run-together spellings
        ("camelcase get user", "getUser"), ("camel-case get user", "getUser"),
        ("snakecase a b", "a_b"), ("pascal-case a b", "AB"),
        # words inside a scope are lower-cased first
        ("camel case Get User", "getUser"),
    ])


def test_directive_with_nothing_to_act_on_types_nothing():
    check([("snake case", ""), ("capital", ""), ("ls space capital", "ls "), ("snake case dash x", "-x")])


def test_quotes_put_spaces_between_plain_words():
    check([
        ("quote hello world quote", '"hello world"'),
        ("single quote hello world single quote", "'hello world'"),
        ("echo space quote hello world quote space redirect space out dot txt",
         'echo "hello world" > out.txt'),
        ("quote hello space world quote", '"hello world"'),  # no double space
        ("quote file dot txt quote", '"file.txt"'),          # symbols still join
        ("quote x eighty six quote", '"x86"'),               # numbers still join
        ("quote capital hello world quote", '"Hello world"'),
        ("hello world", "helloworld"),                       # outside quotes: joining holds
        ("quote hello quote world", '"hello"world'),
    ])


def test_quotes_nest_like_the_shell():
    check([
        # inside double quotes a single quote is a plain character
        ("quote it single quote s mine quote", "\"it's mine\""),
        ("single quote say quote hi quote single quote", "'say\"hi\"'"),
        ("quote quote", '""'), ("single quote single quote", "''"),
        # an escaped quote does not close the string
        ("quote a backslash quote b quote", '"a\\"b"'),
        ("quote a b quote space file", '"a b" file'),
    ])


def test_input_as_people_and_recognisers_give_it():
    check([
        ("  ls   space   dash l  ", "ls -l"),
        ("ls Space Dash L A", "ls -LA"),
        ("cat space notes dot.", "cat notes."),
        ("ls, space, dash, l.", "ls -l"),
        ("echo space hi!", "echo hi"),
        ("Camel Case get user", "getUser"),
        ("ls\tspace\ndash l", "ls -l"),
    ])


def test_explain_maps_words_to_characters():
    result = explain("ls space dash l a space capital readme dot md")
    assert result.output == "ls -la Readme.md"
    assert [(t.words, t.output, t.rule) for t in result.tokens] == [
        (("ls",), "ls", "word"), (("space",), " ", "space"), (("dash",), "-", "symbol"),
        (("l",), "l", "word"), (("a",), "a", "word"), (("space",), " ", "space"),
        (("capital",), "", "capital"), (("readme",), "Readme", "capital + word"),
        (("dot",), ".", "symbol"), (("md",), "md", "word"),
    ]
    for token in result.tokens:
        assert result.output[token.out_start:token.out_end] == token.output


def test_explain_rules_for_phrases_numbers_and_styles():
    result = explain("two redirect ampersand one space snake case max retries space quote a b quote")
    assert [(t.start, t.end, t.output, t.rule) for t in result.tokens] == [
        (0, 3, "2>&", "symbol"), (3, 4, "1", "number"), (4, 5, " ", "space"),
        (5, 9, "max_retries", "snake case"), (9, 10, " ", "space"), (10, 11, '"', "quote"),
        (11, 12, "a", "word"), (12, 13, " b", "word"), (13, 14, '"', "quote"),
    ]


words = st.sampled_from(sorted(PROTOCOL_WORDS) + ["ls", "a", "x", "Dash", "dot.", "é", "🙂", "\x00"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=30))
def test_process_never_raises_on_protocol_soup(said):
    text = " ".join(said)
    assert process(text) == explain(text).output


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_process_never_raises_on_any_unicode(text):
    assert isinstance(process(text), str)


def test_hesitation_sounds_however_spelt_and_their_one_spelling():
    from processor.speech import hesitation_spelling, is_hesitation

    sounds = {"hm": "hmm", "hmmm": "hmm", "Hmm": "hmm", "uhhh": "uh", "umm": "um", "errr": "er",
              "erm": "erm", "ehm": "ehm", "mmhmm": "mhm", "ahh": "ah"}
    for said, spelling in sounds.items():
        assert is_hesitation(said) and hesitation_spelling(said) == spelling, said
    for word in ("hum", "ham", "the", "rm", "her", "mm2", "um-"):  # words, not sounds
        assert not is_hesitation(word) and hesitation_spelling(word) == word, word
