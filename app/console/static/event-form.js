// The event form: a new event (kind, place, time zone, who sees it, a canvass launch's turfs)
// with its shifts, posted as one; or an event's own fields changed (its shifts change one by
// one on its screen).
import { call } from "./api.js";
import { $, say, sayFields } from "./dom.js";
import { followOn, readShiftRow, shiftRow } from "./shift-form.js";
import { chosenTurfIds, showTurfChoices } from "./turf-picker.js";

const form = $("event-form");
const TEXTS = ["name", "kind", "time_zone", "visibility", "description", "place_name", "address",
  "online_url"];
let campaignZone = null;
let saved = () => {};
let editing = null;  // the event being changed; none for a new one
const turfChoices = $("event-turf-choices");

// Turfs belong to a canvass launch: the choice shows for that kind only.
function showTurfs() {
  $("event-form-turfs").hidden = form.elements.kind.value !== "canvass_launch";
}

function addShiftRow() {
  const rows = $("shift-rows");
  const row = shiftRow();
  const previous = rows.lastElementChild;
  followOn(row, previous && { ends_at: previous.querySelector("[name=ends_at]").value,
    role: previous.querySelector("[name=role]").value }, form.elements.time_zone.value);
  row.querySelector("[data-remove]").addEventListener("click", () => {
    if (rows.children.length > 1) row.remove();
  });
  rows.append(row);
}

// The campaign's time zone is the form's first choice.
async function defaultZone() {
  if (campaignZone === null) {
    try {
      campaignZone = (await call("GET", "/api/v1/organization")).time_zone;
    } catch {
      campaignZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    }
  }
  return campaignZone;
}

// Show the form, for a new event or to change ``event``; ``onSaved(event)`` runs once the
// API has it.
export async function openForm(onSaved, event = null) {
  saved = onSaved;
  editing = event;
  form.reset();
  say("event-form-status", "");
  sayFields(form, null);
  $("event-form-title").textContent = event ? "Change the event" : "New event";
  $("event-form-submit").textContent = event ? "Save changes" : "Create event";
  $("event-form-cancel").href = event ? `#/events/${event.id}` : "#/events";
  $("event-form-shifts").hidden = Boolean(event);
  $("shift-rows").replaceChildren();
  form.elements.confirm_before_seat.checked = Boolean(event && event.confirm_before_seat);
  if (event) {
    for (const name of TEXTS) form.elements[name].value = event[name] || "";
    for (const name of ["lat", "lon"]) form.elements[name].value = event[name] ?? "";
  } else {
    form.elements.time_zone.value = await defaultZone();
    addShiftRow();
  }
  showTurfs();
  const turfsShown = showTurfChoices(turfChoices, event ? event.turf_ids : []);
  form.hidden = false;
  form.elements.name.focus();
  await turfsShown;
}

// The turfs ticked, for a canvass launch (none for any other kind).
function turfIds() {
  return form.elements.kind.value === "canvass_launch" ? chosenTurfIds(turfChoices) : [];
}

// The event's fields as typed: text trimmed, the point as numbers or null.
function typed() {
  const values = Object.fromEntries(TEXTS.map((name) => [name, form.elements[name].value.trim()]));
  for (const name of ["lat", "lon"]) {
    values[name] = form.elements[name].value === "" ? null : Number(form.elements[name].value);
  }
  return values;
}

function newEvent() {
  const body = Object.fromEntries(Object.entries(typed()).filter(([, v]) => v !== "" && v != null));
  body.shifts = [...$("shift-rows").children].map((row) => readShiftRow(row, body.time_zone));
  const turfs = turfIds();
  if (turfs.length) body.turf_ids = turfs;
  body.confirm_before_seat = form.elements.confirm_before_seat.checked;
  return body;
}

// What changed on ``event``; the point goes whole (one coordinate alone would drop it).
function changes(event) {
  const values = typed();
  const body = Object.fromEntries(TEXTS.filter((name) => values[name] !== (event[name] || ""))
    .map((name) => [name, values[name]]));
  if (body.online_url === "") body.online_url = null;  // the link taken away
  if (values.lat !== (event.lat ?? null) || values.lon !== (event.lon ?? null)) {
    Object.assign(body, { lat: values.lat, lon: values.lon });
  }
  const turfs = turfIds();
  const had = [...event.turf_ids].sort((a, b) => a - b);
  if (turfs.join() !== had.join()) body.turf_ids = turfs;
  const confirmFirst = form.elements.confirm_before_seat.checked;
  if (confirmFirst !== Boolean(event.confirm_before_seat)) body.confirm_before_seat = confirmFirst;
  return body;
}

// "shifts.1.ends_at" is the second row's end.
function findField(name) {
  const [, index, inner] = /^shifts\.(\d+)\.(\w+)$/.exec(name) || [];
  if (inner) {
    const row = $("shift-rows").children[Number(index)];
    return row && row.querySelector(`[name=${inner}]`);
  }
  const input = form.elements[name];
  return input instanceof Element ? input : null;
}

async function submit() {
  if (!editing) return call("POST", "/api/v1/events", newEvent());
  const body = changes(editing);
  return Object.keys(body).length ? call("PATCH", `/api/v1/events/${editing.id}`, body) : editing;
}

$("add-shift").addEventListener("click", addShiftRow);
form.elements.kind.addEventListener("change", showTurfs);
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = $("event-form-submit");
  button.disabled = true;
  sayFields(form, null);
  say("event-form-status", "Saving...");
  try {
    const made = await submit();
    form.hidden = true;
    saved(made);
  } catch (error) {
    const named = sayFields(form, error, findField);
    say("event-form-status", named ? "Not saved: see the fields marked." : error.message, true);
  } finally {
    button.disabled = false;
  }
});
