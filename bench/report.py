"""Print the table and regenerate the Desempenho page from a results file, without measuring again.

    .venv/bin/python bench/report.py [bench/results.json] [--page docs/desempenho.md] [--no-page] [--again]

`--again` computes the metrics and the breakdown again from the file's raw samples (after a change of
bench/metrics.toml or of the report) and writes them back into the file.

bench/run.py does the same at the end of a run: text_table.table() for the terminal, page.render()
(bench/templates/desempenho.md.j2) for docs/desempenho.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import build  # noqa: E402
import page  # noqa: E402
import results as results_module  # noqa: E402
import text_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", type=Path, nargs="?", default=BENCH / "results.json")
    ap.add_argument("--page", type=Path, default=BENCH.parent / "docs" / "desempenho.md")
    ap.add_argument("--no-page", action="store_true")
    ap.add_argument("--again", action="store_true", help="compute the metrics again from the raw samples and save them")
    args = ap.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    if args.again:
        from run import rounded

        results = results_module.reassemble(results, build.wizard_paths())
        args.results.write_text(json.dumps(rounded(results), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(text_table.table(results))
    if not args.no_page:
        args.page.write_text(page.render(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
