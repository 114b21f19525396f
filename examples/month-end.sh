#!/usr/bin/env bash
# The month-end run a coordinator schedules (cron, a systemd timer): a backup of the database,
# then the month's report for the funder as JSON, CSV, Markdown and the Latvian text.
#
#   MENTORCLI_DB=/path/to/mentorcli.db examples/month-end.sh [MONTH] [OUTPUT_ROOT]
#
#   MONTH        YYYY-MM; default: the month before today (MENTORCLI_TODAY, if set, is today)
#   OUTPUT_ROOT  default: ./month-end; the files go to OUTPUT_ROOT/MONTH/
#
# Example crontab line (06:00 on the 1st of every month):
#   0 6 1 * * MENTORCLI_DB=$HOME/mentorcli.db /opt/mentorcli/month-end.sh "" $HOME/reports
#
# It stops at the first failure with one line saying which step failed, and leaves the
# finished folder only when every step succeeded. Exit status: 0 done, 1 a step failed,
# 2 bad input (month, database path) or the failing step's own status.
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
if [ -z "$month" ]; then
  month=$(python3 - <<'PY'
import os, re
from datetime import date, timedelta
text = os.environ.get("MENTORCLI_TODAY", "")
m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text) or re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4})\.?", text)
today = date.today() if not m else date(*map(int, m.groups() if "-" in text else m.groups()[::-1]))
print((today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
PY
  )
fi
[[ $month =~ ^[0-9]{4}-(0[1-9]|1[0-2])$ ]] || die "month: '$month' is not a month (use 2020-07)" 2
[ -n "${MENTORCLI_DB:-}" ] || die "MENTORCLI_DB: not set; a scheduled run names its database" 2
[ -f "$MENTORCLI_DB" ] || die "MENTORCLI_DB: '$MENTORCLI_DB' does not exist" 2
command -v mentorcli >/dev/null || die "mentorcli: not found on PATH ($PATH)"
export MENTORCLI_DB

final="$root/$month"
[ ! -e "$final" ] || die "$final exists already: a month is made once; move it away to make it again" 2
work="$root/.$month.partial"
rm -rf "$work"
mkdir -p "$work"
echo "month-end: $month from $MENTORCLI_DB into $final" >&2

# A consistent copy even while the coordinator is writing (SQLite's online backup).
backup() {
  mentorcli db backup "$1" >/dev/null
}
step "backup" backup "$work/mentorcli-$month.db"

report() { # FILE, then the arguments of mentorcli
  local out=$1
  shift
  mentorcli "$@" >"$out"
}
step "report month --format json" report "$work/report-$month.json" --lang en report month "$month" --format json
step "report month --format csv" report "$work/report-$month.csv" --lang en report month "$month" --format csv
step "report month --format md" report "$work/report-$month.md" --lang en report month "$month" --format md
step "report month (Latvian text)" report "$work/report-$month-lv.txt" --lang lv report month "$month" --format table

mv "$work" "$final"
ls -1 "$final"
