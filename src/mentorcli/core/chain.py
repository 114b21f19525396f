"""The audit log as a hash chain: each entry's hash covers its own columns and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

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
