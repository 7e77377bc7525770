#!/bin/sh
# The official postgres image's start-up, in short: on an empty PGDATA, initdb with
# POSTGRES_USER and POSTGRES_PASSWORD, then POSTGRES_DB; then postgres on every address.
set -eu

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "docker-entrypoint.sh: POSTGRES_PASSWORD is not set (the database would be open)" >&2
    exit 1
  fi
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 > /dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    # local socket only while the database is made
    pg_ctl --silent -o "-c listen_addresses=''" -w start
    psql --quiet -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\""
    pg_ctl --silent -m fast -w stop
  fi
  echo "docker-entrypoint.sh: database $POSTGRES_DB of $POSTGRES_USER made in $PGDATA" >&2
fi
exec "$@"
