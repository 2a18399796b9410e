// The Dashboard screen (#/dashboard): the field, volunteers, money and outreach panels and
// the map, for the roles allowed each (admins and directors all; finance the money; organisers
// the rest). Every panel polls its API every two seconds with its ETag: an unchanged panel
// costs a 304, a knock synced or a gift landed shows within the next poll. Every big number
// that stands for people opens them, and saves them as a universe where the role may.
import { call, download } from "./api.js";
import { chart, forgetCharts } from "./dashboard-charts.js";
import * as areaMap from "./dashboard-map.js";
import * as weekly from "./dashboard-weekly.js";
import { $, h, say, setChildren, table } from "./dom.js";
import { dollars, label } from "./format.js";

const PANELS = { field: "dashboard.read", volunteers: "dashboard.read",
  money: "donations.totals", outreach: "dashboard.read" };
// measure -> the permission that may see who is behind it (as app.dashboards.people says)
const MEASURE_NEEDS = { donors: "donations.read" };
const POLL_MS = 2000;
const view = { can: () => false, userId: null, etags: {}, timer: null, busy: false, measure: null };
const form = $("dash-filters");

export async function show({ can, me }) {
  view.can = can;
  for (const node of $("screen-dashboard").querySelectorAll("[data-needs]")) {
    node.hidden = !can(node.dataset.needs);
  }
  if (view.userId !== me.id) {
    view.userId = me.id;
    form.reset();
    const today = new Date().toISOString().slice(0, 10);
    form.elements.to.value = today;
    form.elements.from.value = new Date(Date.now() - 29 * 864e5).toISOString().slice(0, 10);
    await loadChoices();
  }
  view.etags = {};
  weekly.show(can);
  hide();  // shown again (the same hash): one poll, not two
  await refresh();
  view.timer = setInterval(refresh, POLL_MS);
}

export function hide() {
  clearInterval(view.timer);
  view.timer = null;
}

function scope() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
  return params;
}

async function loadChoices() {
  const fill = (select, options) => {
    select.replaceChildren(select.options[0] || new Option("", ""),
      ...options.map(([value, text]) => new Option(text, value)));
  };
  const kinds = new Set(["precinct"]);
  const tries = [
    ["areas.read", async () => {
      const page = await call("GET", "/api/v1/areas?per_page=200&sort=kind,code");
      page.items.forEach((a) => kinds.add(a.kind));
      fill(form.elements.area_id, page.items.map((a) => [a.id, `${label(a.kind)} ${a.code}`]));
    }],
    ["volunteers.manage", async () => {
      const teams = await call("GET", "/api/v1/volunteers/teams");
      fill(form.elements.team_id, teams.map((t) => [t.id, t.name]));
    }],
    ["users.read", async () => {
      const page = await call("GET", "/api/v1/users?role=canvasser&per_page=200");
      fill(form.elements.user_id, page.items.map((u) => [u.id, u.name || u.email]));
    }],
    ["universes.read", async () => {
      const page = await call("GET", "/api/v1/universes?per_page=200");
      fill(form.elements.universe_id, page.items.map((u) => [u.id, u.name]));
    }],
  ];
  await Promise.all(tries.filter(([need]) => view.can(need)).map(([, load]) => load()
    .catch(() => {})));
  const kind = form.elements.area_kind;
  kind.replaceChildren(...[...kinds].map((k) => new Option(label(k), k)));
}

// Every panel the role may see, asked again; a 304 leaves it as it is.
async function refresh() {
  if (view.busy) return;
  view.busy = true;
  try {
    const params = scope();
    const asked = Object.keys(PANELS).filter((name) => view.can(PANELS[name]));
    await Promise.all(asked.map((name) => loadPanel(name, params)));
    if (view.can("areas.read")) await areaMap.refresh(params, view.can);
    say("dash-status", `Updated ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    say("dash-status", error.message, true);
  } finally {
    view.busy = false;
  }
}

async function loadPanel(name, params) {
  const key = `${name}?${params}`;
  const headers = view.etags[key] ? { "If-None-Match": view.etags[key] } : {};
  const response = await call("GET", `/api/v1/dashboards/${name}?${params}`, undefined,
    { raw: true, headers });
  if (response.status === 304) return;
  view.etags = { ...view.etags, [key]: response.headers.get("ETag") };
  RENDER[name](await response.json());
}

// ---- the panels ----
const number = (n) => (n == null ? "–" : Number(n).toLocaleString());
const percent = (r) => (r == null ? "–" : `${(100 * r).toFixed(1)}%`);
const money = (c) => (c == null ? "–" : dollars(c));

// A big number; a button that opens its people when it stands for people the role may see.
function tile(name, value, measure) {
  const opens = measure && view.can("people.read")
    && (!MEASURE_NEEDS[measure] || view.can(MEASURE_NEEDS[measure]));
  const parts = [h("span", { class: "value" }, value), h("span", { class: "name" }, name)];
  if (!opens) return h("div", { class: "dash-tile", "data-tile": measure || name }, parts);
  return h("button", { type: "button", class: "dash-tile", "data-tile": measure,
    title: `Who: ${name}`, on: { click: () => openPeople(measure, name) } }, parts);
}

function place(name, tiles, charts, tables) {
  const panel = $(`dash-${name}`);
  setChildren(panel.querySelector("[data-tiles]"), tiles);
  const drawn = charts.map((spec) => chart({ ...spec, key: `${name}-${spec.key}` }));
  setChildren(panel.querySelector("[data-charts]"), drawn.map((c) => c.figure));
  drawn.forEach((c) => c.draw());
  setChildren(panel.querySelector("[data-tables]"), tables.map(([title, node]) =>
    h("details", { open: true }, h("summary", {}, title), node)));
}

const RENDER = {
  field(p) {
    const t = p.total;
    const tiles = [tile("Doors knocked", number(t.doors), "doors"),
      tile("Contacts", number(t.contacts), "contacts"),
      tile("Contact rate", percent(t.contact_rate)),
      tile("Doors left in active turfs", number(p.doors_left.left)),
      ...p.support.by_score.map((s) => tile(`Support ${s.score}`, number(s.people),
        `support_${s.score}`))];
    const pace = p.pace;
    $("dash-field").querySelector("[data-pace]").textContent = pace
      ? `To reach ${number(pace.goal_doors)} doors by ${pace.goal_on} we need `
        + `${number(pace.needed_per_day)} a day (${number(pace.doors)} knocked, `
        + `${number(pace.days_left)} days left).`
      : "";
    const days = p.by_day.map((d) => d.day);
    place("field", tiles, [
      { key: "days", title: "Doors and contacts per day", x: days, series: [
        { label: "Doors", values: p.by_day.map((d) => d.doors) },
        { label: "Contacts", values: p.by_day.map((d) => d.contacts) }] },
      { key: "hours", title: "Doors and contacts by hour of day", hours: true,
        x: p.by_hour.map((d) => d.hour), series: [
          { label: "Doors", values: p.by_hour.map((d) => d.doors) },
          { label: "Contacts", values: p.by_hour.map((d) => d.contacts) }] },
    ], [
      ["By area", table(["Area", "Doors", "Contacts", "Rate"], p.by_area.map((a) => [
        a.name || a.code, number(a.doors), number(a.contacts), percent(a.contact_rate)]))],
      ["By team", table(["Team", "Doors", "Contacts", "Rate"], p.by_team.map((a) => [
        a.name, number(a.doors), number(a.contacts), percent(a.contact_rate)]))],
      ["By canvasser", table(["Canvasser", "Doors", "Contacts", "Rate"], p.by_canvasser.map((a) =>
        [a.name, number(a.doors), number(a.contacts), percent(a.contact_rate)]))],
    ]);
  },
  volunteers(p) {
    const t = p.total;
    place("volunteers", [
      tile("Volunteers who came", number(t.volunteers), "attended"),
      tile("Shifts", number(t.shifts)),
      tile("Seats filled", t.seats == null ? number(t.filled) : `${number(t.filled)} / ${number(t.seats)}`),
      tile("No-shows", `${number(t.no_shows)} (${percent(t.no_show_rate)})`, "no_shows"),
      tile("Hours", number(t.hours)),
      tile("Came back within 30 days", percent(p.retention.rate)),
    ], [
      { key: "weeks", title: "Active volunteers per week", x: p.by_week.map((w) => w.week),
        series: [{ label: "New", values: p.by_week.map((w) => w.new) },
          { label: "Returning", values: p.by_week.map((w) => w.returning) }] },
    ], [["Top recruiters", table(["Organiser", "New volunteers"],
      p.top_recruiters.map((r) => [r.name, number(r.recruited)]))]]);
  },
  money(p) {
    const t = p.total;
    place("money", [
      tile("Raised (net)", money(t.raised_cents)),
      tile("Gifts", number(t.gifts)),
      tile("Average gift", money(t.average_gift_cents)),
      tile("Median gift", money(t.median_gift_cents)),
      tile("Donors", `${number(t.donors)} (${number(t.new_donors)} new)`, "donors"),
      tile("Refunds", money(t.refunds_cents)),
      tile("Recurring", money(t.recurring.raised_cents)),
    ], [
      { key: "days", title: "Raised per day ($)", x: p.by_day.map((d) => d.day),
        format: (n) => money(n == null ? null : Math.round(n * 100)),
        series: [{ label: "Raised", values: p.by_day.map((d) => d.raised_cents / 100) }] },
    ], [
      ["Goals", table(["Goal", "Raised", "Goal", "Per day needed"], p.goals.map((g) => [
        g.name, money(g.raised_cents), money(g.amount_cents), money(g.needed_per_day_cents)]))],
      ["By source", table(["Processor", "Page", "Raised", "Gifts"], p.by_source.map((s) => [
        s.processor, s.page || "–", money(s.raised_cents), number(s.gifts)]))],
      ["By area", table(["Area", "Raised", "Gifts"], p.by_region.map((r) => [
        r.code, money(r.raised_cents), number(r.gifts)]))],
    ]);
  },
  outreach(p) {
    const e = p.total.email;
    const x = p.total.texts;
    place("outreach", [
      tile("Emails delivered", number(e.delivered)),
      tile("Clicked", number(e.clicked), "email_clicked"),
      tile("Unsubscribed", number(e.unsubscribed), "email_unsubscribed"),
      tile("Texts sent", number(x.messaged)),
      tile("Texts replied", `${number(x.replied)} (${percent(x.response_rate)})`, "text_replied"),
      tile("Text opt-outs", number(x.opted_out), "text_opted_out"),
    ], [
      { key: "weeks", title: "Email and texts per week", x: p.by_week.map((w) => w.week),
        series: [{ label: "Emails delivered", values: p.by_week.map((w) => w.email.delivered) },
          { label: "Clicked", values: p.by_week.map((w) => w.email.clicked) },
          { label: "Texts replied", values: p.by_week.map((w) => w.texts.replied) }] },
    ], [
      ["Email campaigns", table(["Campaign", "Sent", "Delivered", "Opened", "Clicked",
        "Unsubscribed", "Replied"], p.email_campaigns.map((c) => [c.name, number(c.sent),
        number(c.delivered), number(c.opened), number(c.clicked), number(c.unsubscribed),
        number(c.replied)]))],
      ["Texting campaigns", table(["Campaign", "Sent", "Replied", "Rate", "Opt-outs"],
        p.text_campaigns.map((c) => [c.name, number(c.messaged), number(c.replied),
          percent(c.response_rate), number(c.opted_out)]))],
    ]);
  },
};

// ---- the people behind a number ----
async function openPeople(measure, name) {
  view.measure = measure;
  $("dash-people").hidden = false;
  $("dash-people-title").textContent = name;
  $("dash-save").elements.name.value = `${name}, ${form.elements.from.value} to ${form.elements.to.value}`;
  say("dash-people-status", "Loading...");
  try {
    const params = scope();
    params.delete("area_kind");
    params.set("measure", measure);
    params.set("per_page", "200");
    const page = await call("GET", `/api/v1/dashboards/people?${params}`);
    setChildren($("dash-people-list"), page.items.map((p) =>
      h("li", {}, `${p.first_name || ""} ${p.last_name || ""}`.trim() || `#${p.id}`)));
    say("dash-people-status", page.total === 1 ? "1 person." : `${number(page.total)} people.`);
  } catch (error) {
    say("dash-people-status", error.message, true);
  }
}

$("dash-people-close").addEventListener("click", () => { $("dash-people").hidden = true; });
$("dash-save").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(scope());
  delete body.area_kind;
  for (const key of ["area_id", "team_id", "user_id", "universe_id"]) {
    if (body[key]) body[key] = Number(body[key]);
  }
  try {
    const saved = await call("POST", "/api/v1/dashboards/universes",
      { ...body, measure: view.measure, name: event.target.elements.name.value });
    say("dash-people-status", `Saved as the universe "${saved.name}" (${number(saved.people)} people).`);
  } catch (error) {
    say("dash-people-status", error.message, true);
  }
});

form.addEventListener("change", () => { forgetCharts(); view.etags = {}; refresh(); });
form.addEventListener("submit", (event) => event.preventDefault());
weekly.wirePdf(scope);
for (const button of document.querySelectorAll("[data-csv]")) {
  button.addEventListener("click", () => download(
    `/api/v1/dashboards/${button.dataset.csv}?${scope()}&format=csv`,
    `dashboard-${button.dataset.csv}.csv`));
}
