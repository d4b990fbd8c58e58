// Screenshots of every screen of the booth app in English, Chinese and Urdu on a phone (360 px
// wide), offline after the first visit, as a booth at a fair uses it: a workspace with the demo
// data, a booth joined by invite link and approved, visitors captured with no network.
//   node web/test/screens.mjs OUTDIR [--site DIR] [--dosti BIN] [--relay BIN]
// Writes OUTDIR/<screen>-<lang>.png: join, waiting, capture, search, card, service, followups,
// today, sync, other-tab. Look at them: that is what they are for (web/README.md).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { approveBooth, close, dostiCli, launch, programs, startRelay } from '../../wasm/test/harness.mjs';

const out = resolve(process.argv[2] || 'screens');
mkdirSync(out, { recursive: true });
const bins = programs(process.argv);
const work = mkdtempSync(join(tmpdir(), 'dosti-screens-'));
const passphrase = 'booth passphrase';
const dosti = dostiCli(bins.dosti, join(work, 'admin.db'), { DOSTI_INVITE_PASSPHRASE: passphrase });
const id = (page, testid) => page.locator(`[data-testid="${testid}"]`);
const LANGS = ['en', 'zh', 'ur'];

const { relay, url } = await startRelay(bins.relay, join(work, 'relay'), bins.site);
let b = null;
try {
  dosti('init', '--office', 'beijing', '--workspace-name', 'CIFTIS 2026');
  dosti('demo', 'seed', '--enterprises', '60', '--seed', '7');
  dosti('sync', '--relay', url);
  const invite = JSON.parse(dosti('--json', 'invite', 'create', '--role', 'booth', '--office', 'beijing',
                                  '--out', join(work, 'booth.invite'), '--relay', url));
  b = await launch(bins.chromium, join(work, 'profile'));
  // A phone: 360 × 740 CSS pixels, touch, overlay scrollbars (Chrome DevTools Protocol's
  // Emulation domain, as DevTools' device mode does).
  const phone = async (p) => {
    const cdp = await b.context.newCDPSession(p);
    await cdp.send('Emulation.setDeviceMetricsOverride',
                   { width: 360, height: 740, deviceScaleFactor: 1, mobile: true });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    await cdp.send('Emulation.setScrollbarsHidden', { hidden: true });
  };
  const page = await b.context.newPage();
  await phone(page);
  // A screen wider than the phone is a bug: it is named, and the run fails at the end.
  const overflows = [];
  const shot = async (name, lang, p = page) => {
    if (name !== 'capture-saved') {
      // The last save's toast has faded (3 s), so that it hides nothing of the screen.
      await p.waitForFunction(() => [...document.querySelectorAll('.toast')]
        .every((t) => getComputedStyle(t).visibility === 'hidden'), null, { timeout: 10000 });
    }
    await p.evaluate(() => scrollTo(0, 0));
    await sleep(300);
    const wide = await p.evaluate(() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return null;
      const out = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 ||
                        el.getBoundingClientRect().left < -0.5)
        .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
      return `${root.scrollWidth} px wide (${out.slice(0, 5).join(', ')})`;
    });
    if (wide) overflows.push(`${name}-${lang}: ${wide}`);
    await p.screenshot({ path: join(out, `${name}-${lang}.png`), fullPage: true });
  };
  const language = async (lang) => {
    await id(page, 'lang-select').selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  };

  await page.goto(invite.link);
  await id(page, 'join-invite').waitFor();
  for (const lang of LANGS) {
    await language(lang);
    await shot('join', lang);
  }
  await language('en');
  await id(page, 'join-passphrase').fill(passphrase);
  await id(page, 'join-submit').click();
  const code = (await id(page, 'join-verify-code').textContent()).trim();
  for (const lang of LANGS) {
    await language(lang);
    await shot('waiting', lang);
  }
  await approveBooth(dosti, code);
  await id(page, 'nav-capture').waitFor({ timeout: 30000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });

  // Offline from here on, as at a fair.
  await b.context.setOffline(true);
  await page.reload();
  await id(page, 'nav-capture').waitFor({ timeout: 15000 });
  const visitors = {
    en: { country: 'PK', name: 'Sialkot Surgical Works', contact: 'Bilal Ahmed', mobile: '0321 7654321' },
    zh: { country: 'CN', name: '深圳华强电子有限公司', contact: '李娜', mobile: '139 2222 3333',
          identifier: '91440300192203821X' },
    ur: { country: 'PK', name: 'کراچی ٹیکسٹائل ملز', contact: 'عائشہ خان', mobile: '0300 1234567' },
  };
  for (const lang of LANGS) {
    const v = visitors[lang];
    await language(lang);
    await id(page, 'nav-capture').click();
    await id(page, 'capture-country').selectOption(v.country);
    await id(page, 'capture-name').fill(v.name.slice(0, 4));     // "already ours?" shows
    await sleep(500);
    await id(page, 'capture-name').fill(v.name);
    if (v.identifier) await id(page, 'capture-identifier').fill(v.identifier);
    await id(page, 'capture-contact-name').fill(v.contact);
    await id(page, 'capture-mobile').fill(v.mobile);
    await id(page, 'capture-consent').check();
    await sleep(400);
    await shot('capture', lang);
    await id(page, 'capture-save').click();
    await id(page, 'saved-toast').waitFor();
    await shot('capture-saved', lang);

    await id(page, 'nav-search').click();
    await id(page, 'search-input').fill(lang === 'zh' ? '华强' : lang === 'ur' ? 'کراچی' : 'Si');
    await page.locator('[data-testid="search-result"]', { hasText: v.name }).first().waitFor();
    await shot('search', lang);
    await page.locator('[data-testid="search-result"]', { hasText: v.name }).first().click();
    await id(page, 'card-name').waitFor();
    await id(page, 'card-service-add').click();
    await id(page, 'service-summary').fill(lang === 'zh' ? '展会洽谈：出口培训需求'
                                           : lang === 'ur' ? 'نمائش میں برآمدی تربیت پر بات چیت'
                                           : 'Met at the booth: export training');
    await shot('service', lang);
    await id(page, 'service-save').click();
    await id(page, 'card-name').waitFor();
    await shot('card', lang);
    await id(page, 'nav-followups').click();
    await page.locator('.segmented button').last().click();
    await sleep(300);
    await shot('followups', lang);
    await id(page, 'nav-today').click();
    await id(page, 'today-enterprises').waitFor();
    await shot('today', lang);
    await id(page, 'nav-sync').click();
    await id(page, 'sync-now').click();
    await id(page, 'sync-error').waitFor();
    await shot('sync', lang);
  }
  const second = await b.context.newPage();
  await phone(second);
  for (const lang of LANGS) {
    await page.bringToFront();
    await language(lang);
    await second.bringToFront();
    await second.goto(url + '/');
    await id(second, 'other-tab-message').waitFor({ timeout: 15000 });
    await shot('other-tab', lang, second);
  }
  console.log(`screens: written to ${out}`);
  if (overflows.length) {
    console.log('screens: wider than a 360 px phone:\n  ' + overflows.join('\n  '));
    process.exitCode = 1;
  }
} finally {
  if (b) await close(b).catch(() => {});
  relay.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}
