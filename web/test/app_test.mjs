// Browser tests of the booth web app as booth staff use it: Debian's chromium (playwright-core
// over the DevTools protocol, never a downloaded browser) against a real dosti-relay on
// loopback serving the site (the app, its engine, its service worker), with a native `dosti`
// admin device. Every step goes through the app's screens and their data-testids (the ones
// issue 10 fixes for tests outside this repository).
//
//   1. join by invite link: the verification code is exactly what `dosti device list` shows;
//      approved through the CLI, the booth syncs by itself and shows the workspace;
//   2. first visit online, then offline: a reload works (service worker), capture works
//      (a Chinese and a Pakistani enterprise with contacts, a service note), records survive a
//      reload and a browser restart with the same profile;
//   3. the browser process killed right after "saved" appears keeps the record;
//   4. a second tab gets the "open in another tab" message; a pinyin input method types into
//      capture and "already ours?" finds the Chinese name;
//   5. back online, the booth's records reach the CLI through the relay;
//   6. Urdu puts the document right to left and capture still works; a Chinese name is found by
//      a two-character search; the language is remembered;
//   7. a bundle exported in the app imports with the CLI, and the other way;
//   8. the app, a second browser profile and the CLI sync to equal digests, a field edited on
//      two of them showing the same kept value everywhere;
//   9. no screen shows a catalog key instead of words, in any of the three languages;
//  10. a new version of the site is offered ("new version available") and taken only when
//      asked, keeping the records.
//
// Usage: node web/test/app_test.mjs [--site DIR] [--dosti BIN] [--relay BIN] [--screenshots DIR]
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { approveBooth, call, checks, close, dostiCli, kill, launch as launchWith, openPage, programs,
         startRelay, value } from '../../wasm/test/harness.mjs';

const bins = programs(process.argv);
const launch = (profile) => launchWith(bins.chromium, profile);
const work = mkdtempSync(join(tmpdir(), 'dosti-app-test-'));
const adminDb = join(work, 'admin.db');
const passphrase = 'booth passphrase at CIFTIS';
const dosti = dostiCli(bins.dosti, adminDb, { DOSTI_INVITE_PASSPHRASE: passphrase });
const shotsAt = process.argv.indexOf('--screenshots');
const shots = shotsAt > 0 ? resolve(process.argv[shotsAt + 1]) : null;
if (shots) mkdirSync(shots, { recursive: true });

const { check, finish } = checks();

// [SECTION] Driving the app

const id = (page, testid) => page.locator(`[data-testid="${testid}"]`);

// The app at `url`, ready to capture (joined and approved).
async function openApp(b, url) {
  const page = await b.context.newPage();
  page.on('pageerror', (e) => console.log('  page error: ' + e.message));
  await page.goto(url + '/');
  await id(page, 'nav-capture').waitFor({ timeout: 30000 });
  return page;
}

// Fills the capture form and saves; resolves once the saved toast names the enterprise.
async function capture(page, { country, name, identifier = '', contact = '', mobile = '', consent = false }) {
  await id(page, 'nav-capture').click();
  await id(page, 'capture-country').selectOption(country);
  await id(page, 'capture-name').fill(name);
  if (identifier) await id(page, 'capture-identifier').fill(identifier);
  if (contact) await id(page, 'capture-contact-name').fill(contact);
  if (mobile) await id(page, 'capture-mobile').fill(mobile);
  if (consent) await id(page, 'capture-consent').check();
  await id(page, 'capture-save').click();
  await page.locator('[data-testid="saved-toast"]', { hasText: name }).waitFor();
}

// The search screen's results for `query`: their texts, once one names `expect`.
async function search(page, query, expect) {
  await id(page, 'nav-search').click();
  await id(page, 'search-input').fill(query);
  if (expect) await result(page, expect).waitFor();
  return id(page, 'search-result').allTextContents();
}
const result = (page, name) => page.locator('[data-testid="search-result"]', { hasText: name }).first();

async function pending(page) {
  await id(page, 'nav-sync').click();
  return Number(await id(page, 'sync-pending').textContent());
}

// Sync now from the sync screen; resolves when it ended without an error.
async function syncNow(page) {
  await id(page, 'nav-sync').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="sync-now"]').disabled);
  await id(page, 'sync-now').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="sync-now"]').disabled);
  assert.equal(await id(page, 'sync-error').count(), 0,
               'sync failed: ' + (await id(page, 'sync-error').allTextContents()).join(' '));
}

// No catalog key shows instead of its words.
async function assertWords(page, where) {
  const text = await page.locator('body').innerText();
  const key = /\b(web|label|booth|sync|storage)\.[a-z_]+(\.[a-zA-Z_]+)*\b/.exec(text);
  assert.equal(key, null, `${where}: "${key && key[0]}" shows instead of words`);
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
}

// [SECTION] The tests

// The relay serves a copy of the site, so that a test can publish a new version of it.
const site = join(work, 'site');
cpSync(bins.site, site, { recursive: true });
const { relay, url } = await startRelay(bins.relay, join(work, 'relay'), site);
const profile = join(work, 'profile-a');
let b = null;
let b2 = null;
try {
  dosti('init', '--office', 'beijing', '--workspace-name', 'CIFTIS 2026');
  dosti('enterprise', 'add', '--country', 'CN', '--name', '北京长城贸易有限公司');
  dosti('sync', '--relay', url);
  const invite = JSON.parse(dosti('--json', 'invite', 'create', '--role', 'booth', '--office', 'beijing',
                                  '--out', join(work, 'booth.invite'), '--relay', url));
  b = await launch(profile);
  let page = null;

  await check('a booth joins from the invite link, shows the code the CLI shows, and is approved', async () => {
    page = await b.context.newPage();
    page.on('pageerror', (e) => console.log('  page error: ' + e.message));
    await page.goto(invite.link);
    await page.waitForFunction(() => document.querySelector('[data-testid="join-invite"]'));
    assert.equal(await id(page, 'join-invite').inputValue(), invite.link, 'the link fills the invite in');
    assert.equal(new URL(page.url()).hash, '', 'the invite leaves the address bar');
    await shot(page, 'join-en');
    await id(page, 'join-passphrase').fill('not the passphrase');
    await id(page, 'join-submit').click();
    await page.locator('.error, .field-error').first().waitFor();
    await id(page, 'join-passphrase').fill(passphrase);
    await id(page, 'join-submit').click();
    const code = (await id(page, 'join-verify-code').textContent()).trim();
    assert.match(code, /\S/);
    await id(page, 'join-status').waitFor();
    await shot(page, 'waiting-en');
    await approveBooth(dosti, code);
    // The waiting screen checks every few seconds; the first sync brings the workspace.
    await id(page, 'nav-capture').waitFor({ timeout: 30000 });
    await search(page, '长城', '北京长城贸易有限公司');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  });

  await check('offline after the first visit: reload, capture, service note, and a browser restart', async () => {
    await b.context.setOffline(true);
    await page.reload();
    await id(page, 'nav-capture').waitFor({ timeout: 15000 });
    await capture(page, { country: 'CN', name: '深圳华强电子有限公司', identifier: '91440300192203821X',
                          contact: '李娜', mobile: '139 2222 3333', consent: true });
    await capture(page, { country: 'PK', name: 'Sialkot Surgical Works', contact: 'Bilal Ahmed',
                          mobile: '0321 7654321', consent: true });
    await search(page, '华强', '深圳华强电子有限公司');
    await result(page, '深圳华强电子有限公司').click();
    assert.equal((await id(page, 'card-name').textContent()).trim(), '深圳华强电子有限公司');
    await id(page, 'card-service-add').click();
    await id(page, 'service-category').waitFor();
    const categories = await id(page, 'service-category').locator('option').evaluateAll(
        (os) => os.map((o) => o.value));
    assert.deepEqual(categories.sort(), ['exchange', 'finance', 'legal', 'personnel', 'policy',
                                         'strategy', 'training']);
    assert.equal(await id(page, 'service-minutes').inputValue(), '15', 'the core\'s default minutes');
    await id(page, 'service-category').selectOption('training');
    await id(page, 'service-minutes').fill('30');
    await id(page, 'service-summary').fill('展会洽谈：出口培训需求');
    await id(page, 'service-save').click();
    await page.locator('[data-testid="saved-toast"]').waitFor();
    await id(page, 'card-name').waitFor();
    assert.match(await page.locator('main').innerText(), /展会洽谈/);
    assert.ok(await pending(page) >= 3, 'the changes wait to leave the booth');
    await id(page, 'sync-now').click();
    await id(page, 'sync-error').waitFor();
    await page.reload();
    await id(page, 'nav-capture').waitFor({ timeout: 15000 });
    await search(page, 'Sialkot', 'Sialkot Surgical Works');
    await close(b);
    b = await launch(profile);
    await b.context.setOffline(true);
    page = await openApp(b, url);
    await search(page, '华强', '深圳华强电子有限公司');
    await id(page, 'nav-today').click();
    assert.equal((await id(page, 'today-enterprises').innerText()).split('\n')[0].trim(), '2');
    assert.equal((await id(page, 'today-services').innerText()).split('\n')[0].trim(), '1');
  });

  await check('the browser killed right after "saved" appears keeps the record', async () => {
    await capture(page, { country: 'PK', name: 'Faisalabad Weavers' });
    await kill(b);
    b = await launch(profile);
    page = await openApp(b, url);
    await search(page, 'Faisalabad', 'Faisalabad Weavers');
  });

  await check('a second tab says the booth is open in another tab', async () => {
    const second = await b.context.newPage();
    await second.goto(url + '/');
    await id(second, 'other-tab-message').waitFor({ timeout: 15000 });
    assert.match(await id(second, 'other-tab-message').textContent(), /another tab/);
    assert.equal(await id(second, 'nav-capture').count(), 0);
    await second.close();
    await search(page, 'Faisalabad', 'Faisalabad Weavers');
  });

  await check('a pinyin input method types a Chinese name into capture, and "already ours?" finds it', async () => {
    // What an IME does (Chrome DevTools Protocol, Input domain): a composition of Latin
    // letters shown in the field, then the chosen characters committed in its place.
    const cdp = await b.context.newCDPSession(page);
    await id(page, 'nav-capture').click();
    await id(page, 'capture-country').selectOption('CN');
    await id(page, 'capture-name').click();
    for (const [composing, chosen] of [['shen', '深圳'], ['huaqiang', '华强']]) {
      for (let i = 1; i <= composing.length; i++) {
        await cdp.send('Input.imeSetComposition', { text: composing.slice(0, i), selectionStart: i, selectionEnd: i });
      }
      await cdp.send('Input.insertText', { text: chosen });
    }
    assert.equal(await id(page, 'capture-name').inputValue(), '深圳华强');
    const hint = id(page, 'capture-duplicate-hint');
    await hint.waitFor();
    assert.match(await hint.innerText(), /深圳华强电子有限公司/);
    await id(page, 'capture-name').fill('');
    await cdp.detach();
  });

  await check('back online, the booth\'s records reach the CLI through the relay', async () => {
    await syncNow(page);
    assert.equal(await pending(page), 0);
    dosti('sync');
    assert.match(dosti('enterprise', 'list', '--search', 'Sialkot'), /Sialkot Surgical Works/);
    assert.match(dosti('enterprise', 'list', '--search', '华强'), /深圳华强电子有限公司/);
    assert.match(dosti('service', 'list'), /展会洽谈/);
  });

  await check('Urdu turns the page right to left, capture works, a two-character Chinese search finds', async () => {
    await id(page, 'lang-select').selectOption('ur');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ur');
    await capture(page, { country: 'PK', name: 'کراچی ٹیکسٹائل ملز', contact: 'عائشہ خان',
                          mobile: '0300 1234567', consent: true });
    assert.match((await search(page, '长城', '北京长城贸易有限公司')).join(), /北京长城贸易有限公司/);
    await page.reload();
    await id(page, 'nav-capture').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl', 'the choice is remembered');
    await id(page, 'lang-select').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  await check('a bundle exported in the app imports with the CLI, and the other way', async () => {
    await capture(page, { country: 'CN', name: '离线展台公司' });
    await id(page, 'nav-sync').click();
    const [download] = await Promise.all([page.waitForEvent('download'), id(page, 'bundle-export').click()]);
    const file = join(work, 'from-app.bundle');
    await download.saveAs(file);
    const imported = JSON.parse(dosti('--json', 'bundle', 'import', file));
    assert.equal(imported.damaged, false);
    assert.match(dosti('enterprise', 'list', '--search', '离线展台'), /离线展台公司/);
    dosti('enterprise', 'add', '--country', 'PK', '--name', 'Quetta Marble Co');
    dosti('bundle', 'export', '--out', join(work, 'to-app.bundle'));
    await id(page, 'bundle-import').setInputFiles(join(work, 'to-app.bundle'));
    await page.locator('[data-testid="saved-toast"]').waitFor();
    await search(page, 'Quetta', 'Quetta Marble Co');
    // A damaged bundle is refused in words and changes nothing.
    await id(page, 'nav-sync').click();
    const bytes = readFileSync(join(work, 'to-app.bundle'));
    await id(page, 'bundle-import').setInputFiles({ name: 'damaged.bundle', mimeType: 'application/octet-stream',
                                                    buffer: bytes.subarray(0, 7) });
    await page.locator('[data-testid="bundle-error"]').waitFor();
  });

  await check('the app, a second browser profile and the CLI end equal, with one conflict shown the same', async () => {
    // A second booth in its own profile, driven through the engine's test page.
    b2 = await launch(join(work, 'profile-b'));
    const other = await openPage(b2, url);
    await value(other, 'start');
    const second = JSON.parse(dosti('--json', 'invite', 'create', '--role', 'booth', '--office', 'beijing',
                                    '--out', join(work, 'booth-b.invite'), '--relay', url));
    const joined = await call(other, 'join', { invite: second.link, passphrase });
    await value(other, 'sync', { relayUrl: url });
    dosti('sync');
    dosti('device', 'approve', JSON.parse(dosti('--json', 'device', 'list'))
        .find((d) => d.status === 'pending').id, '--code', joined.code);
    dosti('sync');
    await value(other, 'sync', { relayUrl: url });
    const cn = (await call(other, 'search', { query: '华强' }))[0].enterprise_id;
    // The same field edited on two devices before either hears of the other.
    await call(other, 'setEnterpriseField', { id: cn, field: 'city', value: '深圳' });
    dosti('enterprise', 'set', cn, 'city', 'Shenzhen');
    for (let round = 0; round < 2; round++) {
      await value(other, 'sync', { relayUrl: url });
      dosti('sync');
      await syncNow(page);
    }
    await value(other, 'sync', { relayUrl: url });
    const there = JSON.parse(dosti('--json', 'conflicts', 'list'));
    assert.equal(there.length, 1);
    const kept = there[0].values.find((v) => v.winner).value;
    await id(page, 'nav-sync').click();
    const shown = await page.locator('[data-testid="conflicts"] li.winner bdi').textContent();
    assert.equal(shown, kept, 'the app shows the value every device kept');
    assert.deepEqual(await call(other, 'conflicts'), there);
    // The app's digest, read through the engine once the app's tab let the database go.
    await page.close();
    const mine = await openPage(b, url);
    await value(mine, 'start');
    const digest = dosti('digest').trim();
    assert.equal(await call(mine, 'digest'), digest);
    assert.equal(await call(other, 'digest'), digest);
    await mine.close();
    page = await openApp(b, url);
  });

  await check('every screen has words, not keys, in English, Chinese and Urdu', async () => {
    for (const lang of ['en', 'zh', 'ur']) {
      await id(page, 'lang-select').selectOption(lang);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      for (const nav of ['capture', 'search', 'followups', 'today', 'sync']) {
        await id(page, 'nav-' + nav).click();
        await sleep(150);
        await assertWords(page, `${nav} in ${lang}`);
      }
      await search(page, '华强', '深圳华强电子有限公司');
      await result(page, '深圳华强电子有限公司').click();
      await id(page, 'card-name').waitFor();
      await assertWords(page, `card in ${lang}`);
      await id(page, 'card-service-add').click();
      await id(page, 'service-summary').waitFor();
      await assertWords(page, `service in ${lang}`);
    }
    await id(page, 'lang-select').selectOption('en');
  });

  await check('a new version is offered, and taken only when asked, keeping the records', async () => {
    // A new version as build.mjs would publish it: a changed file, a new version in sw.js.
    appendFileSync(join(site, 'app.css'), '\n.v2-marker { color: inherit; }\n');
    const sw = readFileSync(join(site, 'sw.js'), 'utf8');
    writeFileSync(join(site, 'sw.js'), sw.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-v2"'));
    await capture(page, { country: 'CN', name: '杭州新版本测试公司' });
    await page.reload();   // a navigation makes the browser look for a new service worker
    const banner = page.locator('.update button');
    await banner.waitFor({ timeout: 30000 });
    await shot(page, 'update-en');
    assert.equal(await page.evaluate(() => [...document.styleSheets].some((s) =>
        [...s.cssRules].some((r) => r.selectorText === '.v2-marker'))), false, 'the old version runs meanwhile');
    await banner.click();
    await page.waitForFunction(() => [...document.styleSheets].some((s) =>
        [...s.cssRules].some((r) => r.selectorText === '.v2-marker')), null, { timeout: 30000 });
    await id(page, 'nav-capture').waitFor({ timeout: 15000 });
    await search(page, '新版本', '杭州新版本测试公司');
  });
} finally {
  if (b) await close(b).catch(() => {});
  if (b2) await close(b2).catch(() => {});
  relay.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}

finish('app_test');
