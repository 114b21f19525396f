"""Spreadsheet cells that must not run as formulas (CSV injection), and reading them back."""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _quoted(text: str) -> bool:
    """Starts with quotes and then a formula character: only ``neutralise`` writes that."""
    return text.startswith("'") and text.lstrip("'").startswith(FORMULA_START)


def neutralise(text: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it: a leading single quote.

    A value that already looks neutralised gets one more quote, so ``unneutralise`` gives back
    exactly what was recorded.
    """
    return "'" + text if text.startswith(FORMULA_START) or _quoted(text) else text


def unneutralise(text: str) -> str:
    return text[1:] if _quoted(text) else text
