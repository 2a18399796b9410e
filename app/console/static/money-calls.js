// Call time (#/money/calls, fundraising.manage): the call sheet on screen (donors who may be
// called, the highest previous gift first, with their giving, room, the ask, open pledges and
// the last call), a result typed for each call (a pledge with "pledged"), and the sheet on
// paper. The donors are picked by a few giving filters (the universe language's ``donor``).
import { call, download } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";
import { dateOnly, dollars, label, parseCents } from "./format.js";
import { pager } from "./pager.js";

const PRESETS = {
  all: {},
  lapsed: { donor: { lapsed: true } },
  not_maxed: { donor: { maxed_out: false } },
  recurring: { donor: { recurring: true } },
};
const RESULTS = ["pledged", "gave", "declined", "call_back", "left_message", "no_answer", "busy",
  "wrong_number", "disconnected"];
const sheetForm = $("call-sheet-form");

export async function show() {
  await loadSheet(pages.page);
}

function filter() {
  return { filter: PRESETS[sheetForm.elements.preset.value] };
}

async function loadSheet(number = 1) {
  say("call-sheet-status", "Loading...");
  try {
    const page = await call("POST",
      `/api/v1/fundraising/call-sheets?page=${number}&per_page=20`, filter());
    setChildren($("call-sheet"), page.items.map(donorCard));
    const cannot = page.cannot_call ? `; ${page.cannot_call} may not be called` : "";
    say("call-sheet-status", `${page.total} donor${page.total === 1 ? "" : "s"} to call${cannot}.`);
    pages.show(page);
  } catch (error) {
    say("call-sheet-status", error.message, true);
  }
}

function donorCard(row) {
  const status = h("p", { role: "status" });
  const form = h("form", { class: "row money-filters call-result" },
    h("label", {}, "Result ", h("select", { name: "result" },
      RESULTS.map((r) => h("option", { value: r }, label(r))))),
    h("label", { class: "pledge-amount" }, "Pledge ($) ",
      h("input", { name: "amount_cents", inputmode: "decimal", autocomplete: "off" })),
    h("label", {}, "Note ", h("input", { name: "note", maxlength: "300", autocomplete: "off" })),
    h("button", { type: "submit" }, "Save the call"));
  const showPledge = () => {
    form.querySelector(".pledge-amount").hidden = form.elements.result.value !== "pledged";
  };
  form.elements.result.addEventListener("change", showPledge);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveCall(row, form, status);
  });
  showPledge();
  const maxed = row.elections.filter((e) => e.is_maxed_out).map((e) => e.code);
  return h("section", { class: "queue-item call-card", "data-person-id": row.person_id },
    h("h3", {}, row.name, h("span", { class: "muted" },
      ` ${row.phones.map((p) => p.number).join(", ") || "no phone"}`)),
    h("p", {}, `Ask ${dollars(row.ask_cents)}`,
      h("span", { class: "muted" }, ` · highest ${dollars(row.largest_cents)}, this cycle `
        + `${dollars(row.total_cycle_cents)}, ever ${dollars(row.total_ever_cents)} in `
        + `${row.gift_count}, last ${dateOnly(row.last_gift_on)}`
        + `${row.room_cents == null ? "" : `, room ${dollars(row.room_cents)}`}`
        + `${maxed.length ? `, maxed out: ${maxed.join(", ")}` : ""}`)),
    row.open_pledges.length ? h("p", { class: "muted" }, `Open pledges: ${row.open_pledges
      .map((p) => `${dollars(p.amount_cents)} (${dollars(p.received_cents)} in)`).join(", ")}`)
      : null,
    row.last_call ? h("p", { class: "muted" },
      `Last call: ${label(row.last_call.result)} ${dateOnly((row.last_call.occurred_at || "").slice(0, 10))}`)
      : null,
    form, status);
}

async function saveCall(row, form, status) {
  const result = form.elements.result.value;
  const body = { person_id: row.person_id, result, note: form.elements.note.value };
  if (result === "pledged") {
    const cents = parseCents(form.elements.amount_cents.value);
    if (!cents) {
      sayFields(form, { reason: "Not an amount.",
        fields: { amount_cents: ["Type the pledge in dollars, like 500."] } });
      return;
    }
    body.pledge = { amount_cents: cents };
  }
  try {
    const saved = await call("POST", "/api/v1/fundraising/calls", body);
    sayFields(form, null);
    say(status, saved.pledge ? `Saved: pledged ${dollars(saved.pledge.amount_cents)}.`
      : `Saved: ${label(result).toLowerCase()}.`);
  } catch (error) {
    if (!sayFields(form, error)) say(status, error.message, true);
  }
}

sheetForm.addEventListener("change", () => loadSheet(1));
sheetForm.addEventListener("submit", (event) => { event.preventDefault(); });
const pages = pager($("call-sheet-pages"), loadSheet);
$("call-sheet-pdf").addEventListener("click", async () => {
  try {
    await download("/api/v1/fundraising/call-sheets/pdf", "call-sheet.pdf",
      { method: "POST", body: filter() });
  } catch (error) {
    say("call-sheet-status", error.message, true);
  }
});
