// What the browser tests and the browser benchmark share: the programs they drive (Debian's
// chromium, this checkout's dosti and dosti-relay, the engine's site), a relay on loopback that
// serves the site, chromium as its own process reached over the DevTools protocol (so that a
// test can kill it), and calls into the test page's window.booth.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The programs, from the command line (--site DIR, --dosti BIN, --relay BIN) or this
// checkout's builds (`build` names the native preset's folder: native-debug, native-release);
// DOSTI_CHROMIUM overrides /usr/bin/chromium. Exits 2 when one is missing.
export function programs(argv, build = 'native-debug') {
  const option = (name, fallback) => {
    const i = argv.indexOf(name);
    return i > 0 ? resolve(argv[i + 1]) : fallback;
  };
  const p = {
    site: option('--site', join(root, 'build/wasm/wasm/site')),
    dosti: option('--dosti', join(root, 'build', build, 'desktop/cli/dosti')),
    relay: option('--relay', join(root, 'build', build, 'sync/relay/dosti-relay')),
    chromium: process.env.DOSTI_CHROMIUM || '/usr/bin/chromium',
  };
  for (const [what, path] of [['site', join(p.site, 'engine/dosti_engine.wasm')], ['dosti', p.dosti],
                              ['dosti-relay', p.relay], ['chromium', p.chromium]]) {
    if (!existsSync(path)) {
      console.error(`no ${what} at ${path} (build both presets first)`);
      process.exit(2);
    }
  }
  return p;
}

// `dosti --db DB ARGS...` → its standard output (stderr kept for the error of a failure).
export function dostiCli(bin, db, env = {}) {
  return (...args) => execFileSync(bin, ['--db', db, ...args],
                                   { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
                                     maxBuffer: 64 << 20, env: { ...process.env, ...env } });
}

// dosti-relay on 127.0.0.1 serving `site`; resolves to {relay (the process), url}.
export async function startRelay(bin, data, site) {
  const relay = spawn(bin, ['--listen', '127.0.0.1:0', '--data', data, '--web', site, '--quiet'],
                      { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    relay.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^ \n]+)/.exec(out);
      if (m) resolveUrl(m[1]);
    });
    relay.on('exit', (code) => reject(new Error('dosti-relay exited with ' + code)));
  });
  return { relay, url };
}

// Chromium with the profile `profile` (kept across launches), headless, as this machine runs it
// (TOOLCHAIN.md); resolves to {proc, browser, context}.
export async function launch(bin, profile) {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--no-default-browser-check', '--remote-debugging-port=0',
                `--user-data-dir=${profile}`, 'about:blank'];
  rmSync(join(profile, 'DevToolsActivePort'), { force: true });
  const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let port = null;
  for (let i = 0; i < 200 && !port; i++) {
    await sleep(50);
    const file = join(profile, 'DevToolsActivePort');
    if (existsSync(file)) port = readFileSync(file, 'utf8').split('\n')[0];
  }
  if (!port) throw new Error('chromium did not start: ' + stderr.slice(-500));
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  return { proc, browser, context: browser.contexts()[0] };
}

export async function close(b) {
  await b.browser.close().catch(() => {});
  if (b.proc.exitCode === null) {
    b.proc.kill('SIGTERM');
    await new Promise((r) => b.proc.once('exit', r));
  }
}

export async function kill(b) {
  const exited = new Promise((r) => b.proc.once('exit', r));
  b.proc.kill('SIGKILL');
  await exited;
}

// A new tab on the test page, once its window.booth is there.
export async function openPage(b, url) {
  const page = await b.context.newPage();
  page.on('pageerror', (e) => console.log('  page error: ' + e.message));
  await page.goto(url + '/test/index.html');
  await page.waitForFunction(() => window.booth !== undefined);
  return page;
}

// window.booth[method](...args) in the page: {ok, value} or {ok: false, code, key, message}.
export const booth = (page, method, ...args) =>
  page.evaluate(([m, a]) => window.booth[m](...a), [method, args]);
// Its value, failing the test when it was refused.
export async function value(page, method, ...args) {
  const r = await booth(page, method, ...args);
  assert.equal(r.ok, true, `${method}: ${r.key} ${r.message}`);
  return r.value;
}
// One engine call's value.
export const call = (page, method, args = {}) => value(page, 'call', method, args);

// [SECTION] What the test files share

// Named checks printed as TAP-like lines; a failure is printed and counted, the run goes on.
// `finish(name)` prints the summary and exits 1 when a check failed.
export function checks() {
  let failures = 0;
  return {
    async check(name, fn) {
      const started = Date.now();
      try {
        await fn();
        console.log(`ok - ${name} (${Date.now() - started} ms)`);
      } catch (e) {
        failures++;
        console.log(`not ok - ${name}\n  ` + String(e.stack || e).split('\n').join('\n  '));
      }
    },
    finish(name) {
      console.log(failures ? `${name}: ${failures} failed` : `${name}: all passed`);
      process.exit(failures ? 1 : 0);
    },
  };
}

// The admin's side of a booth's join: syncs until a device waits for approval (its join came
// through the relay), approves it with `code` (the code the booth shows; a different code
// shown by the CLI fails), syncs again. Resolves to the device as `dosti device list` shows it.
export async function approveBooth(dosti, code) {
  let joiner = null;
  for (let i = 0; i < 40 && !joiner; i++) {
    dosti('sync');
    joiner = JSON.parse(dosti('--json', 'device', 'list')).find((d) => d.status === 'pending');
    if (!joiner) await sleep(250);
  }
  assert.ok(joiner, 'the booth asked to join through the relay');
  assert.equal(joiner.code, code, 'the booth shows exactly the code `dosti device list` shows');
  dosti('device', 'approve', joiner.id, '--code', code);
  dosti('sync');
  return joiner;
}
