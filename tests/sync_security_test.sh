#!/usr/bin/env bash
# Security at the command line (issue 4, item 7), with the real `dosti` and a real dosti-relay
# on loopback. Each attack is refused with exit 1 and a clear message, and leaves the
# receiver's digest unchanged (or, for a damaged bundle, applies only the authentic envelopes):
#   a wrong invite passphrase, a garbage, empty or truncated invite (no database or key file is
#   left behind); a reused invite (the inviter refuses the second device's bundle: "already
#   used", and the relay refuses the device); a bundle altered in the middle (of a known and of
#   a new envelope), truncated, of another workspace, replayed, garbage, empty, oversize or with
#   a lying envelope count; garbage to the relay's API; the key passphrase (missing: says how to
#   give it; wrong: "wrong key passphrase"); key files, databases (with WAL and SHM), bundles and
#   invites 0600, and init saying so when the keys have no passphrase; and no record text in plaintext in
#   a bundle file or in the relay's storage, while the sender's own database has it.
# The expiry of invites and devices needs a clock the CLI does not take from outside: it is
# checked through RunCli with a manual clock in tests/sync/cli_sync_test.cpp.
# Env: DOSTI_CLI, DOSTI_BUILD_DIR (ctest sets them). Exit 0 ok, 1 failed (the step says why).
set -euo pipefail
name=sync_security_test
# shellcheck source=sync/shell_helpers.sh disable=SC2034
source "$(dirname "$0")/sync/shell_helpers.sh"

# no_files_for DB: no database, journal or key file of DB exists.
no_files_for() {
  local left
  left=$(ls -d "$tmp/$1".db* 2>/dev/null || true)
  [ -z "$left" ] || fail "files left behind by a refused command: $left"
}
# unchanged DB BEFORE: DB's digest is still BEFORE.
unchanged() {
  local now
  now=$(digest "$1") || exit 1
  [ "$now" = "$2" ] || fail "$1's digest changed ($2 → $now)"
}
# u32 FILE OFFSET: the little-endian u32 at OFFSET.
u32() { od -An -tu4 --endian=little -j "$2" -N4 "$1" | tr -d ' '; }
# flip FILE OFFSET: inverts the lowest bit of the byte at OFFSET.
flip() {
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  # shellcheck disable=SC2059
  printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# element_offsets BUNDLE: "offset length" of every envelope in a bundle (sync/README.md: magic 8,
# workspace 16, exporter 16, time 8, u32 count, then u32 length + bytes each; hash and signature).
element_offsets() {
  local f=$1 count off=52 i len
  count=$(u32 "$f" 48)
  for ((i = 0; i < count; i++)); do
    len=$(u32 "$f" "$off")
    echo "$((off + 4)) $len"
    off=$((off + 4 + len))
  done
}
# canary counts: how many times TEXT occurs in FILES (as bytes; 0 for missing files).
occurrences() {
  local text=$1 n=0 f c
  shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    c=$(grep -a -c -F -- "$text" "$f" || true)   # lines holding it: 0 or more
    n=$((n + c))
  done
  echo "$n"
}

start_relay

step "Beijing: a workspace with 5 demo enterprises and an invite for Islamabad"
ok bj init --office beijing
ok bj demo seed --enterprises 5
ok bj invite create --role office --office islamabad --passphrase 'right-passphrase' \
  --out "$tmp/isb.invite"

step "Joining with a wrong passphrase, garbage, an empty or truncated invite: refused, nothing left"
refused 1 wrong join "$tmp/isb.invite" --passphrase 'wrong-passphrase'
says err 'wrong passphrase'
no_files_for wrong
head -c 4096 /dev/urandom >"$tmp/garbage"
: >"$tmp/empty"
for f in garbage empty; do
  refused 1 junk join "$tmp/$f" --passphrase 'right-passphrase'
  says err 'not a usable invite file'
  no_files_for junk
done
head -c $(($(stat -c %s "$tmp/isb.invite") / 2)) "$tmp/isb.invite" >"$tmp/half.invite"
refused 1 junk join "$tmp/half.invite" --passphrase 'right-passphrase'
says err 'not a usable invite file'
no_files_for junk

step "Islamabad joins; a second device joins with the same invite (offline, nobody can tell yet)"
ok isb --json join "$tmp/isb.invite" --passphrase 'right-passphrase'
isb_id=$(json_field device)
isb_code=$(json_field code)
# The passphrase from the environment: not in the process list.
DOSTI_INVITE_PASSPHRASE='right-passphrase' ok copy --json join "$tmp/isb.invite"
copy_id=$(json_field device)

step "The invite file holds no key: a pending device's import yields no records"
ok bj bundle export --out "$tmp/early.bundle"
ok copy bundle import "$tmp/early.bundle"
says out 'waits for an admin.s approval'
refused 1 copy enterprise list
says err 'not received its records'
ok isb bundle export --out "$tmp/join.bundle"
ok bj bundle import "$tmp/join.bundle"      # Beijing learns Islamabad's join: the invite is used
ok bj device approve "$isb_id" --code "$isb_code"

step "A bundle with one byte flipped in the middle of an envelope Islamabad lacks: refused, unapplied"
ok bj bundle export --out "$tmp/first.bundle"
isb_empty=$(digest isb)
cp "$tmp/first.bundle" "$tmp/flipped.bundle"
size=$(stat -c %s "$tmp/flipped.bundle")
flip "$tmp/flipped.bundle" $((size / 2))
refused 1 isb bundle import "$tmp/flipped.bundle"
says out 'rejected: changes'
says err 'altered'
unchanged isb "$isb_empty"
d isb enterprise list   # refused while no records have arrived, or an empty list
if [ "$rc" -eq 0 ] && grep -q 'China\|Pakistan' "$tmp/out"; then
  fail "Islamabad shows records from the altered bundle"
fi
ok isb bundle import "$tmp/first.bundle"   # the clean file: the same envelope now applies
ok isb enterprise list
grep -q 'China\|Pakistan' "$tmp/out" || fail "the clean bundle brought no records (the test proves nothing)"
ok isb bundle export --out "$tmp/isb1.bundle"
ok bj bundle import "$tmp/isb1.bundle"
bj_now=$(digest bj)
[ "$bj_now" = "$(digest isb)" ] || fail "Beijing and Islamabad differ after exchanging bundles"

step "Replaying a bundle: nothing new, exit 0, digest unchanged"
ok bj bundle import "$tmp/isb1.bundle"
says out 'applied 0 envelopes'
unchanged bj "$bj_now"

step "The reused invite: the inviter refuses the second device's bundle, the relay refuses it"
ok copy bundle export --out "$tmp/copy.bundle"
refused 1 bj bundle import "$tmp/copy.bundle"
says both 'already used'
unchanged bj "$bj_now"
ok bj sync --relay "$relay_url"
refused 1 copy sync --relay "$relay_url"
says err 'already used'
unchanged bj "$bj_now"
ok bj --json device list
if grep -q "$copy_id" "$tmp/out"; then fail "the second device of a used invite is in Beijing's roster"; fi

step "A bundle of another workspace: refused, digest unchanged"
ok other init --office beijing
ok other enterprise add --country CN --name 'ZZ Other Workspace Co'
ok other bundle export --out "$tmp/other.bundle"
refused 1 bj bundle import "$tmp/other.bundle"
says err 'another workspace'
unchanged bj "$bj_now"

step "Garbage, an empty file, a lying envelope count, an oversize envelope: refused, unchanged"
for f in garbage empty; do
  refused 1 bj bundle import "$tmp/$f"
  says err 'not a Dosti bundle'
done
# A valid header (Beijing's own workspace and id) claiming 4294967295 envelopes, then none.
{ head -c 48 "$tmp/isb1.bundle"; printf '\377\377\377\377'; } >"$tmp/count.bundle"
refused 1 bj bundle import "$tmp/count.bundle"
says err 'truncated|damaged'
# One frame of 2 MiB (over the 1 MiB envelope limit).
{ head -c 48 "$tmp/isb1.bundle"; printf '\001\000\000\000\000\000\040\000'; head -c $((2 << 20)) /dev/urandom; } \
  >"$tmp/oversize.bundle"
refused 1 bj bundle import "$tmp/oversize.bundle"
says err 'truncated|damaged|altered'
unchanged bj "$bj_now"

step "A truncated bundle: refused as damaged, the valid envelopes before the cut still count"
ok isb enterprise add --country PK --name 'ZZ Truncation One'
ok isb enterprise add --country PK --name 'ZZ Truncation Two'
ok isb bundle export --out "$tmp/trunc.bundle"
isb_now=$(digest isb)
size=$(stat -c %s "$tmp/trunc.bundle")
head -c $((size - 100)) "$tmp/trunc.bundle" >"$tmp/cut.bundle"   # into the last envelope (receipt)
refused 1 bj bundle import "$tmp/cut.bundle"
says err 'truncated'
says err 'valid envelopes'
says out 'applied [1-9]'
bj_now=$(digest bj)
[ "$bj_now" = "$isb_now" ] || fail "the changes before the cut were not applied from the truncated bundle"
refused 1 bj --json bundle import "$tmp/cut.bundle"   # again, for the report a script reads
says out '"damaged": true'
says out '"damage": "the file is truncated'
unchanged bj "$bj_now"

step "A byte flipped inside a new changes envelope: that envelope is rejected, nothing of it applied"
ok isb enterprise add --country PK --name 'ZZFlipTarget Textiles'
ok isb bundle export --out "$tmp/target.bundle"
isb_now=$(digest isb)
mapfile -t elements < <(element_offsets "$tmp/target.bundle")
[ "${#elements[@]}" -ge 3 ] || fail "the bundle holds ${#elements[@]} envelopes"
read -r off len <<<"${elements[${#elements[@]} - 2]}"   # the last changes envelope, before the receipt
cp "$tmp/target.bundle" "$tmp/target-flipped.bundle"
flip "$tmp/target-flipped.bundle" $((off + len / 2))
refused 1 bj bundle import "$tmp/target-flipped.bundle"
says out 'rejected: changes'
says err 'altered'
unchanged bj "$bj_now"
ok bj enterprise search 'ZZFlipTarget'
if grep -q 'ZZFlipTarget' "$tmp/out"; then fail "Beijing applied the altered envelope"; fi
ok bj bundle import "$tmp/target.bundle"
ok bj enterprise search 'ZZFlipTarget'
says out 'ZZFlipTarget'
[ "$(digest bj)" = "$isb_now" ] || fail "the clean bundle did not bring Beijing to Islamabad's state"

step "Garbage to the relay's API: 4xx, and the relay keeps serving"
if command -v curl >/dev/null; then
  ok bj --json roster show
  ws=$(json_field workspace)
  for path in /v1/workspaces "/v1/$ws/control" "/v1/$ws/push" "/v1/$ws/session" /v1/nonsense; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$tmp/garbage" \
      -H 'Content-Type: application/octet-stream' "$relay_url$path")
    case "$code" in 4??) ;; *) fail "POST $path with garbage answered $code, not 4xx" ;; esac
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$tmp/oversize.bundle" \
    -H 'Content-Type: application/octet-stream' "$relay_url/v1/$ws/control")
  case "$code" in 4??) ;; *) fail "POST control with a 2 MiB frame answered $code, not 4xx" ;; esac
  status=$(curl -sf "$relay_url/v1/status" || true)
  [[ "$status" == *'"api"'* ]] || fail "the relay stopped answering"
  kill -0 "$relay_pid" || fail "the relay died"
else
  echo "   (no curl: skipped)"
fi

step "Key passphrase: needed when set, refused when wrong; key files, databases and bundles are 0600"
DOSTI_KEY_PASSPHRASE='key-pass-123' ok locked init --office islamabad
if grep -q 'no passphrase' "$tmp/out"; then fail "init warned of a missing passphrase though one was given"; fi
ok plain init --office beijing
says out 'keys .*have no passphrase'
for db in bj isb locked plain; do
  for f in "$tmp/$db.db.key" "$tmp/$db.db" "$tmp/$db.db-wal" "$tmp/$db.db-shm"; do
    [ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ] || fail "$f has mode $(stat -c %a "$f"), not 600"
  done
  [ "$(stat -c %a "$tmp/$db.db")" = 600 ] || fail "$db.db has mode $(stat -c %a "$tmp/$db.db")"
  [ "$(stat -c %a "$tmp/$db.db.key")" = 600 ] || fail "$db.db.key has mode $(stat -c %a "$tmp/$db.db.key")"
done
checked=0
# Those dosti wrote (the test's own altered copies are the shell's).
for f in canary copy early first isb1 join other target trunc; do
  [ ! -e "$tmp/$f.bundle" ] || [ "$(stat -c %a "$tmp/$f.bundle")" = 600 ] ||
    fail "$f.bundle has mode $(stat -c %a "$tmp/$f.bundle"), not 600"
  [ ! -e "$tmp/$f.bundle" ] || checked=$((checked + 1))
done
[ "$checked" -ge 3 ] || fail "only $checked of the bundles dosti wrote were found to check"
[ "$(stat -c %a "$tmp/isb.invite")" = 600 ] || fail "the invite has mode $(stat -c %a "$tmp/isb.invite")"
refused 1 locked device list
says err 'key-passphrase-file'
says err 'DOSTI_KEY_PASSPHRASE'
DOSTI_KEY_PASSPHRASE='not-the-key-pass' refused 1 locked device list
says err 'wrong key passphrase'
printf 'not-the-key-pass\n' >"$tmp/wrong.pass"
refused 1 locked --key-passphrase-file "$tmp/wrong.pass" bundle export --out "$tmp/locked.bundle"
says err 'wrong key passphrase'
[ ! -e "$tmp/locked.bundle" ] || fail "a bundle was written with a wrong key passphrase"
printf 'key-pass-123\n' >"$tmp/right.pass"
ok locked --key-passphrase-file "$tmp/right.pass" device list
DOSTI_KEY_PASSPHRASE='key-pass-123' ok locked device list

step "No record text in plaintext in a bundle or in the relay's storage; it is in the sender's db"
latin='ZZCanaryTrading'
chinese='金丝雀测试贸易有限公司'
ok bj enterprise add --country CN --name "$latin Co., Ltd." --name-zh "$chinese" \
  --address "$latin Road 1"
ok bj --json sync --relay "$relay_url"
[ "$(json_field pushed)" -ge 1 ] || fail "Beijing pushed nothing to the relay"
ok bj bundle export --out "$tmp/canary.bundle"
ok isb sync --relay "$relay_url"          # the relay really carried it
ok isb enterprise search "$latin"
says out "$latin"
for text in "$latin" "$chinese"; do
  n=$(occurrences "$text" "$tmp"/bj.db "$tmp"/bj.db-wal)
  [ "$n" -gt 0 ] || fail "'$text' is not in Beijing's own database: this check could not fail"
  n=$(occurrences "$text" "$tmp/canary.bundle")
  [ "$n" -eq 0 ] || fail "'$text' appears $n times in plaintext in the bundle"
  n=$(occurrences "$text" "$tmp"/relaydir/relay.db*)
  [ "$n" -eq 0 ] || fail "'$text' appears $n times in plaintext in the relay's storage"
  if grep -r -a -q -F -- "$text" "$tmp/relaydir" "$tmp/relay.log"; then
    fail "'$text' appears in the relay's data directory or log"
  fi
done
ls "$tmp"/relaydir/relay.db* >/dev/null || fail "the relay has no relay.db"

finish
