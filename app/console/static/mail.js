// The Mail drops screen: drops with their results, a new drop from a universe, a drop's file
// for the mail house, recording it as mailed (date, vendor, cost). #/mail[/ID]. Shown to roles
// with mail.manage (directors, organizers).
import { call, download } from "./api.js";
import { $, h, say, sayFields, setChildren, table } from "./dom.js";
import { dateOnly, dollars, label, parseCents } from "./format.js";

const form = $("drop-form");
const mailed = $("drop-mailed-form");
const view = { drop: null };

export async function show(_context, [id] = []) {
  await Promise.all([loadDrops(), loadChoices()]);
  if (id) return open(await call("GET", `/api/v1/mail-drops/${id}`));
  view.drop = null;
  $("drop-detail").hidden = true;
}

export function hide() {}

const money = (cents) => (cents == null ? "" : dollars(cents));

async function loadDrops() {
  try {
    const { items, total } = await call("GET", "/api/v1/mail-drops?per_page=100");
    setChildren($("drops"), items.map((d) => h("tr", { "data-drop-id": d.id },
      h("td", {}, h("a", { href: `#/mail/${d.id}` }, d.name)),
      h("td", {}, label(d.status)),
      h("td", { class: "drop-quantity" }, String(d.quantity)),
      h("td", {}, String(d.visited + d.signups + d.gifts)))));
    say("drops-status", total ? "" : "No mail drops yet.");
  } catch (error) {
    say("drops-status", error.message, true);
  }
}

async function loadChoices() {
  const [{ items }, destinations] = await Promise.all([
    call("GET", "/api/v1/universes?per_page=200"), call("GET", "/api/v1/link-destinations")]);
  setChildren(form.elements.universe_id, items.map((u) => h("option", { value: u.id }, u.name)));
  setChildren(form.elements.destination_id, h("option", { value: "" }, "A page of ours (below)"),
    destinations.map((d) => h("option", { value: d.id }, d.name)));
}

function open(drop) {
  view.drop = drop;
  $("drop-detail").hidden = false;
  $("drop-title").textContent = drop.name;
  const rows = [
    ["Status", label(drop.status)],
    ["Pieces", String(drop.quantity)],
    ["People reached", drop.status === "mailed" ? String(drop.recipients) : "not mailed yet"],
    ["Mailed on", dateOnly(drop.mailed_on)],
    ["Vendor", drop.vendor],
    ["Cost", money(drop.cost_cents)],
    ["Cost per piece", money(drop.cost_per_piece_cents)],
    ["Pieces whose code was visited", `${drop.visited} (${drop.visits} visits)`],
    ["Signed up through a piece", String(drop.signups)],
    ["Gifts carrying a piece's code", `${drop.gifts} (${dollars(drop.gift_cents)})`],
    ["Cost per response", money(drop.cost_per_response_cents)],
  ];
  setChildren($("drop-figures"), table(["", ""], rows));
  mailed.hidden = drop.status === "mailed";
  say("drop-status", "");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = form.elements;
  const body = { name: f.name.value.trim(), universe_id: Number(f.universe_id.value),
    per_household: f.per_household.checked, with_codes: f.with_codes.checked,
    vendor: f.vendor.value.trim() };
  if (f.destination_id.value) body.destination_id = Number(f.destination_id.value);
  else body.path = f.path.value.trim() || "/";
  sayFields(form, null);
  try {
    const drop = await call("POST", "/api/v1/mail-drops", body);
    form.reset();
    say("drop-form-status", `${drop.quantity} pieces drafted.`);
    location.hash = `#/mail/${drop.id}`;
  } catch (error) {
    if (!sayFields(form, error)) say("drop-form-status", error.message, true);
  }
});

$("drop-file").addEventListener("click", async () => {
  try {
    await download(`/api/v1/mail-drops/${view.drop.id}/file.csv`, `mail-drop-${view.drop.id}.csv`);
    say("drop-status", "File downloaded (the read is in the audit trail).");
  } catch (error) {
    say("drop-status", error.message, true);
  }
});

mailed.addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = mailed.elements;
  const body = { mailed_on: f.mailed_on.value };
  if (f.vendor.value.trim()) body.vendor = f.vendor.value.trim();
  if (f.cost.value.trim()) {
    const cents = parseCents(f.cost.value);
    if (cents == null) return say("drop-status", "The cost is not an amount ($1,250.50).", true);
    body.cost_cents = cents;
  }
  sayFields(mailed, null);
  try {
    open(await call("POST", `/api/v1/mail-drops/${view.drop.id}/mailed`, body));
    await loadDrops();
    say("drop-status", "Recorded: it is in every recipient's history.");
  } catch (error) {
    if (!sayFields(mailed, error)) say("drop-status", error.message, true);
  }
});
