// The booth web app's figures (scripts/bench browser; JSON lines like every benchmark here):
//   web_first_visit_gzip_bytes  everything a first visit transfers, as the browser counts it
//                               (Resource Timing's transferSize: headers and the encoded body)
//                               in the page, its engine worker and its service worker, which
//                               caches every file of the app (budget < 1.5 MB);
//   web_cold_start_ms           an existing booth's page load to its first record listed
//                               (navigation start to the search screen's first row), median;
//   web_offline_reload_ms       with no network, a reload to a usable capture form (navigation
//                               start to the engine open and the form shown), median.
// Usage: node web/test/bench.mjs [--runs N] [--site DIR] [--dosti BIN] [--relay BIN]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { approveBooth, close, dostiCli, launch, programs, startRelay } from '../../wasm/test/harness.mjs';

const bins = programs(process.argv, 'native-release');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 7;
const work = mkdtempSync(join(tmpdir(), 'dosti-web-bench-'));
const passphrase = 'bench passphrase';
const dosti = dostiCli(bins.dosti, join(work, 'admin.db'), { DOSTI_INVITE_PASSPHRASE: passphrase });
const id = (page, testid) => page.locator(`[data-testid="${testid}"]`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;
const emit = (name, value, unit, detail) =>
  console.log(JSON.stringify({ name, value, unit, runs: detail.runs || 1, detail }));

// Bytes a context fetched over the network (entries served by a service worker count 0).
const transferred = () => performance.getEntriesByType('navigation').concat(
    performance.getEntriesByType('resource')).reduce((n, e) => n + (e.transferSize || 0), 0);

const { relay, url } = await startRelay(bins.relay, join(work, 'relay'), bins.site);
let b = null;
try {
  dosti('init', '--office', 'beijing', '--workspace-name', 'Bench');
  dosti('demo', 'seed', '--enterprises', '200', '--seed', '3');
  dosti('sync', '--relay', url);
  const invite = JSON.parse(dosti('--json', 'invite', 'create', '--role', 'booth', '--office', 'beijing',
                                  '--out', join(work, 'booth.invite'), '--relay', url));
  b = await launch(bins.chromium, join(work, 'profile'));
  const page = await b.context.newPage();
  if (process.env.DOSTI_BENCH_TRACE) page.on('console', (m) => { if (m.text().startsWith('T ')) console.log(m.text()); });

  // First visit: the join screen, the service worker's install, the engine started.
  await page.goto(invite.link);
  await id(page, 'join-invite').waitFor({ timeout: 30000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  await sleep(500);
  let bytes = await page.evaluate(transferred);
  const perContext = { page: bytes };
  for (const worker of page.workers()) {
    const n = await worker.evaluate(transferred);
    perContext.engine_worker = (perContext.engine_worker || 0) + n;
    bytes += n;
  }
  const sws = b.context.serviceWorkers();
  for (const sw of sws) {
    const n = await sw.evaluate(transferred);
    perContext.service_worker = (perContext.service_worker || 0) + n;
    bytes += n;
  }
  emit('web_first_visit_gzip_bytes', bytes, 'bytes', {
    budget_bytes: 1500000, per_context: perContext, service_workers_seen: sws.length,
    what: 'a first visit to the relay\'s URL: page, app, engine (js + wasm), three language files, icons, as transferred (Content-Encoding as the relay sends it)' });

  // Join and approval, so that the booth has the workspace's records.
  await id(page, 'join-passphrase').fill(passphrase);
  await id(page, 'join-submit').click();
  const code = (await id(page, 'join-verify-code').textContent()).trim();
  await approveBooth(dosti, code);
  await id(page, 'nav-capture').waitFor({ timeout: 30000 });
  // The first sync has brought every enterprise; one load not counted (the installed app warm).
  await id(page, 'nav-search').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="search-result"]').length >= 30,
                             null, { timeout: 60000 });
  await page.goto('about:blank');
  await page.goto(url + '/#search');
  await id(page, 'search-result').first().waitFor({ timeout: 30000 });
  await page.goto('about:blank');

  // Cold start: a new page load of an existing booth, to its first record listed.
  const cold = [];
  const phases = {};
  const marks = () => Object.fromEntries(['dosti-script', 'dosti-language', 'dosti-sw-ready', 'dosti-ready',
                                          'dosti-first-record'].map((m) => [m.slice(6),
      performance.getEntriesByName(m).length ? performance.getEntriesByName(m)[0].startTime : null]));
  for (let i = 0; i < runs; i++) {
    await page.goto(url + '/#search');
    await id(page, 'search-result').first().waitFor({ timeout: 30000 }).catch(async (e) => {
      console.error(await page.locator('body').innerText());
      throw e;
    });
    await page.waitForFunction(() => performance.getEntriesByName('dosti-first-record').length > 0);
    cold.push(await page.evaluate(() => performance.getEntriesByName('dosti-first-record')[0].startTime));
    const at = await page.evaluate(marks);
    if (process.env.DOSTI_BENCH_TRACE) console.error('cold start', i, JSON.stringify(at));
    for (const [k, v] of Object.entries(at)) (phases[k] = phases[k] || []).push(v);
    await page.goto('about:blank');
  }
  emit('web_cold_start_ms', round1(median(cold)), 'ms', {
    runs, budget_ms: 250, all_ms: cold.map(round1), enterprises: 200,
    median_ms_at: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round1(median(v))])),
    what: 'navigation start to the first row of the search screen (the enterprises changed last), database in OPFS, files from the service worker' });

  // Offline reload: to a capture form that can save.
  await b.context.setOffline(true);
  await page.goto(url + '/#capture');
  await id(page, 'capture-save').waitFor({ timeout: 30000 });
  const offline = [];
  for (let i = 0; i < runs; i++) {
    await page.reload();
    await id(page, 'capture-save').waitFor({ timeout: 30000 });
    await page.waitForFunction(() => performance.getEntriesByName('dosti-ready').length > 0);
    offline.push(await page.evaluate(() => performance.getEntriesByName('dosti-ready')[0].startTime));
  }
  emit('web_offline_reload_ms', round1(median(offline)), 'ms', {
    runs, budget_ms: 1000, all_ms: offline.map(round1),
    what: 'offline reload: navigation start to the engine open and the capture form shown' });
} finally {
  if (b) await close(b).catch(() => {});
  relay.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}
