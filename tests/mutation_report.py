"""The summary of `make mutation`: per mutated module and in total, how many mutants the tests killed, how many
survived and how many timed out, and the share killed; exit 1 below the threshold (90 %).

Reads mutmut's results (mutants/**/*.py.meta) and docs/mutation-survivors.md, whose lines starting with
"- `<mutant name>`" are the survivors judged equivalent or unimportant: the report names every survivor that file
does not explain, so a new one is seen. Run from the repository root after `mutmut run`.

    python tests/mutation_report.py [--threshold 90]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SURVIVORS_DOC = ROOT / "docs" / "mutation-survivors.md"

# mutmut's exit codes (mutmut/stats.py): what the child pytest run of a mutant returned.
KILLED = {1, 3}
SURVIVED = {0}
TIMEOUT = {36, -24, 24, 152, 255}


def verdict(exit_code: int | None) -> str:
    if exit_code in KILLED:
        return "killed"
    if exit_code in SURVIVED:
        return "survived"
    if exit_code in TIMEOUT:
        return "timeout"
    if exit_code in (5, 33):
        return "no tests"
    if exit_code is None:
        return "not checked"
    return "other"


def explained_survivors() -> dict[str, str]:
    """Mutant name -> the reason docs/mutation-survivors.md gives for leaving it."""
    if not SURVIVORS_DOC.exists():
        return {}
    explained = {}
    for line in SURVIVORS_DOC.read_text().splitlines():
        match = re.match(r"- `([^`]+__mutmut_\d+)`:?\s*(.*)", line.strip())
        if match:
            explained[match.group(1)] = match.group(2)
    return explained


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=90.0, help="least killed percentage (default 90)")
    args = parser.parse_args()

    metas = sorted((ROOT / "mutants").glob("**/*.py.meta"))
    if not metas:
        print("no mutmut results under mutants/: run `make mutation`", file=sys.stderr)
        return 2
    explained = explained_survivors()
    columns = ("killed", "survived", "timeout", "no tests", "not checked", "other")
    rows = []
    unexplained: list[str] = []
    explained_seen = 0
    surviving: set[str] = set()
    for meta in metas:
        results = json.loads(meta.read_text())["exit_code_by_key"]
        if not results:
            continue
        module = str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]
        counts = dict.fromkeys(columns, 0)
        for name, code in sorted(results.items()):
            counts[verdict(code)] += 1
            if verdict(code) == "survived":
                surviving.add(name)
                if name in explained:
                    explained_seen += 1
                else:
                    unexplained.append(name)
        rows.append((module, counts))

    def percent(counts: dict) -> float:
        total = sum(counts.values())
        return 100.0 * (counts["killed"] + counts["timeout"]) / total if total else 100.0

    total = {column: sum(counts[column] for _, counts in rows) for column in columns}
    width = max(len(module) for module, _ in rows)
    header = f"{'module':<{width}}  {'mutants':>7}  {'killed':>6}  {'survived':>8}  {'timeout':>7}  {'no tests':>8}" \
             f"  {'other':>5}  {'killed %':>8}"
    print()
    print(header)
    print("-" * len(header))
    for module, counts in rows + [("TOTAL", total)]:
        if module == "TOTAL":
            print("-" * len(header))
        print(f"{module:<{width}}  {sum(counts.values()):>7}  {counts['killed']:>6}  {counts['survived']:>8}"
              f"  {counts['timeout']:>7}  {counts['no tests']:>8}  {counts['other'] + counts['not checked']:>5}"
              f"  {percent(counts):>7.1f}%")
    print()
    print("killed % = (killed + timed out) / all mutants; a mutant no selected test reaches counts as not killed.")
    print(f"survivors explained in {SURVIVORS_DOC.relative_to(ROOT)}: {explained_seen}; "
          f"not explained there: {len(unexplained)}")
    for name in unexplained:
        print(f"  {name}   (see: .venv/bin/mutmut show {name})")
    # An explanation outlives its mutant when a test kills it or a code change renames it: say so, so the list stays
    # the list of what survives.
    stale = sorted(set(explained) - surviving)
    if stale and not total["not checked"]:
        print(f"explained there but no longer surviving (killed, or renamed by a code change): {len(stale)}")
        for name in stale:
            print(f"  {name}")
    score = percent(total)
    if score < args.threshold:
        print(f"FAILED: {score:.1f}% of mutants killed, below {args.threshold:g}%")
        return 1
    print(f"OK: {score:.1f}% of mutants killed (at least {args.threshold:g}% asked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
