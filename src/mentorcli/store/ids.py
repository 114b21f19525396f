"""Row identities that two copies of one register cannot collide on."""

import os

# Each command starts at a random point and counts up from there: the ids of one command ascend in
# the order its rows were written (rows of one audit entry keep their order, as an import's do),
# and two commands, of one copy or of two, meet only if their random starts fall within the few
# thousand ids one of them uses of each other: about 1 in 2^48 for commands of 10,000 rows.
_next: int | None = None


def new_id() -> int:
    """An id in [2**62, 2**63): never one of the small ids made before copies could diverge."""
    global _next
    if _next is None:
        # From the system's random source, as `secrets` draws it, without the hashing modules
        # `secrets` imports on every command's start (benchmarks/startup.py).
        _next = (int.from_bytes(os.urandom(8)) >> 3) | (1 << 62)  # 2**61 of headroom to count up in
    _next += 1
    return _next
