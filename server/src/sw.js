// 农档 service worker: keeps the app shell available on a weak connection.
// The server fills in __VERSION__ and __SHELL__ for the bundle it serves.
const CACHE = "nongdang-shell-__VERSION__";
const SHELL = __SHELL__;
// Pages without customer data, kept from the last visit for use offline.
const OFFLINE_PAGES = ["/", "/intake", "/login"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith("nongdang-shell-") && key !== CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only this site's GET requests; server functions always go to the network.
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }

  if (request.mode === "navigate") {
    // Pages: the network first, so staff see current data. Offline, the kept
    // copy of a page without customer data, else the home page, else sign-in.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected && OFFLINE_PAGES.includes(url.pathname)) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() =>
          caches
            .match(url.pathname)
            .then((hit) => hit || caches.match("/"))
            .then((hit) => hit || caches.match("/login")),
        ),
    );
    return;
  }

  // Bundles, styles and icons: the kept copy first; hashed names never change.
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
