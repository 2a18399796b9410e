// The People screen: look a person up (name, email or phone) and read their one history:
// every channel (door, phone, text, email, mail, event, donation) in one list, newest first,
// with a chip per channel to narrow it, a page at a time. #/people, #/people/PERSON_ID.
// What the API answers is all there is: fields a role is not shown never arrive here. A
// protected (confidential) voter is found like anybody, flagged, as the API serves them here.
import { call } from "./api.js";
import { $, h, say, setChildren } from "./dom.js";
import { label, moment } from "./format.js";
import { pager } from "./pager.js";

const PER_PAGE = 25;
const CHANNELS = ["door", "phone", "text", "email", "mail", "event", "donation"];
// The channel of each interaction kind (app.people.models.CHANNEL_KINDS); others: none.
const CHANNEL_OF = { door_knock: "door", call: "phone", text: "text", email: "email",
  mail: "mail", event_signup: "event", event_attendance: "event", donation: "donation" };
const form = $("people-search");
const view = { userId: null, personId: null, channels: new Set(), next: 1,
  loading: 0 };

export async function show({ me }, [what]) {
  if (view.userId !== me.id) {  // signed in again, perhaps as somebody else
    view.userId = me.id;
    form.reset();
    $("people").replaceChildren();
    say("people-status", "");
    pages.clear();
  }
  view.personId = what ? Number(what) : null;
  $("person-hint").hidden = Boolean(view.personId);
  $("person").hidden = true;
  highlight();
  if (view.personId) await openPerson(view.personId);
}

export function hide() {}

// ---- the search: one box; an "@" is an email, mostly digits a phone, else a name ----
function searchArgs(text) {
  if (text.includes("@")) return { email: text };
  if (/^[\d\s()+.-]+$/.test(text) && /\d{3}/.test(text.replace(/\D/g, ""))) return { phone: text };
  return { q: text };
}

async function search(page) {
  const text = form.elements.find.value.trim();
  if (!text) return;
  const params = new URLSearchParams({ ...searchArgs(text), page, per_page: PER_PAGE });
  say("people-status", "Searching...");
  try {
    const result = await call("GET", `/api/v1/people?${params}`);
    $("people").replaceChildren(...result.items.map(personRow));
    highlight();
    say("people-status", result.total === 1 ? "1 person." : `${result.total} people.`);
    pages.show(result);
  } catch (error) {
    say("people-status", error.message, true);
  }
}

function address(household) {
  if (!household) return "";
  return [household.line, household.unit, household.city].filter(Boolean).join(", ");
}

function personRow(p) {
  return h("tr", { "data-person-id": p.id },
    h("td", {}, h("a", { href: `#/people/${p.id}` }, p.full_name)),
    h("td", {}, address(p.household)),
    h("td", {}, p.tags.join(", ")));
}

function highlight() {
  for (const row of $("people").children) {
    row.classList.toggle("selected", Number(row.dataset.personId) === view.personId);
  }
}

form.addEventListener("submit", (event) => { event.preventDefault(); search(1); });
const pages = pager($("people-pages"), search);

// ---- one person ----
async function openPerson(personId) {
  try {
    const person = await call("GET", `/api/v1/people/${personId}`);
    if (view.personId !== personId) return;  // another one was opened meanwhile
    $("person-name").textContent = person.full_name;
    $("person-facts").textContent = [
      person.household && address(person.household), label(person.source),
      person.confidential && "confidential: never on a list or an export",
      person.do_not_contact && "do not contact", person.do_not_call && "do not call",
      person.is_deceased && "deceased", person.has_moved && "moved",
    ].filter(Boolean).join(" · ");
    setChildren($("person-contacts"), contacts(person));
    view.channels.clear();
    chips();
    $("person").hidden = false;
    await loadTimeline(1);
  } catch (error) {
    $("person-name").textContent = "";
    say("person-facts", error.message, true);
    $("person-contacts").replaceChildren();
    $("timeline").replaceChildren();
    $("timeline-channels").replaceChildren();
    $("timeline-more").hidden = true;
    $("person").hidden = false;
  }
}

function flags(point) {
  return [point.is_primary && "primary", point.do_not_contact && "do not contact",
    point.call_status && label(point.call_status)].filter(Boolean);
}

function contacts(person) {
  const emails = (person.emails || []).map((e) => [e.address, ...flags(e)].join(" · "));
  const phones = (person.phones || []).map((p) => [p.number, p.kind, ...flags(p)].join(" · "));
  return [
    h("dt", {}, "Emails"), emails.length ? emails.map((e) => h("dd", {}, e)) : h("dd", {}, "none"),
    h("dt", {}, "Phones"), phones.length ? phones.map((p) => h("dd", {}, p)) : h("dd", {}, "none"),
    h("dt", {}, "Tags"), h("dd", { id: "person-tags" }, person.tags.join(", ") || "none"),
  ];
}

// ---- the timeline: chips ("All", then one per channel), newest first, a page at a time ----
function chips() {
  const chip = (text, channel, on) => h("button", {
    type: "button", class: on ? "chip on" : "chip", "aria-pressed": on ? "true" : "false",
    "data-channel": channel, on: { click: () => toggle(channel) } }, text);
  setChildren($("timeline-channels"), chip("All", "all", view.channels.size === 0),
    CHANNELS.map((c) => chip(label(c), c, view.channels.has(c))));
}

function toggle(channel) {
  if (channel === "all") view.channels.clear();
  else if (view.channels.has(channel)) view.channels.delete(channel);
  else view.channels.add(channel);
  chips();
  loadTimeline(1);
}

async function loadTimeline(page) {
  const personId = view.personId;
  const ticket = ++view.loading;  // a later click wins over an earlier answer
  const params = new URLSearchParams({ page, per_page: PER_PAGE });
  if (view.channels.size) params.set("channel", [...view.channels].join(","));
  say("timeline-status", "Loading...");
  try {
    const result = await call("GET", `/api/v1/people/${personId}/interactions?${params}`);
    if (ticket !== view.loading || personId !== view.personId) return;
    const entries = result.items.map(entry);
    if (page === 1) $("timeline").replaceChildren(...entries);
    else $("timeline").append(...entries);
    view.next = result.page + 1;
    $("timeline-more").hidden = result.page >= result.pages;
    say("timeline-status", result.total === 1 ? "1 entry." : `${result.total} entries.`);
  } catch (error) {
    if (ticket === view.loading) say("timeline-status", error.message, true);
  }
}

function entry(i) {
  const channel = CHANNEL_OF[i.kind] || "other";
  return h("li", { "data-channel": channel, "data-interaction-id": i.id,
    class: i.voided_at ? "voided" : null },
  h("span", { class: `channel ${channel}` }, label(channel === "other" ? i.kind : channel)),
  h("time", { datetime: i.occurred_at }, moment(i.occurred_at)),
  h("span", { class: "kind" }, label(i.kind)),
  i.result ? h("span", { class: "result" }, label(i.result)) : null,
  i.summary ? h("span", { class: "summary" }, i.summary) : null,
  i.voided_at ? h("span", { class: "muted" }, "(held or rolled back)") : null);
}

$("timeline-more").addEventListener("click", () => loadTimeline(view.next));
