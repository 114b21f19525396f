"""Where a passphrase comes from: the environment, a private file, the system keyring, or a prompt.

One order for every use (an encrypted register, an encrypted backup): ``MENTORCLI_PASSPHRASE``,
then the file named by ``MENTORCLI_PASSPHRASE_FILE`` (refused unless readable by its owner alone),
then the keyring entry of the register (only where the optional ``keyring`` package and a
keyring are there), then a prompt on a terminal. Without any of them: one line, exit 2.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import typer

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_, NP_
from mentorcli.render.i18n import tr

ENV_PASSPHRASE = "MENTORCLI_PASSPHRASE"
ENV_PASSPHRASE_FILE = "MENTORCLI_PASSPHRASE_FILE"
KEYRING_SERVICE = "mentorcli"
# Only for new passphrases: a backup or register made under an older, shorter one must still open.
MIN_NEW_PASSPHRASE = 12


def _from_file(name: str) -> str:
    path = Path(name).expanduser()
    try:
        st = path.stat()
        if st.st_mode & 0o077 or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            raise InputError(
                N_(
                    "{variable}: {path} must be readable by its owner alone (chmod 600)",
                    variable=ENV_PASSPHRASE_FILE,
                    path=path,
                )
            )
        if not stat.S_ISREG(st.st_mode):
            raise InputError(N_("{variable}: {path} is not a regular file", variable=ENV_PASSPHRASE_FILE, path=path))
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        reason = (e.strerror or str(e)).lower()
        raise InputError(
            N_("{variable}: cannot read {path}: {reason}", variable=ENV_PASSPHRASE_FILE, path=path, reason=reason)
        ) from None
    return text.rstrip("\r\n")


def from_keyring(register: Path) -> str | None:
    """The register's passphrase kept in the system keyring, if there is a keyring at all."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, str(register.resolve()))
    except Exception:  # no backend, a locked or broken keyring: as if there were none
        return None
    return found or None


def remember(register: Path, passphrase: str) -> bool:
    """Keep the passphrase in the keyring for this register; False where there is no keyring."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, str(register.resolve()), passphrase)
    except Exception:
        return False
    return True


def unasked(register: Path) -> str | None:
    """The passphrase if it can be had without a prompt or a complaint (to read the register's language)."""
    try:
        found = os.environ.get(ENV_PASSPHRASE) or (
            _from_file(name) if (name := os.environ.get(ENV_PASSPHRASE_FILE)) else None
        )
    except InputError:
        return None
    return found or from_keyring(register)


def ask(*, new: bool, register: Path | None = None) -> str:
    """The passphrase, from the first source that has one; a new one must be long enough."""
    given = os.environ.get(ENV_PASSPHRASE)
    if not given and (name := os.environ.get(ENV_PASSPHRASE_FILE)):
        given = _from_file(name)
    if not given and register is not None and not new:
        given = from_keyring(register)
    if not given:
        # Without a terminal getpass would warn and read the passphrase in the clear from stdin.
        if not sys.stdin.isatty():
            raise InputError(N_("passphrase: set {variable} or run in a terminal", variable=ENV_PASSPHRASE))
        given = typer.prompt(tr(N_("Passphrase")), hide_input=True, confirmation_prompt=new)
    if new and len(given) < MIN_NEW_PASSPHRASE:
        raise InputError(
            NP_(
                "passphrase: {n} character; a new passphrase needs at least {least}",
                "passphrase: {n} characters; a new passphrase needs at least {least}",
                len(given),
                least=MIN_NEW_PASSPHRASE,
            )
        )
    return given
