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
# `db passphrase` reads the register with the passphrase above and seals it with this one.
ENV_NEW_PASSPHRASE = "MENTORCLI_NEW_PASSPHRASE"
ENV_NEW_PASSPHRASE_FILE = "MENTORCLI_NEW_PASSPHRASE_FILE"
KEYRING_SERVICE = "mentorcli"
# Only for new passphrases: a backup or register made under an older, shorter one must still open.
MIN_NEW_PASSPHRASE = 12


def _from_file(name: str, variable: str = ENV_PASSPHRASE_FILE) -> str:
    path = Path(name).expanduser()
    try:
        st = path.stat()
        if st.st_mode & 0o077 or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            raise InputError(
                N_(
                    "{variable}: {path} must be readable by its owner alone (chmod 600)",
                    variable=variable,
                    path=path,
                )
            )
        if not stat.S_ISREG(st.st_mode):
            raise InputError(N_("{variable}: {path} is not a regular file", variable=variable, path=path))
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        reason = (e.strerror or str(e)).lower()
        raise InputError(
            N_("{variable}: cannot read {path}: {reason}", variable=variable, path=path, reason=reason)
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


def ask(*, new: bool, register: Path | None = None, replacing: bool = False) -> str:
    """The passphrase, from the first source that has one; a new one must be long enough.

    ``replacing``: the new passphrase of ``db passphrase``, from its own variables or a prompt.
    """
    variable, file_variable = (
        (ENV_NEW_PASSPHRASE, ENV_NEW_PASSPHRASE_FILE)
        if replacing
        else (
            ENV_PASSPHRASE,
            ENV_PASSPHRASE_FILE,
        )
    )
    given = os.environ.get(variable)
    if not given and (name := os.environ.get(file_variable)):
        given = _from_file(name, file_variable)
    if not given and register is not None and not new:
        given = from_keyring(register)
    if not given:
        # Without a terminal getpass would warn and read the passphrase in the clear from stdin.
        if not sys.stdin.isatty():
            raise InputError(N_("passphrase: set {variable} or run in a terminal", variable=variable))
        label = N_("New passphrase") if replacing else N_("Passphrase")
        given = typer.prompt(tr(label), hide_input=True, confirmation_prompt=new)
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
