// The booth's one engine and what every screen shares about it: the status (joined, approved,
// changes waiting, last sync), a counter that moves whenever records changed (a save here, or
// changes a sync or a bundle brought), and the sync that runs by itself while online.
// Screens hold no SQL, no protocol and no domain rule: they call the engine (wasm/README.md).
import { startEngine } from '../../wasm/engine-client.js';

const AUTO_SYNC_MS = 60000;      // while online, a sync a minute
const AFTER_SAVE_MS = 3000;      // and a few seconds after a save, so records leave the booth soon
const PENDING_POLL_MS = 5000;    // while waiting for an admin's approval

export class Booth {
  constructor() {
    this.engine = null;
    this.status = null;
    this.changes = 0;               // moves when records changed
    this.sync = { running: false, progress: null, error: null, report: null, finished: 0 };
    this.listeners = new Set();
    this.timer = null;
    this.controller = null;
    this.listening = false;         // the "online" listener is added once, whatever the retries
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit() {
    for (const fn of this.listeners) fn(this);
  }

  // Starts the worker and opens the database; rejects with an EngineError ("booth.other_tab").
  async start(options = {}) {
    const { engine, status } = await startEngine(
        Object.assign({ base: new URL('engine/', document.baseURI) }, options));
    this.engine = engine;
    this.status = status;
    if (!this.listening) {
      this.listening = true;
      addEventListener('online', () => this.syncSoon(0));
    }
    this.schedule();
    this.emit();
    return status;
  }

  async call(method, args = {}, options = {}) {
    return this.engine.call(method, args, options);
  }

  // A call that writes: the screens refresh and the change leaves soon.
  async save(method, args) {
    const value = await this.engine.call(method, args);
    this.changed();
    this.syncSoon(AFTER_SAVE_MS);
    return value;
  }

  changed() {
    this.changes++;
    this.refreshStatus();
  }

  async refreshStatus() {
    try {
      this.status = await this.engine.call('status');
    } catch {
      // the last status stays; the next call will say what is wrong
    }
    this.emit();
  }

  async join(invite, passphrase) {
    this.status = await this.engine.call('join', { invite, passphrase });
    this.emit();
    this.syncSoon(0);
    return this.status;
  }

  // [SECTION] Sync

  // The next automatic sync in `ms` (sooner replaces later).
  syncSoon(ms) {
    if (!this.status || !this.status.joined) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.autoSync(), ms);
  }

  schedule() {
    if (!this.status || !this.status.joined) return;
    this.syncSoon(this.status.approved ? AUTO_SYNC_MS : PENDING_POLL_MS);
  }

  async autoSync() {
    if (navigator.onLine === false) {
      this.schedule();
      return;
    }
    await this.syncNow().catch(() => {});
  }

  // One sync round with the relay that serves this page; resolves to its report. A sync
  // asked for while one runs joins it (the worker gives both the one report).
  async syncNow() {
    clearTimeout(this.timer);
    if (navigator.onLine === false) {
      // No network at all: say so at once rather than after the round's retries.
      this.sync = { running: false, progress: null, error: { key: 'web.sync.no_network' },
                    report: null, finished: Date.now() };
      this.emit();
      this.schedule();
      throw this.sync.error;
    }
    const wasApproved = this.status && this.status.approved;
    this.controller = new AbortController();
    this.sync = Object.assign({}, this.sync, { running: true, progress: null });
    this.emit();
    try {
      const report = await this.engine.call('sync', { relayUrl: location.origin }, {
        signal: this.controller.signal,
        onProgress: (p) => {
          this.sync = Object.assign({}, this.sync, { progress: p });
          this.emit();
        },
      });
      this.sync = { running: false, progress: null, error: null, report, finished: Date.now() };
      if (report.applied > 0 || !wasApproved) this.changes++;
      return report;
    } catch (e) {
      this.sync = { running: false, progress: null, error: e, report: null, finished: Date.now() };
      throw e;
    } finally {
      this.controller = null;
      await this.refreshStatus();
      this.schedule();
    }
  }

  cancelSync() {
    if (this.controller) this.controller.abort();
  }

  // [SECTION] Bundles

  async exportBundle() {
    return this.engine.exportBundle();
  }

  // `signal` stops it as soon as the engine can; what it had applied stays.
  async importBundle(file, onProgress, signal) {
    try {
      return await this.engine.importBundle(file, { onProgress, signal });
    } finally {
      this.changed();
    }
  }
}

// The page's one booth.
export const booth = new Booth();
