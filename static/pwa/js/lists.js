// My lists, claiming a list, and one list (as a list or a map). Drawn from IndexedDB, so
// they work with no signal once a list is claimed. app.js hands in what they need
// (h, show, message, go, syncSoon, newRecord, onSynced), as it does for the kiosk.
/* global DoorstepStore, L */
import { loadScript, loadStyle } from "./dom.js";
import { t } from "./i18n.js";
import { drawStreets, keepStreets, keptStreets } from "./streets.js";

const store = DoorstepStore;

export async function refreshLists() {
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
      await keepStreets(detail);
    }
    return true;
  } catch {
    return false;
  }
}

export async function claimList(code, ui) {
  await store.put("pending_claim", null);
  try {
    const detail = await store.api("POST", "/api/v1/walk-lists/claim", { code });
    const database = await store.db();
    await database.put("lists", detail);
    await store.put("setup", await store.api("GET", "/api/v1/canvass/setup"));
    await keepStreets(detail);
    history.replaceState(null, "", `#/list/${detail.id}`);
    renderList(detail.id, ui, t("claimed", { name: detail.name }));
  } catch (error) {
    await renderLists(ui, error.message);
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

/** The next home to knock after ``position`` (or the first), or undefined. */
export function nextStop(list, homes, position = -Infinity) {
  return list.stops.find((s) => s.position > position && !homes.has(s.household_id)
    && !serverKnocked(s));
}

// A building's homes share its door number; inside it they are numbered 1..n in walking
// order, so the rows of a 19-flat block read 1.1 ... 1.19, not nineteen times "1".
export function homeNumbers(list) {
  const byDoor = new Map();
  for (const stop of list.stops) {
    if (!byDoor.has(stop.door_number)) byDoor.set(stop.door_number, []);
    byDoor.get(stop.door_number).push(stop.position);
  }
  const numbers = new Map();
  for (const [door, positions] of byDoor) {
    positions.forEach((position, n) => numbers.set(position, {
      door, home: n + 1, homes: positions.length,
      label: positions.length > 1 ? `${door}.${n + 1}` : String(door),
    }));
  }
  return numbers;
}

export function stopAddress(stop) {
  return stop.unit ? `${stop.address} #${stop.unit}` : stop.address;
}

// Callers (canvassers may call) open call mode from here.
function mayCall(session) {
  const permissions = (session && session.user && session.user.permissions) || [];
  return permissions.includes("calls.make");
}

// Organisers run events' doors (the kiosk); canvassers see only their lists.
function runsDoors(session) {
  const permissions = (session && session.user && session.user.permissions) || [];
  return permissions.includes("events.check_in");
}

export async function renderLists(ui, note) {
  const { h, show, message, onSynced } = ui;
  const database = await store.db();
  const session = await store.get("session");
  const lists = (await database.getAll("lists")).filter((l) => l.status === "active");
  const codeInput = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters",
    placeholder: "K7QM-2XPD", required: true, minlength: 8 });
  const claimForm = h("form", { class: "card", on: { submit: (event) => {
    event.preventDefault();
    claimList(codeInput.value.trim(), ui);
  } } }, h("label", {}, t("claim_code"), codeInput),
  h("button", { type: "submit", class: "primary" }, t("claim_button")));
  const progress = new Map();
  const items = lists.map((list) => {
    progress.set(list.id, h("span", {}, ""));
    return h("li", {}, h("a", { href: `#/list/${list.id}`, class: "row-link" },
      h("strong", {}, list.name), progress.get(list.id)));
  });
  async function paint() {
    for (const list of lists) {
      const { done, total } = await listProgress(list);
      progress.get(list.id).textContent = t("doors_done", { done, total });
    }
  }
  show(
    note ? message(note) : null,
    h("h1", {}, t("my_lists")),
    lists.length ? h("ul", { class: "lists" }, items) : h("p", {}, t("no_lists")),
    h("h2", {}, t("claim")),
    claimForm,
    h("p", { class: "tools" }, h("a", { href: "#/shifts" }, t("my_shifts")),
      runsDoors(session) ? h("a", { href: "#/events" }, t("events")) : null,
      mayCall(session) ? h("a", { href: "#/calls", id: "calls-link" }, t("calls")) : null),
    h("p", { id: "push" }),
    h("button", { type: "button", class: "link", on: { click: async () => {
      await store.signOut();
      ui.go("#/lists");
    } } }, t("sign_out")),
  );
  await paint();
  onSynced(paint);
  if (navigator.onLine) {  // notices need signal to turn on or off: no module to load without
    import("./push.js").then(({ pushToggle }) => pushToggle({ h, done: (text) => renderLists(ui, text) }))
      .then((button) => document.getElementById("push")?.replaceChildren(button || ""));
  }
  if (navigator.onLine && !note) {
    if (await refreshLists() && location.hash.match(/^(#\/?(lists)?)?$/)) {
      const fresh = (await database.getAll("lists")).filter((l) => l.status === "active");
      if (fresh.length !== lists.length) renderLists(ui);
    }
  }
}

export async function renderList(listId, ui, note) {
  const { h, show, message, onSynced, syncSoon, newRecord } = ui;
  const database = await store.db();
  const list = await database.get("lists", listId);
  if (!list) return renderLists(ui);
  const numbers = homeNumbers(list);
  const selected = new Set();
  let selecting = false;
  const bulk = h("button", { type: "button", class: "primary", hidden: true, on: { click: async () => {
    for (const householdId of selected) {
      await store.enqueue(newRecord(list, householdId, { result: "not_home" }));
    }
    syncSoon();
    renderList(listId, ui);
  } } });
  const rows = list.stops.map((stop) => {
    const box = h("input", { type: "checkbox", class: "pick", hidden: true,
      "aria-label": stopAddress(stop), on: { change: (event) => {
        if (event.target.checked) selected.add(stop.household_id);
        else selected.delete(stop.household_id);
        bulk.textContent = t("not_home_n", { n: selected.size });
        bulk.hidden = selected.size === 0;
      } } });
    const names = stop.people.map((p) => `${p.is_target ? "★ " : ""}${p.first_name} ${p.last_name}`);
    return h("li", { class: "stop", "data-household": stop.household_id }, box,
      h("a", { href: `#/door/${list.id}/${stop.position}`, class: "row-link" },
        h("span", { class: "num" }, numbers.get(stop.position).label),
        h("span", { class: "where" }, stopAddress(stop), h("small", {}, names.join(", "))),
        h("span", { class: "state" }, "")));
  });
  const listView = h("ol", { class: "stops" }, rows);
  const mapView = h("div", { id: "list-map", class: "map", hidden: true });
  const progressText = h("span", {}, "");
  const bar = h("progress", { max: list.stops.length, value: 0 });
  const nextSlot = h("div", {});
  let homes = new Map();
  // The rows' states, the progress and the next door: drawn now and again after each sync.
  async function paint() {
    const progress = await listProgress(list);
    homes = progress.homes;
    progressText.textContent = t("doors_done", progress);
    bar.value = progress.done;
    list.stops.forEach((stop, n) => {
      const state = homes.get(stop.household_id) || (serverKnocked(stop) ? "done" : "");
      rows[n].className = `stop ${state}`;
      rows[n].querySelector(".state").textContent = state ? t(state) : "";
    });
    const next = nextStop(list, homes);
    nextSlot.replaceChildren(next ? h("a", { class: "button primary",
      href: `#/door/${list.id}/${next.position}` }, `${t("open")}: ${stopAddress(next)}`) : "");
  }
  const toggle = h("button", { type: "button", on: { click: async () => {
    mapView.hidden = !mapView.hidden;
    listView.hidden = !mapView.hidden;
    toggle.textContent = mapView.hidden ? t("map") : t("list");
    if (!mapView.hidden) await drawMap(mapView, list, homes, numbers, ui.go);
  } } }, t("map"));
  const select = h("button", { type: "button", on: { click: () => {
    selecting = !selecting;
    for (const box of listView.querySelectorAll(".pick")) box.hidden = !selecting;
    select.textContent = selecting ? t("cancel") : t("select");
    if (!selecting) { selected.clear(); bulk.hidden = true; }
  } } }, t("select"));
  show(
    note ? message(note) : null,
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, list.name),
    h("p", { class: "progress" }, progressText, bar),
    nextSlot,
    h("div", { class: "tools" }, toggle, select, bulk),
    listView, mapView,
  );
  await paint();
  onSynced(paint);
}

// Leaflet (150 KB) is parsed only when a canvasser opens the map, not at every start.
async function drawMap(node, list, homes, numbers, go) {
  loadStyle("vendor/leaflet/leaflet.css");
  await loadScript("vendor/leaflet/leaflet.js");
  if (node.dataset.drawn) return;
  node.dataset.drawn = "yes";
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
      .bindTooltip(numbers.get(stop.position).label, { permanent: true, direction: "center",
        className: "num-label" })
      .on("click", () => go(`#/door/${list.id}/${stop.position}`))
      .addTo(map);
  }
  if (points.length > 1) L.polyline(points, { color: "#b45309", weight: 2, opacity: 0.6 }).addTo(map);
  if (points.length) map.fitBounds(points, { padding: [20, 20] });
  if (!tiles && points.length) drawStreets(map, await keptStreets(list)); // kept offline too
  if (navigator.geolocation) {
    const me = L.circleMarker([0, 0], { radius: 7, color: "#1d4ed8", fillOpacity: 1 });
    navigator.geolocation.getCurrentPosition((where) => {
      me.setLatLng([where.coords.latitude, where.coords.longitude]).addTo(map);
    }, () => {}, { maximumAge: 60000, timeout: 10000 });
  }
}
