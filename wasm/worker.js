// The booth engine's Web Worker: the only code that calls the wasm engine (engine.cpp). The
// page talks to it through engine-client.js; wasm/README.md is the contract.
//
// What it does besides passing calls on:
//   - one tab owns the database: it holds the Web Lock "dosti-database" for its whole life; a
//     worker that cannot get it answers every call with the engine's "booth.other_tab" error;
//   - storage: the origin-private file system's synchronous access handles (a fixed pool of
//     slot files, opened up front), or IndexedDB (emscripten's IDBFS) where OPFS is missing; a
//     call that committed answers only once the commit is durable (OPFS: flushed by the engine
//     before it returns; IDBFS: after FS.syncfs has written it to IndexedDB);
//   - the sync round: the engine yields each HTTP request, this worker sends it with fetch
//     and hands the response back, so the page never blocks; progress is posted as it comes;
//     a cancel stops the round before its next request (or, where SharedArrayBuffer exists,
//     inside a long step too: the engine asks after each envelope);
//   - bundles cross as ArrayBuffers (transferred, not copied).
//
// Messages from the page:  {id, method, args, bytes?}   {cancel: id}
//                           {init: {engineUrl?, cancelFlags?: SharedArrayBuffer}}
// Messages to the page:    {id, answer, bytes?}  {id, progress}
'use strict';

const SLOTS = 8;                 // files of the pool: database, WAL, journal, key file, spare
const LOCK = 'dosti-database';
const FETCH_TIMEOUT_MS = 60000;

let engine = null;               // the engine: its emscripten module instance
let ready = null;                // the promise of start()
let storage = '';                // 'opfs', 'idbfs' or 'memory'
let locked = false;
let committed = false;           // a transaction committed since the last persist()
let current = 0;                 // the id of the call running now
let cancelFlags = null;          // Int32Array over a SharedArrayBuffer: [id to cancel]
const cancelled = new Set();
let round = null;                // the running sync round's promise

// [SECTION] Calling the engine

function call(method, args, bytes) {
  return self.dostiCall(engine, method, args, bytes);
}

function isCancelled(id) {
  return cancelled.has(id) || (cancelFlags !== null && Atomics.load(cancelFlags, 0) === id);
}

// [SECTION] Durability of the IndexedDB fallback

let persisting = null;
let persistAgain = false;
function syncfs() {
  return new Promise((resolve, reject) =>
    engine.FS.syncfs(false, (err) => (err ? reject(err) : resolve())));
}
// Resolves once everything committed before the call is in IndexedDB.
async function persist() {
  if (storage !== 'idbfs' || !committed) return;
  if (persisting) {
    persistAgain = true;
    await persisting;
    return persist();
  }
  committed = false;
  persisting = syncfs().finally(() => { persisting = null; });
  await persisting;
  if (persistAgain) {
    persistAgain = false;
    return persist();
  }
}

// [SECTION] Starting: the lock, the storage, the engine

// A page that is reloading still has its old worker for a moment, holding the lock: the new
// worker waits for it up to LOCK_WAIT_MS before it says another tab has the database.
const LOCK_WAIT_MS = 2000;
function holdLock() {
  if (!self.navigator.locks) return Promise.resolve(true);  // no Web Locks: nothing to share
  return new Promise((resolve) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), LOCK_WAIT_MS);
    self.navigator.locks.request(LOCK, { signal: timeout.signal }, () => {
      clearTimeout(timer);
      resolve(true);
      return new Promise(() => {});  // held until the worker ends
    }).catch(() => resolve(false));  // aborted: another tab holds it
  });
}

// The worker of a page just left or reloaded can still hold its access handles for a moment
// after it let the lock go (Chromium closes them as it tears the worker down): an access
// handle refused as taken is asked for again for up to HANDLE_WAIT_MS.
const HANDLE_WAIT_MS = 3000;
async function accessHandle(file) {
  const until = Date.now() + HANDLE_WAIT_MS;
  for (;;) {
    try {
      return await file.createSyncAccessHandle();
    } catch (e) {
      if (e.name !== 'NoModificationAllowedError' || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function opfsSlots() {
  const root = await self.navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle('dosti', { create: true });
  // All at once: one by one, the eight took 30-70 ms of every start.
  const slots = Array.from({ length: SLOTS }, (_, i) =>
    dir.getFileHandle('slot-' + i, { create: true }).then(accessHandle));
  const settled = await Promise.allSettled(slots);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    for (const r of settled) if (r.status === 'fulfilled') r.value.close();
    throw failed.reason;
  }
  return settled.map((r) => r.value);
}

function hasOpfs() {
  return !!(self.navigator.storage && self.navigator.storage.getDirectory &&
            self.FileSystemFileHandle && self.FileSystemFileHandle.prototype.createSyncAccessHandle);
}

async function start(init, args) {
  const engineUrl = (init && init.engineUrl) || new URL('dosti_engine.js', self.location.href).href;
  self.importScripts(new URL('engine-call.js', self.location.href).href, engineUrl);
  const options = {
    locateFile: (path) => new URL(path, engineUrl).href,
    dostiProgress: (json) => {
      self.postMessage({ id: current, progress: JSON.parse(json) });
      return isCancelled(current);
    },
    dostiCommitted: () => { committed = true; },
  };
  // The engine's wasm is fetched and compiled while the lock and the storage are taken: the
  // library reads Module.dostiSlots only when the database is opened (library.js).
  const compiled = self.createDostiEngine(options);
  locked = await holdLock();
  if (!locked) {
    engine = await compiled;
    return;
  }
  let want = (args && args.storage) || 'auto';
  if (want === 'auto') want = hasOpfs() ? 'opfs' : (self.indexedDB ? 'idbfs' : 'none');
  if (want === 'opfs') options.dostiSlots = await opfsSlots();
  engine = await compiled;
  if (want === 'idbfs') {
    engine.FS.mkdir('/dosti');
    engine.FS.mount(engine.FS.filesystems.IDBFS, {}, '/dosti');
    await new Promise((resolve, reject) =>
      engine.FS.syncfs(true, (err) => (err ? reject(err) : resolve())));
  }
  storage = want;
  if (self.navigator.storage && self.navigator.storage.persist) {
    self.navigator.storage.persist().catch(() => {});  // ask the browser not to evict the data
  }
}

// [SECTION] The sync round, driven with fetch

function sleep(ms, id) {
  return new Promise((resolve) => {
    const until = Date.now() + ms;
    const tick = () => (Date.now() >= until || isCancelled(id) ? resolve() : setTimeout(tick, 50));
    tick();
  });
}

async function send(base, request, body, id) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  const watch = setInterval(() => { if (isCancelled(id)) controller.abort(); }, 100);
  try {
    const headers = new Headers(request.headers);
    if (request.content_type) headers.set('Content-Type', request.content_type);
    const response = await fetch(base + request.path, {
      method: request.method,
      headers,
      body: request.method === 'GET' ? undefined : (body || new ArrayBuffer(0)),
      signal: controller.signal,
      cache: 'no-store',
    });
    const data = await response.arrayBuffer();
    return { args: { status: response.status, headers: [...response.headers] }, bytes: data };
  } catch (e) {
    return { args: { status: 0, failure: String(e && e.message ? e.message : e) }, bytes: null };
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
  }
}

async function sync(id, args) {
  const begun = call('syncBegin', args);
  if (!begun.answer.ok) return begun;
  const base = begun.answer.value.replace(/\/+$/, '');
  for (;;) {
    if (isCancelled(id)) call('syncCancel');
    current = id;
    const next = call('syncNext');
    if (!next.answer.ok || next.answer.value === null) break;
    if (next.answer.value.delay_ms > 0) await sleep(next.answer.value.delay_ms, id);
    const response = await send(base, next.answer.value, next.bytes, id);
    current = id;
    call('syncTake', response.args, response.bytes);
  }
  current = id;
  return call('syncFinish');
}

// [SECTION] Messages

async function handle(message) {
  const { id, method, args, bytes } = message;
  let result;
  try {
    if (method === 'open') {
      if (!ready) ready = start(message.init, args);
      await ready;
      if (!locked) result = call('otherTab');
      else if (storage === 'none') result = call('noStorage');
      else result = call('open', Object.assign({}, args, { storage }));
    } else {
      if (!ready) throw new Error('open the engine first');
      await ready;
      if (!locked) {
        result = call('otherTab');
      } else if (method === 'sync') {
        if (!round) round = sync(id, args).finally(() => { round = null; });
        result = await round;
      } else {
        current = id;
        result = call(method, args, bytes);
      }
    }
    try {
      await persist();
    } catch (e) {
      result = call('notDurable');
    }
  } catch (e) {
    result = { answer: { ok: false, code: 399, key: '', message: String(e && e.message ? e.message : e),
                         args: {}, field: null, details: [], value: null }, bytes: null };
  }
  cancelled.delete(id);
  self.postMessage({ id, answer: result.answer, bytes: result.bytes }, result.bytes ? [result.bytes] : []);
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.init && message.init.cancelFlags) {
    cancelFlags = new Int32Array(message.init.cancelFlags);
  }
  if (message.cancel !== undefined) {
    cancelled.add(message.cancel);
    return;
  }
  if (message.id !== undefined) handle(message);
};
