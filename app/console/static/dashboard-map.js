// The dashboard's map: the campaign's areas of the chosen kind (shapes fetched once per kind
// from /api/v1/areas/map) coloured by the chosen measure, with a legend; a click on an area
// shows its numbers and a link to the map screen's turfs and lists. Same vendored Leaflet as
// the map screen, no tiles needed.
import { call } from "./api.js";
import { $, escapeText, h, say, setChildren } from "./dom.js";
import { dollars } from "./format.js";

const RAMP = ["#eff6ff", "#bfdbfe", "#60a5fa", "#2563eb", "#1e3a8a"];
const state = { map: null, layer: null, kind: null, shapes: null, figures: new Map(),
  breaks: [], measure: null, etag: null };

function build() {
  state.map = L.map("dash-map", { preferCanvas: true, zoomSnap: 0.25 }).setView([39.95, -75.2], 12);
  state.layer = L.geoJSON(null, { style, onEachFeature }).addTo(state.map);
}

const shown = (measure, value) => {
  if (value == null) return "no data";
  if (measure === "raised") return dollars(value);
  if (measure === "contact_rate" || measure === "support") return `${(100 * value).toFixed(1)}%`;
  return Number(value).toLocaleString();
};

function colour(value) {
  if (value == null) return "#e5e7eb";
  const index = state.breaks.findIndex((upper) => value <= upper);
  return RAMP[index < 0 ? RAMP.length - 1 : index + (RAMP.length - state.breaks.length)];
}

function style(feature) {
  const figures = state.figures.get(feature.id) || {};
  return { color: "#374151", weight: 1, fillOpacity: 0.75, fillColor: colour(figures.value) };
}

function onEachFeature(feature, layer) {
  layer.on("click", () => {
    const f = state.figures.get(feature.id) || {};
    const lines = [["Doors", f.doors], ["Contacts", f.contacts], ["Contact rate",
      f.contact_rate == null ? null : `${(100 * f.contact_rate).toFixed(1)}%`],
    ["Support IDs", f.support_ids], ["Doors left", f.doors_left],
    ["Raised", f.raised == null ? null : dollars(f.raised)]].filter(([, v]) => v != null);
    const name = f.name || f.code || feature.properties.code;
    layer.bindPopup(`<strong>${escapeText(name)}</strong><br>${lines.map(([k, v]) =>
      `${escapeText(k)}: ${escapeText(v)}`).join("<br>")}<br><a href="#/map">Its turfs and lists</a>`)
      .openPopup();
    say("dash-area", `${name}: ${shown(state.measure, f.value)}`);
  });
}

export async function refresh(params, can) {
  if (!state.map) build();
  else state.map.invalidateSize();
  const kind = params.get("area_kind") || "precinct";
  const measure = $("dash-measure").value;
  if (measure === "raised" && !can("donations.totals")) return;
  if (state.kind !== kind) {
    state.kind = kind;
    state.shapes = await call("GET", `/api/v1/areas/map?kind=${encodeURIComponent(kind)}`);
    state.layer.clearLayers();
    state.layer.addData(state.shapes);
    const bounds = state.layer.getBounds();
    if (bounds.isValid()) state.map.fitBounds(bounds);
    state.etag = null;
  }
  const query = new URLSearchParams(params);
  query.set("measure", measure);
  const response = await call("GET", `/api/v1/dashboards/map?${query}`, undefined,
    { raw: true, headers: state.etag && state.measure === measure ? { "If-None-Match": state.etag } : {} });
  if (response.status === 304) return;
  state.etag = response.headers.get("ETag");
  const data = await response.json();
  state.measure = measure;
  state.breaks = data.breaks;
  state.figures = new Map(data.features.map((f) => [f.area_id, f]));
  state.layer.setStyle(style);
  legend(data);
}

// A legend entry (its colour set through the CSSOM: the console's CSP refuses style="").
function swatch(fill, text) {
  const span = h("span", {}, text);
  span.style.setProperty("--swatch", fill);
  return span;
}

function legend(data) {
  let lower = null;
  const items = data.breaks.map((upper, i) => {
    const text = lower == null ? `up to ${shown(data.measure, upper)}`
      : `${shown(data.measure, lower)} – ${shown(data.measure, upper)}`;
    lower = upper;
    return swatch(RAMP[i + (RAMP.length - data.breaks.length)], text);
  });
  items.push(swatch("#e5e7eb", "no data"));
  setChildren($("dash-legend"), items);
  const coloured = data.features.filter((f) => f.value != null).length;
  $("dash-map").setAttribute("aria-label", `${data.features.length} areas of kind ${data.kind}, `
    + `${coloured} with figures, coloured by ${data.measure.replace(/_/g, " ")}.`);
}

$("dash-measure").addEventListener("change", () => { state.etag = null; });
