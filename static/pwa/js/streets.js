// The campaign's own streets around a list, kept on the phone with the list: the list map's
// light base layer where no tile server is set, with or without signal. Fetched when the
// list is stored (claimed, or refreshed with signal); the browser revalidates with the
// server's ETag, so an unchanged street file costs a 304.
/* global DoorstepStore, L */
const store = DoorstepStore;

// Simplified by the server for this zoom (a list's map opens at about 16 to 18).
const FETCH_ZOOM = 17;
// Drawn from this zoom in: zoomed out, the lines would be a grey smudge.
export const STREETS_MIN_ZOOM = 15;
// Degrees around the list's doors (about 200 m): the streets leading to them.
const PAD = 0.002;

const key = (listId) => `streets:${listId}`;

export function listBox(list) {
  const placed = list.stops.filter((s) => s.lat != null);
  if (!placed.length) return null;
  const lons = placed.map((s) => s.lon);
  const lats = placed.map((s) => s.lat);
  return [Math.min(...lons) - PAD, Math.min(...lats) - PAD, Math.max(...lons) + PAD,
    Math.max(...lats) + PAD].map((v) => v.toFixed(4)).join(",");
}

// Fetch and keep the list's streets; offline (or refused), what was kept stays.
export async function keepStreets(list) {
  const bbox = listBox(list);
  if (!bbox) return null;
  try {
    const collection = await store.api("GET",
      `/api/v1/streets/base-map?bbox=${bbox}&zoom=${FETCH_ZOOM}`);
    await store.put(key(list.id), { bbox, collection });
    return collection;
  } catch {
    const kept = await store.get(key(list.id));
    return kept ? kept.collection : null;
  }
}

export async function keptStreets(list) {
  const kept = await store.get(key(list.id));
  return kept ? kept.collection : keepStreets(list);
}

// Under the doors, in a pane of its own (SVG: one path per street), shown only zoomed in.
export function drawStreets(map, collection) {
  if (!collection || !collection.features.length) return null;
  const pane = map.createPane("streets");
  pane.style.zIndex = 350; // above the tiles, below the doors and the route
  const layer = L.geoJSON(collection, { pane: "streets", renderer: L.svg({ pane: "streets" }),
    interactive: false, style: { color: "#a8a29e", weight: 2, opacity: 0.9 } });
  const fit = () => {
    if (map.getZoom() >= STREETS_MIN_ZOOM) layer.addTo(map);
    else layer.remove();
  };
  map.on("zoomend", fit);
  fit();
  return layer;
}
