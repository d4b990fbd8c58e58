// The quick service note (DOMAIN.md workflow 2): category, date (today in this office's
// calendar), minutes (15), a summary, the contact met, and a follow-up in 7 days unless none
// is wanted. The defaults are the core's (`serviceDefaults`), not this screen's.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { ErrorBox, Field, Warnings, fieldSetter, useApp } from '../ui.js';

export function ServiceScreen({ enterpriseId }) {
  const { booth, text, go, saved } = useApp();
  const [card, setCard] = useState(null);
  const [form, setForm] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [warnings, setWarnings] = useState(null);

  useEffect(() => {
    Promise.all([booth.call('serviceDefaults'), booth.call('enterprise', { id: enterpriseId, services: 0 })])
      .then(([d, c]) => {
        setCard(c);
        setForm({ category: d.categories[0], categories: d.categories, service_date: d.service_date,
                  minutes: String(d.minutes), summary: '', contact_id: '',
                  follow: true, days: String(d.follow_up_days) });
      }, setError);
  }, [enterpriseId]);

  if (error && !form) return html`<section class="panel"><${ErrorBox} error=${error} /></section>`;
  if (!form) return html`<p class="loading">…</p>`;
  const set = fieldSetter(setForm);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const fields = { enterprise_id: enterpriseId, category: form.category, summary: form.summary.trim(),
                     service_date: form.service_date, minutes: form.minutes.trim() };
    if (form.contact_id) fields.contact_id = form.contact_id;
    try {
      const value = await booth.save('addService', {
        fields, followUpDays: form.follow ? Number(form.days) : null });
      saved(text.t('web.service.saved'));
      if (value.warnings && value.warnings.length) setWarnings(value.warnings);
      else go({ name: 'card', id: enterpriseId });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const on = (field) => (error && error.field === field ? text.message(error) : null);
  return html`<form class="panel" onSubmit=${submit} novalidate>
    <button type="button" class="link back" onClick=${() => go({ name: 'card', id: enterpriseId })}>
      ${text.t('web.card.back_to', { name: card.enterprise.name })}</button>
    <h2>${text.t('web.service.title')}</h2>
    <p class="meta"><bdi>${card.enterprise.name}</bdi></p>
    <${Field} id="service-category" label=${text.t('label.field.category')} error=${on('category')}>
      <select id="service-category" data-testid="service-category" value=${form.category}
              onChange=${set('category')}>
        ${form.categories.map((c) => html`<option value=${c}>${text.label('category', c)}</option>`)}
      </select>
    </${Field}>
    <div class="row">
      <${Field} id="service-date" label=${text.t('label.field.service_date')} error=${on('service_date')}>
        <input id="service-date" data-testid="service-date" type="date" value=${form.service_date}
               onInput=${set('service_date')} />
      </${Field}>
      <${Field} id="service-minutes" label=${text.t('label.field.minutes')} error=${on('minutes')}>
        <input id="service-minutes" data-testid="service-minutes" type="number" min="1" step="1"
               inputmode="numeric" value=${form.minutes} onInput=${set('minutes')} />
      </${Field}>
    </div>
    <${Field} id="service-summary" label=${text.t('label.field.summary')} error=${on('summary')}>
      <textarea id="service-summary" data-testid="service-summary" rows="4" value=${form.summary}
                onInput=${set('summary')} />
    </${Field}>
    ${card.contacts.length > 0 ? html`<${Field} id="service-contact" label=${text.t('web.service.contact')}>
      <select id="service-contact" value=${form.contact_id} onChange=${set('contact_id')}>
        <option value="">${text.t('web.service.no_contact')}</option>
        ${card.contacts.map((c) => html`<option value=${c.id}>${c.full_name}</option>`)}
      </select></${Field}>` : null}
    <div class="check">
      <input id="service-follow" type="checkbox" checked=${form.follow} onChange=${set('follow')} />
      <label for="service-follow">${text.t('web.service.follow_up')}</label>
    </div>
    ${form.follow ? html`<${Field} id="service-days" label=${text.t('web.service.follow_up_days')}
                                     error=${on('due_date')}>
      <input id="service-days" type="number" min="0" step="1" inputmode="numeric" value=${form.days}
             onInput=${set('days')} /></${Field}>` : null}
    ${error && !['category', 'service_date', 'minutes', 'summary', 'due_date'].includes(error.field)
      ? html`<${ErrorBox} error=${error} testid="service-error" />` : null}
    <button type="submit" class="primary" data-testid="service-save" disabled=${busy}>
      ${text.t('web.service.save')}</button>
    ${warnings ? html`<${Warnings} warnings=${warnings} />
      <button type="button" onClick=${() => go({ name: 'card', id: enterpriseId })}>
        ${text.t('web.card.back_to', { name: card.enterprise.name })}</button>` : null}
  </form>`;
}
