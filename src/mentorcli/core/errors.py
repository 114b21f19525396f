"""One error type for everything the user can get wrong or the tool can refuse."""


class MentorError(Exception):
    """Base of every error the CLI reports as one line. ``str(error)`` is the message."""

    exit_code = 1


class InputError(MentorError):
    """Bad input: an unknown code, an impossible date, events out of order, a limit exceeded."""

    exit_code = 2


class NotFound(InputError):
    """A code or name that is not in the register."""
