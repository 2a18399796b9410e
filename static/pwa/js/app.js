// The canvassing app: routing, syncing, language and updates. The screens live in their own
// modules (lists.js, door.js, outbox-view.js, kiosk.js) and are handed what they need; none
// of them imports this file. Screens are drawn from IndexedDB, so every one of them works
// with no signal once a list is claimed.
/* global DoorstepStore */
import { h, message, show } from "./dom.js";
import { currentLanguage, setLanguage, t } from "./i18n.js";
import { claimList, refreshLists, renderList, renderLists } from "./lists.js";
import { noteSync, renderOutbox, updateOutboxBadge } from "./outbox-view.js";

const store = DoorstepStore;
const SYNC_EVERY_MS = 30000;
let busyAtDoor = false;  // no update reload while a canvasser is at a door
let afterSync = null;  // the open screen's repaint, run after each sync

function newRecord(list, householdId, fields) {
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

// What every screen is handed.
const ui = {
  h, show, message, go, syncSoon, newRecord,
  onSynced: (repaint) => { afterSync = repaint; },
};

// ---- routing: #/lists, #/list/7, #/door/7/3, #/claim/CODE, #/outbox, #/calls, #/call/4,
// #/call-claim/CODE ----
async function route() {
  if (reloadWhenIdle) {
    location.reload();  // the new version, now that the canvasser has left the door
    return;
  }
  busyAtDoor = false;
  afterSync = null;
  const session = await store.get("session");
  updateOutboxBadge();
  const [, name, a, b] = location.hash.split("/");
  if (name === "claim" && a) await store.put("pending_claim", decodeURIComponent(a));
  if (name === "call-claim" && a) await store.put("pending_call_claim", decodeURIComponent(a));
  if (!session) return renderLogin(name === "login" ? t("needs_login") : null);
  const pendingClaim = await store.get("pending_claim");
  if (pendingClaim) return claimList(pendingClaim, ui);
  if (name === "list" && a) return renderList(Number(a), ui);
  if (name === "door" && a && b) {
    busyAtDoor = true;
    // The door screen's module comes on the first door, not at every start.
    const { renderDoor } = await import("./door.js");
    return renderDoor({ listId: Number(a), position: Number(b), ...ui });
  }
  if (name === "outbox") return renderOutbox(ui);
  const pendingCall = await store.get("pending_call_claim");
  if (["calls", "call", "call-claim"].includes(name) || pendingCall) {
    // Call mode: loaded when a caller opens it (a canvasser's phone may never need it).
    const calls = await import("./calls.js");
    if (pendingCall) return calls.claimCallList(pendingCall, ui);
    if (name === "call" && a) {
      busyAtDoor = true;  // a caller in the dialer leaves the page hidden, mid-call: no reload
      return calls.renderCaller({ listId: Number(a), ...ui });
    }
    return calls.renderCallLists(ui);
  }
  if (["events", "shifts", "kiosk"].includes(name)) {
    // Events are the organisers' and volunteers' screens: loaded only when opened.
    const kiosk = await import("./kiosk.js");
    if (name === "events") return kiosk.renderEvents(ui);
    if (name === "shifts") return kiosk.renderShifts(ui);
    if (a) return kiosk.renderKiosk({ eventId: Number(a), ...ui });
  }
  return renderLists(ui);
}

function go(hash) {
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
      if (location.hash === "#/login") history.replaceState(null, "", "#/lists");
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

// ---- syncing ----
// A tapped notice: go there, unless the canvasser is at a door (then it waits for them).
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "open" && !busyAtDoor) go(event.data.hash || "#/lists");
});

let syncTimer = null;
function syncSoon() {
  updateOutboxBadge();
  clearTimeout(syncTimer);
  syncTimer = setTimeout(async () => {
    noteSync(await store.syncNow());
    updateOutboxBadge();
    if (afterSync) afterSync();
  }, 300);
  // Where the browser has Background Sync, the worker also sends when the signal is back.
  navigator.serviceWorker?.ready.then((reg) => reg.sync?.register("doorstep-outbox")).catch(() => {});
}

document.getElementById("outbox").addEventListener("click", () => go("#/outbox"));
document.getElementById("signal").addEventListener("click", () => go("#/outbox"));
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

// Another tab or the worker sent something: the badge and the open screen follow.
try {
  new BroadcastChannel("doorstep-outbox").onmessage = () => {
    updateOutboxBadge();
    if (afterSync) afterSync();
  };
} catch { /* no BroadcastChannel: the badge updates after each action */ }
window.addEventListener("online", () => {
  noteSync(null);
  syncSoon();
});
window.addEventListener("offline", () => updateOutboxBadge());
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
  document.getElementById("update").hidden = true;
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
