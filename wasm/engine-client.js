// The page's side of the booth engine: a small promise RPC over the engine's Web Worker
// (worker.js). The page never blocks and never touches wasm memory; wasm/README.md lists every
// call, its arguments and its answer.
//
//   import { startEngine } from './engine/engine-client.js';
//   const engine = await startEngine();            // rejects with EngineError (other tab, …)
//   const saved = await engine.call('capture', { enterprise: { country: 'CN', name } });
//   const report = await engine.call('sync', { relayUrl: location.origin },
//                                    { onProgress: (p) => show(p), signal });
//
// Every call resolves to the engine's `value` (and `bytes` for the calls that give a file:
// `callWithBytes`), or rejects with an EngineError carrying the engine's code, catalog key,
// English message, arguments and field, which a page translates with the language files.

export class EngineError extends Error {
  constructor(answer) {
    super(answer.message || answer.key || 'engine error');
    this.name = 'EngineError';
    this.code = answer.code;
    this.key = answer.key;
    this.args = answer.args || {};
    this.field = answer.field || null;
    this.details = answer.details || [];
  }
}

export class Engine {
  constructor(worker, cancelFlags) {
    this.worker = worker;
    this.cancelFlags = cancelFlags;  // Int32Array over a SharedArrayBuffer, or null
    this.next = 1;
    this.pending = new Map();        // id → {resolve, reject, onProgress}
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      const error = new EngineError({ code: 399, key: '', message: event.message || 'worker failed' });
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
  }

  receive(message) {
    const p = this.pending.get(message.id);
    if (!p) return;
    if (message.progress) {
      if (p.onProgress) p.onProgress(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.answer.ok) p.resolve({ value: message.answer.value, bytes: message.bytes || null });
    else p.reject(new EngineError(message.answer));
  }

  // One call: resolves to {value, bytes}. `bytes` (an ArrayBuffer or a typed array) goes to the
  // engine (a bundle to import); it is transferred, so the caller's buffer is emptied.
  // `onProgress` hears the progress of long calls; `signal` (an AbortSignal) cancels them.
  request(method, args = {}, { bytes = null, onProgress = null, signal = null, init = null } = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      let buffer = null;
      if (bytes) {
        buffer = bytes instanceof ArrayBuffer ? bytes
                 : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }
      if (signal) {
        if (signal.aborted) this.cancel(id);
        else signal.addEventListener('abort', () => this.cancel(id), { once: true });
      }
      this.worker.postMessage({ id, method, args, bytes: buffer, init }, buffer ? [buffer] : []);
    });
  }

  // The value of a call (most calls).
  async call(method, args = {}, options = {}) {
    return (await this.request(method, args, options)).value;
  }

  // Stops call `id` (a sync, a bundle import) as soon as the engine can.
  cancel(id) {
    if (this.cancelFlags) Atomics.store(this.cancelFlags, 0, id);
    this.worker.postMessage({ cancel: id });
  }

  // [SECTION] Files
  // A bundle for a booth without a network: {bytes: ArrayBuffer, value: {bytes: n}}.
  exportBundle(args = {}) {
    return this.request('bundleExport', args);
  }
  // A bundle chosen in a file picker (a File or a Blob), imported into the engine.
  async importBundle(file, options = {}) {
    const bytes = await file.arrayBuffer();
    return this.call('bundleImport', {}, Object.assign({}, options, { bytes }));
  }

  terminate() {
    this.worker.terminate();
  }
}

// Starts the worker and opens the database. `storage`: 'auto' (OPFS, else IndexedDB), 'opfs',
// 'idbfs' or 'memory' (nothing kept: tests). Resolves to {engine, status}; rejects with an
// EngineError: "booth.other_tab" when another tab owns the database, "booth.no_storage".
export async function startEngine({ base = new URL('./', import.meta.url), storage = 'auto',
                                    keyPassphrase = '' } = {}) {
  const worker = new Worker(new URL('worker.js', base));
  // A cancel can stop a long step only through shared memory, which needs a cross-origin
  // isolated page (the relay sends COOP and COEP); otherwise between steps.
  const cancelFlags = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
  const engine = new Engine(worker, cancelFlags);
  const init = { engineUrl: new URL('dosti_engine.js', base).href,
                 cancelFlags: cancelFlags ? cancelFlags.buffer : null };
  try {
    const status = await engine.call('open', { storage, keyPassphrase }, { init });
    return { engine, status };
  } catch (e) {
    worker.terminate();  // a later startEngine() tries again (the other tab may be gone)
    throw e;
  }
}

// [SECTION] Text from the catalog

// The language file of `lang` (made from the one catalog by core/catalog/lang-files.mjs):
// {key: template}. `url`: where the lang/ folder is.
export async function loadLanguage(lang, url = new URL('../lang/', import.meta.url)) {
  const response = await fetch(new URL(lang + '.json', url));
  if (!response.ok) throw new Error('no language file for ' + lang);
  return { lang, texts: await response.json() };
}

// The text of `key` with `args` in a language loaded by loadLanguage, filled in as
// core/src/catalog.cpp fills it in ("{name}", "{0}", "{name:kind}" for a label,
// "{name:msg}", "{name:msgs}", "{name:omit}", "{{"); the key itself when the file lacks it.
export function translate(language, key, args = {}) {
  const template = language.texts[key];
  return template === undefined ? key : render(language, template, args, 0, -1);
}

// An EngineError's or a message's ({key, args, text}) text in the language.
export function messageText(language, m) {
  if (m.key && language.texts[m.key] !== undefined) return translate(language, m.key, m.args);
  return m.message || m.text || m.key || '';
}

function argument(args, name, item) {
  const entries = Object.entries(args || {});
  if (item >= 0 && name) {
    const scoped = entries.find(([n]) => n === name + '.' + item);
    if (scoped) return String(scoped[1]);
  }
  if (/^[0-9]{1,2}$/.test(name)) {
    const i = Number(name);
    return i < entries.length ? String(entries[i][1]) : undefined;
  }
  const found = entries.find(([n]) => n === name);
  return found ? String(found[1]) : undefined;
}

function render(language, text, args, depth, item) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' && text[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    const close = text.indexOf('}', i);
    if (close < 0) {
      out += text.slice(i);
      break;
    }
    let name = text.slice(i + 1, close);
    let kind = '';
    const colon = name.indexOf(':');
    if (colon >= 0) {
      kind = name.slice(colon + 1);
      name = name.slice(0, colon);
    }
    const value = argument(args, name, item);
    const nested = (k) => language.texts[k];
    if (value === undefined) {
      out += text.slice(i, close + 1);  // left visible: a missing argument is a bug
    } else if (kind === 'omit') {
      // an argument this language has no use for
    } else if (kind === 'msg') {
      const t = value ? nested(value) : undefined;
      out += t !== undefined && depth < 4 ? render(language, t, args, depth + 1, item) : value;
    } else if (kind === 'msgs') {
      value.split(',').forEach((k, n) => {
        if (n > 0) out += nested('list.separator') !== undefined ? nested('list.separator') : ', ';
        const t = nested(k);
        out += t !== undefined && depth < 4 ? render(language, t, args, depth + 1, n) : k;
      });
    } else if (kind) {
      const label = nested('label.' + kind + '.' + value);
      out += label !== undefined ? label : value;
    } else {
      out += value;
    }
    i = close;
  }
  return out;
}
