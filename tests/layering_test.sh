#!/usr/bin/env bash
# The layering check (DESIGN.md §1, STYLE.md habit 2): dependencies point one way.
#   1. sqlite3.h is included only in core/src, sync/relay (the relay's own store), tests/, bench/;
#   2. sodium.h (or <sodium/...>) only in sync/, tests/, bench/;
#   3. nothing under desktop/, wasm/ or web/ includes a core/src internal header (db.h, store.h,
#      session_impl.h, ...: every header that lives in core/src), and no CMakeLists.txt there
#      adds core/src to an include path;
#   4. the relay protocol lives in sync/ only: outside sync/ (and tests/, bench/) nothing includes
#      httplib.h or dosti/sync/protocol.h, and no source of desktop/, wasm/ or web/ (C++ or
#      JavaScript) spells a relay route ("/v1/...") or the sign-in domain ("DH-relay-auth"):
#      front ends run a SyncRound (dosti/sync/round.h) and move its requests, nothing more;
#   5. the replication side of a Session (dosti/replica.h: changesets in and out, the local blobs
#      of the sync layer) is for sync/ only: desktop/, wasm/ and web/ never include it, so a
#      front end cannot apply a changeset that no envelope authenticated.
# Usage: tests/layering_test.sh [source root]   (default: the repository this script is in)
# It first checks itself on a small tree with known violations, then checks the real tree.
# Exit 0: clean; 1: violations (each printed as file:line: rule); 2: the self-check failed.
set -euo pipefail

# Prints one line per violation in the tree at $1; paths are relative to it.
check_tree() (
  cd "$1"
  local rel num name
  # Source files, outside build trees, dependencies and version control.
  find . \( -path ./.git -o -path './build' -o -path './build-*' -o -name node_modules \
            -o -path ./var \) -prune -o -type f \
         \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' -o -name '*.h' \
            -o -name '*.hh' -o -name '*.hpp' -o -name '*.hxx' -o -name '*.inc' -o -name '*.ipp' \
            -o -name '*.mm' \) -print | sed 's|^\./||' | LC_ALL=C sort >"$tmp/files"

  # The internal headers of core: whatever header files core/src holds today.
  : >"$tmp/internal"
  if [ -d core/src ]; then
    find core/src -maxdepth 1 -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.inc' \) \
      -exec basename {} \; | LC_ALL=C sort >"$tmp/internal"
  fi

  # Every #include line (comments that mention a header are fine) as "file:num:name".
  tr '\n' '\0' <"$tmp/files" |
    xargs -0 -r grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]+[>"]' -- |
    sed -E 's/^([^:]+):([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1:\2:\3/' \
    >"$tmp/includes" || true

  while IFS=: read -r rel num name; do
    case "$name" in
      sqlite3.h|sqlite3ext.h|*/sqlite3.h|*/sqlite3ext.h)
        case "$rel" in
          core/src/*|sync/relay/*|tests/*|bench/*) ;;
          *) echo "$rel:$num: includes <$name>: only core/src (and sync/relay, tests, bench) may use SQLite" ;;
        esac ;;
      sodium.h|sodium/*|*/sodium.h)
        case "$rel" in
          sync/*|tests/*|bench/*) ;;
          *) echo "$rel:$num: includes <$name>: only sync/ (and tests, bench) may use libsodium" ;;
        esac ;;
    esac
    case "$name" in
      dosti/replica.h)
        case "$rel" in
          desktop/*|wasm/*|web/*) echo "$rel:$num: includes <$name>: changesets and the sync layer's local state are reached through sync/ only" ;;
        esac ;;
      httplib.h|*/httplib.h|dosti/sync/protocol.h)
        case "$rel" in
          sync/*|tests/*|bench/*) ;;
          *) echo "$rel:$num: includes <$name>: the relay protocol and its HTTP stay in sync/ (front ends run a SyncRound)" ;;
        esac ;;
    esac
    case "$rel" in
      desktop/*|wasm/*|web/*)
        if [[ "$name" == *core/src/* ]]; then
          echo "$rel:$num: includes \"$name\": front ends see only core's public headers (dosti/...)"
        elif [[ "$name" != */* ]] && grep -qxF -- "$name" "$tmp/internal" &&
             [ ! -e "$(dirname "$rel")/$name" ]; then
          # A bare name of a core/src header that is not a file next to the includer.
          echo "$rel:$num: includes \"$name\", a core/src internal header: front ends see only core's public headers (dosti/...)"
        fi ;;
    esac
  done <"$tmp/includes"

  # Relay routes and the sign-in domain spelled in a front end (C++ or JavaScript, comments
  # excepted): protocol code outside sync/.
  { find desktop wasm web \( -path '*/node_modules' -o -path '*/dist' \) -prune -o -type f \
      \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \
         -o -name '*.js' -o -name '*.mjs' -o -name '*.ts' -o -name '*.html' \) -print 2>/dev/null || true; } |
    LC_ALL=C sort |
    while IFS= read -r rel; do
      { grep -nE '["'"'"'`]/v1/|DH-relay-auth' -- "$rel" || true; } |
        { grep -vE '^[0-9]+:[[:space:]]*(//|#|\*)' || true; } | cut -d: -f1 |
        while IFS= read -r num; do
          echo "$rel:$num: spells a relay route or the sign-in message: the relay protocol belongs in sync/ (run a SyncRound)"
        done
    done

  # Build files of the front ends must not reach into core/src either.
  { find desktop wasm web \( -name CMakeLists.txt -o -name '*.cmake' \) -print 2>/dev/null || true; } |
    LC_ALL=C sort |
    while IFS= read -r rel; do
      { grep -nE 'core/src' -- "$rel" || true; } | { grep -vE '^[0-9]+:[[:space:]]*#' || true; } |
        cut -d: -f1 |
        while IFS= read -r num; do
          echo "$rel:$num: adds core/src to a front end's build: use dosti_core's public headers"
        done
    done
  true
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- Self-check: a tree with one violation of each kind and the allowed cases next to them.
fake="$tmp/fake"
mkdir -p "$fake"/{core/src,core/include/dosti,sync/relay,tests,bench,desktop/cli,desktop/app,wasm,web/src}
printf '#include <sqlite3.h>\n' >"$fake/core/src/db.h"
printf '#include "db.h"\n' >"$fake/core/src/store.h"
printf '#include <sqlite3.h>\n#include "sodium.h"\n' >"$fake/sync/relay/store.cpp"
printf '#include <sodium.h>\n' >"$fake/sync/seal.cpp"
printf '#include <sqlite3.h>\n#include <sodium.h>\n#include "db.h"\n' >"$fake/tests/t_test.cpp"
printf '#include <sqlite3.h>\n#include "store.h"\n' >"$fake/bench/b.cpp"
printf '// only a comment about sqlite3.h\n#include "dosti/session.h"\n' >"$fake/desktop/cli/ok.cpp"
printf '#include "store.h"\n' >"$fake/desktop/app/own.cpp"         # its own store.h, next to it
printf 'struct S {};\n' >"$fake/desktop/app/store.h"
printf '#include <sqlite3.h>\n' >"$fake/desktop/cli/bad_sqlite.cpp"            # violation 1
printf '  #  include <sodium/crypto_box.h>\n' >"$fake/core/src/bad_sodium.cpp"  # violation 2
printf '#include "session_impl.h"\n' >"$fake/wasm/bad_internal.cpp"           # violation 3
printf '#include "../../core/src/db.h"\n' >"$fake/web/src/bad_path.cpp"       # violation 4
printf 'struct I {};\n' >"$fake/core/src/session_impl.h"
printf 'target_include_directories(x PRIVATE ../../core/src)\n' >"$fake/desktop/app/CMakeLists.txt"  # violation 5
printf '#include <httplib.h>\n' >"$fake/desktop/cli/bad_http.cpp"                       # violation 6
printf '#include <httplib.h>\n' >"$fake/sync/relay/server.cpp"
printf 'const r = await fetch(base + "/v1/" + ws + "/push");\n// "/v1/" in a comment is fine\n' >"$fake/web/src/bad_route.js"  # violation 7
printf '#include "dosti/sync/protocol.h"\n' >"$fake/wasm/bad_protocol.cpp"              # violation 8
printf '#include "dosti/replica.h"\n' >"$fake/desktop/app/bad_replica.cpp"               # violation 9
printf '#include "dosti/replica.h"\n' >"$fake/sync/node.cpp"
check_tree "$fake" >"$tmp/self.out" || true
expected="core/src/bad_sodium.cpp:1
desktop/app/CMakeLists.txt:1
desktop/app/bad_replica.cpp:1
desktop/cli/bad_http.cpp:1
desktop/cli/bad_sqlite.cpp:1
wasm/bad_internal.cpp:1
wasm/bad_protocol.cpp:1
web/src/bad_path.cpp:1
web/src/bad_route.js:1"
got=$(cut -d: -f1,2 "$tmp/self.out" | LC_ALL=C sort)
if [ "$got" != "$expected" ]; then
  echo "layering_test: the self-check on a known tree failed." >&2
  echo "expected:" >&2; echo "$expected" >&2
  echo "got:" >&2; cat "$tmp/self.out" >&2
  exit 2
fi

# ---- The real tree.
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
check_tree "$root" >"$tmp/real.out"
if [ -s "$tmp/real.out" ]; then
  echo "layering_test: $(wc -l <"$tmp/real.out") layering violation(s) (DESIGN.md §1):"
  cat "$tmp/real.out"
  exit 1
fi
echo "layering_test: ok ($(wc -l <"$tmp/files") source files checked)"
