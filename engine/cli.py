"""The ``dictbash`` command line: one subcommand a job, each with ``--help`` and examples."""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


def _convert(args: argparse.Namespace) -> int:
    from processor import explain

    from .engine import Engine

    if args.text:
        utterances = [" ".join(args.text)]
    elif not sys.stdin.isatty():
        utterances = [line.rstrip("\n") for line in sys.stdin]
    else:
        print("dictbash convert: give the dictation as arguments or on standard input "
              "(one utterance a line)", file=sys.stderr)
        return EXIT_USAGE
    engine = Engine()
    converted = 0
    for text in utterances:
        result = engine.convert(text)
        converted += bool(result.output)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            print(result.output)
        if args.explain:
            for token in explain(text).tokens:
                print(f"  {' '.join(token.words):<28} -> {token.output!r:<16} {token.rule}")
        for warning in result.warnings:
            print(f"dictbash: {warning}", file=sys.stderr)
    return EXIT_OK if converted else EXIT_NOTHING


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
