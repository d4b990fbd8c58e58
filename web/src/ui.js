// Small pieces the screens share: a labelled field, the saved toast, an error box, dates.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { booth } from './booth.js';

// {booth, text, go, saved}: the engine, the reader's language, navigation, the saved toast.
export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);

// Re-renders when the booth's status or records change; returns the booth's change counter.
export function useBooth() {
  const [, setTick] = useState(0);
  useEffect(() => booth.subscribe(() => setTick((n) => n + 1)), [booth]);
  return booth;
}

// A label above its input (give the input the same `id`); `error` (text) is shown under it.
export function Field({ id, label, error, hint, children }) {
  return html`<div class="field ${error ? 'invalid' : ''}">
    <label for=${id}>${label}</label>
    ${children}
    ${error ? html`<p class="field-error" id=${id + '-error'}>${error}</p>`
            : hint ? html`<p class="hint" id=${id + '-hint'}>${hint}</p>` : null}
  </div>`;
}

// For a form kept as one state object: set(name) is the input's handler that stores its value
// (a checkbox's checked) under `name`.
export const fieldSetter = (setForm) => (name) => (e) => {
  const input = e.currentTarget;
  const value = input.type === 'checkbox' ? input.checked : input.value;
  setForm((form) => Object.assign({}, form, { [name]: value }));
};

// The error of a refused call, in the reader's words; `testid` names it for the tests.
export function ErrorBox({ error, testid }) {
  const { text } = useApp();
  if (!error) return null;
  return html`<p class="error" role="alert" data-testid=${testid}>${text.message(error)}</p>`;
}

// Warnings a save came back with (never a refusal).
export function Warnings({ warnings }) {
  const { text } = useApp();
  if (!warnings || warnings.length === 0) return null;
  return html`<ul class="warnings">${warnings.map((w) => html`<li>${text.message(w)}</li>`)}</ul>`;
}

// "2026-12-07" in the reader's calendar words.
export function formatDate(text, iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  const locale = text.lang === 'zh' ? 'zh-CN' : text.lang === 'ur' ? 'ur-PK' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric',
                                           timeZone: 'UTC', numberingSystem: 'latn' })
      .format(Date.UTC(y, m - 1, d));
}

// "5 minutes ago", from milliseconds since the epoch.
export function formatAgo(text, ms, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - ms) / 60000));
  if (minutes < 1) return text.t('web.time.just_now');
  if (minutes < 60) return text.t('web.time.minutes_ago', { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return text.t('web.time.hours_ago', { n: hours });
  return text.t('web.time.days_ago', { n: Math.round(hours / 24) });
}

// `value` once it has stayed the same for `ms` (typing has paused).
export function useDebounced(value, ms) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
