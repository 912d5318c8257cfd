"""Prints the conformance table — case × language, pass / FAIL / n/a — from the runners' JSON
lines, and exits non-zero when a case failed or a runner did not report a case.
Usage: python table.py cases.json rust=FILE python=FILE node=FILE kotlin=FILE
"""

from __future__ import annotations

import json
import sys
from typing import Dict


def main() -> int:
    cases = [c["name"] for c in json.load(open(sys.argv[1]))["cases"]]
    results: Dict[str, Dict[str, dict]] = {}
    for argument in sys.argv[2:]:
        language, path = argument.split("=", 1)
        lines = [json.loads(line) for line in open(path) if line.strip()]
        results[language] = {line["case"]: line for line in lines}
    languages = list(results)
    width = max(len(c) for c in cases)
    print(f"{'case':<{width}}  " + "  ".join(f"{lang:<7}" for lang in languages))
    problems = []
    for case in cases:
        cells = []
        for language in languages:
            line = results[language].get(case)
            if line is None:
                cells.append("MISSING")
                problems.append(f"{language}: no result for {case!r}")
            elif line["outcome"] == "fail":
                cells.append("FAIL")
                problems.append(f"{language}: {case}: {line['detail']}")
            else:
                cells.append(line["outcome"])
        print(f"{case:<{width}}  " + "  ".join(f"{cell:<7}" for cell in cells))
    for language in languages:
        outcomes = [results[language].get(c, {}).get("outcome") for c in cases]
        print(f"{language}: {outcomes.count('pass')} pass, {outcomes.count('n/a')} n/a, {outcomes.count('fail')} fail of {len(cases)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
