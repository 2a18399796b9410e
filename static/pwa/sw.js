// Doorstep's service worker: the app shell from a versioned cache (so the app starts with no
// signal), map tiles cached as they are seen, Background Sync of the outbox where the
// browser has it (the page also syncs on open, on "online" and on a timer), and Web Push
// notices (a list handed to the canvasser, or changed).
/* global DoorstepStore */
// The server fills these in from the files themselves (app/pages/pwa.py): the version is a
// hash of their content, so any changed file makes a new worker, and the lists are complete.
const VERSION = "__VERSION__";
const PREFIX = "doorstep-";
const SHELL = `${PREFIX}shell-v${VERSION}`;
const TILES = `${PREFIX}tiles-v1`;
const MAX_TILES = 2000;
const SHELL_FILES = __SHELL_FILES__;
// Kept only once a screen fetched them (the kiosk's QR reader), then served from the cache.
const ON_DEMAND_FILES = __ON_DEMAND_FILES__;

importScripts("vendor/idb/idb.umd.js", "js/outbox.js");

self.addEventListener("install", (event) => {
  // Every file or none: a half-filled cache would start a broken app offline.
  // Revalidated, not taken from the HTTP cache: the files must be this version's.
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(SHELL_FILES.map((f) => new Request(f, { cache: "no-cache" })));
    // A kiosk that had the QR reader keeps it across an update (it may be offline later).
    for (const file of ON_DEMAND_FILES) {
      if (await caches.match(file)) await cache.add(new Request(file, { cache: "no-cache" }));
    }
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL, TILES]);
    const names = await caches.keys();
    // Only our own old caches: other apps on this origin keep theirs.
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && !keep.has(n))
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

// A new version waits until the canvasser says so (never mid-door): the page posts this.
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin) {
    if (url.pathname.startsWith("/api/")) return; // the app stores what it needs itself
    if (url.pathname.startsWith("/app/")) event.respondWith(shell(request));
    return;
  }
  if (/\/\d+\/\d+\/\d+(@2x)?\.(png|jpg|jpeg|webp)$/.test(url.pathname)) {
    event.respondWith(tile(request));
  }
});

async function shell(request) {
  const cache = await caches.open(SHELL);
  const url = new URL(request.url);
  // The app is one page: opening any /app/ address is index.html; other files as named.
  const named = (files) => files.some((f) => url.pathname.endsWith(`/app/${f}`));
  if (named(ON_DEMAND_FILES)) {
    const kept = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (kept) return kept;
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  }
  const isShellFile = named(SHELL_FILES);
  if (!isShellFile && request.mode !== "navigate") return fetch(request);
  const cached = await cache.match(isShellFile ? request : "index.html",
    { ignoreSearch: true, ignoreVary: true });
  if (cached) return cached;
  return fetch(request);
}

async function tile(request) {
  const cache = await caches.open(TILES);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    if (keys.length > MAX_TILES) await cache.delete(keys[0]);
  }
  return response;
}

self.addEventListener("sync", (event) => {
  if (event.tag === "doorstep-outbox") event.waitUntil(DoorstepStore.syncNow());
});

// A notice from the campaign: {title, body, url, kind} (the server encrypts it for us).
self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch {
    notice = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(notice.title || "Doorstep", {
    body: notice.body || "",
    icon: "icons/icon-192.png",
    tag: notice.kind || "doorstep",
    data: { url: notice.url || "/app/" },
  }));
});

// Tapping it opens the app there: an open window is told where to go (it decides, so a
// canvasser at a door is not thrown off the door), else a new one opens.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url, self.location.origin);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => w.url.startsWith(self.registration.scope));
    if (open) {
      open.postMessage({ type: "open", hash: url.hash });
      return open.focus();
    }
    return self.clients.openWindow(url.href);
  })());
});
