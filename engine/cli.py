"""The ``dictbash`` command line: one subcommand a job, each with ``--help`` and examples."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


def _convert(args: argparse.Namespace) -> int:
    from .engine import Engine

    if args.text:
        utterances = [" ".join(args.text)]
    elif not sys.stdin.isatty():
        utterances = [line.rstrip("\n") for line in sys.stdin]
    else:
        print("dictbash convert: give the dictation as arguments or on standard input "
              "(one utterance a line)", file=sys.stderr)
        return EXIT_USAGE
    engine = Engine(model_dir=args.model, adapter_dir=args.adapter, use_model=not args.no_model)
    converted = 0
    for result in engine.convert_many(utterances):
        converted += result.route != "unchanged"
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            print(result.output)
        if args.explain:
            _explain(result)
        for warning in result.warnings:
            print(f"dictbash: {warning}", file=sys.stderr)
    return EXIT_OK if converted else EXIT_NOTHING


def _explain(result) -> None:
    """Which spoken words became which characters, span by span."""
    from processor import explain

    print(f"  route {result.route}, confidence {result.confidence:.2f}")
    for span in result.spans:
        if span.kind == "prose":
            print(f"  prose, kept as said: {span.said!r}")
            continue
        print(f"  command by {span.route}: {span.said!r}")
        if span.route == "model":
            print(f"    model's protocol words: {span.protocol!r}")
        for token in explain(span.protocol).tokens:
            print(f"    {' '.join(token.words):<28} -> {token.output!r:<16} {token.rule}")


def _bench(args: argparse.Namespace) -> int:
    from bench.microbench import main as bench_main

    return bench_main(args.json_out)


def build_parser() -> argparse.ArgumentParser:
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
    convert.add_argument("--json", action="store_true", help="print the whole result as JSON")
    convert.add_argument("--explain", action="store_true",
                         help="show which spoken words produced which characters")
    convert.add_argument("--no-model", action="store_true",
                         help="never load the model: the processor renders every command")
    convert.add_argument("--model", metavar="DIR",
                         help="an mlx-lm model directory (default: the embedded SmolLM2-135M)")
    convert.add_argument("--adapter", metavar="DIR",
                         help="the tagger adapter trained for that model (default: the shipped one)")
    convert.set_defaults(func=_convert)

    bench = sub.add_parser(
        "bench", help="run the microbenchmarks and print medians and p95s",
        epilog="example: dictbash bench --json-out bench.json",
    )
    bench.add_argument("--json-out", metavar="FILE", help="also write the figures as JSON")
    bench.set_defaults(func=_bench)

    from bench.datacheck import add_data_parser
    from bench.evaluate import add_eval_parser

    add_eval_parser(sub)
    add_data_parser(sub)

    from models.train import add_train_parser as add_train_model

    train = sub.add_parser("train", help="train the classifiers or the model")
    train_sub = train.add_subparsers(dest="train_command", metavar="WHAT", required=True)
    add_train_model(train_sub)
    from classifiers.train import add_train_parser as add_train_classifiers

    add_train_classifiers(train_sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
