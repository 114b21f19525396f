"""Spreadsheet cells that must not run as formulas (CSV injection), and reading them back."""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it: a leading single quote."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """The value before ``neutralise``: the quote comes off only where it was put on."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
