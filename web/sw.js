// The booth's service worker: keeps every file of the app (the list and the version are
// written in by build.mjs) so that the booth opens and works with no network after its first
// visit. Cache first for those files; everything else (the relay's API) goes to the network
// untouched. A new version installs beside the old one and takes over only when the page says
// so ("new version available", src/update.js), then the old cache is deleted.
'use strict';

const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = 'dosti-' + VERSION;
const APP = new URL('./', self.registration.scope).href;

self.addEventListener('install', (event) => {
  // Every file or none: a half-cached version would not start offline. `reload` skips the
  // HTTP cache, so the files are this version's.
  event.waitUntil(caches.open(CACHE).then((cache) =>
      cache.addAll(FILES.map((f) => new Request(new URL(f, APP), { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('dosti-') && k !== CACHE)
                                      .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  // The app's page, however it was opened ("/", "/?…", or an invite link "/#invite=…": the
  // fragment never reaches here), is its index.html.
  let path = url.pathname;
  if (request.mode === 'navigate' && path === new URL(APP).pathname) {
    path = new URL('index.html', APP).pathname;
  }
  const key = new URL(path, url.origin).href;
  if (!FILES.some((f) => new URL(f, APP).href === key)) return;
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(key)).then((hit) => hit || fetch(request)));
});
