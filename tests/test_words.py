"""Your words (``engine.words``): the file and ``dictbash words``, spoken forms typed as their
names through every entry point, your programs read as programs by the classifiers and shown
to the recogniser, nothing else changed on the held-out sets, and the file read again as it
changes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Engine
from engine.words import (PersonalEngine, Word, Words, WordsError, checked, history_programs,
                          load_words, path_programs, save_words, unknown)

DICTBASH = str(Path(sys.executable).with_name("dictbash"))
MINE = [Word("kubectl", ["kube control", "cube cuttle"], "program"),
        Word("build-01.lan", ["build box"], "host"),
        Word("feature/login", ["feature login branch"], "branch"),
        Word("dictbash", [], "project")]
DATA = Path(__file__).parents[1] / "bench" / "data"


def words_cli(*argv, path):
    return subprocess.run([DICTBASH, "words", *argv], capture_output=True, text=True,
                          env={**os.environ, "DICTBASH_WORDS": str(path)})


def test_add_list_remove_through_the_file(tmp_path):
    path = tmp_path / "words.toml"
    assert words_cli("list", path=path).returncode == 1
    done = words_cli("add", "kubectl", "--say", "Kube Control", "--kind", "program", path=path)
    assert done.returncode == 0, done.stderr
    assert words_cli("add", "kubectl", "--say", "cube cuttle", path=path).returncode == 0
    assert load_words(path) == [Word("kubectl", ["kube control", "cube cuttle"], "program")]
    assert "kubectl  (program)  said: kube control, cube cuttle" in words_cli(
        "list", path=path).stdout
    assert words_cli("remove", "kubectl", path=path).returncode == 0
    assert load_words(path) == [] and words_cli("remove", "kubectl", path=path).returncode == 1


@pytest.mark.parametrize("argv, says", [
    (["add", "x", "--say", "dash dash"], "dictation's own words"),
    (["add", "two words"], "a name is one shell word"),
    (["add", "kubectl", "--kind", "planet"], "invalid choice"),
])
def test_a_word_that_cannot_be_used_is_one_line(tmp_path, argv, says):
    done = words_cli(*argv, path=tmp_path / "words.toml")
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


def test_one_spoken_form_means_one_name(tmp_path):
    path = tmp_path / "words.toml"
    words_cli("add", "build-01.lan", "--say", "build box", path=path)
    done = words_cli("add", "build-02.lan", "--say", "Build box", path=path)
    assert done.returncode == 2 and "already means build-01.lan" in done.stderr


def test_a_broken_file_is_said_and_the_engine_still_works(tmp_path):
    path = tmp_path / "words.toml"
    path.write_text("[[word]]\nsay = 3\n")
    with pytest.raises(WordsError, match="must have a name"):
        load_words(path)
    result = PersonalEngine(Engine(use_model=False), path).convert("git space status")
    assert result.output == "git status"
    assert any("your words are not used" in warning for warning in result.warnings)


def test_spoken_forms_become_their_names():
    words = Words([checked(word) for word in MINE])
    assert words.respell("Kube control space get space pods.") == "kubectl space get space pods."
    assert words.respell("ssh space build box,") == "ssh space build-01.lan,"
    assert words.respell("git space checkout space feature login branch") == \
        "git space checkout space feature/login"
    assert words.respell("cube space cuttle") == "cube space cuttle"  # not the form as said
    text = "kube space control"
    assert words.respell(text) is text


def test_the_engine_types_the_names(tmp_path):
    path = tmp_path / "words.toml"
    save_words([checked(word) for word in MINE], path)
    engine = PersonalEngine(Engine(use_model=False), path)
    assert engine.convert("kube control space get space pods").output == "kubectl get pods"
    assert engine.convert("scp space notes dot md space build box colon tilde").output == \
        "scp notes.md build-01.lan:~"
    save_words([], path)  # read again as it changes (a running server follows the file)
    assert engine.convert("kube control space get space pods").output == "kubecontrol get pods"


def test_nothing_else_changes_on_the_held_out_sets():
    """Every held-out utterance that says no spoken form reaches the engine exactly as it
    was said, so its command cannot change; the ones that do are counted (none here)."""
    words = Words([checked(word) for word in MINE])
    rows = [json.loads(line) for path in sorted(DATA.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [row["dictated"] for row in rows if isinstance(row.get("dictated"), str)]
    assert len(texts) > 1000
    assert [text for text in texts if words.respell(text) != text] == []


ZORB = Word("zorbctl", ["zorb control"], "program")
"""A program no classifier has read."""
PLAIN_COMMANDS = {"zorbctl push origin main": "zorbctl push origin main",
                  "zorbctl help": "zorbctl help", "Zorbctl logs web.": "zorbctl logs web",
                  "zorb control get pods": "zorbctl get pods"}


def test_your_program_in_plain_words_is_a_command(tmp_path):
    """A command in plain words of a program the classifiers do not know reads as prose, so
    nothing was typed; as your program it is a command (``docker up`` was already one)."""
    path = tmp_path / "words.toml"
    engine = PersonalEngine(Engine(use_model=False), path)
    assert [engine.convert(said).output for said in PLAIN_COMMANDS] == [""] * len(PLAIN_COMMANDS)
    save_words([checked(ZORB)], path)
    assert [engine.convert(said, from_recogniser=said[0].isupper()).output
            for said in PLAIN_COMMANDS] == list(PLAIN_COMMANDS.values())
    assert engine.convert("zorbctl help", keep_prose=True).route == "processor"
    save_words([], path)  # forgotten again: prose
    assert engine.convert("zorbctl help").output == ""


def test_the_classifiers_forget_your_programs_to_the_byte():
    """``know`` with no names gives the shipped classifiers back exactly; a known program
    (``git``) is left as it was learnt."""
    engine = Engine(use_model=False)
    texts = ["deploy space dash dash prod", "zorbctl up", "git space add space dot", "deploy up"]
    gate, segmenter = engine._gate, engine._segmenter
    before = (gate.transform(texts).tolist(), [segmenter.word_scores(t).tolist() for t in texts],
              gate.programs_)
    engine.know_programs({"zorbctl", "deploy", "git"})
    spacer = engine._spacer
    assert {"zorbctl", "deploy"} <= gate.programs_ and "deploy" not in segmenter.vocabulary_
    assert "git" in segmenter.vocabulary_ and "w0=git" in spacer.weights_
    assert not any(name.endswith("=deploy") for name in spacer.weights_)
    assert segmenter.word_scores("deploy up").tolist() != before[1][3]
    engine.know_programs(set())
    assert (gate.transform(texts).tolist(), [segmenter.word_scores(t).tolist() for t in texts],
            gate.programs_) == before
    assert spacer.weights_ is spacer._own_weights


def test_your_programs_change_nothing_else_on_held_out_rows():
    """The engine with your words (a program it does not know among them) types what it typed
    without them on the first 50 strict and loose held-out rows."""
    rows = [json.loads(line) for name in ("strict", "loose") if (DATA / f"{name}.jsonl").is_file()
            for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()[:50]]
    if not rows:
        pytest.skip(f"no held-out sets in {DATA}")
    engine = Engine()
    texts = [row["dictated"] for row in rows]
    without = [result.output for result in engine.convert_many(texts)]
    words = Words([checked(word) for word in [*MINE, ZORB]])
    assert {"kubectl", "zorbctl"} <= words.programs()
    engine.know_programs(words.programs())
    assert [result.output for result in engine.convert_many(texts)] == without


def test_personal_words_reach_the_repair_lexicon():
    lexicon = Words([checked(word) for word in MINE]).lexicon()
    assert {"kubectl", "kube", "cuttle", "box", "dictbash"} <= lexicon.known
    assert lexicon.prior("kubectl", program=True) > 1.0 and "build-01.lan" not in lexicon.known
    assert Words([]).lexicon() is None


def test_convert_and_transcribe_use_them(tmp_path):
    path = tmp_path / "words.toml"
    save_words([checked(Word("kubectl", ["cube control", "kube control"], "program"))], path)
    env = {**os.environ, "DICTBASH_WORDS": str(path), "XDG_RUNTIME_DIR": str(tmp_path)}
    done = subprocess.run([DICTBASH, "convert", "--no-model", "Kube control space get space pods"],
                          capture_output=True, text=True, env=env)
    assert done.stdout == "kubectl get pods\n"
    from test_voice_io import need

    need("espeak-ng")
    wav = tmp_path / "kube.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-g", "8", "-w", wav,
                    "kube control space get space pods"], check=True)
    done = subprocess.run([DICTBASH, "transcribe", "--no-model", "--json", wav],
                          capture_output=True, text=True, env=env)
    record = json.loads(done.stdout)
    assert record["output"] == "kubectl get pods", record["heard"]


def test_imports_find_programs_the_lexicon_does_not_know(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, mode in (("mytool", 0o755), ("git", 0o755), ("notes.txt", 0o644),
                       ("Upper", 0o755), ("plain", 0o644)):
        (folder / name).write_text("")
        (folder / name).chmod(mode)
    assert path_programs(str(folder)) == ["git", "mytool"]
    assert unknown(path_programs(str(folder)), []) == ["mytool"]
    assert unknown(["mytool"], [Word("mytool")]) == []
    (tmp_path / ".bash_history").write_text("deploytool up\ndeploytool down\nsudo mytool\n"
                                            "mytool -v\nonce\n")
    (tmp_path / ".zsh_history").write_text(": 1700000000:0;deploytool status\n")
    fish = tmp_path / ".local" / "share" / "fish"
    fish.mkdir(parents=True)
    (fish / "fish_history").write_text("- cmd: mytool again\n  when: 1700000000\n")
    assert history_programs(tmp_path) == ["deploytool", "mytool"]
