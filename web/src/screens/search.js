// Search and the enterprise card (DOMAIN.md workflow 6): one box that finds an enterprise by
// name (two Chinese characters are enough), identifier, phone, e-mail or WeChat; with nothing
// typed, the enterprises changed last. The card: identifiers, contacts, recent services, open
// follow-ups, and "log a service".
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { ErrorBox, formatDate, useApp, useBooth, useDebounced } from '../ui.js';

export function SearchScreen({ query: initial }) {
  const { booth, text, go } = useApp();
  const b = useBooth();
  const [query, setQuery] = useState(initial);
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const settled = useDebounced(query.trim(), 150);

  useEffect(() => {
    let live = true;
    const asked = settled
      ? booth.call('search', { query: settled, limit: 30 })
      : booth.call('enterprises', { sort: 'updated', descending: true, limit: 30 })
          .then((page) => page.rows.map((r) => ({ enterprise_id: r.id, name: r.name,
                                                  country: r.country, stage: r.stage })));
    asked.then((r) => {
      if (!live) return;
      setRows(r);
      setError(null);
      if (r.length && !performance.getEntriesByName('dosti-first-record').length) {
        requestAnimationFrame(() => performance.mark('dosti-first-record'));  // scripts/bench
      }
    },
               (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [settled, b.changes]);

  return html`<section class="panel">
    <h2>${text.t('web.search.title')}</h2>
    <div class="field">
      <label for="search-input">${text.t('web.search.label')}</label>
      <input id="search-input" data-testid="search-input" type="search" autocomplete="off"
             value=${query} onInput=${(e) => setQuery(e.currentTarget.value)}
             placeholder=${text.t('web.search.placeholder')} />
    </div>
    <${ErrorBox} error=${error} />
    ${rows && !settled ? html`<p class="muted">${text.t('web.search.recent')}</p>` : null}
    ${rows && rows.length === 0 ? html`<p class="muted">${settled ? text.t('web.search.none')
                                                                  : text.t('web.search.empty')}</p>` : null}
    <ul class="results">${(rows || []).map((r) => html`<li>
      <button type="button" class="result" data-testid="search-result"
              onClick=${() => go({ name: 'card', id: r.enterprise_id })}>
        <span class="name"><bdi>${r.name}</bdi></span>
        <span class="meta">${text.label('country', r.country)}${r.reason
            ? ' · ' + text.label('reason', r.reason) : ''}${r.matched && r.matched !== r.name
            ? html` · <bdi>${r.matched}</bdi>` : ''}</span>
      </button></li>`)}</ul>
  </section>`;
}

export function CardScreen({ id }) {
  const { booth, text, go } = useApp();
  const b = useBooth();
  const [card, setCard] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    booth.call('enterprise', { id, services: 5 })
      .then((c) => { if (live) setCard(c); }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [id, b.changes]);

  if (error) return html`<section class="panel"><${ErrorBox} error=${error} /></section>`;
  if (!card) return html`<p class="loading">…</p>`;
  const e = card.enterprise;
  return html`<section class="panel card">
    <button type="button" class="link back" onClick=${() => go({ name: 'search' })}>
      ${text.t('web.card.back')}</button>
    <h2 data-testid="card-name"><bdi>${e.name}</bdi></h2>
    <p class="meta">${text.label('country', e.country)}${e.city ? html` · <bdi>${e.city}</bdi>` : null}${
      e.programme_no ? html` · <bdi>${e.programme_no}</bdi>` : null}</p>
    <button type="button" class="primary" data-testid="card-service-add"
            onClick=${() => go({ name: 'service', id: e.id })}>${text.t('web.card.service_add')}</button>

    <h3>${text.t('web.card.identifiers')}</h3>
    ${(e.identifiers || []).length === 0 ? html`<p class="muted">${text.t('web.card.none')}</p>` : html`
      <dl class="pairs">${e.identifiers.map((i) => html`
        <dt>${text.label('identifier_type', i.type)}</dt><dd dir="ltr"><bdi>${i.value}</bdi></dd>`)}</dl>`}

    <h3>${text.t('web.card.contacts')}</h3>
    ${card.contacts.length === 0 ? html`<p class="muted">${text.t('web.card.none')}</p>` : html`
      <ul class="items">${card.contacts.map((c) => html`<li>
        <strong><bdi>${c.full_name}</bdi></strong>${c.title ? html` · <bdi>${c.title}</bdi>` : null}
        ${c.mobile ? html`<br /><a href=${'tel:' + c.mobile} dir="ltr">${c.mobile}</a>` : null}
        <br /><span class="muted">${text.t(c.consent_contact ? 'web.card.consent_yes'
                                                            : 'web.card.consent_no')}</span>
      </li>`)}</ul>`}

    <h3>${text.t('web.card.services')}</h3>
    ${card.services.length === 0 ? html`<p class="muted">${text.t('web.card.none')}</p>` : html`
      <ul class="items">${card.services.map((s) => html`<li>
        <span class="muted">${formatDate(text, s.service_date)} · ${text.label('category', s.category)}
          · ${text.t('web.card.minutes', { n: s.minutes })}</span><br /><bdi>${s.summary}</bdi>
      </li>`)}</ul>`}

    <h3>${text.t('web.card.follow_ups')}</h3>
    ${card.follow_ups.length === 0 ? html`<p class="muted">${text.t('web.card.none')}</p>` : html`
      <ul class="items">${card.follow_ups.map((f) => html`<${FollowUpItem} f=${f} />`)}</ul>`}
  </section>`;
}

// One open follow-up with its "done" button (the card's and the follow-ups screen's).
export function FollowUpItem({ f, showEnterprise }) {
  const { booth, text, go, saved } = useApp();
  const [error, setError] = useState(null);
  const done = async () => {
    try {
      await booth.save('completeFollowUp', { id: f.id });
      saved(text.t('web.followups.done_saved'));
    } catch (e) {
      setError(e);
    }
  };
  return html`<li class=${'follow-up' + (f.overdue ? ' overdue' : '')}>
    <div>
      ${showEnterprise ? html`<button type="button" class="link"
          onClick=${() => go({ name: 'card', id: f.enterprise_id })}><bdi>${f.enterprise_name}</bdi></button><br />`
        : null}
      <span class=${f.overdue ? 'late' : 'muted'}>${text.t(f.overdue ? 'web.followups.overdue_since'
                                                                     : 'web.followups.due',
                                                         { date: formatDate(text, f.due_date) })}</span>
      ${f.note ? html`<br /><bdi>${f.note}</bdi>` : null}
      <${ErrorBox} error=${error} />
    </div>
    ${f.status === 'open' ? html`<button type="button" class="small" onClick=${done}>
      ${text.t('web.followups.done')}</button>` : null}
  </li>`;
}
