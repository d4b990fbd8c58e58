// browser_merge_changes_per_s (scripts/bench): a workspace's history merged into a booth's
// database in the origin-private file system, in Debian's chromium, against the same merge
// done natively by the `dosti` command; one JSON line on stdout.
//
// Workload: an admin workspace with the demo data (`dosti demo seed --enterprises N`, about
// 117 field changes per enterprise: enterprises, identifiers, contacts, enrollments, services,
// follow-ups, matches, events), sealed into envelopes. A new device joins by invite, is
// approved, and imports the admin's bundle made for it (`bundle export --for`): every envelope
// checked (signature, chain), decrypted and merged, each in its own durable transaction
// (OPFS: synchronous=FULL). The browser's time is the bundleImport call's, measured in the page
// (the bytes already there); the native one the `dosti bundle import` process's wall time.
// Each run is a fresh device (a fresh browser profile, a fresh database file), browser and
// native alternating; the figures are medians.
//
// Usage: node wasm/test/merge_bench.mjs [--enterprises N] [--runs R] [--site DIR]
//        [--dosti BIN] [--relay BIN]   (defaults: 2000, 3, this checkout's native-release)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { booth, call, close, dostiCli, launch, openPage, programs, startRelay, value } from './harness.mjs';

const number = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const enterprises = number('--enterprises', 2000);
const runs = number('--runs', 3);
const bins = programs(process.argv, 'native-release');
const work = mkdtempSync(join(tmpdir(), 'dosti-merge-bench-'));
const passphrase = 'merge benchmark passphrase';
const env = { DOSTI_INVITE_PASSPHRASE: passphrase };
const admin = dostiCli(bins.dosti, join(work, 'admin.db'), env);
const note = (s) => console.error('merge_bench: ' + s);
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const k = s.length;
  return k % 2 ? s[(k - 1) / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
};

// Approves the device that wrote `joinBundle` (pending, with `code`) and returns the bundle of
// everything for it.
function approve(device, code, joinBundle, out) {
  admin('bundle', 'import', joinBundle);
  admin('device', 'approve', device, '--code', code);
  admin('bundle', 'export', '--for', device, '--out', out);
  return out;
}

const { relay, url } = await startRelay(bins.relay, join(work, 'relay'), bins.site);
const browserMs = [], nativeMs = [];
let changes = 0, nativeChanges = 0, bundleBytes = 0;
try {
  note(`seeding ${enterprises} demo enterprises`);
  admin('init', '--office', 'beijing', '--workspace-name', 'Merge benchmark');
  admin('demo', 'seed', '--enterprises', String(enterprises), '--seed', '1');
  for (let run = 0; run < runs; run++) {
    // The browser: a fresh profile joins, is approved, imports.
    const inviteFile = join(work, `browser-${run}.invite`);
    admin('invite', 'create', '--role', 'booth', '--office', 'beijing', '--out', inviteFile);
    const b = await launch(bins.chromium, join(work, `profile-${run}`));
    try {
      const page = await openPage(b, url);
      const started = await value(page, 'start');
      if (started.storage !== 'opfs') throw new Error('the browser did not use OPFS: ' + started.storage);
      const joined = await call(page, 'join', { invite: readFileSync(inviteFile).toString('base64url'), passphrase });
      const up = Buffer.from(await value(page, 'exportBundle'), 'base64');
      const upFile = join(work, `browser-${run}.up`);
      writeFileSync(upFile, up);
      const down = approve(joined.device.id, joined.code, upFile, join(work, `browser-${run}.down`));
      const bytes = readFileSync(down);
      bundleBytes = bytes.length;
      const r = await booth(page, 'importBundle', bytes.toString('base64'));
      if (!r.ok) throw new Error(`import: ${r.key} ${r.message}`);
      browserMs.push(r.ms);
      changes = r.value.changes;
      if (!(await call(page, 'status')).approved) throw new Error('the browser device is not approved');
      note(`browser run ${run + 1}: ${changes} changes in ${r.ms.toFixed(0)} ms`);
    } finally {
      await close(b);
    }

    // The same natively: a fresh database joins, is approved, imports.
    const nativeDb = join(work, `native-${run}.db`);
    const device = dostiCli(bins.dosti, nativeDb, env);
    const nativeInvite = join(work, `native-${run}.invite`);
    admin('invite', 'create', '--role', 'office', '--office', 'islamabad', '--out', nativeInvite);
    const j = JSON.parse(device('--json', 'join', nativeInvite));
    device('bundle', 'export', '--out', join(work, `native-${run}.up`));
    const down = approve(j.device, j.code, join(work, `native-${run}.up`), join(work, `native-${run}.down`));
    const t0 = process.hrtime.bigint();
    const report = JSON.parse(device('--json', 'bundle', 'import', down));
    nativeMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    nativeChanges = report.changes;
    note(`native run ${run + 1}: ${nativeChanges} changes in ${nativeMs[run].toFixed(0)} ms`);
  }
} finally {
  relay.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

const browser = median(browserMs);
const native = median(nativeMs);
const r4 = (x) => Number(Number(x).toPrecision(4));
console.log(JSON.stringify({
  name: 'browser_merge_changes_per_s',
  value: Math.round(changes / (browser / 1000)),
  unit: 'changes/s',
  runs: browserMs.length,
  detail: {
    changes, native_changes: nativeChanges, enterprises, bundle_bytes: bundleBytes,
    browser_ms: browserMs.map(r4), native_ms: nativeMs.map(r4),
    native_changes_per_s: Math.round(nativeChanges / (native / 1000)),
    browser_native_ratio: r4(browser / native),
    how: 'a fresh device joins, is approved and imports the admin\'s bundle made for it (demo data): every envelope verified, decrypted and merged in its own transaction; browser: Debian chromium, OPFS access handles, synchronous=FULL, timed in the page; native: dosti bundle import (native-release), process wall time',
    budget: '>= 50,000 changes/s (cr-sqlite on IndexedDB: about 6,300/s)',
  },
}));
