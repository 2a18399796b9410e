// The Events screen: the campaign's events; per event its shifts with seats left (and by role),
// who signed up for each shift by status, the door as it happens (who is in, who is late,
// check-out; refreshed every 15 s while it is on screen), no-shows to follow up, and the link
// to its public page. The organiser changes the event, its shifts and each sign-up from here,
// or cancels it. #/events, #/events/new, #/events/ID, #/events/ID/edit.
import { call } from "./api.js";
import { $, h, problemText, say, setChildren, table } from "./dom.js";
import { openForm } from "./event-form.js";
import { clock, eventSpan, label, moment, span } from "./format.js";
import { openShiftForm } from "./shift-form.js";
import { describeTurfs } from "./turf-picker.js";

const REFRESH_MS = 15000;
const STATUSES = ["registered", "confirmed", "waitlisted", "completed", "no_show", "cancelled"];
const SEATED = ["registered", "confirmed", "completed"];
// What an organiser may set a sign-up to (waitlisted is the API's to give).
const TARGETS = ["registered", "confirmed", "completed", "no_show", "cancelled"];
const MOVES = { "waitlisted>registered": "Give a seat", "no_show>registered": "Undo no-show",
  "no_show>completed": "Came after all", "cancelled>registered": "Sign up again" };
const view = { can: () => false, eventId: null, event: null, roster: [], timer: null,
  fetches: 0, rowErrors: new Map() };

export async function show({ can }, [what, action]) {
  view.can = can;
  leaveEvent();
  view.eventId = what && what !== "new" ? Number(what) : null;
  $("event-form").hidden = true;
  $("event-detail").hidden = true;
  $("event-hint").hidden = Boolean(what);
  const listed = loadEvents();
  const opened = (event) => { location.hash = `#/events/${event.id}`; };
  if (what === "new") await openForm(opened);
  else if (view.eventId && action === "edit") await editEvent(view.eventId, opened);
  else if (view.eventId) await openEvent(view.eventId);
  await listed;
}

export function hide() {
  leaveEvent();
}

function leaveEvent() {
  clearInterval(view.timer);
  view.timer = null;
  view.eventId = null;
  view.rowErrors.clear();
}

// ---- the list ----
async function loadEvents() {
  try {
    const events = await call("GET", `/api/v1/events?upcoming=${!$("events-past").checked}`);
    $("events").replaceChildren(...events.map(eventRow));
    say("events-status", events.length ? "" : "No events to show: make one.");
  } catch (error) {
    say("events-status", error.message, true);
  }
}

function eventRow(event) {
  const seated = SEATED.reduce((n, status) => n + (event.counts[status] || 0), 0);
  const waiting = event.counts.waitlisted || 0;
  return h("tr", { "data-event-id": event.id, class: event.id === view.eventId ? "selected" : "" },
    h("td", {}, h("a", { href: `#/events/${event.id}` }, event.name)),
    h("td", {}, label(event.kind)),
    h("td", {}, eventSpan(event)),
    h("td", {}, label(event.status)),
    h("td", {}, `${seated} signed up${waiting ? `, ${waiting} waiting` : ""}`));
}

$("events-past").addEventListener("change", loadEvents);

// ---- one event ----
async function fetchEvent(id) {
  const base = `/api/v1/events/${id}`;
  const [event, roster, door] = await Promise.all([
    call("GET", base), call("GET", `${base}/signups`),
    view.can("events.check_in") ? call("GET", `${base}/live`) : null,
  ]);
  return { event, roster, door };
}

async function openEvent(id) {
  const pane = $("event-detail");
  try {
    view.fetches += 1;  // what a refresh in flight brings is older than this
    const data = await fetchEvent(id);
    if (view.eventId !== id) return;  // another event was opened meanwhile
    setChildren(pane, detail(data.event));
    if ($("event-turfs")) describeTurfs($("event-turfs"), data.event);
    pane.hidden = false;
    render(data);
    clearInterval(view.timer);  // opened twice over: one timer
    view.timer = setInterval(() => { if (document.visibilityState === "visible") reload(); },
      REFRESH_MS);
  } catch (error) {
    pane.replaceChildren(h("p", { class: "error" }, error.message));
    pane.hidden = false;
  }
}

async function editEvent(id, onSaved) {
  try {
    const event = await call("GET", `/api/v1/events/${id}`);
    if (view.eventId === id) await openForm(onSaved, event);
  } catch (error) {
    $("event-detail").replaceChildren(h("p", { class: "error" }, error.message));
    $("event-detail").hidden = false;
  }
}

async function reload() {
  const id = view.eventId;
  if (!id) return;
  const ticket = ++view.fetches;  // a slower, older answer must not draw over a newer one
  try {
    const data = await fetchEvent(id);
    if (view.eventId === id && ticket === view.fetches) render(data);
  } catch (error) {
    say("event-status", error.message, true);
  }
}

// Back on the tab: what happened at the door while it was hidden.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && view.timer) reload();
});

function detail(event) {
  const where = [event.place_name, event.address].filter(Boolean).join(", ")
    || event.online_url || "No place given.";
  const page = `/events/${encodeURIComponent(event.code)}`;
  const door = view.can("events.check_in");
  return [
    h("h2", { id: "event-name" }, event.name),
    h("p", { class: "muted" }, `${label(event.kind)} · ${label(event.status)} · `
      + `${label(event.visibility)} · times in ${event.time_zone}`),
    h("p", {}, where),
    event.kind === "canvass_launch" && h("p", { id: "event-turfs" }),
    event.visibility === "public"
      ? h("p", {}, "Public page: ", h("a", { id: "event-public", href: page, target: "_blank",
        rel: "noopener" }, page))
      : h("p", { class: "muted" }, "No public page: only signed-in "
        + (event.visibility === "staff" ? "staff" : "volunteers") + " see it."),
    h("div", { class: "row" },
      h("a", { id: "edit-event", class: "button", href: `#/events/${event.id}/edit` },
        "Change the event"),
      event.status !== "cancelled" && h("button", { id: "cancel-event", type: "button",
        class: "danger", on: { click: cancelEvent } }, "Cancel event"),
      h("button", { type: "button", class: "link", on: { click: reload } }, "Refresh now"),
      h("span", { id: "event-status", role: "status" })),
    h("h3", {}, "Shifts"),
    h("div", { id: "event-shifts" }),
    h("div", { class: "row" },
      h("button", { id: "add-event-shift", type: "button", class: "link",
        on: { click: () => editShift(null) } }, "Add a shift"),
      h("span", { id: "shifts-status", role: "status" })),
    h("div", { id: "shift-editor" }),
    h("h3", {}, "Seats left by role, shifts not over yet"),
    h("div", { id: "event-roles" }),
    door && [
      h("h3", {}, "At the door"),
      h("p", { id: "live-as-of", class: "muted" }),
      h("div", { id: "event-live" }),
    ],
    h("h3", {}, "No-shows"),
    h("p", { class: "muted" }, "Everyone who held a seat on a shift that is over and never "
      + "checked in becomes a no-show, for the follow-up call."),
    h("div", { class: "row" },
      h("button", { id: "mark-no-shows", type: "button", on: { click: markNoShows } },
        "Mark no-shows"),
      h("span", { id: "no-shows-status", role: "status" })),
    h("div", { id: "event-no-shows" }),
    h("h3", {}, "Sign-ups"),
    h("div", { id: "event-roster" }),
  ];
}

function render({ event, roster, door }) {
  view.event = event;
  view.roster = roster;
  renderShifts(door ? door.shifts : withCounts(event.shifts, roster));
  renderRoster(roster);
  if (door) renderDoor(door);
}

// Sign-ups by status per shift, from the roster (the live view has them already).
function withCounts(shifts, roster) {
  return shifts.map((shift) => {
    const counts = {};
    for (const row of roster.filter((r) => r.shift_id === shift.id)) {
      counts[row.status] = (counts[row.status] || 0) + 1;
    }
    return { ...shift, counts };
  });
}

function seatsLeft(shift) {
  return shift.capacity == null ? "no limit" : `${shift.seats_left} of ${shift.capacity}`;
}

function shiftName(shiftId) {
  const shift = view.event.shifts.find((s) => s.id === shiftId);
  return shift ? `${shift.role}, ${span(shift.starts_at, shift.ends_at, view.event.time_zone)}`
    : "";
}

function renderShifts(shifts) {
  const zone = view.event.time_zone;
  $("event-shifts").replaceChildren(table(
    ["Role", "When", "Left", ...STATUSES.map(label), ""],
    shifts.map((s) => [s.role, span(s.starts_at, s.ends_at, zone), seatsLeft(s),
      ...STATUSES.map((status) => String(s.counts[status] || 0)),
      h("button", { type: "button", class: "link", "data-edit-shift": s.id,
        on: { click: () => editShift(s.id) } }, "Change")]),
    "No shifts."));
  const roles = new Map();
  for (const s of shifts.filter((shift) => Date.parse(shift.ends_at) > Date.now())) {
    const role = roles.get(s.role) || { shifts: 0, capacity: 0, left: 0 };
    role.shifts += 1;
    // One shift without a limit: the role has none.
    role.capacity = s.capacity == null || role.capacity == null ? null : role.capacity + s.capacity;
    role.left = s.seats_left == null || role.left == null ? null : role.left + s.seats_left;
    roles.set(s.role, role);
  }
  $("event-roles").replaceChildren(table(["Role", "Shifts", "Left"],
    [...roles].map(([name, r]) => [name, String(r.shifts),
      r.capacity == null ? "no limit" : `${r.left} of ${r.capacity}`]),
    "Every shift is over."));
}

function contact(row) {
  return [
    row.phone ? h("a", { href: `tel:${row.phone}` }, row.phone) : "",
    row.email ? h("a", { href: `mailto:${row.email}` }, row.email) : "",
  ];
}

function renderRoster(roster) {
  const zone = view.event.time_zone;
  $("event-roster").replaceChildren(...view.event.shifts.map((shift) => h("div",
    { class: "shift-roster", "data-shift-id": shift.id },
    h("h4", {}, shiftName(shift.id)),
    table(["Name", "Status", "Phone", "Email", "Since", "Change to"],
      roster.filter((r) => r.shift_id === shift.id).map((r) => [r.name, label(r.status),
        ...contact(r), moment(r.status_changed_at, zone), statusControl(r)]),
      "Nobody yet."))));
  const missing = roster.filter((r) => r.status === "no_show");
  $("event-no-shows").replaceChildren(table(["Name", "Shift", "Phone", "Email"],
    missing.map((r) => [r.name, shiftName(r.shift_id), ...contact(r)]), "No no-shows marked."));
}

function renderDoor(door) {
  const zone = view.event.time_zone;
  const late = door.shifts.flatMap((s) => s.late.map((person) => ({ ...person, shift_id: s.id })));
  const here = door.check_ins.filter((c) => !c.checked_out_at).length;
  $("live-as-of").textContent = `As of ${clock(door.as_of, zone)}; it refreshes every 15 s.`;
  $("event-live").replaceChildren(
    h("p", { id: "live-counts", class: "figures" },
      `${door.check_ins.length} checked in, ${here} still here, ${late.length} late`),
    table(["Shift", "Checked in", "Checked out", "Late"], door.shifts.map((s) => [shiftName(s.id),
      String(s.checked_in), String(s.checked_out), String(s.late.length)])),
    h("h4", {}, "Late: a seat, and no check-in 15 minutes after the start"),
    h("div", { id: "live-late" }, table(["Name", "Shift", "Phone", "Email"],
      late.map((p) => [p.name, shiftName(p.shift_id), ...contact(p)]), "Nobody is late.")),
    h("h4", {}, "Checked in, latest first"),
    h("div", { id: "live-check-ins" }, table(
      ["Name", "Shift", "In", "Out", "Hours", "Walk list", ""],
      door.check_ins.map((c) => [c.name, shiftName(c.shift_id), clock(c.checked_in_at, zone),
        clock(c.checked_out_at, zone), String(c.hours), c.walk_list ? c.walk_list.code : "",
        c.checked_out_at ? "" : h("button", { type: "button", class: "link",
          on: { click: () => checkOut(c) } }, "Check out")]),
      "Nobody has checked in yet.")));
}

async function checkOut(checkIn) {
  try {
    await call("POST", `/api/v1/events/${view.eventId}/check-ins/${checkIn.id}/check-out`, {});
    say("event-status", `${checkIn.name} checked out.`);
    await reload();
  } catch (error) {
    say("event-status", error.message, true);
  }
}

async function markNoShows() {
  try {
    const { marked } = await call("POST", `/api/v1/events/${view.eventId}/no-shows`);
    say("no-shows-status", marked === 1 ? "1 sign-up marked as a no-show."
      : `${marked} sign-ups marked as no-shows.`);
    await Promise.all([reload(), loadEvents()]);
  } catch (error) {
    say("no-shows-status", error.message, true);
  }
}

// ---- changing the event, its shifts, its sign-ups ----
async function cancelEvent() {
  if (!confirm(`Cancel "${view.event.name}"? Everyone signed up will be told it is off.`)) return;
  const id = view.eventId;
  try {
    await call("PATCH", `/api/v1/events/${id}`, { status: "cancelled" });
    await Promise.all([openEvent(id), loadEvents()]);
    say("event-status", "Cancelled: everyone signed up is told.");
  } catch (error) {
    say("event-status", error.message, true);
  }
}

// The shift form under the shifts table (a refresh redraws the table, never the form).
function editShift(shiftId) {
  const shift = shiftId == null ? null : view.event.shifts.find((s) => s.id === shiftId);
  say("shifts-status", "");
  openShiftForm($("shift-editor"), { event: view.event, shift, onSaved: async (saved, added) => {
    await Promise.all([reload(), loadEvents()]);
    say("shifts-status", added ? `Shift added: ${saved.role}.` : `Shift saved: ${saved.role}.`);
  } });
}

function statusControl(row) {
  const problem = view.rowErrors.get(row.id);
  return [
    h("select", { "aria-label": `Change ${row.name}'s sign-up`, "data-signup-id": row.id,
      on: { change: (event) => changeSignup(row, event.target) } },
      h("option", { value: "" }, "..."),
      TARGETS.filter((status) => status !== row.status).map((status) => h("option",
        { value: status }, MOVES[`${row.status}>${status}`] || label(status)))),
    problem && h("span", { class: "field-error error" }, problem),
  ];
}

async function changeSignup(row, select) {
  const { value: status } = select;
  const seated = SEATED.includes(row.status) ? " The first on the waitlist gets the seat." : "";
  const asked = `Cancel ${row.name}'s sign-up? They will be told, if they agreed to messages.`
    + seated;
  if (!status || (status === "cancelled" && !confirm(asked))) {
    select.value = "";
    return;
  }
  select.disabled = true;
  try {
    const changed = await call("PATCH", `/api/v1/events/${view.eventId}/signups/${row.id}`,
      { status });
    view.rowErrors.delete(row.id);
    await Promise.all([reload(), loadEvents()]);
    say("event-status", `${changed.name}: ${label(changed.status)}.`);
  } catch (error) {
    view.rowErrors.set(row.id, problemText(error, "status"));
    renderRoster(view.roster);
  }
}
