#!/bin/sh
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner="$APP_OWNER" \
    -v owner_password="$APP_OWNER_PASSWORD" \
    -v reader="$APP_READER" \
    -v reader_password="$APP_READER_PASSWORD" \
    -v dbname="$APP_DB" \
    -f /sql/postgres_roles.sql
