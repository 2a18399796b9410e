// The canvassing app: sign in, my lists, claim a list, a list (as a list or a map), the
// door screen (door.js), and the outbox. Screens are drawn from IndexedDB, so every one of
// them works with no signal once a list is claimed.
/* global DoorstepStore, L */
import { currentLanguage, setLanguage, t } from "./i18n.js";
import { renderDoor } from "./door.js";
import { renderEvents, renderKiosk, renderShifts } from "./kiosk.js";
import { pushToggle } from "./push.js";

const store = DoorstepStore;
const screen = document.getElementById("screen");
const SYNC_EVERY_MS = 30000;
let busyAtDoor = false;  // no update reload while a canvasser is at a door

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === "class") node.className = value;
    else if (value === true) node.setAttribute(key, "");
    else if (value !== false && value != null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  screen.replaceChildren(...nodes.flat(Infinity).filter((n) => n != null && n !== false));
  window.scrollTo(0, 0);
}

function message(text, kind = "info") {
  return h("p", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

// ---- routing: #/lists, #/list/7, #/door/7/3, #/claim/CODE, #/outbox ----
async function route() {
  if (reloadWhenIdle) {
    location.reload();  // the new version, now that the canvasser has left the door
    return;
  }
  busyAtDoor = false;
  const session = await store.get("session");
  const [, name, a, b] = location.hash.split("/");
  if (name === "claim" && a) await store.put("pending_claim", decodeURIComponent(a));
  if (!session) return renderLogin();
  const pendingClaim = await store.get("pending_claim");
  if (pendingClaim) return claimList(pendingClaim);
  if (name === "list" && a) return renderList(Number(a));
  if (name === "door" && a && b) {
    busyAtDoor = true;
    return renderDoor({ listId: Number(a), position: Number(b), h, show, message, go });
  }
  if (name === "outbox") return renderOutbox();
  if (name === "events") return renderEvents({ h, show, message });
  if (name === "shifts") return renderShifts({ h, show, message });
  if (name === "kiosk" && a) return renderKiosk({ eventId: Number(a), h, show, message });
  return renderLists();
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

window.addEventListener("hashchange", route);

// ---- sign in ----
function renderLogin(note) {
  const form = h("form", { class: "card", on: { submit: async (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    try {
      await store.signIn(fields.get("email"), fields.get("password"));
      await refreshLists();
      store.syncNow().then(updateOutboxBadge);
      route();
    } catch (error) {
      form.querySelector(".message")?.remove();
      form.append(message(error.message, "error"));
    }
  } } },
  h("h1", {}, t("sign_in")),
  note ? message(note) : null,
  h("label", {}, t("email"), h("input", { name: "email", type: "email", required: true,
    autocomplete: "username" })),
  h("label", {}, t("password"), h("input", { name: "password", type: "password", required: true,
    autocomplete: "current-password" })),
  h("button", { type: "submit", class: "primary" }, t("sign_in")));
  show(form);
}

// ---- lists ----
async function refreshLists() {
  // Online: fetch my lists and everything they need; offline: keep what is stored.
  try {
    const [page, setup] = await Promise.all([
      store.api("GET", "/api/v1/walk-lists?mine=true&per_page=100"),
      store.api("GET", "/api/v1/canvass/setup"),
    ]);
    await store.put("setup", setup);
    const database = await store.db();
    for (const summary of page.items) {
      const detail = await store.api("GET", `/api/v1/walk-lists/${summary.id}`);
      await database.put("lists", detail);
    }
    return true;
  } catch {
    return false;
  }
}

async function claimList(code) {
  await store.put("pending_claim", null);
  try {
    const detail = await store.api("POST", "/api/v1/walk-lists/claim", { code });
    const database = await store.db();
    await database.put("lists", detail);
    await store.put("setup", await store.api("GET", "/api/v1/canvass/setup"));
    history.replaceState(null, "", `#/list/${detail.id}`);
    renderList(detail.id, t("claimed", { name: detail.name }));
  } catch (error) {
    await renderLists(error.message);
  }
}

async function knockedHomes(listId) {
  const [done, outbox] = await Promise.all([store.doneItems(), store.outboxItems()]);
  const homes = new Map();
  for (const item of done) if (item.list_id === listId) homes.set(item.household_id, "done");
  for (const item of outbox) if (item.list_id === listId) homes.set(item.household_id, "queued");
  return homes;
}

function serverKnocked(stop) {
  return stop.people.some((p) => p.knocked);
}

export async function listProgress(list) {
  const homes = await knockedHomes(list.id);
  const done = list.stops.filter((s) => homes.has(s.household_id) || serverKnocked(s)).length;
  return { done, total: list.stops.length, homes };
}

// Organisers run events' doors (the kiosk); canvassers see only their lists.
function runsDoors(session) {
  const permissions = (session && session.user && session.user.permissions) || [];
  return permissions.includes("events.check_in");
}

async function renderLists(note) {
  const database = await store.db();
  const session = await store.get("session");
  const lists = (await database.getAll("lists")).filter((l) => l.status === "active");
  const codeInput = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters",
    placeholder: "K7QM-2XPD", required: true, minlength: 8 });
  const claimForm = h("form", { class: "card", on: { submit: (event) => {
    event.preventDefault();
    claimList(codeInput.value.trim());
  } } }, h("label", {}, t("claim_code"), codeInput),
  h("button", { type: "submit", class: "primary" }, t("claim_button")));
  const items = [];
  for (const list of lists) {
    const { done, total } = await listProgress(list);
    items.push(h("li", {}, h("a", { href: `#/list/${list.id}`, class: "row-link" },
      h("strong", {}, list.name), h("span", {}, t("doors_done", { done, total })))));
  }
  show(
    note ? message(note) : null,
    h("h1", {}, t("my_lists")),
    lists.length ? h("ul", { class: "lists" }, items) : h("p", {}, t("no_lists")),
    h("h2", {}, t("claim")),
    claimForm,
    h("p", { class: "tools" }, h("a", { href: "#/shifts" }, t("my_shifts")),
      runsDoors(session) ? h("a", { href: "#/events" }, t("events")) : null),
    h("p", { id: "push" }),
    h("button", { type: "button", class: "link", on: { click: async () => {
      await store.signOut();
      route();
    } } }, t("sign_out")),
  );
  pushToggle({ h, done: renderLists })
    .then((button) => document.getElementById("push")?.replaceChildren(button || ""));
  if (navigator.onLine && !note) {
    if (await refreshLists() && location.hash.match(/^(#\/?(lists)?)?$/)) {
      const fresh = (await database.getAll("lists")).filter((l) => l.status === "active");
      if (fresh.length !== lists.length) renderLists();
    }
  }
}

async function renderList(listId, note) {
  const database = await store.db();
  const list = await database.get("lists", listId);
  if (!list) return renderLists();
  const { done, total, homes } = await listProgress(list);
  const selected = new Set();
  let selecting = false;
  const bulk = h("button", { type: "button", class: "primary", hidden: true, on: { click: async () => {
    for (const householdId of selected) {
      await store.enqueue(newRecord(list, householdId, { result: "not_home" }));
    }
    syncSoon();
    renderList(listId);
  } } });
  const rows = list.stops.map((stop) => {
    const state = homes.get(stop.household_id) || (serverKnocked(stop) ? "done" : "");
    const box = h("input", { type: "checkbox", class: "pick", hidden: true,
      "aria-label": stop.address, on: { change: (event) => {
        if (event.target.checked) selected.add(stop.household_id);
        else selected.delete(stop.household_id);
        bulk.textContent = t("not_home_n", { n: selected.size });
        bulk.hidden = selected.size === 0;
      } } });
    const names = stop.people.map((p) => `${p.is_target ? "★ " : ""}${p.first_name} ${p.last_name}`);
    return h("li", { class: `stop ${state}`, "data-household": stop.household_id }, box,
      h("a", { href: `#/door/${list.id}/${stop.position}`, class: "row-link" },
        h("span", { class: "num" }, stop.door_number),
        h("span", { class: "where" }, stop.unit ? `${stop.address} #${stop.unit}` : stop.address,
          h("small", {}, names.join(", "))),
        h("span", { class: "state" }, state ? t(state) : "")));
  });
  const listView = h("ol", { class: "stops" }, rows);
  const mapView = h("div", { id: "list-map", class: "map", hidden: true });
  const toggle = h("button", { type: "button", on: { click: () => {
    mapView.hidden = !mapView.hidden;
    listView.hidden = !mapView.hidden;
    toggle.textContent = mapView.hidden ? t("map") : t("list");
    if (!mapView.hidden) drawMap(mapView, list, homes);
  } } }, t("map"));
  const select = h("button", { type: "button", on: { click: () => {
    selecting = !selecting;
    for (const box of listView.querySelectorAll(".pick")) box.hidden = !selecting;
    select.textContent = selecting ? t("cancel") : t("select");
    if (!selecting) { selected.clear(); bulk.hidden = true; }
  } } }, t("select"));
  const next = list.stops.find((s) => !homes.has(s.household_id) && !serverKnocked(s));
  show(
    note ? message(note) : null,
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, list.name),
    h("p", { class: "progress" }, t("doors_done", { done, total }),
      h("progress", { max: total, value: done })),
    next ? h("a", { class: "button primary", href: `#/door/${list.id}/${next.position}` },
      `${t("open")}: ${next.address}${next.unit ? ` #${next.unit}` : ""}`) : null,
    h("div", { class: "tools" }, toggle, select, bulk),
    listView, mapView,
  );
}

async function drawMap(node, list, homes) {
  const setup = (await store.get("setup")) || {};
  const map = L.map(node, { preferCanvas: true });
  const tiles = setup.map && setup.map.tile_url;
  if (tiles) L.tileLayer(tiles, { maxZoom: 20, attribution: setup.map.tile_attribution }).addTo(map);
  const points = [];
  for (const stop of list.stops) {
    if (stop.lat == null) continue;
    points.push([stop.lat, stop.lon]);
    const state = homes.get(stop.household_id) || (serverKnocked(stop) ? "done" : "");
    L.circleMarker([stop.lat, stop.lon], { radius: 9, weight: 2, color: "#14532d",
      fillColor: state ? "#9ca3af" : "#16a34a", fillOpacity: 0.9 })
      .bindTooltip(String(stop.door_number), { permanent: true, direction: "center",
        className: "num-label" })
      .on("click", () => go(`#/door/${list.id}/${stop.position}`))
      .addTo(map);
  }
  if (points.length > 1) L.polyline(points, { color: "#b45309", weight: 2, opacity: 0.6 }).addTo(map);
  if (points.length) map.fitBounds(points, { padding: [20, 20] });
  if (navigator.geolocation) {
    const me = L.circleMarker([0, 0], { radius: 7, color: "#1d4ed8", fillOpacity: 1 });
    navigator.geolocation.getCurrentPosition((where) => {
      me.setLatLng([where.coords.latitude, where.coords.longitude]).addTo(map);
    }, () => {}, { maximumAge: 60000, timeout: 10000 });
  }
}

// ---- the outbox ----
async function renderOutbox() {
  const items = await store.outboxItems();
  const session = await store.get("session");
  show(
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, t("outbox_title")),
    session && session.needsLogin ? renderLoginAgain() : null,
    h("ul", { class: "outbox" }, items.map((item) => h("li", { class: item.status },
      h("strong", {}, item.record.result || (item.record.people[0] || {}).result || "canvassed"),
      ` · ${new Date(item.record.client_at).toLocaleTimeString()}`,
      item.status === "attention" ? h("p", { class: "message error" },
        `${t("reason")}: ${item.reason}`) : null,
      item.status === "attention" ? h("button", { type: "button", on: { click: async () => {
        await store.retry(item.uuid);
        syncSoon();
        renderOutbox();
      } } }, t("retry")) : null))),
  );
}

function renderLoginAgain() {
  return h("button", { type: "button", class: "primary", on: { click: async () => {
    await store.signOut();
    renderLogin(t("needs_login"));
  } } }, t("sign_in"));
}

// ---- the outbox badge and syncing ----
async function updateOutboxBadge() {
  const badge = document.getElementById("outbox");
  const { waiting, attention } = await store.counts();
  const session = await store.get("session");
  badge.hidden = !session;
  badge.className = `pill ${attention ? "attention" : waiting ? "waiting" : "synced"}`;
  badge.textContent = attention ? t("attention", { n: attention })
    : waiting ? t("waiting", { n: waiting }) : t("all_synced");
  if (session && session.needsLogin && waiting) badge.textContent += " ⚠";
}

// A tapped notice: go there, unless the canvasser is at a door (then it waits for them).
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "open" && !busyAtDoor) go(event.data.hash || "#/lists");
});

let syncTimer = null;
export function syncSoon() {
  updateOutboxBadge();
  clearTimeout(syncTimer);
  syncTimer = setTimeout(async () => {
    await store.syncNow();
    updateOutboxBadge();
  }, 300);
  // Where the browser has Background Sync, the worker also sends when the signal is back.
  navigator.serviceWorker?.ready.then((reg) => reg.sync?.register("doorstep-outbox")).catch(() => {});
}

export function newRecord(list, householdId, fields) {
  return {
    uuid: crypto.randomUUID(),
    walk_list_id: list.id,
    household_id: householdId,
    client_at: new Date().toISOString(),
    people: [],
    new_people: [],
    place_notes: [],
    notes: "",
    ...fields,
  };
}

document.getElementById("outbox").addEventListener("click", () => go("#/outbox"));
document.getElementById("lang").addEventListener("click", async () => {
  const next = currentLanguage() === "en" ? "es" : "en";
  await store.put("language", next);
  applyLanguage(next);
  route();
});

function applyLanguage(code) {
  setLanguage(code);
  document.documentElement.lang = code;
  document.getElementById("lang").textContent = code === "en" ? "ES" : "EN";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  updateOutboxBadge();
}

try {
  new BroadcastChannel("doorstep-outbox").onmessage = () => updateOutboxBadge();
} catch { /* no BroadcastChannel: the badge updates after each action */ }
window.addEventListener("online", () => syncSoon());
setInterval(() => { if (navigator.onLine) syncSoon(); }, SYNC_EVERY_MS);

// ---- updates: a new version installs in the background and takes over when the canvasser
// taps "Update" or the app is idle (hidden, not at a door); never mid-door. The outbox lives
// in IndexedDB, which an update does not touch. ----
let waitingWorker = null;
let updateAsked = false;
let reloadWhenIdle = false;

function applyUpdate() {
  if (!waitingWorker) return;
  updateAsked = true;
  waitingWorker.postMessage("skip-waiting");
  waitingWorker = null;
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden && !busyAtDoor) applyUpdate();
});

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("sw.js", { scope: "./" });
  const offer = (worker) => {
    waitingWorker = worker;
    document.getElementById("update").hidden = false;
    document.getElementById("update-now").onclick = applyUpdate;
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  // The first worker taking over an open page needs no reload; a new version does, once
  // the canvasser asked for it (and is not at a door).
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!updateAsked || reloading) return;
    if (busyAtDoor) {
      reloadWhenIdle = true;  // at the next screen, once this door is saved or left
      return;
    }
    reloading = true;
    location.reload();
  });
}

(async () => {
  applyLanguage((await store.get("language")) || (navigator.language.startsWith("es") ? "es" : "en"));
  registerWorker();
  await route();
  syncSoon();
})();
