#!/usr/bin/env bash
# Dump the Yurikago database in pg_dump's custom format (compressed; pg_restore can restore all of
# it or single tables, in parallel).
#
#   deploy/backup.sh [DIRECTORY]
#
# Reads DATABASE_URL (as the application does; `set -a; . /etc/yurikago/yurikago.env; set +a`).
# Writes DIRECTORY/yurikago-<UTC time>.dump (default BACKUP_DIR, else /var/backups/yurikago),
# checks that pg_restore can read it back, records its sha256 beside it, then deletes dumps older
# than BACKUP_KEEP_DAYS (default 14). Prints the dump's path. A failed run leaves no dump behind
# that looks complete. Copy the dumps off the host (they hold personal data: encrypt them).
set -euo pipefail

database_url=${DATABASE_URL:?DATABASE_URL is not set}
directory=${1:-${BACKUP_DIR:-/var/backups/yurikago}}
keep_days=${BACKUP_KEEP_DAYS:-14}

umask 077
mkdir -p "$directory"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$directory/yurikago-$stamp.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --compress=6 --file="$partial" --dbname="$database_url"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"
(cd "$directory" && sha256sum "$(basename "$final")" >"$(basename "$final").sha256")

find "$directory" -maxdepth 1 -name 'yurikago-*.dump*' -mtime +"$keep_days" -delete
echo "$final"
