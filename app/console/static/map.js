// The console's map screen: precincts, doors, the campaign's streets and turfs; cut turf
// from a drawn area or picked precincts (preview, then commit); make walk lists and hand
// them to canvassers.
import { call, download } from "./api.js";
import { $, escapeText, say } from "./dom.js";

const state = {
  map: null, streets: null, precincts: null, doors: null, turfs: null, preview: null, drawn: null,
  picked: new Set(), picking: false, selectedTurf: null, canvassers: [], lastBody: null,
  loaded: false,
};
const PREVIEW_COLOURS = ["#2563eb", "#db2777", "#16a34a", "#ea580c", "#7c3aed", "#0891b2",
  "#ca8a04", "#dc2626"];

// Colour of a turf by the share of its homes knocked: blue (none) to green (all).
function progressColour(share) {
  const s = Math.max(0, Math.min(1, share || 0));
  const hue = 210 - 90 * s;
  return `hsl(${hue}, 70%, ${55 - 10 * s}%)`;
}

export async function show() {
  if (!state.map) buildMap();
  else state.map.invalidateSize();  // it was drawn while hidden, at no size
  if (state.loaded) return;
  state.loaded = true;
  await Promise.all([loadUniverses(), loadCanvassers(), loadPrecincts(), loadTurfs(), loadLists()]);
}

export function hide() {}

// Signed out: the next sign-in may be another campaign's, so load everything again.
export function reset() {
  state.loaded = false;
}

// ---- the map ----
function buildMap() {
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25 }).setView([39.95, -75.2], 13);
  const tiles = document.body.dataset.tileUrl;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 20, attribution: document.body.dataset.tileAttribution })
      .addTo(map);
  }
  // The campaign's own streets: a light base map, readable with no tile server. In a pane
  // of their own under the areas (SVG: a path per street), drawn only zoomed in.
  map.createPane("streets").style.zIndex = 350;
  state.streets = L.geoJSON(null, {
    pane: "streets", renderer: L.svg({ pane: "streets" }), interactive: false,
    style: (f) => ({ color: f.properties.is_barrier ? "#7f1d1d" : "#a8a29e",
      weight: f.properties.is_barrier ? 3 : 2, opacity: 0.9 }),
  }).addTo(map);
  state.precincts = L.geoJSON(null, { style: precinctStyle, onEachFeature: onPrecinct }).addTo(map);
  state.doors = L.layerGroup().addTo(map);
  state.turfs = L.geoJSON(null, { style: turfStyle, onEachFeature: onTurf }).addTo(map);
  state.preview = L.geoJSON(null, {
    style: (f) => ({ color: PREVIEW_COLOURS[f.properties.index % PREVIEW_COLOURS.length],
      weight: 2, fillOpacity: 0.35 }),
    onEachFeature: (f, layer) => layer.bindTooltip(
      `${escapeText(f.properties.name)}: ${f.properties.doors} doors, ${f.properties.targets} homes`),
  }).addTo(map);
  map.on("moveend", () => { loadStreets(); loadDoors(); });
  map.on("pm:create", (event) => {
    if (state.drawn) state.drawn.remove();
    state.drawn = event.layer;
    state.picked.clear();
    state.precincts.setStyle(precinctStyle);
    areaChanged();
  });
  state.map = map;
}

function precinctStyle(feature) {
  const picked = state.picked.has(feature.id);
  return { color: picked ? "#b45309" : "#7c3aed", weight: picked ? 3 : 1.5, opacity: 0.8,
    fillOpacity: picked ? 0.2 : 0, dashArray: picked ? null : "6 4" };
}

function onPrecinct(feature, layer) {
  layer.bindTooltip(`Precinct ${escapeText(feature.properties.code)}`, { sticky: true });
  layer.on("click", () => {
    if (!state.picking) return;
    if (state.picked.has(feature.id)) state.picked.delete(feature.id);
    else state.picked.add(feature.id);
    if (state.drawn) { state.drawn.remove(); state.drawn = null; }
    state.precincts.setStyle(precinctStyle);
    areaChanged();
  });
}

function turfStyle(feature) {
  const p = feature.properties;
  const selected = state.selectedTurf === feature.id;
  return { color: selected ? "#111" : progressColour(p.knocked / (p.households || 1)),
    weight: selected ? 3 : 1.5, fillColor: progressColour(p.knocked / (p.households || 1)),
    fillOpacity: 0.3 };
}

function onTurf(feature, layer) {
  layer.bindTooltip(escapeText(feature.properties.name), { sticky: true });
  layer.on("click", () => { if (!state.picking) selectTurf(feature.id); });
}

async function loadPrecincts() {
  const collection = await call("GET", "/api/v1/areas/map?kind=precinct");
  state.precincts.clearLayers();
  state.precincts.addData(collection);
  const bounds = state.precincts.getBounds();
  if (bounds.isValid()) state.map.fitBounds(bounds);
}

function viewBox() {
  const b = state.map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
    .map((v) => Math.max(-180, Math.min(180, v)).toFixed(6)).join(",");
}

// Streets from this zoom in; the box is widened to a 0.005° grid, so panning a little asks
// the same URL again (answered 304 from the browser's cache with the server's ETag).
const STREETS_MIN_ZOOM = 15;
const STREETS_GRID = 0.005;
let streetsAsked = 0;

async function loadStreets() {
  const zoom = Math.floor(state.map.getZoom());
  const asked = ++streetsAsked;
  if (zoom < STREETS_MIN_ZOOM) { state.streets.clearLayers(); return; }
  const b = state.map.getBounds();
  const snap = (v, up) => (up ? Math.ceil(v / STREETS_GRID) : Math.floor(v / STREETS_GRID))
    * STREETS_GRID;
  const bbox = [snap(b.getWest()), snap(b.getSouth()), snap(b.getEast(), true),
    snap(b.getNorth(), true)].map((v) => v.toFixed(3)).join(",");
  try {
    const collection = await call("GET", `/api/v1/streets/base-map?bbox=${bbox}&zoom=${zoom}`);
    if (asked !== streetsAsked) return; // the map moved on meanwhile
    state.streets.clearLayers();
    state.streets.addData(collection);
  } catch (error) {
    if (asked === streetsAsked) state.streets.clearLayers();
    if (error.status !== 422) say("cut-status", error.message, true); // 422: zoom in
  }
}

async function loadDoors() {
  if (state.map.getZoom() < 15) { state.doors.clearLayers(); return; }
  const universe = $("universe").value;
  const query = `bbox=${viewBox()}${universe ? `&universe_id=${universe}` : ""}`;
  try {
    const { doors, truncated } = await call("GET", `/api/v1/turfs/doors?${query}`);
    state.doors.clearLayers();
    for (const [, lon, lat, homes] of doors) {
      L.circleMarker([lat, lon], { radius: homes > 1 ? 3.5 : 2, weight: 0, fillOpacity: 0.8,
        fillColor: "#111827", interactive: false }).addTo(state.doors);
    }
    if (truncated) say("area-status", "Too many doors to show them all here: zoom in.");
  } catch (error) {
    say("cut-status", error.message, true);
  }
}

// ---- choosing the area ----
$("draw").addEventListener("click", () => {
  setPicking(false);
  state.map.pm.enableDraw("Polygon", { snappable: false, allowSelfIntersection: false,
    templineStyle: { color: "#b45309" }, hintlineStyle: { color: "#b45309", dashArray: "5 5" },
    pathOptions: { color: "#b45309", fillOpacity: 0.1 } });
  say("area-status", "Click the corners; click the first corner again to finish.");
});
$("pick").addEventListener("click", () => setPicking(!state.picking));
$("clear").addEventListener("click", () => {
  if (state.drawn) { state.drawn.remove(); state.drawn = null; }
  state.picked.clear();
  state.precincts.setStyle(precinctStyle);
  state.preview.clearLayers();
  $("metrics").hidden = true;
  areaChanged();
});

function setPicking(on) {
  state.picking = on;
  $("pick").setAttribute("aria-pressed", String(on));
  if (on) state.map.pm.disableDraw();
}

function areaChanged() {
  const has = Boolean(state.drawn) || state.picked.size > 0;
  $("preview").disabled = !has;
  $("commit").disabled = true;
  state.lastBody = null;
  if (state.drawn) say("area-status", "Drawn area ready.");
  else if (state.picked.size) say("area-status", `${state.picked.size} precinct(s) picked.`);
  else say("area-status", "Draw an area or pick precincts on the map.");
}

function cutBody() {
  const body = {
    target: Number($("target").value),
    respect: $("respect").checked ? ["precinct"] : [],
    use_barriers: $("barriers").checked,
  };
  if (state.drawn) body.polygon = state.drawn.toGeoJSON().geometry;
  else body.area_ids = [...state.picked];
  if ($("universe").value) body.universe_id = Number($("universe").value);
  return body;
}

// ---- preview and commit ----
$("preview").addEventListener("click", async () => {
  const body = cutBody();
  say("cut-status", "Cutting...");
  $("commit").disabled = true;
  try {
    const preview = await call("POST", "/api/v1/turf-cuts/preview", body);
    preview.features.forEach((f, index) => { f.properties.index = index; });
    state.preview.clearLayers();
    state.preview.addData(preview);
    showMetrics(preview.metrics, preview.seconds);
    state.lastBody = body;
    $("commit").disabled = false;
    say("cut-status", `Preview: ${preview.features.length} turfs. Nothing is saved yet.`);
  } catch (error) {
    say("cut-status", error.message, true);
  }
});

function showMetrics(m, seconds) {
  const pct = (v) => `${Math.round(100 * v)} %`;
  const rows = [
    ["Turfs", m.turfs],
    ["Doors per turf (mean)", m.overall.mean.toFixed(1)],
    ["Spread (std / mean)", m.overall.std_over_mean.toFixed(3)],
    ["Within ±33 % of target", pct(m.overall.within_tolerance)],
    ["Smallest / largest", `${m.overall.min} / ${m.overall.max}`],
    ["Contiguous", pct(m.contiguous)],
    ["Compactness (Polsby-Popper)", m.polsby_popper.toFixed(2)],
    ["Block faces split", m.faces_split],
    ["Barrier crossings", m.barrier_crossings],
    ["Time", `${seconds.total} s`],
  ];
  $("metrics").innerHTML = rows
    .map(([k, v]) => `<tr><td>${escapeText(k)}</td><td>${escapeText(v)}</td></tr>`).join("");
  $("metrics").hidden = false;
}

$("commit").addEventListener("click", async () => {
  if (!state.lastBody) return;
  $("commit").disabled = true;
  say("cut-status", "Saving...");
  try {
    const cut = await call("POST", "/api/v1/turf-cuts", state.lastBody);
    say("cut-status", `Saved ${cut.turf_ids.length} turfs (cut ${cut.id}).`);
    state.preview.clearLayers();
    if (state.drawn) { state.drawn.remove(); state.drawn = null; }
    state.picked.clear();
    state.precincts.setStyle(precinctStyle);
    areaChanged();
    await loadTurfs();
  } catch (error) {
    $("commit").disabled = false;
    say("cut-status", error.message, true);
  }
});

// ---- turfs ----
async function loadTurfs() {
  const collection = await call("GET", "/api/v1/turfs/map");
  state.turfs.clearLayers();
  state.turfs.addData(collection);
  $("turfs").innerHTML = "";
  for (const feature of collection.features) {
    const p = feature.properties;
    const item = document.createElement("li");
    item.dataset.turfId = feature.id;
    const share = p.households ? p.knocked / p.households : 0;
    item.innerHTML = `<span><span class="swatch" style="background:${progressColour(share)}">`
      + `</span>${escapeText(p.name)}</span><span>${p.doors} doors, ${Math.round(100 * share)} %</span>`;
    item.addEventListener("click", () => selectTurf(feature.id));
    $("turfs").append(item);
  }
  if (state.selectedTurf) selectTurf(state.selectedTurf);
}

function selectTurf(turfId) {
  state.selectedTurf = turfId;
  state.turfs.setStyle(turfStyle);
  let found = null;
  state.turfs.eachLayer((layer) => { if (layer.feature.id === turfId) found = layer.feature; });
  for (const item of $("turfs").children) {
    item.classList.toggle("selected", Number(item.dataset.turfId) === turfId);
  }
  if (!found) { $("turf").hidden = true; return; }
  const p = found.properties;
  $("turf-name").textContent = p.name;
  $("turf-stats").textContent = `${p.doors} doors, ${p.households} homes, ${p.people} people; `
    + `${p.knocked} knocked, ${p.contacted} contacted`
    + (p.last_touch_at ? `; last touch ${p.last_touch_at.slice(0, 16).replace("T", " ")}` : "");
  $("turf").hidden = false;
  say("list-status", "");
}

$("make-list").addEventListener("click", async () => {
  const body = { turf_id: state.selectedTurf };
  if ($("universe").value) body.universe_id = Number($("universe").value);
  try {
    const made = await call("POST", "/api/v1/walk-lists", body);
    say("list-status", `List ${made.code}: ${made.door_count} doors, about `
      + `${(made.route_length_m / 1000).toFixed(1)} km.`);
    await loadLists();
  } catch (error) {
    say("list-status", error.message, true);
  }
});

// ---- universes and canvassers ----
async function loadUniverses() {
  const page = await call("GET", "/api/v1/universes?per_page=200");
  $("universe").length = 1;  // "Everybody at the doors"
  for (const universe of page.items) {
    $("universe").append(new Option(universe.name, universe.id));
  }
}
$("universe").addEventListener("change", loadDoors);

async function loadCanvassers() {
  try {
    const page = await call("GET", "/api/v1/users?role=canvasser&per_page=200");
    state.canvassers = page.items.filter((u) => u.is_active !== false);
  } catch {
    state.canvassers = [];
  }
}

// ---- walk lists ----
async function loadLists() {
  const page = await call("GET", "/api/v1/walk-lists?per_page=200");
  const body = $("lists");
  body.innerHTML = "";
  for (const list of page.items) {
    const row = document.createElement("tr");
    row.dataset.listId = list.id;
    const names = list.assignees.map((a) => escapeText(a.name)).join(", ") || "nobody yet";
    const options = state.canvassers
      .filter((u) => !list.assignees.some((a) => a.user_id === u.id))
      .map((u) => `<option value="${u.id}">${escapeText(u.name)}</option>`).join("");
    row.innerHTML = `<td>${escapeText(list.name)}<br><span class="code">${list.code}</span></td>`
      + `<td>${list.door_count}</td>`
      + `<td>${Math.round(100 * list.progress.share_knocked)} %</td>`
      + `<td class="assignees"><span class="names">${names}</span><select aria-label="Canvasser"><option value="">`
      + `Assign to...</option>${options}</select></td>`
      + `<td><button type="button" class="link" data-sheet="pdf">PDF</button>`
      + `<button type="button" class="link" data-sheet="csv">CSV</button>`
      + `<button type="button" class="link" data-close>Close</button></td>`;
    row.querySelector("select").addEventListener("change", async (event) => {
      if (!event.target.value) return;
      await act(() => call("POST", `/api/v1/walk-lists/${list.id}/assignments`,
        { user_ids: [Number(event.target.value)] }));
    });
    for (const button of row.querySelectorAll("[data-sheet]")) {
      button.addEventListener("click", () => act(() => download(
        `/api/v1/walk-lists/${list.id}/sheet?format=${button.dataset.sheet}`,
        `walk-list-${list.code}.${button.dataset.sheet}`), false));
    }
    row.querySelector("[data-close]").addEventListener("click", () => act(
      () => call("POST", `/api/v1/walk-lists/${list.id}/close`)));
    body.append(row);
  }
}

async function act(work, reload = true) {
  try {
    await work();
    if (reload) await loadLists();
  } catch (error) {
    say("list-status", error.message, true);
  }
}
