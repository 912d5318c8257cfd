"""Parses every generated .swift file with tree-sitter's Swift grammar and fails on any syntax
error. There is no Swift compiler on our machines; this and the golden check are what CI can
verify of the Swift bindings.

tree-sitter-swift does not know `@_documentation(...)` attributes, which uniffi emits to hide
internal declarations from documentation; they are blanked out (same length, so positions stay
right) before parsing. Nor does it parse the closure `{ () }` (its body is the empty tuple),
which uniffi emits for callback methods that return nothing; it becomes the equivalent empty
closure `{    }`, again of the same length. Usage: python check_syntax.py [folder]  (default: Sources beside this file)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tree_sitter
import tree_sitter_swift

DOC_ATTRIBUTE = re.compile(r"@_documentation\([^)]*\)")
UNIT_CLOSURE = re.compile(r"= \{ \(\) \}")


def problems(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    found = []
    if node.is_error or node.is_missing:
        found.append(node)
    for child in node.children:
        found.extend(problems(child))
    return found


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "Sources"
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    files = sorted(folder.rglob("*.swift"))
    if not files:
        print(f"no .swift files under {folder}", file=sys.stderr)
        return 1
    failed = 0
    for path in files:
        text = DOC_ATTRIBUTE.sub(lambda m: " " * len(m.group(0)), path.read_text())
        text = UNIT_CLOSURE.sub("= {    }", text)
        tree = parser.parse(text.encode())
        found = problems(tree.root_node)
        lines = text.count("\n") + 1
        if found:
            failed += 1
            for node in found[:20]:
                row, column = node.start_point
                kind = "missing" if node.is_missing else "syntax error"
                print(f"{path}:{row + 1}:{column + 1}: {kind} near {text.splitlines()[row].strip()[:80]!r}")
        print(f"{path}: {lines} lines, {len(found)} syntax errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
