// The Volunteers screen: search them (skill, language, team, organizer, available on a date,
// near an event, activity), the teams, and one volunteer's history: every shift they signed up
// for (check-in, hours), their doors and contacts. #/volunteers, #/volunteers/PERSON_ID.
import { call } from "./api.js";
import { $, h, say, setChildren, table } from "./dom.js";
import { label, moment, span } from "./format.js";
import { pager } from "./pager.js";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const PER_PAGE = 50;
const ORGANIZING_ROLES = ["admin", "director", "organizer"];
const form = $("volunteer-search");
const view = { can: () => false, active: false, userId: null,
  personId: null, users: new Map() };

export async function show({ can, me }, [what]) {
  view.can = can;
  view.personId = what ? Number(what) : null;
  $("volunteer-hint").hidden = Boolean(what);
  $("volunteer").hidden = true;
  highlight();
  const work = view.personId ? [openVolunteer(view.personId)] : [];
  if (!view.active) {  // come from another screen: teams and events may have changed
    view.active = true;
    const afresh = view.userId !== me.id;  // signed in again, perhaps as somebody else
    view.userId = me.id;
    if (afresh) form.reset();
    work.push(Promise.all([loadTeams(), loadChoices()]).then(() => afresh && search(1)));
  }
  await Promise.all(work);
}

export function hide() {
  view.active = false;
}

// ---- the filters' choices: teams, organizers, events with a place ----
function fill(select, options) {
  const kept = select.value;
  select.length = 1;  // the first option is "any"
  for (const [value, text] of options) select.append(new Option(text, value));
  select.value = [...select.options].some((o) => o.value === kept) ? kept : "";
}

async function loadChoices() {
  const users = view.can("users.read")
    ? call("GET", "/api/v1/users?per_page=200").catch(() => ({ items: [] }))
    : { items: [] };
  const events = view.can("events.manage")
    ? call("GET", "/api/v1/events?upcoming=true").catch(() => []) : [];
  const [{ items }, upcoming] = await Promise.all([users, events]);
  view.users = new Map(items.map((u) => [u.id, u.name]));
  fill(form.elements.organizer, items.filter((u) => ORGANIZING_ROLES.includes(u.role))
    .map((u) => [u.id, u.name]));
  form.elements.organizer.closest("label").hidden = !items.length;
  const placed = upcoming.filter((e) => e.lat != null);
  fill(form.elements.near_event, placed.map((e) => [e.id, e.name]));
  form.elements.near_event.closest("label").hidden = !placed.length;
  form.elements.within_km.closest("label").hidden = !placed.length;
}

async function loadTeams() {
  try {
    const teams = await call("GET", "/api/v1/volunteers/teams");
    fill(form.elements.team, teams.map((t) => [t.id, t.name]));
    $("teams").replaceChildren(...teams.map((team) => h("li", { "data-team-id": team.id,
      on: { click: () => { form.elements.team.value = String(team.id); search(1); } } },
    h("span", {}, team.name),
    h("span", {}, team.members === 1 ? "1 volunteer" : `${team.members} volunteers`))));
    if (!teams.length) $("teams").replaceChildren(h("li", { class: "muted" }, "No teams yet."));
  } catch (error) {
    say("volunteers-status", error.message, true);
  }
}

// ---- the search ----
async function search(page) {
  const params = new URLSearchParams({ page, per_page: PER_PAGE });
  for (const [name, value] of new FormData(form)) {
    if (value.trim() === "") continue;
    if (name === "within_km" && !form.elements.near_event.value) continue;
    params.set(name, value.trim());
  }
  say("volunteers-status", "Searching...");
  try {
    const result = await call("GET", `/api/v1/volunteers?${params}`);
    $("volunteers").replaceChildren(...result.items.map(volunteerRow));
    highlight();
    say("volunteers-status", result.total === 1 ? "1 volunteer." : `${result.total} volunteers.`);
    pages.show(result);
  } catch (error) {
    say("volunteers-status", error.message, true);
  }
}

function volunteerRow(v) {
  const recent = form.elements.activity.value === "top_canvassers"
    ? ` (${v.activity.doors_knocked_recent} lately)` : "";
  return h("tr", { "data-person-id": v.person_id },
    h("td", {}, h("a", { href: `#/volunteers/${v.person_id}` }, v.name),
      v.distance_km != null ? ` ${v.distance_km.toFixed(1)} km` : ""),
    h("td", {}, v.skills.map(label).join(", ")),
    h("td", {}, v.languages.join(", ").toUpperCase()),
    h("td", {}, v.teams.map((t) => t.name).join(", ")),
    h("td", {}, String(v.activity.attended_shifts)),
    h("td", {}, `${v.activity.doors_knocked}${recent}`));
}

function highlight() {
  for (const row of $("volunteers").children) {
    row.classList.toggle("selected", Number(row.dataset.personId) === view.personId);
  }
}

form.addEventListener("submit", (event) => { event.preventDefault(); search(1); });
const pages = pager($("volunteer-pages"), search);

// ---- one volunteer ----
async function openVolunteer(personId) {
  const pane = $("volunteer");
  try {
    const volunteer = await call("GET", `/api/v1/volunteers/${personId}`);
    if (view.personId !== personId) return;  // another one was opened meanwhile
    setChildren(pane, history(volunteer));
  } catch (error) {
    pane.replaceChildren(h("p", { class: "error" }, error.message));
  }
  pane.hidden = false;
}

function fact(name, value) {
  return [h("dt", {}, name), h("dd", {}, value)];
}

function availability({ weekly = [], dates = [] }) {
  const windows = [
    ...weekly.map((w) => `${DAYS[w.day]} ${w.start}–${w.end}`),
    ...dates.map((d) => `${d.date} ${d.start ? `${d.start}–${d.end || ""}` : "all day"}`),
  ];
  return windows.join(", ") || "not given";
}

function history(v) {
  const t = v.totals;
  const organizer = v.organizer_user_id == null ? "nobody yet"
    : view.users.get(v.organizer_user_id) || `user ${v.organizer_user_id}`;
  const figures = [
    ["Shifts signed up", t.shifts_signed_up], ["Shifts attended", t.shifts_attended],
    ["No-shows", t.no_shows], ["Hours", t.hours],
    ["Doors knocked", t.doors_knocked ?? "–"], ["Contacts made", t.contacts_made ?? "–"],
  ];
  return [
    h("h2", { id: "volunteer-name" }, v.name),
    h("p", { class: "muted" }, [label(v.status), v.email, v.phone,
      `prefers ${v.preferred_channel}`].filter(Boolean).join(" · ")),
    h("dl", { class: "facts" },
      fact("Skills", v.skills.map(label).join(", ") || "none given"),
      fact("Languages", v.languages.join(", ").toUpperCase() || "none given"),
      fact("Teams", v.teams.map((team) => team.name).join(", ") || "none"),
      fact("Organizer", organizer),
      fact("Available", availability(v.availability)),
      fact("Volunteer since", moment(v.created_at)),
      fact("Source", label(v.source)),
      v.notes ? fact("Notes", v.notes) : null),
    h("h3", {}, "Totals"),
    h("table", { id: "volunteer-totals", class: "figures" }, figures.map(([name, value]) =>
      h("tr", {}, h("td", {}, name), h("td", {}, String(value))))),
    v.canvassing ? h("p", { class: "muted" }, v.canvassing) : null,
    h("h3", {}, "Shifts"),
    // Each shift's times in its event's time zone.
    h("div", { id: "volunteer-shifts" }, table(
      ["Event", "Role", "When", "Status", "In", "Out", "Hours"],
      v.shifts.map((s) => [
        view.can("events.manage") ? h("a", { href: `#/events/${s.event_id}` }, s.event_name)
          : s.event_name,
        s.role, span(s.starts_at, s.ends_at, s.time_zone), label(s.status),
        moment(s.checked_in_at, s.time_zone),
        moment(s.checked_out_at, s.time_zone), String(s.hours)]),
      "No shifts yet.")),
  ];
}
