# Starts the services the tests talk to, installing them on a bare machine.
# Sourced by scripts/test and scripts/bench. Every function is idempotent.

FOLIO_CACHE="${FOLIO_CACHE:-$HOME/.cache/folio}"
mkdir -p "$FOLIO_CACHE"

log() { printf '[services] %s\n' "$*" >&2; }

apt_install() {
  if ! command -v apt-get >/dev/null; then
    log "apt-get is not available to install: $*"
    return 1
  fi
  if [ ! -f "$FOLIO_CACHE/.apt-updated" ]; then
    apt-get update -qq >/dev/null && touch "$FOLIO_CACHE/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # description, tries, command...
  local what=$1 tries=$2
  shift 2
  for _ in $(seq "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "$what did not come up"
  return 1
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    log "installing PostgreSQL"
    apt_install postgresql
    local conf
    conf=$(ls -d /etc/postgresql/*/main | head -1)
    # Trust auth on loopback, as on the CI machines.
    sed -i 's/^\(host.*127.0.0.1\/32\s*\)\S*$/\1trust/; s/^\(host.*::1\/128\s*\)\S*$/\1trust/' "$conf/pg_hba.conf"
  fi
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  wait_for PostgreSQL 60 pg_isready -q -h 127.0.0.1 -p 5432
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return 0; fi
  if ! command -v redis-server >/dev/null; then
    log "installing Redis"
    apt_install redis-server
  fi
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for Redis 60 sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'
}

ensure_s3() {
  if (: </dev/tcp/127.0.0.1/9014) 2>/dev/null; then return 0; fi
  local bin="$FOLIO_CACHE/s3s-fs/bin/s3s-fs"
  if [ ! -x "$bin" ]; then
    if command -v s3s-fs >/dev/null; then
      bin=$(command -v s3s-fs)
    else
      # 0.14.1 is the newest s3s-fs that builds on our toolchain; a private target dir keeps
      # its build out of the workspace's (and its lock).
      log "installing s3s-fs (compiles for a few minutes, once)"
      env -u CARGO_TARGET_DIR cargo install --quiet --locked --root "$FOLIO_CACHE/s3s-fs" \
        s3s-fs --version 0.14.1 --features binary
    fi
  fi
  local data="$FOLIO_CACHE/s3s-fs-data"
  # Scratch data: start clean (s3s-fs leaves a metadata file behind for every object deleted).
  # A bucket is a directory under the data dir.
  rm -rf "$data"
  mkdir -p "$data/folio-test"
  log "starting s3s-fs"
  setsid nohup "$bin" --host 127.0.0.1 --port 9014 \
    --access-key folio-test-key --secret-key folio-test-secret \
    "$data" >>"$FOLIO_CACHE/s3s-fs.log" 2>&1 &
  wait_for s3s-fs 60 bash -c ': </dev/tcp/127.0.0.1/9014'
}

# The OpenAPI validator the API document is checked with (openapi-spec-validator, from PyPI),
# in a virtualenv of its own; prints the command's path.
ensure_openapi_validator() {
  local venv="$FOLIO_CACHE/openapi-venv"
  if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    log "installing openapi-spec-validator"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      apt_install python3-venv >&2
      python3 -m venv "$venv" >&2
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'openapi-spec-validator==0.7.1' >&2
  fi
  echo "$venv/bin/openapi-spec-validator"
}

# MongoDB for the storage-mongo tests: SecantusDB, a MongoDB-wire-compatible server from PyPI,
# in a virtualenv of its own, with in-memory storage (scratch data, like s3s-fs's).
# Standalone, like a single mongod: transaction detection then says "no", and the tests that
# need transactions switch them on explicitly (SecantusDB runs them even so).
SECANTUS_VERSION=0.7.0b3
SECANTUSD="$FOLIO_CACHE/secantus/bin/secantusd-py"

# Installed even when something already answers on 27117: the outage tests start servers of
# their own with this launcher.
install_secantus() {
  local venv="$FOLIO_CACHE/secantus" installed
  # Read whole before grep: under pipefail, `grep -q` closing the pipe early fails pip.
  installed=$("$venv/bin/pip" show secantusdb 2>/dev/null || true)
  if [ -x "$SECANTUSD" ] && grep -qx "Version: $SECANTUS_VERSION" <<<"$installed"; then
    return 0
  fi
  log "installing SecantusDB $SECANTUS_VERSION"
  if ! command -v python3 >/dev/null; then apt_install python3 python3-venv; fi
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "secantusdb==$SECANTUS_VERSION"
}

ensure_mongo() {
  install_secantus
  if (: </dev/tcp/127.0.0.1/27117) 2>/dev/null; then return 0; fi
  log "starting SecantusDB"
  setsid nohup "$SECANTUSD" --host 127.0.0.1 --port 27117 --storage-path :memory: --standalone \
    --cache-size 256M >>"$FOLIO_CACHE/secantus.log" 2>&1 &
  wait_for SecantusDB 60 bash -c ': </dev/tcp/127.0.0.1/27117'
}
