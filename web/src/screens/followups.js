// My follow-ups (DOMAIN.md workflow 2's promise kept): what is due, overdue first, with "done".
// "Mine" is this device's user's (the core's `assignee: "mine"`); "all" is every open one.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { ErrorBox, useApp, useBooth } from '../ui.js';
import { FollowUpItem } from './search.js';

export function FollowUpsScreen() {
  const { booth, text } = useApp();
  const b = useBooth();
  const [scope, setScope] = useState('mine');    // mine, week, overdue, all
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    const args = { mine: { assignee: 'mine' }, week: { thisWeek: true },
                   overdue: { overdueOnly: true }, all: {} }[scope];
    booth.call('followUps', args).then((r) => { if (live) { setRows(r); setError(null); } },
                                       (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [scope, b.changes]);

  const scopes = ['mine', 'week', 'overdue', 'all'];
  return html`<section class="panel">
    <h2>${text.t('web.followups.title')}</h2>
    <div class="segmented" role="group" aria-label=${text.t('web.followups.show')}>
      ${scopes.map((s) => html`<button type="button" aria-pressed=${scope === s}
          onClick=${() => setScope(s)}>${text.t('web.followups.' + s)}</button>`)}
    </div>
    <${ErrorBox} error=${error} />
    ${rows && rows.length === 0 ? html`<p class="muted">${text.t('web.followups.none')}</p>` : null}
    <ul class="items">${(rows || []).map((f) => html`<${FollowUpItem} f=${f} showEnterprise=${true} />`)}</ul>
  </section>`;
}
