#!/usr/bin/env bash
# End to end (issue 4, item 8), as users would do it: the real `dosti` and a real dosti-relay on
# loopback. A Beijing admin seeds 20 enterprises and invites an Islamabad office and a Beijing
# booth; the three edit concurrently (the same field of the same enterprise on all three, and
# different records), exchange through the relay and through bundle files in a scrambled order
# until quiet, and end with equal digests and equal conflicts. Then Beijing revokes the booth:
# the booth's later envelopes are refused by both offices (bundle import exits 1 naming the
# revocation, digests unchanged) and by the relay (sync exits 1), while the offices keep
# editing and syncing in epoch 2 and converge.
# Env: DOSTI_CLI, DOSTI_BUILD_DIR (ctest sets them). Exit 0 ok, 1 failed (the step says why).
set -euo pipefail
name=sync_e2e_test
# shellcheck source=sync/shell_helpers.sh disable=SC2034
source "$(dirname "$0")/sync/shell_helpers.sh"

# relay_sync DB: `dosti sync --relay` must succeed.
relay_sync() { ok "$1" sync --relay "$relay_url"; }
# carry FROM TO: a bundle exported by FROM, imported by TO, both must succeed.
n_bundle=0
carry() {
  n_bundle=$((n_bundle + 1))
  local f="$tmp/$1-to-$2-$n_bundle.bundle"
  ok "$1" bundle export --out "$f"
  ok "$2" bundle import "$f"
}
same_digests() {
  local a b c
  a=$(digest bj) && b=$(digest isb) && c=$(digest booth) || exit 1
  [ "$a" = "$b" ] && [ "$b" = "$c" ]
}

start_relay

step "Beijing: init, 20 demo enterprises, invites for an Islamabad office and a Beijing booth"
ok bj --json init --office beijing
bj_id=$(json_field device_id)
ok bj demo seed --enterprises 20
ok bj --json enterprise list --limit 5
mapfile -t e < <(sed -n 's/^[[:space:]]*"id": "\([0-9a-f]*\)",$/\1/p' "$tmp/out")
[ "${#e[@]}" -eq 5 ] || fail "expected 5 enterprise ids, got ${#e[@]}"
ok bj invite create --role office --office islamabad --passphrase 'isb-pass-8chars' \
  --out "$tmp/isb.invite" --relay "$relay_url"
ok bj invite create --role booth --office beijing --passphrase 'booth-pass-8chars' \
  --out "$tmp/booth.invite"

step "Islamabad and the booth join offline: pending until Beijing approves them"
ok isb --json join "$tmp/isb.invite" --passphrase 'isb-pass-8chars'
isb_id=$(json_field device)
isb_code=$(json_field code)
[ "$(json_field status)" = pending ] || fail "join did not say the device is pending"
# The booth's passphrase comes from standard input, not the command line.
d booth --json join "$tmp/booth.invite" --passphrase-file - <<<'booth-pass-8chars'
[ "$rc" -eq 0 ] || fail "expected exit 0"
booth_id=$(json_field device)
booth_code=$(json_field code)
if [ -z "$isb_id" ] || [ -z "$booth_id" ]; then fail "join printed no device id"; fi
[[ "$isb_code" =~ ^[0-9]{4}-[0-9]{4}$ ]] || fail "join printed no verification code ($isb_code)"

step "Their joins reach Beijing (relay, bundle); pending, they get no records; Beijing approves"
relay_sync isb
says out 'waits for an admin.s approval'
refused 1 isb enterprise list
says err 'not received its records'
carry booth bj
relay_sync bj
ok bj --json device list
grep -q '"status": "pending"' "$tmp/out" || fail "Beijing does not list the joined devices as pending"
grep -qF "\"code\": \"$isb_code\"" "$tmp/out" || fail "Beijing does not show Islamabad's code"
refused 1 bj device approve "$isb_id" --code 0000-0000
says err 'does not match'
ok bj device approve "$isb_id" --code "$isb_code"
ok bj device approve "$booth_id" --code "$booth_code"

step "First delivery: Beijing through the relay to Islamabad, by bundle to the booth"
relay_sync bj
relay_sync isb
carry bj booth
for db in isb booth; do
  ok "$db" --json enterprise get "${e[0]}"
  says out "${e[0]}"
done

step "Concurrent edits: the same field of the same enterprise on all three, and other records"
ok bj enterprise set "${e[0]}" city 'Kashgar from Beijing'
ok isb enterprise set "${e[0]}" city 'Gwadar from Islamabad'
ok booth enterprise set "${e[0]}" city 'Xian from the booth'
ok bj enterprise set "${e[1]}" employees 111
ok bj enterprise add --country CN --name 'ZZ Beijing Newco 北京新公司'
ok isb enterprise add --country PK --name 'ZZ Islamabad Newco' --city Islamabad
ok isb enterprise set "${e[2]}" website 'https://islamabad.example.pk'
ok booth enterprise add --country CN --name 'ZZ Booth Visitor 展位访客' --source booth
ok booth enterprise set "${e[3]}" employees 333

step "Scrambled exchange (relay and bundles, edits in between) until the digests agree"
converged=0
for round in 1 2 3 4 5; do
  carry booth isb       # booth → bundle → Islamabad
  relay_sync isb        # Islamabad syncs via the relay
  relay_sync bj         # Beijing syncs
  if [ "$round" -eq 1 ]; then
    # More concurrent edits mid-exchange: Islamabad has not seen Beijing's employees=111.
    ok isb enterprise set "${e[1]}" employees 222
    ok booth enterprise set "${e[4]}" city 'Booth second edit'
    ok bj enterprise set "${e[4]}" city 'Beijing second edit'
  fi
  carry bj booth        # Beijing → bundle → booth
  carry booth bj        # booth → bundle → Beijing
  relay_sync booth      # the booth through the relay too
  relay_sync isb
  carry isb booth       # and Islamabad → bundle → booth
  relay_sync bj
  if same_digests; then
    converged=1
    echo "   equal digests after round $round"
    break
  fi
done
[ "$converged" -eq 1 ] || fail "the three devices did not converge in 5 rounds"
# Quiet: one more sync each moves and applies nothing, and the digests stay.
agreed=$(digest bj)
for db in booth isb bj; do
  ok "$db" --json sync --relay "$relay_url"
  if [ "$(json_field pushed)" != 0 ] || [ "$(json_field applied)" != 0 ] ||
    [ "$(json_field down_envelopes)" != 0 ]; then
    fail "$db: a sync after convergence still moved envelopes"
  fi
done
if ! same_digests || [ "$(digest bj)" != "$agreed" ]; then fail "the digests moved after convergence"; fi

step "Equal conflicts, the conflict on the field edited three times, every new record everywhere"
ok bj --json conflicts list; cp "$tmp/out" "$tmp/conflicts.bj"
ok isb --json conflicts list; cp "$tmp/out" "$tmp/conflicts.isb"
ok booth --json conflicts list; cp "$tmp/out" "$tmp/conflicts.booth"
cmp -s "$tmp/conflicts.bj" "$tmp/conflicts.isb" || fail "conflicts differ (Beijing, Islamabad)"
cmp -s "$tmp/conflicts.bj" "$tmp/conflicts.booth" || fail "conflicts differ (Beijing, booth)"
grep -q "${e[0]}" "$tmp/conflicts.bj" || fail "no conflict listed for ${e[0]} (city edited on all three)"
for v in 'Kashgar from Beijing' 'Gwadar from Islamabad' 'Xian from the booth'; do
  grep -qF "$v" "$tmp/conflicts.bj" || fail "the conflict on ${e[0]}.city does not show '$v'"
done
ok booth enterprise list --search 'ZZ'
for n in 'ZZ Beijing Newco' 'ZZ Islamabad Newco' 'ZZ Booth Visitor'; do says out "$n"; done

step "Beijing revokes the booth; epoch 2; Islamabad learns it through the relay"
sqlite_count() { sqlite3 "file:$tmp/relaydir/relay.db?mode=ro" "$1"; }
have_sqlite=0
command -v sqlite3 >/dev/null && have_sqlite=1
if [ "$have_sqlite" -eq 1 ]; then
  booth_at_relay=$(sqlite_count "SELECT count(*) FROM envelope WHERE lower(hex(author))='$booth_id'")
  [ "$booth_at_relay" -gt 0 ] || fail "the relay holds none of the booth's envelopes before revocation"
fi
if [ "$have_sqlite" -eq 1 ]; then
  isb_epoch1=$(sqlite_count "SELECT count(*) FROM envelope WHERE lower(hex(author))='$isb_id' AND epoch=1")
fi
ok bj device revoke "$booth_id"
# Islamabad, offline and not yet aware, edits: sealed in epoch 1 by a device still active, so
# everyone must still accept it (issue item 2).
ok isb enterprise set "${e[1]}" city 'Islamabad offline in epoch 1'
relay_sync bj
relay_sync isb
if [ "$have_sqlite" -eq 1 ]; then
  n=$(sqlite_count "SELECT count(*) FROM envelope WHERE lower(hex(author))='$isb_id' AND epoch=1")
  [ "$n" -gt "$isb_epoch1" ] || fail "the relay did not take Islamabad's offline epoch-1 envelope"
fi
for db in bj isb; do
  ok "$db" --json roster show
  [ "$(json_field epoch)" = 2 ] || fail "$db: roster show says epoch $(json_field epoch), not 2"
  ok "$db" --json device list
  flat=$(tr -d '\n ' <"$tmp/out")
  [[ "$flat" =~ \"id\":\"$booth_id\",[^}]*\"status\":\"revoked\" ]] ||
    fail "$db: device list does not show the booth revoked"
done
bj_before=$(digest bj)
isb_before=$(digest isb)

step "The booth, offline and unaware, adds a record: both offices and the relay refuse it"
ok booth enterprise add --country CN --name 'ZZ After Revocation 撤销后'
ok booth bundle export --out "$tmp/late.bundle"
for db in isb bj; do
  refused 1 "$db" bundle import "$tmp/late.bundle"
  says both 'revoked'
  says out 'rejected [1-9]'
done
[ "$(digest bj)" = "$bj_before" ] || fail "Beijing's digest changed by the revoked booth's bundle"
[ "$(digest isb)" = "$isb_before" ] || fail "Islamabad's digest changed by the revoked booth's bundle"
refused 1 booth sync --relay "$relay_url"
says err 'revoked'
if [ "$have_sqlite" -eq 1 ]; then
  [ "$(sqlite_count "SELECT count(*) FROM envelope WHERE lower(hex(author))='$booth_id'")" = \
    "$booth_at_relay" ] || fail "the relay stored an envelope of the revoked booth"
fi
for db in bj isb; do
  ok "$db" enterprise search 'ZZ After Revocation'
  if grep -q 'ZZ After Revocation' "$tmp/out"; then fail "$db has the revoked booth's record"; fi
done

step "The offices keep editing and syncing in epoch 2"
ok bj enterprise set "${e[2]}" city 'Beijing in epoch 2'
ok isb enterprise set "${e[2]}" city 'Islamabad in epoch 2'
ok isb enterprise add --country PK --name 'ZZ Epoch Two Traders'
ok bj enterprise set "${e[3]}" employees 444
carry isb bj          # by bundle one way, the relay the other
relay_sync bj
relay_sync isb
relay_sync bj
[ "$(digest bj)" = "$(digest isb)" ] || fail "Beijing and Islamabad differ after syncing in epoch 2"
ok bj --json enterprise get "${e[1]}"
[ "$(json_field city)" = 'Islamabad offline in epoch 1' ] ||
  fail "Beijing did not accept Islamabad's offline epoch-1 edit made after the revocation"
if [ "$have_sqlite" -eq 1 ]; then
  for id in "$isb_id" "$bj_id"; do
    n=$(sqlite_count "SELECT count(*) FROM envelope WHERE lower(hex(author))='$id' AND epoch=2")
    [ "$n" -gt 0 ] || fail "the relay holds no epoch-2 envelope of device $id"
  done
fi
for db in bj isb; do
  ok "$db" --json roster show
  [ "$(json_field epoch)" = 2 ] || fail "$db left epoch 2"
  ok "$db" enterprise search 'ZZ Epoch Two Traders'
  says out 'ZZ Epoch Two Traders'
done
ok bj --json conflicts list; cp "$tmp/out" "$tmp/conflicts.bj"
ok isb --json conflicts list
cmp -s "$tmp/out" "$tmp/conflicts.bj" || fail "conflicts differ after epoch 2"

finish
