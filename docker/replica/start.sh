#!/bin/sh
# A hot standby of $PRIMARY_HOST: on first start, copy the primary with pg_basebackup -R (which
# writes standby.signal and primary_conninfo), then run postgres, which streams from it.
set -eu

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    export PGPASSWORD="$REPLICATION_PASSWORD"
    until pg_basebackup -h "$PRIMARY_HOST" -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream -c fast; do
        echo "waiting for the primary $PRIMARY_HOST" >&2
        rm -rf "${PGDATA:?}"/*
        sleep 2
    done
    chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on -c hot_standby_feedback=on "$@"
