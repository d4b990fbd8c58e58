// Browser tests of the booth engine: Debian's chromium driven by playwright-core (over the
// DevTools protocol; never a downloaded browser) against a real dosti-relay on loopback that
// serves the engine's site (build/wasm/wasm/site, with its test page) and a native `dosti`
// admin device. scripts/test runs it after both builds.
//
//   1. a booth browser joins by invite link through the relay, the admin approves it with the
//      code `dosti device list` shows, and it gets the workspace;
//   2. captured records survive a reload and a browser restart with the same profile;
//   3. the browser process killed right after a save was answered keeps the record;
//   4. a second tab gets the "open in another tab" answer instead of the app;
//   5. the browser and the native device sync through the relay to equal digests, a field
//      edited on both showing the same conflict on both;
//   6. a bundle exported in the browser imports with the CLI, and the other way;
//   7. the IndexedDB fallback keeps what it saved across a reload.
//
// Usage: node wasm/test/browser_test.mjs [--site DIR] [--dosti BIN] [--relay BIN]
//        (defaults: this checkout's build/wasm/wasm/site and build/native-debug binaries;
//        DOSTI_CHROMIUM overrides /usr/bin/chromium)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { booth, call, checks, close, dostiCli, kill, launch as launchWith, openPage, programs,
         startRelay, value } from './harness.mjs';

const bins = programs(process.argv);
const launch = (profile) => launchWith(bins.chromium, profile);
const work = mkdtempSync(join(tmpdir(), 'dosti-browser-test-'));
const adminDb = join(work, 'admin.db');
const passphrase = 'booth passphrase at CIFTIS';
const dosti = dostiCli(bins.dosti, adminDb, { DOSTI_INVITE_PASSPHRASE: passphrase });

const { check, finish } = checks();

// [SECTION] The tests

const { relay, url } = await startRelay(bins.relay, join(work, 'relay'), bins.site);
const profile = join(work, 'profile-a');
let b = null;
try {
  dosti('init', '--office', 'beijing', '--workspace-name', 'CIFTIS 2026');
  dosti('enterprise', 'add', '--country', 'CN', '--name', '北京长城贸易有限公司');
  dosti('sync', '--relay', url);
  const invite = JSON.parse(dosti('--json', 'invite', 'create', '--role', 'booth', '--office', 'beijing',
                                  '--out', join(work, 'booth.invite'), '--relay', url));
  assert.equal(invite.role, 'booth');
  const link = invite.link;  // what `dosti invite create --json` prints for a booth's browser
  assert.equal(link, url + '/#invite=' + readFileSync(join(work, 'booth.invite')).toString('base64url'));

  b = await launch(profile);
  let page = await openPage(b, url);
  let cn = '';
  let pk = '';

  await check('a booth joins by invite link, is approved with the code the CLI shows, and syncs', async () => {
    const started = await value(page, 'start');
    assert.equal(started.storage, 'opfs', 'the origin-private file system is used where it exists');
    assert.equal(started.joined, false);
    const joined = await call(page, 'join', { invite: link, passphrase });
    assert.equal(joined.pending, true);
    const waiting = await value(page, 'sync', { relayUrl: url });
    assert.equal(waiting.awaiting_approval, true);
    dosti('sync');
    const pending = JSON.parse(dosti('--json', 'device', 'list')).find((d) => d.status === 'pending');
    assert.equal(pending.code, joined.code, 'the browser shows exactly the code `dosti device list` shows');
    dosti('device', 'approve', pending.id, '--code', joined.code);
    dosti('sync');
    const first = await booth(page, 'sync', { relayUrl: url });
    assert.equal(first.ok, true, first.message);
    assert.ok(first.progress.some((p) => p.what === 'sync' && p.phase === 'pull'), 'sync reports progress');
    const status = await call(page, 'status');
    assert.equal(status.approved, true);
    assert.equal(status.pending_changes, 0);
    assert.ok(status.last_synced_ms > 0);
    const hits = await call(page, 'search', { query: '长城' });
    assert.equal(hits[0].name, '北京长城贸易有限公司');
  });

  await check('captured records survive a reload and a browser restart with the same profile', async () => {
    const saved = await call(page, 'capture', {
      enterprise: { country: 'CN', name: '深圳华强电子有限公司' }, identifier: '91440300192203821X',
      contact: { full_name: '李娜', mobile: '139 2222 3333', consent_contact: true } });
    cn = saved.enterprise_id;
    await page.locator('[data-testid=saved-toast]').waitFor();
    pk = (await call(page, 'capture', {
      enterprise: { country: 'PK', name: 'Sialkot Surgical Works' },
      contact: { full_name: 'Bilal Ahmed', mobile: '0321 7654321' } })).enterprise_id;
    assert.equal((await call(page, 'today')).enterprises, 2);
    assert.equal((await call(page, 'status')).pending_changes, 2);
    await page.reload();
    await page.waitForFunction(() => window.booth !== undefined);
    await value(page, 'start');
    assert.equal((await call(page, 'search', { query: '华强' }))[0].enterprise_id, cn);
    await close(b);
    b = await launch(profile);
    page = await openPage(b, url);
    const again = await value(page, 'start');
    assert.equal(again.approved, true);
    assert.equal((await call(page, 'enterprise', { id: pk })).enterprise.name, 'Sialkot Surgical Works');
    assert.equal((await call(page, 'status')).pending_changes, 2);
  });

  await check('the browser process killed right after a save was answered keeps the record', async () => {
    const saved = await call(page, 'capture', { enterprise: { country: 'PK', name: 'Faisalabad Weavers' } });
    await kill(b);
    b = await launch(profile);
    page = await openPage(b, url);
    await value(page, 'start');
    const card = await call(page, 'enterprise', { id: saved.enterprise_id });
    assert.equal(card.enterprise.name, 'Faisalabad Weavers');
  });

  await check('a second tab gets the "open in another tab" answer instead of the app', async () => {
    const second = await openPage(b, url);
    const refused = await booth(second, 'start');
    assert.equal(refused.ok, false);
    assert.equal(refused.key, 'booth.other_tab');
    assert.equal(refused.code, 303);
    const message = second.locator('[data-testid=other-tab-message]');
    await message.waitFor();
    assert.match(await message.textContent(), /another tab/);
    await second.close();
    // The first tab goes on working.
    assert.equal((await call(page, 'search', { query: 'Faisalabad' })).length, 1);
  });

  await check('the browser and the CLI sync through the relay to equal digests, with the same conflict', async () => {
    await value(page, 'sync', { relayUrl: url });
    dosti('sync');
    assert.match(dosti('enterprise', 'list', '--search', 'Sialkot'), /Sialkot Surgical Works/);
    // The same field edited on both devices before either hears of the other's edit.
    await call(page, 'setEnterpriseField', { id: cn, field: 'city', value: '深圳' });
    dosti('enterprise', 'set', cn, 'city', 'Shenzhen');
    dosti('sync');
    await value(page, 'sync', { relayUrl: url });
    dosti('sync');
    assert.equal(await call(page, 'digest'), dosti('digest').trim());
    const here = await call(page, 'conflicts');
    const there = JSON.parse(dosti('--json', 'conflicts', 'list'));
    assert.equal(here.length, 1);
    assert.deepEqual(here, there);
    assert.equal((await call(page, 'status')).pending_changes, 0);
  });

  await check('a bundle exported in the browser imports with the CLI, and the other way', async () => {
    await call(page, 'capture', { enterprise: { country: 'CN', name: '离线展台公司' } });
    const out = await value(page, 'exportBundle');
    writeFileSync(join(work, 'from-browser.bundle'), Buffer.from(out, 'base64'));
    const imported = JSON.parse(dosti('--json', 'bundle', 'import', join(work, 'from-browser.bundle')));
    assert.equal(imported.damaged, false);
    assert.match(dosti('enterprise', 'list', '--search', '离线展台'), /离线展台公司/);
    dosti('enterprise', 'add', '--country', 'PK', '--name', 'Quetta Marble Co');
    dosti('bundle', 'export', '--out', join(work, 'to-browser.bundle'));
    const report = await value(page, 'importBundle', readFileSync(join(work, 'to-browser.bundle')).toString('base64'));
    assert.equal(report.damaged, false);
    assert.equal((await call(page, 'search', { query: 'Quetta' })).length, 1);
    assert.equal(await call(page, 'digest'), dosti('digest').trim());
  });

  await check('a long bundle import reports progress and can be cancelled, keeping what it took', async () => {
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true,
                 'the relay makes the page cross-origin isolated (a cancel reaches a long step)');
    // Many envelopes (an import reports progress every 16): each export seals what is new.
    for (let i = 0; i < 40; i++) {
      dosti('enterprise', 'add', '--country', 'PK', '--name', `Gujranwala Fans ${i}`);
      dosti('bundle', 'export', '--out', join(work, 'seal.bundle'));
    }
    const me = (await call(page, 'status')).device.id;
    dosti('bundle', 'export', '--for', me, '--out', join(work, 'big.bundle'));
    const bytes = readFileSync(join(work, 'big.bundle')).toString('base64');
    const cancelled = await booth(page, 'importBundle', bytes, { cancel: true });
    assert.equal(cancelled.ok, false, 'the import was cancelled');
    assert.equal(cancelled.code, 500);
    assert.equal(cancelled.key, 'sync.receive_cancelled');
    assert.equal(cancelled.progress.length, 1, 'it stopped after its first envelope');
    assert.ok(cancelled.progress[0].total > 1);
    assert.notEqual(await call(page, 'digest'), dosti('digest').trim());
    const whole = await booth(page, 'importBundle', bytes);
    assert.equal(whole.ok, true, whole.message);
    assert.ok(whole.value.known >= 1, 'what the cancelled import took stays');
    assert.equal(await call(page, 'digest'), dosti('digest').trim());
  });

  await check('where OPFS is not used, IndexedDB keeps what was saved across a reload', async () => {
    await close(b);
    b = await launch(join(work, 'profile-idb'));
    page = await openPage(b, url);
    const fresh = await value(page, 'start', { storage: 'idbfs' });
    assert.equal(fresh.storage, 'idbfs');
    const joined = await call(page, 'join', { invite: link.replace(/^.*#invite=/, ''), passphrase });
    await page.reload();
    await page.waitForFunction(() => window.booth !== undefined);
    const after = await value(page, 'start', { storage: 'idbfs' });
    assert.equal(after.joined, true);
    assert.equal(after.code, joined.code);
  });
} finally {
  if (b) await close(b).catch(() => {});
  relay.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

finish('browser_test');
