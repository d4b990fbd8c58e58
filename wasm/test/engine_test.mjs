// The booth engine's JSON API under Node (ctest engine_node, wasm preset): the contract of
// wasm/README.md call by call, against a real admin device (the wasm build of the `dosti`
// command, on the host's file system). A booth joins by invite text, is approved through
// bundle files, captures, searches, logs a service, and ends with the admin's digest.
// The storage is the pool of slot files (the IndexedDB fallback's path, here in memory): the
// same FilePool and VFS as the browser's OPFS slots.
// Usage: node --no-experimental-fetch engine_test.mjs ENGINE_JS CLI_JS
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const [engineJs, cliJs] = process.argv.slice(2);
if (!engineJs || !cliJs) {
  console.error('usage: engine_test.mjs ENGINE_JS CLI_JS');
  process.exit(2);
}
const { dostiCall } = require(join(here, '..', 'engine-call.js'));
const createDostiEngine = require(resolve(engineJs));
// The language files the site carries beside the engine (wasm/CMakeLists.txt).
const langDir = join(dirname(resolve(engineJs)), 'site', 'lang');

const dir = mkdtempSync(join(tmpdir(), 'dosti-engine-test-'));
const adminDb = join(dir, 'admin.db');
function dosti(...args) {
  return execFileSync(process.execPath, ['--no-experimental-fetch', cliJs, '--db', adminDb, ...args],
                      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
                        env: { ...process.env, DOSTI_INVITE_PASSPHRASE: 'booth passphrase 1' } });
}

let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log('ok - ' + name);
  } catch (e) {
    failures++;
    console.log('not ok - ' + name + '\n  ' + (e.stack || e).toString().split('\n').join('\n  '));
  }
}

const progress = [];
let commits = 0;
const M = await createDostiEngine({
  dostiProgress: (json) => { progress.push(JSON.parse(json)); return false; },
  dostiCommitted: () => { commits++; },
});
const call = (method, args, bytes) => dostiCall(M, method, args, bytes);
const value = (method, args, bytes) => {
  const { answer } = call(method, args, bytes);
  assert.equal(answer.ok, true, `${method}: ${answer.key} ${answer.message}`);
  return answer.value;
};
const refusals = [];
const refusal = (method, args) => {
  const { answer } = call(method, args);
  assert.equal(answer.ok, false, `${method} should be refused`);
  assert.equal(answer.value, null);
  refusals.push(answer);
  return answer;
};

try {
  await check('every answer has ok, code, key and message; errors carry the catalog key', () => {
    const a = refusal('status');
    assert.equal(a.code, 102);
    assert.equal(a.key, 'booth.not_open');
    assert.match(a.message, /not open/);
    const unknown = refusal('noSuchCall');
    assert.equal(unknown.key, 'booth.unknown_call');
    assert.deepEqual(unknown.args, { call: 'noSuchCall' });
    assert.equal(refusal('open', { storage: 'floppy' }).key, 'booth.bad_arguments');
  });

  dosti('init', '--office', 'beijing', '--workspace-name', 'Engine test');
  dosti('invite', 'create', '--role', 'booth', '--office', 'beijing', '--out', join(dir, 'booth.invite'));
  const inviteText = readFileSync(join(dir, 'booth.invite')).toString('base64url');

  M.FS.mkdir('/dosti');
  await check('open on the slot pool: a fresh browser has no device yet', () => {
    const s = value('open', { storage: 'idbfs' });
    assert.equal(s.storage, 'idbfs');
    assert.equal(s.joined, false);
    assert.equal(s.device, null);
    assert.equal(refusal('open', { storage: 'idbfs' }).key, 'booth.already_open');
    assert.equal(refusal('bundleExport').key, 'booth.no_device');
  });

  let code = '';
  await check('join with a pasted invite link: pending, with the verification code', () => {
    assert.equal(refusal('join', { invite: 'not an invite', passphrase: 'x' }).key, 'sync.invite_not_text');
    const wrong = refusal('join', { invite: 'http://relay/#invite=' + inviteText, passphrase: 'wrong passphrase' });
    assert.equal(wrong.code, 405);
    const s = value('join', { invite: 'http://127.0.0.1:1/#invite=' + inviteText, passphrase: 'booth passphrase 1' });
    assert.equal(s.joined, true);
    assert.equal(s.pending, true);
    assert.equal(s.approved, false);
    assert.match(s.code, /^\d{4}-\d{4}$/);
    assert.equal(s.device.role, 'booth');
    code = s.code;
    assert.equal(refusal('join', { invite: inviteText, passphrase: 'booth passphrase 1' }).key, 'booth.already_joined');
    // The key file sits beside the database in the pool.
    assert.ok(M.FS.readdir('/dosti').length >= 8);
  });

  await check('approved through bundle files, the booth gets the workspace', () => {
    const out = call('bundleExport');
    assert.equal(out.answer.ok, true);
    assert.equal(out.answer.value.bytes, out.bytes.byteLength);
    writeFileSync(join(dir, 'from-booth.bundle'), Buffer.from(out.bytes));
    dosti('bundle', 'import', join(dir, 'from-booth.bundle'));
    const devices = JSON.parse(dosti('--json', 'device', 'list'));
    const booth = devices.find((d) => d.status === 'pending');
    assert.equal(booth.code, code);  // what `dosti device list` shows is what the booth shows
    dosti('device', 'approve', booth.id, '--code', code);
    dosti('bundle', 'export', '--out', join(dir, 'to-booth.bundle'));
    progress.length = 0;
    const report = value('bundleImport', {}, readFileSync(join(dir, 'to-booth.bundle')));
    assert.equal(report.damaged, false);
    assert.ok(report.applied > 0);
    assert.ok(progress.some((p) => p.what && p.total > 0), 'an import reports its progress');
    const s = value('status');
    assert.equal(s.approved, true);
    assert.equal(s.workspace.initialised, true);
    assert.match(s.workspace.programme_id, /^[0-9a-f]{32}$/);
  });

  let cn = '';
  await check('quick capture: one change, durable before it is answered, warnings as issues', () => {
    const before = value('status').pending_changes;
    commits = 0;
    const saved = value('capture', {
      enterprise: { country: 'CN', name: '华为技术有限公司' },
      identifier: '91440300279583285B',
      contact: { full_name: '张伟', mobile: '13800138000', consent_contact: true },
    });
    cn = saved.enterprise_id;
    assert.match(cn, /^[0-9a-f]{32}$/);
    assert.match(saved.contact_id, /^[0-9a-f]{32}$/);
    assert.ok(Array.isArray(saved.warnings));
    assert.equal(commits, 1, 'one commit');
    assert.equal(value('status').pending_changes, before + 1);
    const pk = value('capture', { enterprise: { country: 'PK', name: 'Lahore Looms (Pvt.) Ltd' },
                                  contact: { full_name: 'Ayesha Khan', mobile: '0300 1234567' } });
    assert.equal(pk.warnings.length >= 0, true);
  });

  await check('a refused capture names the field and saves nothing', () => {
    const before = value('status').pending_changes;
    const bad = refusal('capture', { enterprise: { country: 'PK', name: 'Karachi Steel' },
                                     contact: { full_name: 'Ali', mobile: '12' } });
    assert.equal(bad.code, 203);
    assert.equal(bad.field, 'contact.mobile');
    assert.equal(value('status').pending_changes, before);
    assert.equal(value('search', { query: 'Karachi Steel' }).length, 0);
  });

  await check('"already ours?": a two-character Chinese search finds the enterprise', () => {
    const hits = value('search', { query: '华为' });
    assert.equal(hits[0].enterprise_id, cn);
    assert.equal(hits[0].name, '华为技术有限公司');
    const page = value('enterprises', { search: 'Lahore', limit: 5 });
    assert.equal(page.total, 1);
    assert.equal(page.rows[0].country, 'PK');
  });

  await check('a service note with the booth defaults, and the enterprise card', () => {
    const defaults = value('serviceDefaults');
    assert.equal(defaults.minutes, 15);
    assert.equal(defaults.follow_up_days, 7);
    assert.deepEqual(defaults.categories.length, 7);
    value('addService', { fields: { enterprise_id: cn, category: 'strategy', summary: '展台洽谈' } });
    const card = value('enterprise', { id: cn });
    assert.equal(card.enterprise.name, '华为技术有限公司');
    assert.equal(card.enterprise.identifiers[0].type, 'CN_USCC');
    assert.equal(card.contacts[0].full_name, '张伟');
    assert.equal(card.services[0].minutes, 15);
    assert.equal(card.services[0].service_date, defaults.service_date);
    assert.equal(card.follow_ups.length, 1);
    const today = value('today');
    assert.equal(today.enterprises, 2);
    assert.equal(today.contacts, 2);
    assert.equal(today.services, 1);
    assert.equal(value('followUps').length, 1);
  });

  await check('the booth and the admin end with equal digests after bundles both ways', () => {
    const out = call('bundleExport');
    writeFileSync(join(dir, 'from-booth-2.bundle'), Buffer.from(out.bytes));
    dosti('bundle', 'import', join(dir, 'from-booth-2.bundle'));
    assert.match(dosti('enterprise', 'list', '--search', '华为'), /华为技术有限公司/);
    dosti('bundle', 'export', '--out', join(dir, 'to-booth-2.bundle'));
    value('bundleImport', {}, readFileSync(join(dir, 'to-booth-2.bundle')));
    assert.equal(value('digest'), dosti('digest').trim());
  });

  await check('a damaged bundle is reported and changes nothing it cannot check', () => {
    const bytes = readFileSync(join(dir, 'to-booth-2.bundle'));
    const report = value('bundleImport', {}, bytes.subarray(0, bytes.length - 10));
    assert.equal(report.damaged, true);
    assert.equal(value('digest'), dosti('digest').trim());
  });

  await check('closed and opened again, the pool gives back the device and its records', () => {
    const digest = value('digest');
    value('close');
    // An open that fails (a pool of one slot cannot hold the database, its WAL and the keys)
    // leaves nothing open: the next one succeeds.
    refusal('open', { storage: 'idbfs', slots: 1 });
    assert.equal(refusal('status').key, 'booth.not_open');
    const s = value('open', { storage: 'idbfs' });
    assert.equal(s.approved, true);
    assert.equal(value('digest'), digest);
  });
  await check('the page\'s translate() says what the engine says, and in Chinese and Urdu too', async () => {
    const { messageText } = await import(pathToFileURL(join(here, '..', 'engine-client.js')).href);
    const lang = (code) => ({ lang: code, texts: JSON.parse(readFileSync(join(langDir, code + '.json'), 'utf8')) });
    const en = lang('en');
    assert.ok(refusals.length >= 10);
    for (const answer of refusals) {
      if (!answer.key) continue;
      assert.equal(messageText(en, answer), answer.message, answer.key);
    }
    const otherTab = refusal('otherTab');
    assert.match(messageText(lang('zh'), otherTab), /标签页/);
    assert.match(messageText(lang('ur'), otherTab), /ٹیب/);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(failures ? `engine_test: ${failures} failed` : 'engine_test: all passed');
process.exit(failures ? 1 : 0);
