// The turfs a canvass launch hands out walk lists from: each volunteer who checks in gets
// the next free list of these turfs. Shown in the event form (ticks) and on the event's screen.
import { call } from "./api.js";
import { h, setChildren } from "./dom.js";

let known = null;  // one fetch per page load: [{ id, name, lists: [names] }]

// The campaign's active turfs, each with its active walk lists' names.
export function loadTurfs() {
  if (known === null) {
    known = Promise.all([
      call("GET", "/api/v1/turfs?per_page=200&sort=name"),
      call("GET", "/api/v1/walk-lists?status=active&per_page=200"),
    ]).then(([turfs, lists]) => turfs.items.map((turf) => ({
      id: turf.id, name: turf.name,
      // In name order: the order check-in hands them out.
      lists: lists.items.filter((list) => list.turf_id === turf.id).map((list) => list.name)
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
    })));
    known.catch(() => { known = null; });  // a failure is tried again next time
  }
  return known;
}

function listsText(turf) {
  if (!turf.lists.length) return "no active walk list yet";
  const names = turf.lists.slice(0, 4).join(", ") + (turf.lists.length > 4 ? ", ..." : "");
  return `${turf.lists.length} walk list${turf.lists.length === 1 ? "" : "s"}: ${names}`;
}

// A tick per turf in ``container``, those of ``chosen`` (ids) ticked.
export async function showTurfChoices(container, chosen = []) {
  known = null;  // the form shows the turfs as they are now (some may have been cut since)
  setChildren(container, h("p", { class: "muted" }, "Loading turfs..."));
  try {
    const turfs = await loadTurfs();
    if (!turfs.length) {
      setChildren(container, h("p", { class: "muted" }, "No turfs yet: cut some on the map."));
      return;
    }
    setChildren(container, turfs.map((turf) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "turf_ids", value: String(turf.id),
        checked: chosen.includes(turf.id) }),
      ` ${turf.name} `, h("span", { class: "muted" }, `(${listsText(turf)})`))));
  } catch (error) {
    setChildren(container, h("p", { class: "error" }, `Turfs not loaded: ${error.message}`));
  }
}

// The ids ticked in ``container``, in order.
export function chosenTurfIds(container) {
  return [...container.querySelectorAll("input[name=turf_ids]:checked")]
    .map((input) => Number(input.value)).sort((a, b) => a - b);
}

// On the event's screen: which turfs its check-ins hand lists from.
export async function describeTurfs(node, event) {
  if (event.kind !== "canvass_launch") return;
  if (!event.turf_ids.length) {
    node.textContent = "No turfs: check-in hands out no walk lists (change the event to add some).";
    return;
  }
  try {
    const turfs = await loadTurfs();
    const names = event.turf_ids.map((id) => (turfs.find((t) => t.id === id) || { name: `#${id}` }).name);
    node.textContent = `Walk lists handed out at check-in from: ${names.join(", ")}.`;
  } catch {
    node.textContent = `Walk lists handed out at check-in from ${event.turf_ids.length} turf(s).`;
  }
}
