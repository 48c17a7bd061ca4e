"""Rendering of ``dictbash eval`` results: the plain summary, the Markdown report, the PNG chart
and the comparison of two runs.

Kept apart from ``bench.evaluate`` so that the figures are computed in one place and only
drawn here: every number shown comes from the summary (or the records) that ``--json`` writes,
so what a reader sees can always be traced back to the records. Commands are shown with their
invisible parts made visible (a newline as ``⏎``, a tab as ``⇥``, a space at either end as
``␠``), because whitespace is exactly where many failures lie.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .evaluate import METRICS, PHRASINGS, Comparison, Delta, Record
from .levels import LEVELS
from .taxonomy import PATTERNS

METRIC_NAMES = {
    "exact": "exact", "normalised": "normalised", "case_insensitive": "case-insensitive"}
EXAMPLES_PER_PATTERN = 2

_EDGE_SPACES = re.compile(r"^ +| +$")
_BACKTICK_RUN = re.compile(r"`+")


def visible(text: str) -> str:
    """``text`` with newlines, tabs and spaces at either end as ``⏎``, ``⇥`` and ``␠``."""
    text = _EDGE_SPACES.sub(lambda m: "␠" * len(m.group()), text)
    return text.replace("\n", "⏎").replace("\t", "⇥")


def _code(text: str) -> str:
    """``text`` as a Markdown code span that is safe inside a table cell."""
    if not text:
        return "*(empty)*"
    text = visible(text).replace("|", r"\|")
    fence = "`" * (max((len(m) for m in _BACKTICK_RUN.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _percent(fraction: float) -> str:
    return f"{fraction:.1%}"


def _figure(group: dict, metric: str) -> str:
    """One metric of a ``stats`` group as ``accuracy (correct)``."""
    return f"{_percent(group['accuracy'][metric])} ({group['correct'][metric]})"


def _phrasing_rows(summary: dict) -> list[list[str]]:
    """The exact accuracy per level (then ``all``), seen and unseen side by side, as the
    cells ``level``, ``seen % (n)``, ``unseen % (n)``; ``-`` where a side has no row."""
    split = summary["by_phrasing"]

    def cell(group: dict | None) -> str:
        return f"{_percent(group['accuracy']['exact'])} ({group['n']})" if group else "-"

    rows = [[level] + [cell(split.get(p, {}).get("by_level", {}).get(level)) for p in PHRASINGS]
            for level in summary["by_level"]]
    return rows + [["all"] + [cell(split.get(p, {}).get("overall")) for p in PHRASINGS]]


def _phrasing_header(summary: dict) -> list[str]:
    """The table's header; the unseen column is marked as the headline where it has rows."""
    return ["level"] + [f"{p} % (n)" + (" headline" if p == "unseen" == summary["headline"]
                                        else "") for p in PHRASINGS]


# ------------------------------------------------------------------------------ plain text


def _prose_line(summary: dict, title: str, rows: str, hits: str) -> str:
    """One prose count per level, ``hits of rows``, each phrasing named when a run has
    unseen rows (``natural 3 of 50 seen / 5 of 50 unseen``)."""
    split, named = summary["by_phrasing"], summary["headline"] == "unseen"
    parts = []
    for level in summary["prose"]:
        counts = [f"{f[hits]} of {f[rows]}" + (f" {p}" if named else "")
                  for p, side in split.items() if (f := side["prose"].get(level)) and f[rows]]
        if counts:
            parts.append(f"{level} {' / '.join(counts)}")
    return f"{title}: " + ", ".join(parts)


def summary_text(summary: dict) -> str:
    """The short plain summary ``dictbash eval`` always prints: unseen phrasing first where
    the run has any (it measures generalisation), then every row together."""
    overall = summary["overall"]
    skipped = f" ({summary['skipped']} malformed rows skipped)" if summary["skipped"] else ""
    latency = summary["latency_us"]
    failures = ", ".join(f"{p} {n}" for p, n in summary["failures"].items() if n)
    lines = [f"{summary['pairs']} pairs from {len(summary['inputs'])} file(s){skipped}"]
    if summary["headline"] == "unseen":
        unseen = summary["by_phrasing"]["unseen"]["overall"]
        lines.append(f"headline, unseen phrasing ({unseen['n']} pairs): exact "
                     f"{_figure(unseen, 'exact')}")
    table = [_phrasing_header(summary)] + _phrasing_rows(summary)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines += [
        "all pairs: " + "   ".join(f"{METRIC_NAMES[m]} {_figure(overall, m)}" for m in METRICS),
        "exact by level and phrasing:",
        *("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table),
        "routes: " + ", ".join(
            f"{name} {group['n']}" for name, group in summary["by_route"].items()),
        f"failures: {failures or 'none'}",
        _prose_line(summary, "prose words typed, command mode (rows)", "command_rows",
                    "typed_prose"),
        _prose_line(summary, "prose words lost, text mode (rows)", "text_rows", "lost_prose"),
        _alternatives_line(summary),
        f"latency: median {latency['median']:.1f} us, p95 {latency['p95']:.1f} us",
    ]
    return "\n".join(lines)


def _alternatives_line(summary: dict) -> str:
    """Rows with alternatives, and rows whose best is wrong but an alternative right (runs
    saved before alternatives existed have none)."""
    figures = summary.get("alternatives", {"offered": 0, "right": 0})
    return (f"alternatives: offered in {figures['offered']} rows; the best wrong and an "
            f"alternative right in {figures['right']}")


def _pair_lines(pairs: Iterable[tuple[Record, Record]], with_pattern: bool) -> list[str]:
    lines = []
    for a, b in pairs:
        label = " ".join(x for x in (a.id, a.category, a.difficulty) if x)
        lines.append(f"  [{label}] {visible(a.dictated)}" if label else f"  {visible(a.dictated)}")
        lines.append(f"      expected  {visible(a.expected)}")
        lines.append(f"      A         {visible(a.output)}")
        pattern = f"   ({b.pattern})" if with_pattern and b.pattern else ""
        lines.append(f"      B         {visible(b.output)}{pattern}")
    return lines


def _delta_table(title: str, deltas: Sequence[Delta]) -> list[str]:
    width = max(len(title), *(len(d.name) for d in deltas))
    lines = [f"{title:<{width}}  {'n':>6}  {'A exact':>8}  {'B exact':>8}  {'Δ exact':>8}  "
             f"{'Δ normalised':>12}  {'regressions':>11}  {'fixes':>5}"]
    for d in deltas:
        lines.append(
            f"{d.name:<{width}}  {d.n:>6}  {_percent(d.exact_a):>8}  {_percent(d.exact_b):>8}  "
            f"{d.exact_delta * 100:>+7.1f}p  {d.normalised_delta * 100:>+11.1f}p  "
            f"{d.regressions:>11}  {d.fixes:>5}")
    return lines


def comparison_text(comparison: Comparison, name_a: str, name_b: str) -> str:
    """Two runs side by side: regressions, then fixes, then per-category and per-level deltas
    (worst first), over the pairs both runs hold."""
    c = comparison
    lines = [f"A = {name_a} ({len(c.matched) + len(c.only_a)} pairs)",
             f"B = {name_b} ({len(c.matched) + len(c.only_b)} pairs)"]
    if not c.matched:
        lines.append("The runs have no pair in common (matched by id, then by dictated and "
                     "expected): they were run on different data, so there is nothing to compare.")
        return "\n".join(lines)
    if c.only_a or c.only_b:
        lines.append(f"Warning: the runs do not hold the same pairs: {len(c.only_a)} only in A, "
                     f"{len(c.only_b)} only in B; every figure below covers the {len(c.matched)} "
                     "pairs in both.")
    if c.relabelled:
        lines.append(f"Warning: {len(c.relabelled)} pairs matched by id have a different "
                     "dictation or expected command in B: the data changed between the runs.")
    overall = c.overall()
    lines.append(
        f"exact {_percent(overall.exact_a)} -> {_percent(overall.exact_b)} "
        f"({overall.exact_delta * 100:+.1f} points), normalised {_percent(overall.normalised_a)} "
        f"-> {_percent(overall.normalised_b)} ({overall.normalised_delta * 100:+.1f} points), "
        f"over {overall.n} pairs")
    lines += ["", f"REGRESSIONS (exact in A, wrong in B): {len(c.regressions)}"]
    lines += _pair_lines(c.regressions, with_pattern=True)
    lines += ["", f"FIXES (wrong in A, exact in B): {len(c.fixes)}"]
    lines += _pair_lines(c.fixes, with_pattern=False)
    lines += ["", f"still wrong in both, output changed: {len(c.changed)}"]
    lines += ["", "by category, worst first:"] + _delta_table("category", c.deltas("category"))
    lines += ["", "by level, worst first:"] + _delta_table("level", c.deltas("difficulty", LEVELS))
    if any(b.phrasing != "seen" for _, b in c.matched):
        lines += ["", "by phrasing, worst first:"] + _delta_table(
            "phrasing", c.deltas("phrasing", PHRASINGS))
    return "\n".join(lines)


# -------------------------------------------------------------------------------- Markdown


def _breakdown_table(title: str, groups: dict[str, dict]) -> list[str]:
    lines = [f"| {title} | n | " + " | ".join(METRIC_NAMES[m] for m in METRICS) + " |",
             "|---|---:|" + "---:|" * len(METRICS)]
    for name, group in groups.items():
        lines.append(f"| {name} | {group['n']} | "
                     + " | ".join(_figure(group, m) for m in METRICS) + " |")
    return lines


def markdown(summary: dict, records: Sequence[Record]) -> str:
    """The Markdown report: overall figures, tables by level, category and route, and failure
    counts per pattern with examples (the first ones in input order)."""
    overall = summary["overall"]
    selection = [f"filters {', '.join(summary['filters'])}" if summary["filters"] else "",
                 f"limit {summary['limit']}" if summary["limit"] else ""]
    latency = summary["latency_us"]
    lines = [
        "# dictbash eval",
        "",
        f"{summary['pairs']} pairs from {', '.join(f'`{p}`' for p in summary['inputs'])}; "
        f"{summary['skipped']} malformed rows skipped"
        + "".join(f"; {s}" for s in selection if s) + ".",
        "",
        "## Overall",
        "",
        "| measure | correct | accuracy |",
        "|---|---:|---:|",
        *(f"| {METRIC_NAMES[m]} | {overall['correct'][m]} / {overall['n']} | "
          f"{_percent(overall['accuracy'][m])} |" for m in METRICS),
        "",
        f"Latency per utterance: median {latency['median']:.1f} µs, p95 {latency['p95']:.1f} µs.",
        "",
        "## By level",
        "",
        *_breakdown_table("level", summary["by_level"]),
        "",
        "## By level and phrasing (exact)",
        "",
        "Unseen rows are worded with phrases held out of training: the headline where present.",
        "",
        "| " + " | ".join(_phrasing_header(summary)) + " |",
        "|---|" + "---:|" * len(PHRASINGS),
        *("| " + " | ".join(row) + " |" for row in _phrasing_rows(summary)),
        "",
        "## By category",
        "",
        *_breakdown_table("category", summary["by_category"]),
        "",
        "## By route",
        "",
        *_breakdown_table("route", summary["by_route"]),
        "",
        "## Failures by pattern",
        "",
    ]
    failures = summary["failures"]
    total = sum(failures.values())
    lines += ["| pattern | failures | share of failures |", "|---|---:|---:|"]
    lines += [f"| {p} | {n} | {_percent(n / total) if total else '-'} |"
              for p, n in failures.items()]
    lines.append(f"| **all** | **{total}** | |")
    for pattern in PATTERNS:
        if not failures[pattern]:
            continue
        examples = [r for r in records if r.pattern == pattern][:EXAMPLES_PER_PATTERN]
        lines += ["", f"### {pattern} ({failures[pattern]})", "",
                  "| dictated | expected | output |", "|---|---|---|"]
        lines += [f"| {_code(r.dictated)} | {_code(r.expected)} | {_code(r.output)} |"
                  for r in examples]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------- chart


_SHADES = {"case_insensitive": "#c6dbef", "normalised": "#6baed6", "exact": "#08519c"}


def _accuracy_panel(ax, title: str, groups: dict[str, dict]) -> None:
    """Nested horizontal bars, one row a group: case-insensitive, normalised, exact."""
    names = list(groups)
    rows = range(len(names))
    for metric in reversed(METRICS):
        ax.barh(rows, [groups[n]["accuracy"][metric] for n in names], height=0.7,
                color=_SHADES[metric], label=METRIC_NAMES[metric])
    for row, name in zip(rows, names):
        ax.text(1.01, row, _percent(groups[name]["accuracy"]["exact"]), va="center", fontsize=8,
                transform=ax.get_yaxis_transform())
    ax.set_yticks(rows, [f"{n} ({groups[n]['n']})" for n in names])
    ax.set_xlim(0, 1)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set_title(title, loc="left", fontsize=10)


def chart(summary: dict, path: str | Path) -> None:
    """Write a PNG: accuracy per level and per category (categories worst first), and failures
    per pattern, in one figure drawn with the Agg backend (no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    categories = dict(sorted(summary["by_category"].items(),
                             key=lambda item: (item[1]["accuracy"]["exact"], item[0])))
    failures = summary["failures"]
    heights = [len(summary["by_level"]), len(categories), len(failures)]
    fig = Figure(figsize=(9, 1.5 + 0.3 * sum(heights) + 0.6 * len(heights)), layout="constrained")
    FigureCanvasAgg(fig)
    level_ax, category_ax, pattern_ax = fig.subplots(
        3, 1, gridspec_kw={"height_ratios": [h + 1.5 for h in heights]})
    _accuracy_panel(level_ax, "Accuracy by level (n); label: exact", summary["by_level"])
    _accuracy_panel(category_ax, "Accuracy by category (n), worst first; label: exact", categories)
    fig.legend(*level_ax.get_legend_handles_labels(), loc="outside lower center", ncol=3,
               fontsize=8, frameon=False)
    bars = pattern_ax.barh(list(failures), list(failures.values()), color="#cb181d")
    pattern_ax.bar_label(bars, padding=3, fontsize=8)
    pattern_ax.set_ylim(len(failures) - 0.5, -0.5)
    pattern_ax.set_xlim(0, max(max(failures.values()), 1) * 1.1)
    pattern_ax.set_title("Failures by pattern (pairs not exact)", loc="left", fontsize=10)
    fig.suptitle(f"dictbash eval: {summary['pairs']} pairs, exact "
                 f"{_percent(summary['overall']['accuracy']['exact'])}", fontsize=12)
    fig.savefig(path, dpi=110)
