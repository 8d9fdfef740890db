#!/bin/sh
# First start of the postgres container only: a role and a database each for Synapse,
# Samsnakk and (when secrets/postgres/mas_db_password exists) MAS. Synapse's database must have
# C collation: Synapse refuses anything else.
set -eu
S=/run/samsnakk-secrets/postgres
synapse_pw=$(cat "$S/synapse_db_password")
samsnakk_pw=$(cat "$S/samsnakk_db_password")
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE synapse LOGIN PASSWORD '$synapse_pw';
CREATE DATABASE synapse OWNER synapse TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE ROLE samsnakk LOGIN PASSWORD '$samsnakk_pw';
CREATE DATABASE samsnakk OWNER samsnakk;
SQL
if [ -f "$S/mas_db_password" ]; then
    mas_pw=$(cat "$S/mas_db_password")
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE mas LOGIN PASSWORD '$mas_pw';
CREATE DATABASE mas OWNER mas;
SQL
fi
