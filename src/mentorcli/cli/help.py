"""What ``--help`` and a bad option value say: examples, whole summaries, plain metavars, one line.

Set once on the built command tree, so every command gets the same treatment and a new command
cannot be left without an example (tests/test_help.py fails first).
"""

from __future__ import annotations

from enum import Enum
from types import SimpleNamespace
from typing import Any

import typer.core

from mentorcli.core.messages import N_
from mentorcli.render.i18n import tr, tr_click

HELP_OPTIONS = ["-h", "--help"]

# One line a coordinator could type, for every command (shown under "Example:" in its help).
EXAMPLES: dict[str, str] = {
    "assign": "mentorcli assign LSK-2020-0101 --worker 'Anna Bērziņa' --mentor 'Jānis Ozols' --from 2020-07-01",
    "unassign": "mentorcli unassign LSK-2020-0101 --date 31.12.2020",
    "due": "mentorcli due --within 30",
    "export": "mentorcli export clients --format csv --output clients.csv",
    "audit": "mentorcli audit --client LSK-2020-0101 --since 2020-07-01",
    "audit verify": "mentorcli audit verify --head 3b1f…",
    "db bundle": "mentorcli db bundle riga-2020-07-31.bundle",
    "db merge": "mentorcli db merge mucenieki.bundle --take theirs LSK-2020-0101",
    "demo": "mentorcli demo --keep demo.db",
    "client add": (
        "mentorcli client add LSK-2020-0101 --sex F --born 1990-05-01 --country SY --arrived 2020-03-10 "
        "--route independent --residence mucenieki --intake 2020-03-10"
    ),
    "client history": "mentorcli client history LSK-2020-0101 --all",
    "event edit": "mentorcli event edit 3f9c2a1b --date 14.07.2020",
    "event delete": "mentorcli event delete 3f9c2a1b",
    "client show": "mentorcli client show LSK-2020-0101 --format json",
    "client list": "mentorcli client list --served-in 2020-07 --status refugee",
    "client edit": "mentorcli client edit LSK-2020-0101 --family FAM-7",
    "client move": "mentorcli client move LSK-2020-0101 --residence riga --date 01.08.2020",
    "client exit": "mentorcli client exit LSK-2020-0101 --reason left-latvia --date 31.08.2020",
    "client resume": "mentorcli client resume LSK-2020-0101 --date 15.07.2020",
    "client explain": "mentorcli client explain LSK-2020-0101",
    "client erase": "mentorcli client erase LSK-2020-0101 --yes",
    "client consent": "mentorcli client consent LSK-2020-0101 --date 10.03.2020",
    "client duplicates": "mentorcli client duplicates --format json",
    "client merge": "mentorcli client merge LSK-2020-0101 LSK-2020-0207",
    "status grant": "mentorcli status grant LSK-2020-0101 refugee --date 14.07.2020",
    "status refuse": "mentorcli status refuse LSK-2020-0101 --date 2020-05-20",
    "status appeal": "mentorcli status appeal LSK-2020-0101 --date 2020-06-10",
    "status court": "mentorcli status court LSK-2020-0101 positive --date 2020-09-01",
    "status final-refusal": "mentorcli status final-refusal LSK-2020-0101 --date 2020-10-01",
    "policy show": "mentorcli policy show --on 2020-07-01 --format json",
    "policy set": "mentorcli policy set caseload_max_mentor 25 --from 2021-01-01",
    "staff add": "mentorcli staff add 'Jānis Ozols' --role mentor --team 'Anna Bērziņa' --from 2020-03-01",
    "staff end": "mentorcli staff end 'Jānis Ozols' --date 31.12.2020",
    "staff team": "mentorcli staff team 'Jānis Ozols' --worker 'Līga Kalniņa' --from 2020-09-01",
    "staff list": "mentorcli staff list --on 2020-07-01",
    "plan complexity": "mentorcli plan complexity LSK-2020-0101 2 --date 2020-03-20 --by 'Anna Bērziņa'",
    "plan show": "mentorcli plan show LSK-2020-0101",
    "plan goal add": "mentorcli plan goal add LSK-2020-0101 --area housing --due 2020-09-30 --text 'Rent a flat'",
    "plan goal done": "mentorcli plan goal done 3 --date 2020-09-15",
    "plan goal drop": "mentorcli plan goal drop 3 --date 2020-09-15",
    "plan goal edit": "mentorcli plan goal edit 3 --due 2020-10-31",
    "activity add": (
        "mentorcli activity add LSK-2020-0101,LSK-2020-0102 --type accompany-medical --date 2020-07-14 "
        "--staff 'Jānis Ozols' --minutes 90"
    ),
    "activity list": "mentorcli activity list --client LSK-2020-0101 --from 2020-07-01",
    "activity type add": "mentorcli activity type add job-fair",
    "activity type list": "mentorcli activity type list",
    "report month": "mentorcli report month 2020-07 --format json",
    "report period": "mentorcli report period --from 2016-04-06 --to 2016-11-30",
    "report year": "mentorcli report year 2017 --format xlsx --output 2017.xlsx",
    "report capacity": "mentorcli report capacity 2020-07 --list",
    "report population": "mentorcli report population --on 2016-11-30",
    "report invoice": "mentorcli report invoice 2020-07",
    "report diff": "mentorcli report diff 2020-07",
    "report chart": "mentorcli report chart --from 2020-01-01 --to 2020-12-31 --output 2020.png",
    "report caseload": "mentorcli report caseload --on 2020-07-01",
    "report forecast": "mentorcli report forecast --weeks 12 --family-size 4",
    "report changes": "mentorcli report changes 2020-07 --since 2020-08-05",
    "import clients": "mentorcli import clients clients.csv --dry-run",
    "import events": "mentorcli import events events.csv",
    "import staff": "mentorcli import staff staff.csv",
    "import assignments": "mentorcli import assignments assignments.csv",
    "import activities": "mentorcli import activities activities.csv",
    "import all": "mentorcli import all clients.csv events.csv  # or: mentorcli import FOLDER",
    "db backup": "MENTORCLI_PASSPHRASE='…' mentorcli db backup /media/usb/mentorcli.db.enc --encrypt",
    "db restore": "mentorcli db restore /media/usb/mentorcli.db.enc",
    "db check": "mentorcli db check",
    "db info": "mentorcli db info --format json",
    "db purge": "mentorcli db purge --ended-before 2016-01-01 --dry-run",
    "db set": "mentorcli db set lang lv",
    "db datasette": "mentorcli db datasette > metadata.json",
    "db handover": "mentorcli db handover handover-2017-01-31.enc --on 2017-01-31 --provider LSK",
    "db takeover": "mentorcli db takeover handover-2017-01-31.enc --prefix DM-",
    "funder key": "mentorcli funder key sif-2017.key",
    "funder extract": "mentorcli funder extract --from 2017-01-01 --to 2017-12-31 --provider LSK --key sif-2017.key --output lsk-2017.extract",
    "db serve": "mentorcli db serve --port 8001",
    "db encrypt": "mentorcli db encrypt --keyring",
    "db decrypt": "MENTORCLI_PASSPHRASE_FILE=~/.mentorcli-passphrase mentorcli db decrypt",
    "db passphrase": "MENTORCLI_NEW_PASSPHRASE_FILE=~/.mentorcli-new-passphrase mentorcli db passphrase",
}

# Metavars by what the value is; anything else shows its own name in capitals.
_METAVARS = {
    "DATE": (
        "date",
        "start",
        "end",
        "from_",
        "to",
        "since",
        "on",
        "due",
        "valid_from",
        "ended_before",
        "today",
        "arrived",
        "intake",
    ),
    "DATE|YEAR": ("born",),
    "MONTH": ("month", "served_in"),
    "CODE": ("code", "client"),
    "CODE[,CODE…]": ("codes",),
    "NAME": ("name", "worker", "mentor", "staff", "by", "team"),
    "FILE": ("output", "keep", "db", "path", "file"),
    "DAYS": ("within",),
    "PLACE": ("residence",),
    "TYPE": ("kind",),
}
_METAVAR = {name: metavar for metavar, names in _METAVARS.items() for name in names}


def _choices(param: Any) -> list[str] | None:
    choices = getattr(param.type, "choices", None)
    if not choices:
        return None
    return [c.value if isinstance(c, Enum) else str(c) for c in choices]


def _metavar(param: Any) -> str:
    if choices := _choices(param):
        return f"[{'|'.join(choices)}]"
    name = str(param.name)
    return _METAVAR.get(name, name.rstrip("_").upper())


def _invalid_choice(self: Any, value: Any, ctx: Any) -> str:
    choices = ", ".join(c.value if isinstance(c, Enum) else str(c) for c in self.choices)
    return tr(N_("'{value}' is not one of {choices}", value=value, choices=choices))


_PLAIN: dict[type, type] = {}


def _plain_choice(kind: type) -> type:
    """The choice type Typer made, refusing a value with the choices as typed (not quoted, not folded)."""
    if kind in _PLAIN.values():  # polished already
        return kind
    if kind not in _PLAIN:
        _PLAIN[kind] = type(f"Plain{kind.__name__}", (kind,), {"get_invalid_choice_message": _invalid_choice})
    return _PLAIN[kind]


def help_texts(command: Any) -> dict[str, Any]:
    """The English help of ``command`` and of its parameters, as its code gives them.

    Kept on the command the first time, so that a tree built once (the tests') can be told in
    another language on a later run.
    """
    texts: dict[str, Any] | None = getattr(command, "_mentorcli_en", None)
    if texts is None:
        texts = {
            "help": command.help,
            "short_help": command.short_help,
            "epilog": command.epilog,
            "params": [getattr(p, "help", None) for p in command.params],
        }
        command._mentorcli_en = texts
    return texts


def polish(command: Any, path: tuple[str, ...] = ()) -> None:
    """Examples, whole one-line summaries, plain metavars and the user's language on every command."""
    subcommands = getattr(command, "commands", None)
    if subcommands is not None:
        for name, sub in subcommands.items():
            polish(sub, (*path, name))
    en = help_texts(command)
    command.help = tr(en["help"]) if en["help"] else en["help"]
    command.short_help = tr(en["short_help"]) if en["short_help"] else None
    if path and command.short_help is None and command.help:
        # Click cuts a summary to the terminal's width with "..."; the first sentence is whole.
        command.short_help = command.help.strip().split("\n\n")[0].replace("\n", " ")
    command.epilog = tr(en["epilog"]) if en["epilog"] else en["epilog"]
    if subcommands is None and path and en["epilog"] is None and (example := EXAMPLES.get(" ".join(path))):
        heading = tr(N_("Example:"))
        command.epilog = f"\b\n{heading}\n  {tr(example)}"
    # Click makes the help option when it first parses, with its help in English: made here, it is
    # told in the user's language like every other option.
    if (helper := command.get_help_option(SimpleNamespace(help_option_names=HELP_OPTIONS))) is not None:
        helper.help = tr("Show this message and exit.")
    for param, param_help in zip(command.params, en["params"], strict=True):
        choices = _choices(param)
        if choices and hasattr(param.type, "get_invalid_choice_message"):
            param.type.__class__ = _plain_choice(type(param.type))
        if isinstance(param, typer.core.TyperArgument):
            param.help = tr(param_help) if param_help else param_help
            if param.metavar is None:
                param.metavar = str(param.name).upper() if choices else _metavar(param)
            if choices and param.help and "One of" not in param_help:
                param.help += " " + tr(N_("One of: {choices}.", choices=", ".join(choices)))
        elif isinstance(param, typer.core.TyperOption):
            param.help = tr(param_help) if param_help else param_help
            if not param.is_flag and param.metavar is None:
                param.metavar = _metavar(param)


def bad_value(error: Exception) -> str | None:
    """Our one line for a value refused before the command ran (a bad choice, not a number)."""
    param = getattr(error, "param", None)
    if param is None or type(error).__name__ != "BadParameter":  # a missing value says so itself
        return None
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    field = opts[0] if opts else param.name
    return f"{field}: {tr_click(str(getattr(error, 'message', error))).rstrip('.')}"
