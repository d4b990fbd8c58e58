// Joining the workspace: the invite from the link's fragment (`#invite=…`, never sent to a
// server) or pasted, its passphrase; then the verification code, large, while the booth waits
// for an admin to approve it (`dosti device approve ID --code CODE`). The booth syncs by itself
// meanwhile, and the first sync after the approval brings the workspace's records.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { ErrorBox, Field, formatAgo, useApp, useBooth } from '../ui.js';

// The invite in the address, if the booth was opened from an invite link. The fragment is
// taken out of the address bar and the history at once: it is a secret for whoever sees the
// screen or the history (the passphrase is the other half).
function inviteFromAddress() {
  const m = /^#invite=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return '';
  history.replaceState(null, '', location.pathname + location.search);
  return location.origin + '/#invite=' + m[1];
}

export function JoinScreen() {
  const { booth, text } = useApp();
  const [invite, setInvite] = useState(inviteFromAddress);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await booth.join(invite.trim(), passphrase);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name) => (error && error.field === name ? text.message(error) : null);
  return html`<form class="panel" onSubmit=${submit} novalidate>
    <h2>${text.t('web.join.title')}</h2>
    <p>${text.t('web.join.intro')}</p>
    <${Field} id="join-invite" label=${text.t('web.join.invite')} hint=${text.t('web.join.invite_hint')}
              error=${fieldError('invite')}>
      <textarea id="join-invite" data-testid="join-invite" rows="3" autocomplete="off"
                spellcheck="false" dir="ltr" class="code-text" value=${invite} onInput=${(e) => setInvite(e.currentTarget.value)} />
    </${Field}>
    <${Field} id="join-passphrase" label=${text.t('web.join.passphrase')}
              hint=${text.t('web.join.passphrase_hint')}>
      <input id="join-passphrase" data-testid="join-passphrase" type="password"
             autocomplete="off" value=${passphrase}
             onInput=${(e) => setPassphrase(e.currentTarget.value)} />
    </${Field}>
    <${ErrorBox} error=${error && !error.field ? error : null} testid="join-error" />
    <button type="submit" class="primary" data-testid="join-submit"
            disabled=${busy || !invite.trim()}>
      ${busy ? text.t('web.join.joining') : text.t('web.join.submit')}</button>
  </form>`;
}

export function WaitingScreen() {
  const { booth, text } = useApp();
  const b = useBooth();
  const s = b.status;
  let words = text.t('web.join.waiting');
  if (b.sync.running) words = text.t('web.join.checking');
  else if (b.sync.error) words = text.message(b.sync.error);
  return html`<section class="panel center">
    <h2>${text.t('web.join.code_title')}</h2>
    <p>${text.t('web.join.code_intro', { office: s.device ? s.device.office : '' })}</p>
    <p class="code" data-testid="join-verify-code" dir="ltr">${s.code || ''}</p>
    <p data-testid="join-status" class=${b.sync.error ? 'error' : 'muted'} role="status">${words}</p>
    ${b.sync.finished ? html`<p class="muted">${text.t('web.join.last_checked',
        { when: formatAgo(text, b.sync.finished) })}</p>` : null}
    <button type="button" onClick=${() => booth.syncNow().catch(() => {})}
            disabled=${b.sync.running}>${text.t('web.join.check_now')}</button>
  </section>`;
}
