"""The ``dictbash`` command line: one subcommand a job, each with ``--help`` and examples."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


def _settings(args: argparse.Namespace):
    """The settings in effect: config file, then the flags given on this command line."""
    from .config import load_settings

    flags = {"model": "model", "adapter": "adapter", "recogniser": "recogniser",
             "microphone": "microphone", "key": "push_to_talk_key", "mode": "mode",
             "threads": "threads"}
    overrides = {key: getattr(args, flag, None) for flag, key in flags.items()}
    if getattr(args, "no_model", False):
        overrides["use_model"] = False
    return load_settings(overrides)


def _engine(settings):
    """The engine, hearing your words (``engine.words``)."""
    from .engine import Engine
    from .words import PersonalEngine

    return PersonalEngine(Engine(model_dir=settings.model or None,
                                 adapter_dir=settings.adapter or None,
                                 use_model=settings.use_model))


def _recognizer(settings):
    """The recogniser, its repair knowing your words; RecognizerUnavailable if it cannot be."""
    from .recognizer import Recognizer
    from .words import PersonalRecognizer

    return PersonalRecognizer(Recognizer(settings.recogniser or None, threads=settings.threads))


def _print_result(result, args: argparse.Namespace, extra: dict | None = None) -> None:
    """One converted utterance as ``convert`` and ``transcribe`` print it."""
    if args.json:
        print(json.dumps({**(extra or {}), **result.to_dict()}, ensure_ascii=False))
    else:
        print(result.output)
    if getattr(args, "explain", False):
        _explain(result, args.keep_prose)
    for warning in result.warnings:
        print(f"dictbash: {warning}", file=sys.stderr)
    if result.text.strip() and not result.output:
        print("dictbash: no command in it, nothing typed (--keep-prose types prose as said)",
              file=sys.stderr)


def _convert(args: argparse.Namespace) -> int:
    if args.text:
        utterances = [" ".join(args.text)]
    elif not sys.stdin.isatty():
        utterances = [line.rstrip("\n") for line in sys.stdin]
    else:
        print("dictbash convert: give the dictation as arguments or on standard input "
              "(one utterance a line)", file=sys.stderr)
        return EXIT_USAGE
    from .client import convert as served

    settings = _settings(args)
    flags = {"from_recogniser": args.from_recogniser, "keep_prose": args.keep_prose}
    results = None if args.no_server else served(utterances, settings, **flags)
    if results is None:  # no server running (or it has other settings): alone
        results = _engine(settings).convert_many(utterances, **flags)
    converted = 0
    for result in results:
        converted += result.route != "unchanged"
        _print_result(result, args)
    return EXIT_OK if converted else EXIT_NOTHING


def _transcribe(args: argparse.Namespace) -> int:
    """Audio files through the recogniser and the engine, one command a file: by a running
    server (``dictbash serve``), else alone."""
    from .audio import AudioError
    from .client import Transcriber
    from .recognizer import RecognizerUnavailable
    from .server import transcribe_file

    settings = _settings(args)
    served = None if args.no_server else Transcriber.running(settings)
    recognizer = engine = None
    status = EXIT_NOTHING
    for path in args.files:
        try:
            heard = served.transcribe(path, args.keep_prose) if served else None
            if heard is None:
                served = None  # none running (or it has other settings): alone from here
                if recognizer is None:
                    try:
                        recognizer = _recognizer(settings)
                    except RecognizerUnavailable as error:
                        print(f"dictbash transcribe: {error}", file=sys.stderr)
                        return EXIT_USAGE
                    engine = _engine(settings)
                heard = transcribe_file(recognizer, engine, path, args.keep_prose)
        except AudioError as error:
            print(f"dictbash transcribe: {error}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        for note in heard["notes"]:
            print(f"dictbash: {note}", file=sys.stderr)
        result = heard["result"]
        if result is None:
            print(f"dictbash transcribe: no speech heard in {path} (silence or noise): "
                  "nothing typed", file=sys.stderr)
            continue
        _print_result(result, args, {"file": str(path), "heard": heard["heard"],
                                     "recogniser_raw": heard["raw"],
                                     "audio_s": heard["audio_s"],
                                     "recogniser_s": heard["recogniser_s"]})
        if result.route != "unchanged" and status != EXIT_USAGE:
            status = EXIT_OK
    return status


def _listen(args: argparse.Namespace) -> int:
    """The live REPL; without a working microphone or recogniser, typed dictation only."""
    from .audio import AudioError, Microphone, list_microphones
    from .recognizer import RecognizerUnavailable
    from .repl import VoiceRepl, default_history

    if args.list_microphones:
        try:
            print("\n".join(list_microphones()) or "no input devices found")
            return EXIT_OK
        except AudioError as error:
            print(f"dictbash listen: {error}", file=sys.stderr)
            return EXIT_USAGE
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print("dictbash listen: needs a terminal; for files use dictbash transcribe, for "
              "text dictbash convert", file=sys.stderr)
        return EXIT_USAGE
    settings = _settings(args)
    recognizer = microphone = None
    note = ""
    if args.no_voice:
        note = "voice off (--no-voice): typed dictation only"
    else:
        try:
            print("loading the recogniser...", file=sys.stderr)
            recognizer = _recognizer(settings)
            microphone = Microphone(settings.microphone or None)
        except (RecognizerUnavailable, AudioError) as error:
            note = f"voice off: {error}. Typed dictation still works."
    repl = VoiceRepl(_engine(settings), recognizer, microphone, mode=settings.mode,
                     key=settings.push_to_talk_key, voice_note=note,
                     history=default_history())
    return repl.run()


def _config(args: argparse.Namespace) -> int:
    from .config import config_path, describe

    path = config_path()
    print(f"# {path} ({'found' if path.is_file() else 'not there yet: create it to change these'})")
    print(describe(_settings(args)))
    return EXIT_OK


def _explain(result, keep_prose: bool) -> None:
    """Which spoken words became which characters, span by span."""
    from processor import explain

    print(f"  route {result.route}, confidence {result.confidence:.2f}")
    if result.taken_back:
        print(f"  taken back (said, then said again): {result.taken_back!r}")
    if result.request:
        print(f"  request around the command, dropped: {result.request!r}")
    for span in result.spans:
        if span.kind == "prose":
            print(f"  prose, {'kept as said' if keep_prose else 'not typed'}: {span.said!r}")
            continue
        print(f"  command by {span.route}: {span.said!r}")
        if span.route == "model":
            print(f"    model's protocol words: {span.protocol!r}")
        for token in explain(span.protocol).tokens:
            print(f"    {' '.join(token.words):<28} -> {token.output!r:<16} {token.rule}")


def _serve(args: argparse.Namespace) -> int:
    from . import client
    from .server import AlreadyRunning, ServerError, serve

    try:
        if args.status:
            return client.show_status(args.json)
        if args.stop:
            return client.stop()
        return serve(_settings(args))
    except ServerError as error:
        print(f"dictbash serve: {error}", file=sys.stderr)
        return EXIT_NOTHING if isinstance(error, AlreadyRunning) else EXIT_USAGE


def _init(args: argparse.Namespace) -> int:
    from .shell_init import snippet

    try:
        print(snippet(args.shell, args.binding, args.typed, args.next_key), end="")
    except ValueError as error:
        print(f"dictbash init: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _dictate(args: argparse.Namespace) -> int:
    from .shell_init import dictate

    try:
        return dictate(_settings(args), args.binding, args.typed, args.next_key)
    except ValueError as error:
        print(f"dictbash dictate: {error}", file=sys.stderr)
        return EXIT_USAGE


def _bench(args: argparse.Namespace) -> int:
    from bench.microbench import main as bench_main

    return bench_main(args.json_out, voice=not args.no_voice)


def _add_output_flags(parser: argparse.ArgumentParser, json_help: str) -> None:
    parser.add_argument("--json", action="store_true", help=json_help)
    parser.add_argument("--explain", action="store_true",
                        help="show which spoken words produced which characters")


def _add_mode_flags(parser: argparse.ArgumentParser, recogniser: bool) -> None:
    """How the words given are read, and what is typed of them (PROTOCOL.md section 4)."""
    parser.add_argument("--keep-prose", action="store_true",
                        help="text mode: keep prose as said and convert the commands in it "
                             "(default: command mode, the command alone)")
    if recogniser:
        parser.add_argument("--from-recogniser", action="store_true",
                            help="the text is a speech recogniser's: its case and sentence "
                                 "punctuation are noise (default: typed case is meaning)")


def _add_engine_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-model", action="store_true",
                        help="never load the model: the processor renders every command")
    parser.add_argument("--model", metavar="DIR",
                        help="an mlx-lm model directory (default: the embedded SmolLM2-135M)")
    parser.add_argument("--adapter", metavar="DIR",
                        help="the tagger adapter trained for that model (default: the shipped one)")


def _add_recogniser_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recogniser", metavar="DIR",
                        help="a faster-whisper model directory "
                             "(default: the embedded, adapted tiny.en)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="CPU threads for the recogniser (default 2)")


LIGHT = ("convert", "transcribe", "listen", "config", "serve", "init", "dictate", "words",
         "bench")
"""Subcommands whose parsers import nothing: for these the others (eval, data, train: bench,
models, classifiers, numpy; about half a second) are not registered, so a command that only
talks to a running server starts in milliseconds."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; for a ``command`` in ``LIGHT``, with the light subcommands alone."""
    parser = argparse.ArgumentParser(
        prog="dictbash",
        description="Dictation to bash: speak a shell command, get the command typed.",
        epilog='example: dictbash convert "git space push space dash u space origin space main"',
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    convert = sub.add_parser(
        "convert", help="convert dictation to a command",
        description="Convert dictation to a command. Exit 0 converted, 1 nothing to convert, "
                    "2 usage or input error.",
        epilog='examples:\n  dictbash convert "ls space dash l a"\n'
               '  echo "cat space notes dot md" | dictbash convert\n'
               '  dictbash convert --explain "tar space dash x z f space a dot tar"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert.add_argument("text", nargs="*", help="the dictation (default: standard input)")
    _add_output_flags(convert, "print the whole result as JSON")
    _add_mode_flags(convert, recogniser=True)
    _add_engine_flags(convert)
    convert.add_argument("--no-server", action="store_true",
                         help="work alone even where dictbash serve is running")
    convert.set_defaults(func=_convert)

    transcribe = sub.add_parser(
        "transcribe", help="transcribe audio files and convert what was said",
        description="Transcribe dictation from audio files (WAV, FLAC, MP3; any rate or "
                    "channels) with faster-whisper and print one command a file. Exit 0 "
                    "converted, 1 nothing heard or nothing to convert, 2 a file or the "
                    "recogniser could not be used.",
        epilog="examples:\n  dictbash transcribe take1.wav\n"
               "  dictbash transcribe --json take1.wav take2.wav\n"
               "  dictbash transcribe --recogniser ~/models/faster-whisper-base.en take1.wav",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    transcribe.add_argument("files", nargs="+", metavar="FILE", help="audio files")
    _add_output_flags(transcribe, "print the transcript and the whole result as JSON")
    _add_mode_flags(transcribe, recogniser=False)
    _add_engine_flags(transcribe)
    _add_recogniser_flags(transcribe)
    transcribe.add_argument("--no-server", action="store_true",
                            help="work alone even where dictbash serve is running")
    transcribe.set_defaults(func=_transcribe)

    listen = sub.add_parser(
        "listen", help="the live voice REPL: speak, check, accept",
        description="Speak a command (push-to-talk or hands-free) or type a dictation; the "
                    "command appears in an editable prompt. Enter accepts it (printed, and "
                    "copied where a clipboard tool exists); running it needs a second, explicit "
                    "confirmation, and destructive commands are flagged first. Say \"scratch "
                    "that\" or \"undo\" to drop the last result. Ctrl-D quits.",
        epilog="examples:\n  dictbash listen                   # hold-or-press Ctrl-Space to talk\n"
               "  dictbash listen --mode vad        # hands-free: speak, pause, done\n"
               "  dictbash listen --key f2 --microphone 3\n"
               "  dictbash listen --list-microphones",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listen.add_argument("--mode", choices=("toggle", "hold", "vad"),
                        help="toggle: the key starts and stops; hold: talk while the key is "
                             "held; vad: hands-free, an utterance ends at a pause "
                             "(default: toggle, or the config file's)")
    listen.add_argument("--key", metavar="KEY",
                        help="push-to-talk key, as prompt-toolkit names it: c-space, f2, c-t "
                             "(default c-space)")
    listen.add_argument("--microphone", metavar="DEVICE",
                        help="input device number or name (see --list-microphones)")
    listen.add_argument("--list-microphones", action="store_true",
                        help="list the input devices and exit")
    listen.add_argument("--no-voice", action="store_true",
                        help="typed dictation only: no recogniser, no microphone")
    _add_engine_flags(listen)
    _add_recogniser_flags(listen)
    listen.set_defaults(func=_listen)

    config = sub.add_parser(
        "config", help="show the config file's path and the settings in effect",
        description="Print where the config file is read from ($DICTBASH_CONFIG, or the user "
                    "config directory) and every setting in effect, as TOML you can paste "
                    "into it. Flags on other commands override the file.",
        epilog="example:\n  dictbash config > ~/.config/dictbash/config.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    config.set_defaults(func=_config)

    from .words import add_parser as add_words_parser

    add_words_parser(sub)

    serve = sub.add_parser(
        "serve", help="one warm engine for this user, on a Unix socket (docs/server.md)",
        description="Serve the engine, the recogniser and the microphone, loaded once, on a "
                    "Unix socket only this user can use, until idle for server_idle_s "
                    "seconds (config). dictbash convert and transcribe use it when it runs; "
                    "the key binding of dictbash init starts it. Runs in the foreground, for "
                    "a service manager.",
        epilog="examples:\n  dictbash serve --status\n  dictbash serve --stop\n"
               "  dictbash serve &             # or let the key binding start it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--status", action="store_true",
                       help="say whether it runs: pid, socket, what is loaded, uptime (exit 1: "
                            "not running)")
    serve.add_argument("--json", action="store_true", help="--status as JSON")
    serve.add_argument("--stop", action="store_true", help="stop the running server")
    serve.add_argument("--microphone", metavar="DEVICE",
                       help="input device number or name (see dictbash listen "
                            "--list-microphones)")
    _add_engine_flags(serve)
    _add_recogniser_flags(serve)
    serve.set_defaults(func=_serve)

    init = sub.add_parser(
        "init", help="a key binding that dictates onto your shell's prompt line",
        description="Print a snippet for your shell's rc file that binds a key (Alt-v) to "
                    "dictation: press it, speak, press it again (or pause, in mode vad); the "
                    "command lands on your prompt line, never run. Ctrl-C or Esc leaves the "
                    "line as it was. Without a microphone you type the dictation instead.",
        epilog='examples:\n  eval "$(dictbash init bash)"      # in ~/.bashrc\n'
               '  eval "$(dictbash init zsh --key ctrl-g)"   # in ~/.zshrc\n'
               "  dictbash init fish | source       # in ~/.config/fish/config.fish",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("shell", choices=("bash", "zsh", "fish"))
    init.add_argument("--key", dest="binding", default="alt-v", metavar="KEY",
                      help="alt-<letter or digit> or ctrl-<letter> (default alt-v)")
    init.add_argument("--typed", action="store_true",
                      help="always type the dictation on one line instead of speaking it")
    init.add_argument("--next-key", metavar="KEY", help="the key that swaps in the next "
                      "alternative for what was inserted (default: the key's letter in the "
                      "other case, alt-V for alt-v, else alt-V)")
    init.set_defaults(func=_init)

    dictate = sub.add_parser(
        "dictate", help="one dictation through the server, the command printed (what the "
                        "key binding of dictbash init runs)",
        description="Record one dictation through dictbash serve (started if need be), with "
                    "a status line on the terminal, and print the command. Exit 0 printed, 1 "
                    "nothing to type, 2 an error, 130 cancelled.",
        epilog="example:\n  cmd=$(dictbash dictate)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    dictate.add_argument("--key", dest="binding", default="alt-v", metavar="KEY",
                         help="the key that stops the recording (the one bound; default alt-v)")
    dictate.add_argument("--typed", action="store_true",
                         help="type the dictation on one line instead of speaking it")
    dictate.add_argument("--next-key", metavar="KEY", help="print the alternatives too, each "
                         "after a \\x1e byte, naming KEY as the one that swaps them in")
    dictate.set_defaults(func=_dictate)

    bench = sub.add_parser(
        "bench", help="run the microbenchmarks and the voice end-to-end figures",
        epilog="example: dictbash bench --json-out bench.json",
    )
    bench.add_argument("--json-out", metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--no-voice", action="store_true",
                       help="skip the voice figures (80 espeak-ng utterances and the 480 "
                            "stored files of bench/data/voice end to end, about 20 minutes)")
    bench.set_defaults(func=_bench)

    if command in LIGHT:
        return parser
    from bench.datacheck import add_data_parser
    from bench.evaluate import add_eval_parser

    from bench.voiceset import add_eval_voice_parser

    add_eval_parser(sub)
    add_eval_voice_parser(sub)
    add_data_parser(sub)

    from models.train import add_train_parser as add_train_model

    train = sub.add_parser("train", help="train the classifiers or the model")
    train_sub = train.add_subparsers(dest="train_command", metavar="WHAT", required=True)
    add_train_model(train_sub)
    from classifiers.train import add_train_parser as add_train_classifiers

    add_train_classifiers(train_sub)
    from models.recogniser_train import add_train_parser as add_train_recogniser

    add_train_recogniser(train_sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .config import ConfigError

    given = sys.argv[1:] if argv is None else argv
    parser = build_parser(next((word for word in given if not word.startswith("-")), None))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"dictbash: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
