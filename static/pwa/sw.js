// Doorstep's service worker: the app shell from a versioned cache (so the app starts with no
// signal), map tiles cached as they are seen, Background Sync of the outbox where the
// browser has it (the page also syncs on open, on "online" and on a timer), and Web Push
// notices (a list handed to the canvasser, or changed).
/* global DoorstepStore */
const VERSION = "4";
const PREFIX = "doorstep-";
const SHELL = `${PREFIX}shell-v${VERSION}`;
const TILES = `${PREFIX}tiles-v1`;
const MAX_TILES = 2000;
const SHELL_FILES = [
  "./",
  "index.html",
  "manifest.webmanifest",
  "css/app.css",
  "js/app.js",
  "js/i18n.js",
  "js/door.js",
  "js/outbox.js",
  "js/kiosk.js",
  "js/push.js",
  "vendor/idb/idb.umd.js",
  "vendor/jsqr/jsQR.js",
  "vendor/leaflet/leaflet.js",
  "vendor/leaflet/leaflet.css",
  "icons/icon-192.png",
  "icons/icon-512.png",
];

importScripts("vendor/idb/idb.umd.js", "js/outbox.js");

self.addEventListener("install", (event) => {
  // Every file or none: a half-filled cache would start a broken app offline.
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)));
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
  const isShellFile = SHELL_FILES.some((f) => url.pathname.endsWith(`/app/${f}`));
  if (!isShellFile && request.mode !== "navigate") return fetch(request);
  const cached = await cache.match(isShellFile ? request : "index.html", { ignoreSearch: true });
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
