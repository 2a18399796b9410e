// The Paper screen (#/paper): a paper walk sheet keyed back in after a paper canvass. Scan (or
// type) the sheet's code, then each row's code with a hand scanner or the camera; tap the box
// ticked on the paper; the next scan (or Enter) sends the home. Each home goes to the API as
// a door knock, as the app's do; what has not reached the server waits in this browser
// (localStorage) and is sent again, never dropped; a refused one stays, with the reason.
// Shown to roles with canvass.key.
import { call } from "./api.js";
import { $, h, say, setChildren } from "./dom.js";
import { label } from "./format.js";
import { isScanning, startScanning, stopScanning } from "./scanner.js";

const OUTBOX = "doorstep.paper.outbox";
const PROBLEMS = "doorstep.paper.problems";
const SOMEONE_ELSE = "";
const view = {
  sheet: null, session: null, people: new Map(), homes: new Map(), home: null, focus: null,
  sent: new Map(), flushing: false, timer: null,
};
const scanInput = $("paper-code");

export async function show() {
  drawQueue();
  flush();
  if (!view.timer) view.timer = setInterval(flush, 5000);
  scanInput.focus();
}

export function hide() {
  stopScanning($("paper-video"));
  $("paper-camera").textContent = "Camera";
}

const stored = (key) => JSON.parse(localStorage.getItem(key) || "[]");
const store = (key, items) => localStorage.setItem(key, JSON.stringify(items));

// ---- what was scanned ----
async function scanned(raw) {
  const text = raw.trim();
  if (!text) return next();
  if (view.sheet) {
    const person = /^\d+$/.test(text) ? view.people.get(Number(text)) : null;
    const home = /^H\d+$/i.test(text) ? view.homes.get(Number(text.slice(1))) : null;
    if (person) return pick(person.stop, person.person_id);
    if (home) return pick(home, null);
  }
  if (!next()) return;
  await openSheet(text, Boolean(view.sheet && /^H?\d+$/i.test(text)));
}

async function openSheet(code, looksLikeRow) {
  say("paper-status", "Opening the sheet...");
  try {
    const sheet = await call("GET", `/api/v1/paper/sheets?${new URLSearchParams({ code })}`);
    Object.assign(view, { sheet, session: crypto.randomUUID(), home: null, focus: null });
    view.people = new Map();
    view.homes = new Map();
    for (const stop of sheet.stops) {
      view.homes.set(stop.household_id, stop);
      for (const person of stop.people) view.people.set(person.person_id, { stop, ...person });
    }
    drawSheet();
    say("paper-status", `${sheet.name}: scan a row's code, tap the box ticked on the paper.`);
  } catch (error) {
    const words = looksLikeRow ? `${code} is on no row of this sheet, and no sheet has that code.`
      : error.message;
    say("paper-status", words, true);
  }
}

function drawSheet() {
  const { sheet } = view;
  $("paper-sheet").hidden = false;
  setChildren($("paper-sheet-name"), sheet.name, " ",
    h("span", { class: "muted code" }, sheet.code), sheet.status === "active" ? null
      : h("span", { class: "muted" }, ` (${sheet.status})`));
  const pickCanvasser = $("paper-canvasser");
  setChildren(pickCanvasser, sheet.canvassers.map((c) => h("option", { value: c.user_id },
    c.name + (c.holds ? "" : " (no longer holds it)"))),
  h("option", { value: SOMEONE_ELSE }, "Someone else: type the name"));
  pickCanvasser.value = sheet.canvassers.length ? String(sheet.canvassers[0].user_id) : SOMEONE_ELSE;
  $("paper-canvasser-name").value = "";
  canvasserChanged();
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  $("paper-when").value = now.toISOString().slice(0, 16);
  drawDoor();
  drawHomes();
}

function canvasserChanged() {
  $("paper-name-label").hidden = $("paper-canvasser").value !== SOMEONE_ELSE;
}

// ---- the home in hand ----
function pick(stop, personId) {
  if (view.home && view.home.stop !== stop && !next()) return;
  if (!view.home) view.home = { stop, uuid: crypto.randomUUID(), people: new Map(), notes: "" };
  view.focus = personId;
  drawDoor();
  say("paper-status", `${stop.address}${stop.unit ? ` #${stop.unit}` : ""}`);
}

function entry(personId) {
  if (!view.home.people.has(personId)) view.home.people.set(personId, {});
  return view.home.people.get(personId);
}

function tapResult(personId, code) {
  const given = entry(personId);
  Object.assign(given, given.result === code ? { result: null } : { result: code, support: null });
  drawDoor();
  scanInput.focus();
}

function tapSupport(personId, value) {
  const given = entry(personId);
  Object.assign(given, given.support === value ? { support: null } : { support: value, result: null });
  drawDoor();
  scanInput.focus();
}

// The whole home's result (Not Home for everybody): sent at once.
function tapDoor(code) {
  view.home.result = code;
  next();
}

function record(home) {
  const people = [...home.people].filter(([, g]) => g.result || g.support).map(([id, g]) => (
    g.support ? { person_id: id, answers: { support: g.support } } : { person_id: id, result: g.result }));
  if (!people.length && !home.result) return null;
  const made = { uuid: home.uuid, household_id: home.stop.household_id, people };
  if (home.result) made.result = home.result;
  if (home.notes.trim()) made.notes = home.notes.trim();
  return made;
}

// Send the home in hand (if anything was ticked) and clear the card for the next; false when
// the sheet's canvasser or time is missing (the home stays in hand).
function next() {
  if (!view.home) return true;
  const made = record(view.home);
  if (made) {
    const header = sheetHeader();
    if (!header) return false;
    store(OUTBOX, [...stored(OUTBOX), { ...header, record: made, where: placeOf(view.home.stop) }]);
    view.sent.set(made.household_id, "waiting");
  }
  view.home = null;
  view.focus = null;
  drawDoor();
  drawHomes();
  drawQueue();
  flush();
  return true;
}

function sheetHeader() {
  const when = $("paper-when").value;
  const canvasser = $("paper-canvasser").value;
  const name = $("paper-canvasser-name").value.trim();
  if (!when || (canvasser === SOMEONE_ELSE && !name)) {
    say("paper-status", when ? "Type the canvasser's name as the sheet gives it."
      : "Give the day and time of the canvass.", true);
    (when ? $("paper-canvasser-name") : $("paper-when")).focus();
    return null;
  }
  return { sheet_id: view.sheet.id, session: view.session,
    canvassed_at: new Date(when).toISOString(),
    ...(canvasser === SOMEONE_ELSE ? { canvasser_name: name }
      : { canvasser_user_id: Number(canvasser) }) };
}

const placeOf = (stop) => `${stop.door_number}. ${stop.address}${stop.unit ? ` #${stop.unit}` : ""}`;

function drawDoor() {
  const home = view.home;
  if (!home) {
    setChildren($("paper-door"), h("p", { class: "muted" }, view.sheet
      ? "Scan the next row's code (or pick a home below)." : ""));
    return;
  }
  const { stop } = home;
  const codes = view.sheet.result_codes.filter((c) => c.code.code !== "canvassed");
  const button = (text, pressed, onClick, title) => h("button", { type: "button",
    class: pressed ? "pick on" : "pick", "aria-pressed": pressed ? "true" : "false", title,
    on: { click: onClick } }, text);
  const support = (view.sheet.script?.questions || []).some((q) => q.key === "support");
  const rows = stop.people.map((person) => {
    const given = home.people.get(person.person_id) || {};
    return h("div", { class: person.person_id === view.focus ? "keyed-person focus" : "keyed-person",
      "data-person-id": person.person_id },
    h("strong", {}, `${person.first_name} ${person.last_name}`.trim()),
    support ? h("span", { class: "boxes" }, ["1", "2", "3", "4", "5"].map((n) =>
      button(n, given.support === n, () => tapSupport(person.person_id, n), `Support ${n}`))) : null,
    h("span", { class: "boxes" }, codes.map((c) => button(c.box || c.code.label,
      given.result === c.code.code, () => tapResult(person.person_id, c.code.code), c.code.label))));
  });
  const notes = h("input", { name: "notes", maxlength: 2000, placeholder: "Notes on the sheet",
    value: home.notes, on: { input: (e) => { home.notes = e.target.value; } } });
  setChildren($("paper-door"),
    h("h3", {}, placeOf(stop)),
    rows,
    h("div", { class: "keyed-person whole-home" }, h("strong", {}, "Whole home"),
      h("span", { class: "boxes" }, codes.map((c) => button(c.box || c.code.label, false,
        () => tapDoor(c.code.code), `${c.code.label}: everybody here`)))),
    h("label", {}, notes),
    h("div", { class: "row" },
      h("button", { type: "button", on: { click: () => { next(); scanInput.focus(); } } },
        "Send and next (Enter)"),
      h("button", { type: "button", class: "link", on: { click: () => {
        view.home = null; drawDoor(); scanInput.focus();
      } } }, "Leave this home")));
}

function drawHomes() {
  if (!view.sheet) return;
  const done = view.sheet.stops.filter((s) => view.sent.get(s.household_id) === "sent").length;
  setChildren($("paper-homes"), view.sheet.stops.map((stop) => {
    const state = view.sent.get(stop.household_id);
    const before = stop.people.find((p) => p.last_result);
    return h("li", { "data-household-id": stop.household_id, class: state || "",
      on: { click: () => { pick(stop, null); scanInput.focus(); } } },
    placeOf(stop), " ",
    h("span", { class: "muted" }, stop.people.map((p) => p.last_name).join(", ")), " ",
    state === "sent" ? h("span", { class: "state" }, "keyed")
      : state === "waiting" ? h("span", { class: "state" }, "waiting")
        : before ? h("span", { class: "muted" }, `(${label(before.last_result)} before)`) : null);
  }));
  say("paper-tally", `Keyed ${done} of ${view.sheet.stops.length} homes on this sheet.`);
}

// ---- sending: what waits here goes in batches, one per sheet, session and canvasser ----
async function flush() {
  if (view.flushing) return;
  view.flushing = true;
  try {
    let waiting = stored(OUTBOX);
    while (waiting.length) {
      const { record: _, where: __, ...header } = waiting[0];
      const key = JSON.stringify(header);
      const group = waiting.filter((item) => {
        const { record: r, where: w, ...other } = item;
        return JSON.stringify(other) === key;
      }).slice(0, 200);
      const { sheet_id: sheetId, ...body } = header;
      let answer;
      try {
        answer = await call("POST", `/api/v1/paper/sheets/${sheetId}/knocks`,
          { ...body, records: group.map((item) => item.record) });
      } catch (error) {
        if (!error.status || error.status >= 500 || error.status === 401) break;  // later
        answer = { results: group.map((item) => ({ uuid: item.record.uuid, status: "rejected",
          message: error.message })) };
      }
      const outcome = new Map(answer.results.map((r) => [r.uuid, r]));
      const refused = group.filter((item) => outcome.get(item.record.uuid)?.status === "rejected")
        .map((item) => ({ ...item, reason: outcome.get(item.record.uuid).message }));
      store(PROBLEMS, [...stored(PROBLEMS), ...refused]);
      const gone = new Set(group.map((item) => item.record.uuid));
      waiting = stored(OUTBOX).filter((item) => !gone.has(item.record.uuid));
      store(OUTBOX, waiting);
      for (const item of group) {
        const ok = outcome.get(item.record.uuid)?.status !== "rejected";
        if (item.sheet_id === view.sheet?.id) view.sent.set(item.record.household_id, ok ? "sent" : "refused");
      }
      drawHomes();
      drawQueue();
    }
  } finally {
    view.flushing = false;
    drawQueue();
  }
}

function drawQueue() {
  const waiting = stored(OUTBOX).length;
  const problems = stored(PROBLEMS);
  say("paper-queue", waiting ? `${waiting} home${waiting === 1 ? "" : "s"} waiting to send.`
    : "Everything keyed has reached the server.", false);
  const drop = (item) => store(PROBLEMS, stored(PROBLEMS).filter((p) => p.record.uuid !== item.record.uuid));
  setChildren($("paper-problems"), problems.map((item) => h("li", {},
    h("strong", {}, item.where), ` refused: ${item.reason} `,
    // After fixing the sheet's canvasser or time (a refusal of the whole sheet), send it again.
    item.sheet_id === view.sheet?.id ? h("button", { type: "button", class: "link", on: { click: () => {
      const header = sheetHeader();
      if (!header) return;
      drop(item);
      store(OUTBOX, [...stored(OUTBOX), { ...header, record: item.record, where: item.where }]);
      flush();
    } } }, "Send again") : null,
    h("button", { type: "button", class: "link", on: { click: () => { drop(item); drawQueue(); } } },
      "Dismiss"))));
}

$("paper-scan").addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = scanInput.value;
  scanInput.value = "";
  await scanned(value);
  scanInput.focus();
});
scanInput.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && view.home) {
    view.home = null;
    drawDoor();
  }
});
$("paper-canvasser").addEventListener("change", canvasserChanged);
$("paper-camera").addEventListener("click", async () => {
  const video = $("paper-video");
  if (isScanning()) {
    stopScanning(video);
    $("paper-camera").textContent = "Camera";
    return;
  }
  try {
    await startScanning(video, scanned);
    $("paper-camera").textContent = "Stop camera";
  } catch (error) {
    say("paper-status", `No camera: ${error.message}`, true);
  }
});
window.addEventListener("online", flush);
