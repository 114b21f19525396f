"""One error type for everything the user can get wrong or the tool can refuse."""

from __future__ import annotations

import re

from mentorcli.core.messages import N_

# Every character that ends a line for str.splitlines(), a terminal or a log reader.
_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAKS = {ord(c): c.encode("unicode_escape").decode() for c in _BREAKS}
_A_BREAK = re.compile(f"[{re.escape(_BREAKS)}]")


def one_line(text: str) -> str:
    """A value echoed into a message stays on the message's one line (a newline shows as \\n)."""
    return text.translate(_LINE_BREAKS)


def spans_lines(text: str) -> bool:
    """``one_line`` would change it (a search, not a copy: an import asks of every row)."""
    return _A_BREAK.search(text) is not None


class MentorError(Exception):
    """Base of every error the CLI reports as one line. ``str(error)`` is the message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        self.message = message  # as given: a core.messages.Msg keeps what its translation needs
        super().__init__(one_line(message))

    def as_message(self) -> str:
        """What ``str(self)`` says, as a message the CLI can still translate."""
        return self.message


class InputError(MentorError):
    """Bad input: an unknown code, an impossible date, events out of order, a limit exceeded.

    ``field`` names what was wrong (an option, a CSV column) so that callers can place the error
    without reading the message; ``reason`` is the message without it.
    """

    exit_code = 2

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)
        self.message = reason

    def as_message(self) -> str:
        return N_("{field}: {reason}", field=self.field, reason=self.reason) if self.field else self.reason


class NotFound(InputError):
    """A code or name that is not in the register."""


class Problems(InputError):
    """Several errors of one input at once (the columns of one CSV row), one line each."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        Exception.__init__(self, "\n".join(str(e) for e in errors))  # one line per error, each escaped
        self.field, self.reason = None, str(self)
        self.message = self.reason
