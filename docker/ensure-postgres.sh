#!/usr/bin/env bash
# Make sure a PostgreSQL answers on 127.0.0.1:5432 and that the given databases exist.
#
#   bash docker/ensure-postgres.sh [db ...]      (default: carryover test)
#
# Idempotent. In order:
#   1. something already answers on 127.0.0.1:5432      -> nothing to start;
#   2. a Debian cluster exists (/etc/postgresql/*/main) -> start it (pg_ctlcluster), wait up to 30 s;
#   3. PostgreSQL is not installed                      -> apt-get install postgresql (root only),
#      configure local trust auth on 127.0.0.1/::1 and the unix socket (LOCAL DEVELOPMENT ONLY),
#      listen on localhost:5432, start it, wait.
# Then every database named on the command line is created if missing
# (psql -h 127.0.0.1 -U postgres -c 'create database ...').
set -euo pipefail

HOST=127.0.0.1
PORT=5432
WAIT_SECONDS=30
if [ "$#" -gt 0 ]; then DATABASES=("$@"); else DATABASES=(carryover test); fi

log() { echo "[postgres] $*"; }
die() { echo "[postgres] ERROR: $*" >&2; exit 1; }

# Keep the user's libpq environment from redirecting our checks elsewhere.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGSSLMODE 2>/dev/null || true
export PGCONNECT_TIMEOUT=5

is_root() { [ "$(id -u)" -eq 0 ]; }

HAVE_PG_ISREADY=""
pg_isready_usable() {
  if [ -z "$HAVE_PG_ISREADY" ]; then
    # The Debian wrapper exists even when no client version is installed behind it.
    if command -v pg_isready >/dev/null 2>&1 && pg_isready --version >/dev/null 2>&1; then
      HAVE_PG_ISREADY=yes
    else
      HAVE_PG_ISREADY=no
    fi
  fi
  [ "$HAVE_PG_ISREADY" = yes ]
}

answers() {
  if pg_isready_usable; then
    pg_isready -q -h "$HOST" -p "$PORT" -t 2 >/dev/null 2>&1
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" >/dev/null 2>&1
  fi
}

wait_until_answers() {
  local i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    answers && return 0
    sleep 1
  done
  answers
}

# Version of the Debian cluster "main" to use: the one configured for port 5432, else the newest.
cluster_version() {
  local v best="" conf p
  for d in /etc/postgresql/*/main; do
    [ -d "$d" ] || continue
    v=$(basename "$(dirname "$d")")
    conf="$d/postgresql.conf"
    p=$(sed -n "s/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p" "$conf" 2>/dev/null | tail -n 1)
    if [ "${p:-5432}" = "$PORT" ]; then echo "$v"; return 0; fi
    best="$v"
  done
  [ -n "$best" ] && echo "$best"
}

cluster_running() { pg_ctlcluster --skip-systemctl-redirect "$1" main status >/dev/null 2>&1; }

start_cluster() {
  local v="$1"
  if cluster_running "$v"; then
    log "cluster $v/main is already running; waiting for it to answer on $HOST:$PORT"
  else
    log "starting cluster $v/main"
    if ! pg_ctlcluster --skip-systemctl-redirect "$v" main start; then
      is_root || die "could not start cluster $v/main as $(id -un); run this script as root (or: sudo pg_ctlcluster $v main start)"
      die "could not start cluster $v/main; see /var/log/postgresql/postgresql-$v-main.log"
    fi
  fi
  wait_until_answers || die "cluster $v/main did not answer on $HOST:$PORT within ${WAIT_SECONDS}s (check listen_addresses/port in /etc/postgresql/$v/main/postgresql.conf)"
  log "cluster $v/main answers on $HOST:$PORT"
}

configure_dev_cluster() {
  local v="$1" dir="/etc/postgresql/$1/main" marker="# carryover-dev: local trust auth"
  local hba="$dir/pg_hba.conf" tmp
  if ! grep -qF "$marker" "$hba"; then
    log "configuring $hba for local trust auth (local development only)"
    tmp=$(mktemp)
    {
      echo "$marker (added by docker/ensure-postgres.sh; LOCAL DEVELOPMENT ONLY)"
      echo "local   all   all                  trust"
      echo "host    all   all   127.0.0.1/32   trust"
      echo "host    all   all   ::1/128        trust"
      echo "# end carryover-dev"
      cat "$hba"
    } >"$tmp"
    cat "$tmp" >"$hba" # keep owner and mode of the original file
    rm -f "$tmp"
  fi
  mkdir -p "$dir/conf.d"
  if grep -qE "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf\.d'" "$dir/postgresql.conf"; then
    printf "# added by docker/ensure-postgres.sh\nlisten_addresses = 'localhost'\nport = %s\n" "$PORT" >"$dir/conf.d/carryover-dev.conf"
  elif ! grep -qF "# carryover-dev listen" "$dir/postgresql.conf"; then
    printf "\n# carryover-dev listen (added by docker/ensure-postgres.sh)\nlisten_addresses = 'localhost'\nport = %s\n" "$PORT" >>"$dir/postgresql.conf"
  fi
}

install_postgres() {
  is_root || die "PostgreSQL is not installed and installing it needs root; run: sudo bash docker/ensure-postgres.sh ${DATABASES[*]}"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available; install PostgreSQL and make it listen on $HOST:$PORT"
  log "PostgreSQL is not installed; installing it with apt-get (this takes a minute)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  HAVE_PG_ISREADY="" # client tools are installed now
  local v
  v=$(cluster_version || true)
  if [ -z "$v" ]; then
    v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$v" ] || die "apt-get installed postgresql but no server version is found under /usr/lib/postgresql"
    log "creating cluster $v/main"
    pg_createcluster "$v" main >/dev/null
  fi
  configure_dev_cluster "$v"
  if cluster_running "$v"; then
    log "restarting cluster $v/main to apply the configuration"
    pg_ctlcluster --skip-systemctl-redirect "$v" main restart
  fi
  start_cluster "$v"
}

ensure_psql() {
  command -v psql >/dev/null 2>&1 && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    log "psql not found; installing postgresql-client"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null
    HAVE_PG_ISREADY=""
  else
    die "psql not found; install postgresql-client to let this script create databases"
  fi
}

psql_admin() { psql -X -q -h "$HOST" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

ensure_databases() {
  [ "${#DATABASES[@]}" -gt 0 ] || return 0
  ensure_psql
  psql_admin -tAc 'select 1' >/dev/null 2>&1 ||
    die "cannot connect as user postgres to $HOST:$PORT without a password; allow trust auth for 127.0.0.1 in pg_hba.conf (local development only)"
  local db exists
  for db in "${DATABASES[@]}"; do
    [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "invalid database name '$db'"
    exists=$(psql_admin -tAc "select 1 from pg_database where datname = '$db'")
    if [ "$exists" = "1" ]; then
      log "database $db exists"
    else
      log "creating database $db"
      psql_admin -c "create database \"$db\""
    fi
  done
}

if answers; then
  log "PostgreSQL answers on $HOST:$PORT"
else
  version=$(cluster_version || true)
  if [ -n "$version" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
    log "nothing answers on $HOST:$PORT; found Debian cluster $version/main"
    start_cluster "$version"
  else
    install_postgres
  fi
fi

ensure_databases
log "ready: postgresql://$HOST:$PORT (databases: ${DATABASES[*]:-none})"
