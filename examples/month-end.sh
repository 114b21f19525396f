#!/usr/bin/env bash
# The month-end run a coordinator schedules (a systemd timer: examples/systemd/): the month's
# report for the funder as JSON, CSV, Markdown and the Latvian text, the audit log's head hash
# (audit-MONTH.txt, from `audit verify`), and a backup of the database kept apart from them.
#
#   MENTORCLI_DB=/path/to/mentorcli.db examples/month-end.sh [MONTH] [OUTPUT_ROOT]
#
#   MONTH        YYYY-MM, a month that has ended; default: the month before today
#                (MENTORCLI_TODAY, if set, is today)
#   OUTPUT_ROOT  default: ./month-end; the report files go to OUTPUT_ROOT/MONTH/
#
# Environment:
#   MENTORCLI_BIN         the mentorcli program; default: mentorcli on PATH. A scheduler's
#                         environment has no venv on PATH: give the absolute path of the venv's.
#   MENTORCLI_BACKUPS     the folder of backups; default: ~/.local/share/mentorcli/backups.
#                         The backup holds names: it never goes into the folder sent to the funder.
#   MENTORCLI_PASSPHRASE  if set, the backup is encrypted with it (MONTH.db.enc).
#
# It stops at the first failure with one line saying which step failed, and leaves the
# finished folder only when every step succeeded. Exit status: 0 done, 1 a step failed,
# 2 bad input (month, database path, a month not ended) or the failing step's own status.
set -euo pipefail
umask 077 # the backup holds personal data: readable by its owner alone

die() {
  echo "month-end: $1" >&2
  exit "${2:-1}"
}

# Run one step; on failure say which one, and stop with its exit status.
step() {
  local what=$1
  shift
  local status=0
  "$@" || status=$?
  [ "$status" -eq 0 ] || die "$what failed (exit $status); stopped, ${final} was not made" "$status"
}

month=${1:-}
root=${2:-./month-end}
mentorcli=${MENTORCLI_BIN:-mentorcli}
backups=${MENTORCLI_BACKUPS:-${XDG_DATA_HOME:-$HOME/.local/share}/mentorcli/backups}
# Today, and the month before it: "YYYY-MM-DD YYYY-MM".
read -r today previous < <(python3 - <<'PY'
import os, re
from datetime import date, timedelta
text = os.environ.get("MENTORCLI_TODAY", "")
m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text) or re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})\.?", text)
today = date.today() if not m else date(*map(int, m.groups() if "-" in text else m.groups()[::-1]))
print(today.isoformat(), (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
PY
)
[ -n "${today:-}" ] || die "python3: could not tell today's date"
month=${month:-$previous}
[[ $month =~ ^[0-9]{4}-(0[1-9]|1[0-2])$ ]] || die "month: '$month' is not a month (use 2020-07)" 2
# A month still running would be sent (and kept) with its last days missing.
[[ $month < ${today:0:7} ]] || die "month: $month has not ended (today is $today)" 2
[ -n "${MENTORCLI_DB:-}" ] || die "MENTORCLI_DB: not set; a scheduled run names its database" 2
[ -f "$MENTORCLI_DB" ] || die "MENTORCLI_DB: '$MENTORCLI_DB' does not exist" 2
command -v "$mentorcli" >/dev/null || die "mentorcli: '$mentorcli' not found (PATH=$PATH); set MENTORCLI_BIN"
export MENTORCLI_DB

final="$root/$month"
[ ! -e "$final" ] || die "$final exists already: a month is made once; move it away to make it again" 2
work="$root/.$month.partial"
rm -rf "$work"
mkdir -p "$work"
mkdir -p -m 700 "$backups"
echo "month-end: $month from $MENTORCLI_DB into $final" >&2

# A consistent copy even while the coordinator is writing (SQLite's online backup), made under a
# temporary name so that a failed run leaves no backup that looks finished.
if [ -n "${MENTORCLI_PASSPHRASE:-}" ]; then
  kept="$backups/mentorcli-$month.db.enc"
  encrypt=(--encrypt)
else
  kept="$backups/mentorcli-$month.db"
  encrypt=()
fi
[ ! -e "$kept" ] || die "$kept exists already: move it away to make the month again" 2
backup() {
  rm -f "$1"
  "$mentorcli" db backup "$1" "${encrypt[@]}" >/dev/null
}
step "backup" backup "$kept.partial"

report() { # FILE, then the arguments of mentorcli
  local out=$1
  shift
  "$mentorcli" "$@" >"$out"
}
# The audit log checked and its head hash kept with the month's papers: a later
# `mentorcli audit verify --head HASH` shows whether entries were cut from the log's end since.
step "audit verify" report "$work/audit-$month.txt" audit verify
step "report month --format json" report "$work/report-$month.json" --lang en report month "$month" --format json
step "report month --format csv" report "$work/report-$month.csv" --lang en report month "$month" --format csv
step "report month --format md" report "$work/report-$month.md" --lang en report month "$month" --format md
step "report month (Latvian text)" report "$work/report-$month-lv.txt" --lang lv report month "$month" --format table

mv "$kept.partial" "$kept"
mv "$work" "$final"
ls -1 "$final"
cat "$final/audit-$month.txt" >&2
echo "month-end: backup kept apart, in $kept" >&2
