// Goals and totals (#/money/goals, donations.totals: directors too): each goal with the money
// raised against it, live; the totals of a period by day, source, election or region (a
// director never sees a place of fewer than three donors: the API folds them). Finance adds
// goals (fundraising.manage).
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";
import { dateOnly, dollars, label, parseCents } from "./format.js";

const totalsForm = $("totals-form");
const goalForm = $("goal-form");

export async function show() {
  showChoices();
  await Promise.all([loadGoals(), loadTotals()]);
}

async function loadGoals() {
  try {
    const goals = await call("GET", "/api/v1/fundraising/goals");
    setChildren($("goals"), goals.map(goalRow));
    say("goals-status", goals.length ? "" : "No goals yet.");
  } catch (error) {
    say("goals-status", error.message, true);
  }
}

function goalRow(p) {
  const source = p.goal.source_kind ? ` (${label(p.goal.source_kind)}: ${p.goal.source_value})` : "";
  const width = Math.max(0, Math.min(100, p.percent));
  return h("tr", { "data-goal-id": p.goal.id },
    h("td", {}, p.goal.name, h("span", { class: "muted" }, source)),
    h("td", {}, `${dateOnly(p.goal.starts_on)} – ${dateOnly(p.goal.ends_on)}`),
    h("td", { class: "amount raised" }, dollars(p.raised_cents)),
    h("td", { class: "amount" }, dollars(p.goal.amount_cents)),
    h("td", { class: "progress" },
      h("span", { class: "bar" }, h("span", { class: p.is_on_pace ? "fill" : "fill behind",
        style: `width: ${width}%` })),
      ` ${p.percent}%${p.is_on_pace ? "" : ", behind pace"}`),
    h("td", { class: "amount" }, p.days_left ? dollars(p.needed_per_day_cents) : ""));
}

function showChoices() {
  const by = totalsForm.elements.by.value;
  totalsForm.querySelector(".for-source").hidden = by !== "source";
  totalsForm.querySelector(".for-region").hidden = by !== "region";
}

async function loadTotals() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(totalsForm)) {
    if (!value) continue;
    if ((name === "source_kind" && totalsForm.elements.by.value !== "source")
      || (name === "region" && totalsForm.elements.by.value !== "region")) continue;
    params.set(name, value);
  }
  say("totals-status", "Loading...");
  sayFields(totalsForm, null);
  try {
    const body = await call("GET", `/api/v1/fundraising/totals?${params}`);
    const rows = body.by === "day" ? body.rows.filter((r) => r.gifts || r.amount_cents) : body.rows;
    setChildren($("totals"), [...rows.map((r) => totalRow(r, body.by)),
      totalRow({ ...body.total, label: "Total" }, "total")]);
    say("totals-status", `${dateOnly(body.starts_on)} – ${dateOnly(body.ends_on)}`
      + `${body.by === "day" ? " (days with money)" : ""}.`);
  } catch (error) {
    if (!sayFields(totalsForm, error)) say("totals-status", error.message, true);
  }
}

function totalRow(r, by) {
  return h("tr", { "data-key": r.key == null ? "" : r.key, class: by === "total" ? "total" : "" },
    h("td", {}, by === "day" ? dateOnly(r.label) : r.label),
    h("td", { class: "amount gross" }, dollars(r.gross_cents)),
    h("td", { class: "amount refunded" }, dollars(r.refunded_cents)),
    h("td", { class: "amount net" }, dollars(r.amount_cents)),
    h("td", { class: "amount" }, String(r.gifts)),
    h("td", { class: "amount" }, String(r.donors)));
}

totalsForm.addEventListener("change", () => { showChoices(); loadTotals(); });
totalsForm.addEventListener("submit", (event) => { event.preventDefault(); });
goalForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(goalForm);
  const cents = parseCents(data.get("amount_cents"));
  if (!cents) {
    sayFields(goalForm, { reason: "Not an amount.",
      fields: { amount_cents: ["Type dollars, like 25,000."] } });
    return;
  }
  try {
    await call("POST", "/api/v1/fundraising/goals", { name: data.get("name"),
      starts_on: data.get("starts_on"), ends_on: data.get("ends_on"), amount_cents: cents });
    goalForm.reset();
    sayFields(goalForm, null);
    await loadGoals();
  } catch (error) {
    if (!sayFields(goalForm, error)) say("goals-status", error.message, true);
  }
});
