// The desk: checks and cash typed in against a deposit slip. Open a batch with the slip's count
// and total, type each gift (Enter adds it; the form clears and waits for the next amount),
// watch the running total against the slip, and close the batch once it balances.
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";
import { dollars, label, parseCents } from "./format.js";
import { donorName, elections, flagChips } from "./money-common.js";

const form = $("gift-form");
const view = { can: () => false, batchId: null, batch: null };
const TEXTS = ["check_number", "first_name", "last_name", "street_1", "city", "state", "zip",
  "employer", "occupation", "email"];

export async function show({ can }) {
  view.can = can;
  await Promise.all([loadBatches(), fillElections()]);
  if (view.batchId) await openBatch(view.batchId);
}

// The elections a gift may be designated to; the first one still to come is the default.
async function fillElections() {
  const select = form.elements.election_id;
  const chosen = select.value;
  const all = await elections();
  select.replaceChildren(...all.map((e) => new Option(`${e.code} (${e.name})`, e.id)));
  const today = new Date().toLocaleDateString("en-CA");
  const next = all.find((e) => e.held_on >= today) || all[all.length - 1];
  if (all.some((e) => String(e.id) === chosen)) select.value = chosen;
  else if (next) select.value = next.id;
}

async function loadBatches() {
  try {
    const page = await call("GET", "/api/v1/donations/batches?per_page=50");
    setChildren($("batches"), page.items.map(batchRow));
    if (!page.items.length) say("batch-form-status", "No batches yet: open one for a slip.");
  } catch (error) {
    say("batch-form-status", error.message, true);
  }
}

function batchRow(batch) {
  const status = batch.closed_at ? "Closed" : batch.balanced ? "Balanced" : "Open";
  return h("tr", { "data-batch-id": batch.id, class: batch.id === view.batchId ? "selected" : "" },
    h("td", {}, h("button", { type: "button", class: "link",
      on: { click: () => openBatch(batch.id) } }, batch.name)),
    h("td", {}, `${batch.expected_count} gifts, ${dollars(batch.expected_cents)}`),
    h("td", {}, `${batch.entered_count}, ${dollars(batch.entered_cents)}`),
    h("td", {}, status));
}

async function openBatch(id) {
  view.batchId = id;
  say("batch-status", "");
  say("gift-status", "");
  sayFields(form, null);
  try {
    const [batch, gifts] = await Promise.all([
      call("GET", `/api/v1/donations/batches/${id}`),
      call("GET", `/api/v1/donations?batch_id=${id}&per_page=200&sort=-created_at`),
    ]);
    if (view.batchId !== id) return;
    render(batch);
    setChildren($("batch-gifts"), gifts.items.map(giftRow));
    $("batch").hidden = false;
    for (const row of $("batches").children) {
      row.classList.toggle("selected", Number(row.dataset.batchId) === id);
    }
    if (!form.hidden) form.elements.amount_cents.focus();
  } catch (error) {
    say("batch-form-status", error.message, true);
  }
}

// "2 of 3 gifts, $300.00 of $350.00: 1 gift and $50.00 to go"; balanced, it may be closed.
function tally(batch) {
  const entered = `${batch.entered_count} of ${batch.expected_count} gifts, `
    + `${dollars(batch.entered_cents)} of ${dollars(batch.expected_cents)}`;
  if (batch.closed_at) return `Closed: ${entered}.`;
  if (batch.balanced) return `${entered}: balanced. Close it to deposit.`;
  const parts = [];
  const count = batch.count_difference;
  if (count) parts.push(`${Math.abs(count)} gift${Math.abs(count) === 1 ? "" : "s"} ${count < 0 ? "to go" : "too many"}`);
  const cents = batch.cents_difference;
  if (cents) parts.push(`${dollars(Math.abs(cents))} ${cents < 0 ? "to go" : "over"}`);
  return `${entered}: ${parts.join(" and ")}.`;
}

function render(batch) {
  view.batch = batch;
  $("batch-name").textContent = batch.name;
  const tallied = $("batch-tally");
  tallied.textContent = tally(batch);
  tallied.className = `tally ${batch.closed_at ? "closed" : batch.balanced ? "balanced" : "off"}`;
  const editable = view.can("donations.edit") && !batch.closed_at;
  $("batch-close").hidden = !editable;
  $("batch-close").disabled = !batch.balanced;
  form.hidden = !editable;
}

function giftRow(d) {
  return h("tr", { "data-donation-id": d.id },
    h("td", {}, d.method === "check" ? `#${d.check_number || ""}` : label(d.method)),
    h("td", {}, donorName(d), d.match_status === "review"
      ? h("div", { class: "muted" }, "Donor to review") : null),
    h("td", { class: "amount" }, dollars(d.amount_cents)),
    h("td", {}, d.election_code),
    h("td", {}, flagChips(d)));
}

function giftBody() {
  const cents = parseCents(form.elements.amount_cents.value);
  if (cents === null || cents === 0) return null;
  const body = {
    amount_cents: cents,
    method: form.elements.method.value,
    election_id: Number(form.elements.election_id.value),
    received_on: new Date().toLocaleDateString("en-CA"),
    batch_id: view.batchId,
  };
  for (const name of TEXTS) {
    const value = form.elements[name].value.trim();
    if (value && !(name === "check_number" && body.method !== "check")) body[name] = value;
  }
  return body;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = giftBody();
  if (!body) {
    sayFields(form, { reason: "Not an amount.",
      fields: { amount_cents: ["Type dollars and cents, like 125.50."] } });
    form.elements.amount_cents.focus();
    return;
  }
  try {
    const gift = await call("POST", "/api/v1/donations", body);
    sayFields(form, null);
    $("batch-gifts").prepend(giftRow(gift));
    const flags = gift.flags.length ? ` Flagged: ${gift.flags.map((f) => label(f.code)).join(", ")}.` : "";
    say("gift-status", `Added ${dollars(gift.amount_cents)}.${flags}`);
    for (const name of TEXTS) form.elements[name].value = "";
    form.elements.amount_cents.value = "";
    form.elements.amount_cents.focus();
    render(await call("GET", `/api/v1/donations/batches/${view.batchId}`));
    await loadBatches();
  } catch (error) {
    if (!sayFields(form, error)) say("gift-status", error.message, true);
    else say("gift-status", "");
  }
});

form.elements.method.addEventListener("change", () => {
  form.querySelector(".check-number").hidden = form.elements.method.value !== "check";
});

$("batch-close").addEventListener("click", async () => {
  try {
    render(await call("POST", `/api/v1/donations/batches/${view.batchId}/close`));
    say("batch-status", "Closed: ready to deposit.");
    await loadBatches();
  } catch (error) {
    say("batch-status", error.message, true);
  }
});

$("batch-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const slip = event.target.elements;
  const cents = parseCents(slip.expected_cents.value);
  if (!cents) {
    sayFields(event.target, { reason: "Not an amount.",
      fields: { expected_cents: ["Type the slip's total, like 1,250.00."] } });
    return;
  }
  try {
    const batch = await call("POST", "/api/v1/donations/batches", {
      name: slip.name.value.trim(), expected_count: Number(slip.expected_count.value),
      expected_cents: cents,
    });
    sayFields(event.target, null);
    say("batch-form-status", "");
    event.target.reset();
    await loadBatches();
    await openBatch(batch.id);
  } catch (error) {
    if (!sayFields(event.target, error)) say("batch-form-status", error.message, true);
  }
});
