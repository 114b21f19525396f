"""Row identities that two copies of one register cannot collide on."""

import secrets


def new_id() -> int:
    """A random id in [2**62, 2**63): never one of the small ids made before copies could diverge."""
    return secrets.randbits(62) | (1 << 62)
