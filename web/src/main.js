// The booth web app (web/README.md): boots the engine in its worker, picks the reader's
// language, and shows the screen the booth is at: join, waiting for approval, or the app with
// its five places (capture, search and the enterprise card, follow-ups, today, sync).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { booth } from './booth.js';
import { preferredLanguage, rememberLanguage, useLanguage, LANGUAGES } from './i18n.js';
import { AppContext, ErrorBox, useBooth } from './ui.js';
import { JoinScreen, WaitingScreen } from './screens/join.js';
import { CaptureScreen } from './screens/capture.js';
import { SearchScreen, CardScreen } from './screens/search.js';
import { ServiceScreen } from './screens/service.js';
import { FollowUpsScreen } from './screens/followups.js';
import { TodayScreen } from './screens/today.js';
import { SyncScreen } from './screens/sync.js';
import { watchForUpdates } from './update.js';

// The screen in the address's fragment ("#search", "#card/ID"), so that the browser's back
// button and a bookmark work; "#invite=…" is the join screen's, not a route.
const ROUTES = new Set(['capture', 'search', 'card', 'service', 'followups', 'today', 'sync']);
function routeFromHash() {
  const [name, id] = location.hash.replace(/^#/, '').split('/');
  return ROUTES.has(name) ? { name, id: id || null } : { name: 'capture' };
}

// The service worker, and the engine started as early as it may be: at once when a service
// worker controls the page already, on a first visit once it does (src/update.js).
let updateWaiting = null;        // an update offered before the app listened
let offerUpdate = (apply) => { updateWaiting = apply; };
const serviceWorkerReady = watchForUpdates((apply) => offerUpdate(apply));
let engineStarting = null;
function startEngineOnce() {
  if (engineStarting) return engineStarting;
  const go = () => {
    performance.mark('dosti-sw-ready');
    return booth.start();
  };
  // Controlled already (every visit but the first): now, before the first render.
  engineStarting = 'serviceWorker' in navigator && navigator.serviceWorker.controller
    ? go() : serviceWorkerReady.then(go);
  return engineStarting;
}
startEngineOnce();

const NAV = [
  ['capture', 'web.nav.capture'],
  ['search', 'web.nav.search'],
  ['followups', 'web.nav.followups'],
  ['today', 'web.nav.today'],
  ['sync', 'web.nav.sync'],
];

function LanguageSelect({ text, onChange }) {
  return html`<label class="lang">
    <span class="visually-hidden">${text.t('web.language.label')}</span>
    <select data-testid="lang-select" value=${text.lang}
            onChange=${(e) => onChange(e.currentTarget.value)}>
      ${LANGUAGES.map((l) => html`<option value=${l}>${text.t('web.language.' + l)}</option>`)}
    </select>
  </label>`;
}

// The toast says "Saved" anew for each save (its key changes, so it is a new element).
function Toast({ toast }) {
  if (!toast) return null;
  return html`<div class="toast" role="status" data-testid="saved-toast" key=${toast.n}>
    ${toast.text}</div>`;
}

function UpdateBanner({ text, update }) {
  if (!update) return null;
  return html`<div class="update" role="status">
    <span>${text.t('web.update.available')}</span>
    <button type="button" onClick=${update}>${text.t('web.update.reload')}</button>
  </div>`;
}

function SyncBadge({ text }) {
  const b = useBooth();
  const s = b.status || {};
  let state = 'ok';
  let words = text.t('web.sync.badge_synced');
  if (b.sync.running) [state, words] = ['running', text.t('web.sync.badge_running')];
  else if (b.sync.error) [state, words] = ['failed', text.t('web.sync.badge_failed')];
  else if (s.pending_changes > 0)
    [state, words] = ['waiting', text.t('web.sync.badge_waiting', { n: s.pending_changes })];
  return html`<span class="badge ${state}">${words}</span>`;
}

function Shell({ text, route, go, setLang, toast, update }) {
  const screens = {
    capture: () => html`<${CaptureScreen} />`,
    search: () => html`<${SearchScreen} query=${route.query || ''} />`,
    card: () => html`<${CardScreen} id=${route.id} />`,
    service: () => html`<${ServiceScreen} enterpriseId=${route.id} />`,
    followups: () => html`<${FollowUpsScreen} />`,
    today: () => html`<${TodayScreen} />`,
    sync: () => html`<${SyncScreen} />`,
  };
  const current = route.name === 'card' || route.name === 'service' ? 'search' : route.name;
  return html`
    <header class="top">
      <h1>${text.t('web.app.name')}</h1>
      <${SyncBadge} text=${text} />
      <${LanguageSelect} text=${text} onChange=${setLang} />
    </header>
    <${UpdateBanner} text=${text} update=${update} />
    <nav class="tabs" aria-label=${text.t('web.nav.label')}>
      ${NAV.map(([name, key]) => html`<button type="button" data-testid=${'nav-' + name}
          aria-current=${current === name ? 'page' : undefined}
          onClick=${() => go({ name })}>${text.t(key)}</button>`)}
    </nav>
    <main>${(screens[route.name] || screens.capture)()}</main>
    <${Toast} toast=${toast} />`;
}

function App() {
  const [lang, setLangState] = useState(preferredLanguage());
  const [text, setText] = useState(null);
  const [phase, setPhase] = useState('starting');  // starting, other_tab, failed, ready
  const [failure, setFailure] = useState(null);
  const [route, setRoute] = useState(routeFromHash);
  const [toast, setToast] = useState(null);
  const [update, setUpdate] = useState(null);
  const b = useBooth();

  useEffect(() => {
    useLanguage(lang).then((t) => {
      performance.mark('dosti-language');
      setText(t);
    }, (e) => {
      setFailure({ message: String(e.message || e) });
      setPhase('failed');
    });
  }, [lang]);

  const start = (again) => {
    setPhase('starting');
    if (again) engineStarting = null;
    startEngineOnce().then(() => {
      setPhase('ready');
      performance.mark('dosti-ready');
    }, (e) => {
      setFailure(e);
      setPhase(e.key === 'booth.other_tab' ? 'other_tab' : 'failed');
    });
  };
  useEffect(() => {
    // The first visit lets the service worker take the page before the engine starts, so the
    // engine's files come once (into its cache) rather than twice (src/update.js).
    offerUpdate = (apply) => setUpdate(() => apply);
    if (updateWaiting) offerUpdate(updateWaiting);
    start(false);
    const follow = () => setRoute(routeFromHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  if (!text) return html`<p class="loading">…</p>`;
  const setLang = (l) => {
    rememberLanguage(l);
    setLangState(l);
  };
  const go = (r) => {
    location.hash = r.id ? `${r.name}/${r.id}` : r.name;  // hashchange sets the route
    scrollTo(0, 0);
  };
  const saved = (words) => setToast((t) => ({ n: (t ? t.n : 0) + 1,
                                              text: words || text.t('web.saved') }));
  const context = { booth, text, go, saved };

  let body;
  if (phase === 'starting') {
    body = html`<p class="loading">${text.t('web.app.starting')}</p>`;
  } else if (phase === 'other_tab') {
    body = html`<section class="panel">
      <p class="big" data-testid="other-tab-message">${text.message(failure)}</p>
      <button type="button" onClick=${() => start(true)}>${text.t('web.other_tab.retry')}</button>
    </section>`;
  } else if (phase === 'failed') {
    body = html`<section class="panel"><${ErrorBox} error=${failure} />
      <button type="button" onClick=${() => start(true)}>${text.t('web.other_tab.retry')}</button></section>`;
  } else if (!b.status.joined) {
    body = html`<${JoinScreen} />`;
  } else if (!b.status.approved) {
    body = html`<${WaitingScreen} />`;
  } else {
    return html`<${AppContext.Provider} value=${context}>
      <${Shell} text=${text} route=${route} go=${go} setLang=${setLang} toast=${toast}
                update=${update} /></${AppContext.Provider}>`;
  }
  return html`<${AppContext.Provider} value=${context}>
    <header class="top"><h1>${text.t('web.app.name')}</h1>
      <${LanguageSelect} text=${text} onChange=${setLang} /></header>
    <${UpdateBanner} text=${text} update=${update} />
    <main>${body}</main></${AppContext.Provider}>`;
}

performance.mark('dosti-script');
render(html`<${App} />`, document.getElementById('app'));
