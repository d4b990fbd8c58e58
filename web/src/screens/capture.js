// Quick capture (DOMAIN.md workflow 1): an enterprise — country, name, its USCC or NTN if the
// visitor has it — and the visitor as its contact, in one save (the engine's `capture`: one
// transaction). While typing, "already ours?" shows the records that look like this one, so a
// visitor already held is opened rather than entered twice.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { Field, Warnings, fieldSetter, useApp, useDebounced } from '../ui.js';

const EMPTY = { name: '', identifier: '', contact: '', mobile: '', consent: false };
// The fields a refused contact names (the engine's `capture`: "contact." and the column).
const CONTACT_NAME = 'contact.full_name';  // catalog: not a key
const CONTACT_MOBILE = 'contact.mobile';   // catalog: not a key

export function CaptureScreen() {
  const { booth, text, go, saved } = useApp();
  const [country, setCountry] = useState(() => sessionStorage.getItem('dosti.country') || 'CN');
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState(null);      // {id, name, warnings} of the last save
  const [matches, setMatches] = useState([]);
  const nameInput = useRef(null);
  const set = fieldSetter(setForm);

  // "Already ours?": the identifier, the mobile, then the name, whichever is typed.
  const probe = useDebounced([form.identifier.trim(), form.mobile.trim(), form.name.trim()], 200);
  useEffect(() => {
    const [identifier, mobile, name] = probe;
    const queries = [identifier.length >= 6 ? identifier : '', mobile.length >= 6 ? mobile : '',
                     name.length >= 2 ? name : ''].filter(Boolean);
    let live = true;
    if (queries.length === 0) {
      setMatches([]);
      return undefined;
    }
    Promise.all(queries.map((q) => booth.call('search', { query: q, limit: 5 }).catch(() => [])))
      .then((lists) => {
        if (!live) return;
        const seen = new Map();
        for (const m of lists.flat()) if (!seen.has(m.enterprise_id)) seen.set(m.enterprise_id, m);
        setMatches([...seen.values()].slice(0, 5));
      });
    return () => { live = false; };
  }, [probe.join('\u0000')]);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const args = { enterprise: { country, name: form.name.trim() } };
    if (form.identifier.trim()) args.identifier = form.identifier.trim();
    if (form.contact.trim() || form.mobile.trim()) {
      args.contact = { full_name: form.contact.trim(), mobile: form.mobile.trim(),
                       consent_contact: form.consent };
    }
    try {
      const value = await booth.save('capture', args);
      setLast({ id: value.enterprise_id, name: args.enterprise.name, warnings: value.warnings });
      setForm(EMPTY);
      setMatches([]);
      saved(text.t('web.capture.saved', { name: args.enterprise.name }));
      if (nameInput.current) nameInput.current.focus();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const chooseCountry = (e) => {
    setCountry(e.currentTarget.value);
    sessionStorage.setItem('dosti.country', e.currentTarget.value);
  };
  // An error that names a field is shown by that field too.
  const on = (...fields) => (error && fields.some((f) => error.field && error.field.startsWith(f))
                              ? text.message(error) : null);
  const idLabel = country === 'CN' ? 'web.capture.uscc' : 'web.capture.ntn';

  return html`<form class="panel" onSubmit=${submit} novalidate>
    <h2>${text.t('web.capture.title')}</h2>
    <fieldset>
      <legend>${text.t('web.capture.enterprise')}</legend>
      <${Field} id="capture-country" label=${text.t('label.field.country')}>
        <select id="capture-country" data-testid="capture-country" value=${country}
                onChange=${chooseCountry}>
          <option value="CN">${text.label('country', 'CN')}</option>
          <option value="PK">${text.label('country', 'PK')}</option>
        </select>
      </${Field}>
      <${Field} id="capture-name" label=${text.t('web.capture.name')} error=${on('name')}>
        <input id="capture-name" data-testid="capture-name" ref=${nameInput} autocomplete="off"
               value=${form.name} onInput=${set('name')} required />
      </${Field}>
      <${Field} id="capture-identifier" label=${text.t(idLabel)} hint=${text.t('web.capture.optional')}
                error=${on('identifier', 'value')}>
        <input id="capture-identifier" data-testid="capture-identifier" autocomplete="off"
               spellcheck="false" dir="ltr" value=${form.identifier} onInput=${set('identifier')} />
      </${Field}>
    </fieldset>
    ${matches.length > 0 ? html`<div class="hint-box" data-testid="capture-duplicate-hint" role="status">
      <p>${text.t('web.capture.already_ours')}</p>
      <ul>${matches.map((m) => html`<li><button type="button" class="link"
            onClick=${() => go({ name: 'card', id: m.enterprise_id })}>
          <bdi>${m.name}</bdi> · ${text.label('country', m.country)} · ${text.label('reason', m.reason)}
        </button></li>`)}</ul>
    </div>` : null}
    <fieldset>
      <legend>${text.t('web.capture.contact')}</legend>
      <${Field} id="capture-contact-name" label=${text.t('web.capture.contact_name')}
                error=${on(CONTACT_NAME)}>
        <input id="capture-contact-name" data-testid="capture-contact-name" autocomplete="off"
               value=${form.contact} onInput=${set('contact')} />
      </${Field}>
      <${Field} id="capture-mobile" label=${text.t('label.field.mobile')} error=${on(CONTACT_MOBILE)}>
        <input id="capture-mobile" data-testid="capture-mobile" type="tel" inputmode="tel"
               autocomplete="off" dir="ltr" value=${form.mobile} onInput=${set('mobile')} />
      </${Field}>
      <div class="check">
        <input id="capture-consent" data-testid="capture-consent" type="checkbox"
               checked=${form.consent} onChange=${set('consent')} />
        <label for="capture-consent">${text.t('web.capture.consent')}</label>
      </div>
    </fieldset>
    ${error ? html`<p data-testid="capture-error" class="error" role="alert">${text.message(error)}</p>`
            : null}
    <button type="submit" class="primary" data-testid="capture-save" disabled=${busy}>
      ${text.t('web.capture.save')}</button>
    ${last ? html`<div class="after-save">
      <${Warnings} warnings=${last.warnings} />
      <button type="button" onClick=${() => go({ name: 'service', id: last.id })}>
        ${text.t('web.capture.log_service', { name: last.name })}</button>
      <button type="button" class="link" onClick=${() => go({ name: 'card', id: last.id })}>
        ${text.t('web.capture.open_card')}</button>
    </div>` : null}
  </form>`;
}
