// Sync (DESIGN.md §4): when the booth last synced, how many changes wait to leave it, sync now
// (with its progress and a cancel), the reason in words when the last sync failed; bundles for
// a booth with no network (export: a download; import: a file picker); the conflicts the merge
// decided, the same on every device; this device.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { ErrorBox, formatAgo, useApp, useBooth } from '../ui.js';

function progressWords(text, p) {
  if (!p) return text.t('web.sync.starting');
  if (p.what === 'sync') {
    return text.t('web.sync.phase.' + p.phase, { up: p.envelopes_up, down: p.envelopes_down });
  }
  return text.t('web.bundle.importing', { done: p.done, total: p.total });
}

// The file name of an exported bundle: the workspace, the office and the time (no colons).
function bundleName(status) {
  const when = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const office = (status.device && status.device.office) || 'booth';
  return `dosti-${office}-${when}.bundle`;
}

export function SyncScreen() {
  const { booth, text, saved } = useApp();
  const b = useBooth();
  const s = b.status;
  const [bundle, setBundle] = useState(null);       // {running, progress, error, report}
  const [conflicts, setConflicts] = useState([]);
  const [online, setOnline] = useState(navigator.onLine !== false);

  useEffect(() => {
    const on = () => setOnline(navigator.onLine !== false);
    addEventListener('online', on);
    addEventListener('offline', on);
    return () => { removeEventListener('online', on); removeEventListener('offline', on); };
  }, []);
  useEffect(() => {
    booth.call('conflicts').then(setConflicts, () => setConflicts([]));
  }, [b.changes]);

  const exportBundle = async () => {
    setBundle({ running: true });
    try {
      const { bytes, value } = await booth.exportBundle();
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = bundleName(s);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      setBundle({ done: text.t('web.bundle.exported', { bytes: text.number(value.bytes) }) });
    } catch (e) {
      setBundle({ error: e });
    }
  };
  const importBundle = async (e) => {
    const input = e.currentTarget;
    const file = input.files && input.files[0];
    if (!file) return;
    const stop = new AbortController();
    setBundle({ running: true, progress: null, stop });
    try {
      const report = await booth.importBundle(file, (p) => setBundle({ running: true, progress: p, stop }),
                                              stop.signal);
      const words = report.damaged ? text.t('web.bundle.damaged', { n: report.applied })
                                   : text.t('web.bundle.imported', { n: report.applied });
      setBundle({ done: words, damaged: report.damaged });
      saved(words);
    } catch (err) {
      setBundle({ error: err });
    } finally {
      input.value = '';
    }
  };

  const last = s.last_synced_ms ? text.t('web.sync.last', { when: formatAgo(text, s.last_synced_ms) })
                                : text.t('web.sync.never');
  const report = b.sync.report;
  return html`<section class="panel">
    <h2>${text.t('web.sync.title')}</h2>
    <p data-testid="sync-status" role="status">${b.sync.running ? progressWords(text, b.sync.progress)
                                                                 : last}</p>
    <p class="pending"><span>${text.t('web.sync.pending')}</span>
      <strong data-testid="sync-pending">${s.pending_changes}</strong></p>
    ${online ? null : html`<p class="muted">${text.t('web.sync.offline')}</p>`}
    ${b.sync.error && !b.sync.running
      ? html`<p class="error" role="alert" data-testid="sync-error">${text.message(b.sync.error)}</p>` : null}
    ${report && !b.sync.running && !b.sync.error ? html`<p class="muted">${text.t('web.sync.report',
        { up: report.up_envelopes, down: report.applied })}</p>` : null}
    <div class="actions">
      <button type="button" class="primary" data-testid="sync-now" disabled=${b.sync.running}
              onClick=${() => booth.syncNow().catch(() => {})}>${text.t('web.sync.now')}</button>
      ${b.sync.running ? html`<button type="button" onClick=${() => booth.cancelSync()}>
        ${text.t('web.sync.cancel')}</button>` : null}
    </div>
    ${b.sync.running ? html`<progress aria-label=${text.t('web.sync.title')}></progress>` : null}

    <h3>${text.t('web.bundle.title')}</h3>
    <p class="muted">${text.t('web.bundle.intro')}</p>
    <div class="actions">
      <button type="button" data-testid="bundle-export" disabled=${bundle && bundle.running}
              onClick=${exportBundle}>${text.t('web.bundle.export')}</button>
      <label class="file">
        <span>${text.t('web.bundle.import')}</span>
        <input type="file" data-testid="bundle-import" accept=".bundle,application/octet-stream"
               disabled=${bundle && bundle.running} onChange=${importBundle} />
      </label>
    </div>
    ${bundle && bundle.running ? html`<p role="status">${progressWords(text, bundle.progress)}</p>
      ${bundle.stop ? html`<button type="button" onClick=${() => bundle.stop.abort()}>
        ${text.t('web.sync.cancel')}</button>` : null}` : null}
    ${bundle && bundle.done ? html`<p role="status" class=${bundle.damaged ? 'error' : 'ok'}>${bundle.done}</p>` : null}
    ${bundle && bundle.error ? html`<${ErrorBox} error=${bundle.error} testid="bundle-error" />` : null}

    ${conflicts.length > 0 ? html`<h3>${text.t('web.conflicts.title')}</h3>
      <p class="muted">${text.t('web.conflicts.intro')}</p>
      <ul class="items" data-testid="conflicts">${conflicts.map((c) => html`<li>
        <span class="muted">${text.label('table', c.table)} · ${text.label('field', c.field)}</span>
        <ul>${c.values.map((v) => html`<li class=${v.winner ? 'winner' : ''}>
          <bdi>${v.value}</bdi> <span class="muted">(${text.label('office', v.office)}${v.winner
            ? ' · ' + text.t('web.conflicts.kept') : ''})</span></li>`)}</ul>
      </li>`)}</ul>` : null}

    <h3>${text.t('web.device.title')}</h3>
    <dl class="pairs">
      ${s.workspace.workspace_name ? html`<dt>${text.t('web.device.workspace')}</dt>
        <dd><bdi>${s.workspace.workspace_name}</bdi></dd>` : null}
      <dt>${text.t('web.device.office')}</dt><dd>${text.label('office', s.device.office)}</dd>
      <dt>${text.t('web.device.role')}</dt><dd>${text.label('role', s.device.role)}</dd>
      ${s.device.expires ? html`<dt>${text.t('web.device.expires')}</dt><dd dir="ltr">${s.device.expires}</dd>` : null}
      <dt>${text.t('web.device.storage')}</dt><dd>${text.t('web.device.storage.' + s.storage)}</dd>
    </dl>
  </section>`;
}
