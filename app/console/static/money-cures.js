// Excess contributions and their cures (#/money/cures, fundraising.manage): each excess with
// its due day (overdue ones in red), what cured it and the letters about it; and the letters
// waiting to be printed, printed as one PDF.
import { call, download } from "./api.js";
import { $, h, say, setChildren } from "./dom.js";
import { dateOnly, dollars, label } from "./format.js";
import { donorName } from "./money-common.js";

const STATES = { open: "Open", overdue: "Overdue", notice_due: "Notice to send",
  cured: "Cured", cured_late: "Cured late" };

export async function show() {
  await Promise.all([loadCures(), loadLetters()]);
}

async function loadCures() {
  const params = new URLSearchParams({ per_page: 100 });
  const state = $("cure-filters").elements.state.value;
  if (state) params.set("state", state);
  say("cures-status", "Loading...");
  try {
    const page = await call("GET", `/api/v1/fundraising/excess-cures?${params}`);
    setChildren($("cures"), page.items.map(cureRow));
    const counts = Object.entries(page.counts).filter(([, n]) => n)
      .map(([name, n]) => `${n} ${STATES[name].toLowerCase()}`);
    say("cures-status", counts.length ? `${counts.join(", ")}.` : "No gift is over a limit.");
  } catch (error) {
    say("cures-status", error.message, true);
  }
}

function cureRow(cure) {
  const late = cure.state === "overdue";
  const gift = cure.gift;
  return h("tr", { "data-flag-id": cure.flag.id, class: late ? "overdue" : "" },
    h("td", { class: "due" }, dateOnly(cure.due_on),
      late ? h("div", { class: "overdue-word" }, "overdue") : null),
    h("td", {}, gift.person_id ? h("a", { href: `#/money/donor/${gift.person_id}/${gift.id}` },
      donorName(gift)) : donorName(gift),
    h("div", { class: "muted" }, `${dollars(gift.amount_cents)} on ${dateOnly(gift.received_on)}, `
      + `${gift.election_code}`)),
    h("td", { class: "amount" }, dollars(cure.flag.amount_cents)),
    h("td", { class: "state" }, STATES[cure.state] || label(cure.state),
      late && cure.flag.status === "resolved"
        ? h("div", { class: "muted" }, "cured; its notice never went") : null),
    h("td", {}, cure.corrections.map((c) => h("div", {},
      `${label(c.kind)} ${dollars(-c.amount_cents)} on ${dateOnly(c.received_on)}`))),
    h("td", {}, cure.letters.map((l) => h("div", {}, `${label(l.kind)} (${l.channel}): `,
      l.sent_at ? `sent ${dateOnly(l.sent_at.slice(0, 10))}`
        : h("span", { class: "muted" }, "waiting to print")))));
}

async function loadLetters() {
  try {
    const queue = await call("GET", "/api/v1/fundraising/letters");
    const waiting = Object.entries(queue.pending).filter(([, n]) => n);
    const total = waiting.reduce((sum, [, n]) => sum + n, 0);
    say("letters-status", total
      ? `Waiting: ${waiting.map(([kind, n]) => `${n} ${label(kind).toLowerCase()}`).join(", ")}.`
      : "No letters are waiting.");
    $("letters-print").disabled = total === 0;
    setChildren($("letter-batches"), queue.batches.map((b) => h("li", {},
      h("button", { type: "button", class: "link", on: { click: () => pdf(b.id) } },
        `Batch ${b.id}: ${b.letter_count} letter${b.letter_count === 1 ? "" : "s"}`),
      h("span", { class: "muted" }, ` printed ${dateOnly(b.created_at.slice(0, 10))}`))));
  } catch (error) {
    say("letters-status", error.message, true);
  }
}

async function pdf(batchId) {
  try {
    await download(`/api/v1/fundraising/letter-batches/${batchId}/pdf`, `letters-${batchId}.pdf`);
  } catch (error) {
    say("letters-status", error.message, true);
  }
}

$("letters-print").addEventListener("click", async () => {
  try {
    const batch = await call("POST", "/api/v1/fundraising/letter-batches");
    await Promise.all([loadLetters(), loadCures()]);
    await pdf(batch.id);
  } catch (error) {
    say("letters-status", error.message, true);
  }
});
$("cure-filters").addEventListener("change", loadCures);
$("cure-filters").addEventListener("submit", (event) => { event.preventDefault(); });
