// The service worker (sw.js) and the "new version available" flow: a new version is fetched
// and cached in the background while the old one runs; the page then offers to switch, and
// switches only when asked (a capture half typed is never thrown away by a reload).
export function watchForUpdates(offer) {
  if (!('serviceWorker' in navigator)) return;
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
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed') waiting(worker);
      });
    });
    // Look for a new version now and then while the booth stays open all day.
    setInterval(() => registration.update().catch(() => {}), 30 * 60 * 1000);
  }, () => {});
}
