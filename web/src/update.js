// The service worker (sw.js) and the "new version available" flow: a new version is fetched
// and cached in the background while the old one runs; the page then offers to switch, and
// switches only when asked (a capture half typed is never thrown away by a reload).
//
// Resolves when the app may start: at once when a service worker controls the page already;
// on a first visit once the new worker has cached everything and taken the page (at most
// FIRST_VISIT_WAIT_MS: without it the app still starts, it just is not offline yet).
const FIRST_VISIT_WAIT_MS = 20000;

export function watchForUpdates(offer) {
  if (!('serviceWorker' in navigator)) return Promise.resolve();
  let release = () => {};
  const ready = navigator.serviceWorker.controller !== null ? Promise.resolve()
    : new Promise((resolve) => {
      release = resolve;
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      setTimeout(resolve, FIRST_VISIT_WAIT_MS);
    });
  // Reloads only for the update the reader asked for: the first install also changes the
  // controller (clients.claim), and that must not reload a page that is working.
  let asked = false;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!asked || reloading) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.register('sw.js').then((registration) => {
    const waiting = (worker) => {
      // Only an update: the first install has no version to replace.
      if (worker && navigator.serviceWorker.controller) {
        offer(() => {
          asked = true;
          worker.postMessage({ type: 'skip-waiting' });
        });
      }
    };
    if (registration.waiting) waiting(registration.waiting);
    const first = registration.installing;
    if (first && !navigator.serviceWorker.controller) {
      // A first install that failed (a file missing): start without it.
      first.addEventListener('statechange', () => { if (first.state === 'redundant') release(); });
    }
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed') waiting(worker);
      });
    });
    // Look for a new version now and then while the booth stays open all day.
    setInterval(() => registration.update().catch(() => {}), 30 * 60 * 1000);
  }, () => release());  // no service worker here (an insecure origin): start without one
  return ready;
}
