# shellcheck shell=bash
# Helpers for the sync shell tests (tests/sync_*_test.sh), sourced, never run on its own (it is
# not a tests/*.sh, so ctest does not register it). Each test gets a temporary directory, its own
# dosti-relay on a free loopback port, and cleanup of both on any exit.
# The caller sets `name` and `set -euo pipefail` first; the environment gives DOSTI_CLI (the
# dosti binary) and DOSTI_BUILD_DIR (for sync/relay/dosti-relay, or DOSTI_RELAY);
# DOSTI_TEST_KEEP=1 keeps the temporary directory (commands.log: every command, its time, exit).

: "${name:?the test sets name before sourcing this file}"
: "${DOSTI_CLI:?DOSTI_CLI must name the dosti binary}"
: "${DOSTI_BUILD_DIR:?DOSTI_BUILD_DIR must name the build directory}"
relay_bin=${DOSTI_RELAY:-$DOSTI_BUILD_DIR/sync/relay/dosti-relay}
[ -x "$relay_bin" ] || { echo "$name: no dosti-relay at $relay_bin" >&2; exit 1; }
[ -x "$DOSTI_CLI" ] || { echo "$name: no dosti at $DOSTI_CLI" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dosti-$name.XXXXXX")
relay_pid=""
relay_url=""
started=$SECONDS

cleanup() {
  if [ -n "$relay_pid" ]; then
    kill "$relay_pid" 2>/dev/null || true
    wait "$relay_pid" 2>/dev/null || true
  fi
  if [ -n "${DOSTI_TEST_KEEP:-}" ]; then echo "$name: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
# Pipelines run under pipefail: never pipe into a reader that stops early (grep -q, head), it can
# kill the writer with SIGPIPE and fail a check that held.
# The databases' key files hold no passphrase unless a step sets one on purpose.
unset DOSTI_KEY_PASSPHRASE DOSTI_DB

last_cmd=""
fail() {
  {
    echo "$name: FAILED: $*"
    if [ -n "$last_cmd" ]; then
      echo "  last command: $last_cmd (exit $rc)"
      echo "  stdout:"; sed -n '1,40s/^/    /p' "$tmp/out" 2>/dev/null
      echo "  stderr:"; sed -n '1,40s/^/    /p' "$tmp/err" 2>/dev/null
    fi
    if [ -f "$tmp/relay.log" ]; then
      echo "  relay log (last lines):"; tail -n 15 "$tmp/relay.log" | sed 's/^/    /'
    fi
  } >&2
  exit 1
}

step() { echo "-- $*"; }

# d DB ARGS...: runs `dosti --db $tmp/DB.db ARGS...`; stdout in $tmp/out, stderr in $tmp/err,
# the exit code in $rc. Never fails by itself.
d() {
  local db=$1
  shift
  last_cmd="dosti --db $db.db $*"
  local t0 t1
  t0=${EPOCHREALTIME/[.,]/}
  set +e
  "$DOSTI_CLI" --db "$tmp/$db.db" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  set -e
  {
    t1=${EPOCHREALTIME/[.,]/}
    echo "$(((t1 - t0) / 1000)) ms, at $((SECONDS - started)) s: $last_cmd -> $rc"
    [ "$rc" -eq 0 ] || sed 's/^/    /' "$tmp/err"
  } >>"$tmp/commands.log"
}
# ok DB ARGS...: d, and the command must succeed.
ok() {
  d "$@"
  [ "$rc" -eq 0 ] || fail "expected exit 0"
}
# refused CODE DB ARGS...: d, and the command must exit with CODE.
refused() {
  local want=$1
  shift
  d "$@"
  [ "$rc" -eq "$want" ] || fail "expected exit $want"
}
# says FILE REGEX: the last command's stdout or stderr (FILE: out|err|both) matches REGEX (-i -E).
says() {
  local where=$1 re=$2
  case "$where" in
    out) grep -qiE -- "$re" "$tmp/out" ;;
    err) grep -qiE -- "$re" "$tmp/err" ;;
    *) grep -qiE -- "$re" "$tmp/out" "$tmp/err" ;;  # no pipe: grep -q would SIGPIPE a writer
  esac || fail "expected /$re/ in the $where of the last command"
}
# digest DB: prints the database's digest.
digest() {
  ok "$1" digest
  cat "$tmp/out"
}
# json_field KEY: the first string or number value of "KEY" in the last command's stdout.
json_field() {
  sed -n 's/^[[:space:]]*"'"$1"'": "\{0,1\}\([^",]*\)"\{0,1\},\{0,1\}$/\1/p;T;q' "$tmp/out"
}

# start_relay: a dosti-relay on 127.0.0.1 with a port the kernel picks; sets relay_url.
start_relay() {
  "$relay_bin" --listen 127.0.0.1:0 --data "$tmp/relaydir" >"$tmp/relay.out" 2>"$tmp/relay.log" &
  relay_pid=$!
  local port="" _
  for _ in $(seq 1 100); do
    port=$(sed -n 's|^dosti-relay: listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' \
      "$tmp/relay.out")
    [ -n "$port" ] && break
    kill -0 "$relay_pid" 2>/dev/null || fail "dosti-relay did not start: $(cat "$tmp/relay.log")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "dosti-relay printed no port within 10 s"
  relay_url="http://127.0.0.1:$port"
  echo "-- relay $relay_url (pid $relay_pid)"
}

finish() {
  echo "$name: ok ($((SECONDS - started)) s)"
}
