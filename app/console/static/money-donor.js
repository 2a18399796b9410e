// A donor's giving (#/money/donor/PERSON[/DONATION]): where they stand per election against its
// limit, their year to date, their entries, pledges and letters; and corrections of a gift
// (refund, chargeback, redesignation, reattribution), after which the figures are read again.
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren, table } from "./dom.js";
import { dateOnly, dollars, label, parseCents } from "./format.js";
import { elections, flagChips } from "./money-common.js";

const view = { can: () => false, personId: null, gift: null };
const form = $("correction");
const PATHS = { refund: "refund", chargeback: "refund", redesignate: "redesignate",
  reattribute: "reattribute" };

export async function show({ can }, [personId, donationId] = []) {
  view.can = can;
  if (!personId) {
    $("donor").hidden = true;
    return;
  }
  await loadGiving(Number(personId));
  if (donationId && can("donations.edit")) {
    const gift = await call("GET", `/api/v1/donations/${Number(donationId)}`);
    if (gift.kind === "contribution" && !gift.voided_at) await openCorrection(gift);
  }
}

async function loadGiving(personId) {
  view.personId = personId;
  say("donor-status", "Loading...");
  try {
    const giving = await call("GET", `/api/v1/people/${personId}/giving`);
    render(giving);
    say("donor-status", "");
  } catch (error) {
    $("donor").hidden = true;
    say("donor-status", error.message, true);
  }
  if (view.can("fundraising.manage")) await loadFundraising(personId);
}

function render(giving) {
  const donor = giving.donor || {};
  $("donor").hidden = false;
  $("donor-name").textContent = giving.full_name || `Person ${giving.person_id}`;
  const summary = [`${dollars(giving.year_to_date_cents)} this year (${giving.year})`];
  if (donor.total_cents != null) {
    const gifts = donor.gift_count === 1 ? "1 gift" : `${donor.gift_count} gifts`;
    summary.push(`${dollars(donor.total_cents)} ever in ${gifts}`,
      `largest ${dollars(donor.largest_cents)}`);
  }
  $("donor-summary").textContent = `${summary.join("; ")}.`;
  setChildren($("donor-elections"), giving.elections.map((e) => h("tr",
    { "data-election": e.code, class: e.over_limit_cents > 0 ? "over-limit" : "" },
    h("td", {}, e.name),
    h("td", { class: "amount given" }, dollars(e.amount_cents)),
    h("td", { class: "amount" }, dollars(e.limit_cents)),
    h("td", { class: "amount room" }, dollars(e.remaining_cents)),
    h("td", { class: "amount over" }, e.over_limit_cents ? dollars(e.over_limit_cents) : ""))));
  $("donor-cycles").textContent = giving.cycles.map((c) => `${c.cycle} cycle: `
    + `${dollars(c.amount_cents)}${c.itemized ? ", itemized" : ""}`).join("; ");
  setChildren($("donor-entries"), giving.donations.map(entryRow));
}

function entryRow(d) {
  const correctable = d.kind === "contribution" && !d.voided_at && view.can("donations.edit");
  return h("tr", { "data-donation-id": d.id, class: d.amount_cents < 0 ? "money-out" : "" },
    h("td", {}, dateOnly(d.received_on)),
    h("td", {}, label(d.kind), d.voided_at ? h("span", { class: "muted" }, " (voided)") : null),
    h("td", { class: "amount" }, dollars(d.amount_cents)),
    h("td", {}, label(d.method), d.check_number ? ` ${d.check_number}` : ""),
    h("td", {}, d.election_code),
    h("td", {}, flagChips(d)),
    h("td", {}, correctable ? h("button", { type: "button", class: "link",
      on: { click: () => correct(d.id) } }, "Correct") : null));
}

async function correct(donationId) {
  try {
    openCorrection(await call("GET", `/api/v1/donations/${donationId}`));
  } catch (error) {
    say("donor-status", error.message, true);
  }
}

async function openCorrection(gift) {
  view.gift = gift;
  form.reset();
  sayFields(form, null);
  say("correction-status", "");
  $("correction-title").textContent = `${dollars(gift.amount_cents)} ${label(gift.method)} of `
    + `${dateOnly(gift.received_on)} to ${gift.election_code}: `
    + `${dollars(gift.remaining_cents || 0)} remains`;
  form.elements.on.value = new Date().toISOString().slice(0, 10);
  const choices = (await elections()).filter((e) => e.id !== gift.election_id);
  form.elements.election_id.replaceChildren(...choices.map((e) => new Option(e.name, e.id)));
  form.elements.person_id.replaceChildren();
  form.hidden = false;
  showFields();
  form.elements.amount_cents.focus();
}

function showFields() {
  const action = form.elements.action.value;
  for (const [name, shown] of [["refund", ["refund", "chargeback"]],
    ["redesignate", ["redesignate"]], ["reattribute", ["reattribute"]]]) {
    for (const node of form.querySelectorAll(`.for-${name}`)) node.hidden = !shown.includes(action);
  }
}

async function findSigner() {
  const q = form.elements.signer_q.value.trim();
  if (!q) return;
  const page = await call("GET", `/api/v1/people?${new URLSearchParams({ q, per_page: 20 })}`);
  form.elements.person_id.replaceChildren(...page.items.filter((p) => p.id !== view.personId)
    .map((p) => new Option(`${p.full_name}${home(p)}`, p.id)));
}

function home(person) {
  return person.household && person.household.line ? `, ${person.household.line}` : "";
}

function body(action) {
  const cents = parseCents(form.elements.amount_cents.value);
  const base = { amount_cents: cents, on: form.elements.on.value };
  if (action === "refund" || action === "chargeback") {
    return { ...base, kind: action, reason: form.elements.reason.value };
  }
  if (action === "redesignate") return { ...base, election_id: Number(form.elements.election_id.value) };
  return { ...base, person_id: Number(form.elements.person_id.value) };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const action = form.elements.action.value;
  const payload = body(action);
  if (!payload.amount_cents) {
    sayFields(form, { reason: "Not an amount.",
      fields: { amount_cents: ["Type dollars and cents, like 500.00."] } });
    return;
  }
  try {
    await call("POST", `/api/v1/donations/${view.gift.id}/${PATHS[action]}`, payload);
    form.hidden = true;
    await loadGiving(view.personId);
    say("donor-status", `${label(action)}: ${dollars(payload.amount_cents)} recorded.`);
  } catch (error) {
    if (!sayFields(form, error)) say("correction-status", error.message, true);
  }
});
form.elements.action.addEventListener("change", showFields);
form.elements.signer_q.addEventListener("change", () => findSigner().catch(
  (error) => say("correction-status", error.message, true)));
$("correction-cancel").addEventListener("click", () => { form.hidden = true; });

async function loadFundraising(personId) {
  try {
    const [pledges, letters] = await Promise.all([
      call("GET", `/api/v1/fundraising/pledges?person_id=${personId}&per_page=50`),
      call("GET", `/api/v1/fundraising/people/${personId}/letters`),
    ]);
    setChildren($("donor-pledges"), table(["Pledged", "Amount", "Received", "Due", "Status"],
      pledges.items.map((p) => [dateOnly(p.pledged_on), dollars(p.amount_cents),
        dollars(p.received_cents), dateOnly(p.due_on), label(p.status)]), "No pledges."));
    setChildren($("donor-letters"), table(["What", "How", "Queued", "Sent"],
      letters.items.map((l) => [label(l.kind), label(l.channel), dateOnly(l.queued_at.slice(0, 10)),
        l.sent_at ? dateOnly(l.sent_at.slice(0, 10)) : "waiting to print"]), "None sent."));
  } catch (error) {
    say("donor-status", error.message, true);
  }
}

// Finding a donor by name: people (finance reads them), then their giving.
$("donor-search").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = new FormData(event.target).get("q").trim();
  try {
    const page = await call("GET", `/api/v1/people?${new URLSearchParams({ q, per_page: 20 })}`);
    setChildren($("donor-results"), page.items.map((p) => h("li", {},
      h("a", { href: `#/money/donor/${p.id}` }, p.full_name || `Person ${p.id}`),
      h("span", { class: "muted" }, home(p)))));
    say("donor-status", page.total ? "" : "Nobody by that name.");
  } catch (error) {
    say("donor-status", error.message, true);
  }
});
