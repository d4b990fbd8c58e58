// Today at this booth: what this device recorded today (the core's `today`, in this office's
// calendar) and what is still waiting to leave it.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { ErrorBox, formatDate, useApp, useBooth } from '../ui.js';

export function TodayScreen() {
  const { booth, text, go } = useApp();
  const b = useBooth();
  const [day, setDay] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    booth.call('today').then((d) => { if (live) setDay(d); }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [b.changes, b.status && b.status.pending_changes]);

  if (error) return html`<section class="panel"><${ErrorBox} error=${error} /></section>`;
  if (!day) return html`<p class="loading">…</p>`;
  const tile = (key, n, testid) => html`<div class="tile" data-testid=${testid}>
    <span class="n">${text.number(n)}</span><span>${text.t(key)}</span></div>`;
  return html`<section class="panel">
    <h2>${text.t('web.today.title')}</h2>
    <p class="meta">${formatDate(text, day.date)}</p>
    <div class="tiles">
      ${tile('web.today.enterprises', day.enterprises, 'today-enterprises')}
      ${tile('web.today.contacts', day.contacts, 'today-contacts')}
      ${tile('web.today.services', day.services, 'today-services')}
      ${tile('web.today.waiting', day.pending_changes, 'today-waiting')}
    </div>
    <button type="button" onClick=${() => go({ name: 'sync' })}>${text.t('web.today.to_sync')}</button>
  </section>`;
}
