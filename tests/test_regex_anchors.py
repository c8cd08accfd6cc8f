"""Every pattern in the package anchors the end with ``\\Z`` (or is used with fullmatch) and
spells digits ``[0-9]`` (issue 13 item 8): ``$`` also matches before a trailing newline, so
``"value\\n"`` slipped through, and ``\\d`` matches any script's digits unless ``re.ASCII``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "teleport_oidc"
_RE_CALLS = {"compile", "match", "search", "fullmatch"}


def patterns() -> list[tuple[str, str, bool]]:
    """(where, pattern text, has re.ASCII) for every re.<call>("literal", ...) in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in _RE_CALLS
                and node.args
            ):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                text = first.value
            elif isinstance(first, ast.JoinedStr):
                text = "".join(
                    str(part.value) if isinstance(part, ast.Constant) else "{}"
                    for part in first.values
                )
            else:
                continue
            ascii_flag = "ASCII" in ast.dump(node) or "re.A" in ast.unparse(node)
            found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", text, ascii_flag))
    return found


PATTERNS = patterns()


def test_the_scan_finds_the_package_patterns() -> None:
    assert len(PATTERNS) >= 20  # a scan that finds nothing would prove nothing


@pytest.mark.parametrize(("where", "pattern", "ascii_flag"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_no_pattern_ends_with_a_dollar_anchor(where: str, pattern: str, ascii_flag: bool) -> None:
    assert not pattern.endswith("$") and "$)" not in pattern and "$|" not in pattern, where


@pytest.mark.parametrize(("where", "pattern", "ascii_flag"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_digits_are_ascii(where: str, pattern: str, ascii_flag: bool) -> None:
    assert "\\d" not in pattern or ascii_flag, where
