"""The audit log as a hash chain: each entry's hash covers its own columns and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_

# The "previous hash" of the first entry.
GENESIS = "0" * 64
# The columns of an entry that its hash covers, in this order.
COLUMNS = ("id", "at", "command", "action", "tbl", "record", "fields")


def entry_hash(previous: str, entry: Sequence[Any]) -> str:
    """SHA-256 (hex) of the canonical JSON array [previous, *entry], ``entry`` in ``COLUMNS`` order.

    JSON keeps the types apart (the id 7 is not the text "7") and every value unambiguous, so no
    two different entries serialise alike.
    """
    text = json.dumps([previous, *entry], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_head(text: str) -> str:
    """A head hash as ``audit verify`` prints it: 64 hexadecimal digits (any case, spaces around)."""
    head = text.strip().lower()
    if len(head) != len(GENESIS) or any(c not in "0123456789abcdef" for c in head):
        raise InputError(
            N_("'{value}' is not a head hash (64 hexadecimal digits, as printed)", value=text), field="--head"
        )
    return head
