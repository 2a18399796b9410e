// A shift's fields (the #shift-row template: role, start and end in the event's time zone,
// seats, waitlist, walk-ins), for the new-event form's rows and for adding a shift to an
// event or changing one on its screen.
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";
import { addHours, isoToZoned, zonedToIso } from "./format.js";

const field = (row, name) => row.querySelector(`[name=${name}]`);

// A blank row from the template (its remove button works in a list of rows).
export function shiftRow() {
  return $("shift-row").content.firstElementChild.cloneNode(true);
}

// Where a new shift starts by default: tomorrow at ten in ``zone``.
export function tomorrowAtTen(zone) {
  return addHours(`${isoToZoned(new Date(), zone).slice(0, 10)}T10:00`, 24);
}

// A new row's times and role follow the shift before it: it starts when that one ends.
export function followOn(row, before, zone) {
  const start = before ? before.ends_at : tomorrowAtTen(zone);
  field(row, "starts_at").value = start;
  field(row, "ends_at").value = addHours(start, 2);
  if (before) field(row, "role").value = before.role;
}

// A row's values as the API takes them.
export function readShiftRow(row, zone) {
  const capacity = field(row, "capacity").value;
  return {
    role: field(row, "role").value.trim() || "volunteer",
    starts_at: zonedToIso(field(row, "starts_at").value, zone),
    ends_at: zonedToIso(field(row, "ends_at").value, zone),
    capacity: capacity === "" ? null : Number(capacity),
    has_waitlist: field(row, "has_waitlist").checked,
    walk_ins: field(row, "walk_ins").checked,
  };
}

function fillShiftRow(row, shift, zone) {
  field(row, "role").value = shift.role;
  field(row, "starts_at").value = isoToZoned(new Date(shift.starts_at), zone);
  field(row, "ends_at").value = isoToZoned(new Date(shift.ends_at), zone);
  field(row, "capacity").value = shift.capacity == null ? "" : String(shift.capacity);
  field(row, "has_waitlist").checked = shift.has_waitlist;
  field(row, "walk_ins").checked = shift.walk_ins;
}

// Only what changed: everyone on the shift is told of new times or a new role, so an
// untouched field is not sent.
function changes(shift, values) {
  const same = (name) => (name.endsWith("_at")
    ? Date.parse(values[name]) === Date.parse(shift[name]) : values[name] === shift[name]);
  return Object.fromEntries(Object.entries(values).filter(([name]) => !same(name)));
}

// The form in ``container``, for ``shift`` of ``event`` (a new shift without one);
// ``onSaved(shift, added)`` runs once the API has it.
export function openShiftForm(container, { event, shift = null, onSaved }) {
  const zone = event.time_zone;
  const row = shiftRow();
  row.querySelector("[data-remove]").remove();
  if (shift) {
    fillShiftRow(row, shift, zone);
  } else {
    const last = [...event.shifts].sort((a, b) => Date.parse(a.ends_at) - Date.parse(b.ends_at))
      .pop();
    followOn(row, last && { ends_at: isoToZoned(new Date(last.ends_at), zone), role: last.role },
      zone);
  }
  const status = h("span", { role: "status" });
  const close = () => container.replaceChildren();
  const form = h("form", { id: "shift-form", class: "form shift-form",
    "data-shift-id": shift ? shift.id : "new" },
    h("h4", {}, shift ? "Change the shift" : "Add a shift"),
    h("p", { class: "muted" }, `Times in ${zone}.`, shift ? " Everyone on the shift is told "
      + "of new times or a new role; more seats go to the waitlist first." : ""),
    row,
    h("div", { class: "row" },
      h("button", { type: "submit" }, shift ? "Save shift" : "Add shift"),
      h("button", { type: "button", class: "link", on: { click: close } }, "Cancel"),
      status));
  form.addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    sayFields(form, null);
    const values = readShiftRow(row, zone);
    const body = shift ? changes(shift, values) : values;
    if (!Object.keys(body).length) { close(); return; }
    const base = `/api/v1/events/${event.id}/shifts`;
    say(status, "Saving...");
    try {
      const saved = shift ? await call("PATCH", `${base}/${shift.id}`, body)
        : await call("POST", base, body);
      close();
      await onSaved(saved, !shift);
    } catch (error) {
      say(status, sayFields(form, error) ? "Not saved." : error.message, true);
    }
  });
  setChildren(container, form);
  field(row, "role").focus();
}
