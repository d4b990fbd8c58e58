// The browser tests' page (not the booth app): it starts the engine through engine-client.js
// and offers window.booth for the tests to call. Answers are plain objects so that Playwright
// can carry them: {ok, value} or {ok: false, code, key, message}; bytes travel as base64.
import { startEngine } from '../engine/engine-client.js';

let engine = null;
const state = document.querySelector('[data-testid=engine-state]');

const failure = (e) => ({ ok: false, code: e.code, key: e.key, message: e.message });
const toBase64 = (buffer) => {
  let s = '';
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

window.booth = {
  async start(options = {}) {
    try {
      const started = await startEngine(options);
      engine = started.engine;
      state.textContent = 'ready';
      return { ok: true, value: started.status };
    } catch (e) {
      state.textContent = 'refused';
      if (e.key === 'booth.other_tab') {
        const message = document.querySelector('[data-testid=other-tab-message]');
        message.textContent = e.message;
        message.hidden = false;
      }
      return failure(e);
    }
  },
  async call(method, args = {}) {
    try {
      const value = await engine.call(method, args);
      if (/^(capture|add|set|complete)/.test(method)) {
        const toast = document.querySelector('[data-testid=saved-toast]');
        toast.textContent = 'saved ' + (value && (value.id || value.enterprise_id) || '');
        toast.hidden = false;
      }
      return { ok: true, value };
    } catch (e) {
      return failure(e);
    }
  },
  async sync(args = {}) {
    const progress = [];
    try {
      const value = await engine.call('sync', args, { onProgress: (p) => progress.push(p) });
      return { ok: true, value, progress };
    } catch (e) {
      return Object.assign(failure(e), { progress });
    }
  },
  async exportBundle() {
    try {
      const { bytes } = await engine.exportBundle();
      return { ok: true, value: toBase64(bytes) };
    } catch (e) {
      return failure(e);
    }
  },
  // The import's own time (ms) comes back too: from the call to its answer, the bytes already
  // in the page (the browser benchmark's figure).
  // `cancel`: cancels the import as soon as it is sent (it stops after its first envelope:
  // the engine hears the cancel at its first progress report).
  async importBundle(base64, { cancel = false } = {}) {
    const progress = [];
    const controller = new AbortController();
    try {
      const bytes = fromBase64(base64);
      const started = performance.now();
      const answer = engine.call('bundleImport', {}, {
        bytes, signal: controller.signal, onProgress: (p) => progress.push(p) });
      if (cancel) controller.abort();
      const value = await answer;
      return { ok: true, value, ms: performance.now() - started, progress };
    } catch (e) {
      return Object.assign(failure(e), { progress });
    }
  },
};
state.textContent = 'loaded';
