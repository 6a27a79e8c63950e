#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into an EMPTY database.
#
#   deploy/restore.sh DUMP TARGET_DATABASE_URL
#
# Create the target first (createdb -O yurikago yurikago_restored). The restore runs in one
# transaction and stops at the first error, so it either restores everything or nothing; it
# refuses a database that already has tables, so it never mixes two states. Objects are owned by
# the user of TARGET_DATABASE_URL (--no-owner). Then point DATABASE_URL at the restored database,
# run `manage.py migrate` (a no-op unless the dump predates the code) and restart.
set -euo pipefail

dump=${1:?usage: restore.sh DUMP TARGET_DATABASE_URL}
target=${2:?usage: restore.sh DUMP TARGET_DATABASE_URL}

if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256")
fi
tables=$(psql --dbname="$target" --no-psqlrc --tuples-only --no-align \
  --command="select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the target database has $tables tables; restore into an empty one" >&2
  exit 1
fi
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
  --dbname="$target" "$dump"
echo "restored $dump"
