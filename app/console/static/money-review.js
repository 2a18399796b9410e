// The review queue (gifts whose donor is uncertain: pick the person, or a new one) and the
// flags to act on (soonest due first, overdue ones in red: confirm, resolve or clear them).
import { call } from "./api.js";
import { $, h, say, setChildren } from "./dom.js";
import { dateOnly, dollars, label } from "./format.js";
import { donorName, flagWord } from "./money-common.js";

const MATCH_WORDS = { email: "same email", phone: "same phone", name_and_zip: "same name in the ZIP" };
const view = { can: () => false };

// ---- the review queue ----
export async function showQueue({ can }) {
  view.can = can;
  await loadQueue();
}

async function loadQueue() {
  say("review-queue-status", "Loading...");
  try {
    const page = await call("GET", "/api/v1/donations/review?per_page=50");
    setChildren($("review-queue"), page.items.map(queueItem));
    say("review-queue-status", page.total
      ? `${page.total} gift${page.total === 1 ? "" : "s"} to settle.` : "Nothing to review.");
  } catch (error) {
    say("review-queue-status", error.message, true);
  }
}

function given(d) {
  const place = [d.street_1, d.city, d.state, d.zip].filter(Boolean).join(", ");
  return [place, d.email, d.employer && `${d.employer}, ${d.occupation || "?"}`]
    .filter(Boolean).join(" · ");
}

function queueItem({ donation: d, candidates }) {
  const status = h("p", { role: "status" });
  const decide = (body, words) => h("button", { type: "button", disabled: !view.can("donations.edit"),
    on: { click: () => assign(d, body, status) } }, words);
  return h("section", { class: "queue-item", "data-donation-id": d.id },
    h("h3", {}, dollars(d.amount_cents), " ", label(d.method), " from ", donorName(d),
      h("span", { class: "muted" }, ` received ${dateOnly(d.received_on)}, ${d.election_code}`)),
    h("p", { class: "muted" }, `As given: ${given(d) || "no address"}`),
    h("ul", { class: "candidates" }, candidates.map((c) => h("li", { "data-person-id": c.id },
      c.protected ? h("span", { class: "muted" }, `A protected person (${c.id})`)
        : h("span", {}, h("strong", {}, c.full_name), ` ${c.address || "no address"} ${c.zip || ""}`,
          c.is_donor ? h("span", { class: "muted" }, " · has given before") : null),
      h("span", { class: "muted" }, ` · ${c.matches.map((m) => MATCH_WORDS[m] || m).join(", ")}`),
      " ", decide({ person_id: c.id }, "This is the donor")))),
    h("div", { class: "row" }, decide({ new_person: true }, "None of them: a new person")),
    status);
}

async function assign(donation, body, status) {
  try {
    const settled = await call("POST", `/api/v1/donations/${donation.id}/assign`, body);
    const flags = settled.flags.length ? `; flagged ${settled.flags.map((f) => flagWord(f.code)).join(", ")}` : "";
    await loadQueue();
    say("review-queue-status", `Settled on ${settled.donor ? settled.donor.full_name : "a new person"}${flags}.`);
  } catch (error) {
    say(status, error.message, true);
  }
}

// ---- flags ----
export async function showFlags({ can }) {
  view.can = can;
  await loadFlags();
}

async function loadFlags() {
  say("flags-status", "Loading...");
  try {
    const page = await call("GET", "/api/v1/donations/flags?per_page=200");
    setChildren($("flags"), page.items.map(flagRow));
    const today = new Date().toLocaleDateString("en-CA");
    const overdue = page.items.filter((f) => f.due_on && f.due_on < today).length;
    say("flags-status", `${page.total} to act on${overdue ? `, ${overdue} overdue` : ""}.`);
  } catch (error) {
    say("flags-status", error.message, true);
  }
}

function flagRow(flag) {
  const d = flag.donation;
  const today = new Date().toLocaleDateString("en-CA");
  const overdue = flag.due_on && flag.due_on < today;
  return h("tr", { "data-flag-id": flag.id, class: overdue ? "overdue" : "" },
    h("td", { class: "due" }, flag.due_on ? dateOnly(flag.due_on) : "no date",
      overdue ? h("div", { class: "overdue-word" }, "overdue") : null),
    h("td", {}, h("span", { class: "flag" }, flagWord(flag.code))),
    h("td", { class: "amount" }, flag.amount_cents ? dollars(flag.amount_cents) : ""),
    h("td", {}, dollars(d.amount_cents), " ", label(d.method), " from ", donorName(d),
      h("div", { class: "muted" }, `${dateOnly(d.received_on)}, ${d.election_code}`)),
    h("td", {}, label(flag.status), flag.note ? h("div", { class: "muted" }, flag.note) : null),
    h("td", { class: "actions" }, actions(flag)));
}

function actions(flag) {
  const buttons = [];
  if (flag.status === "open") {
    buttons.push(h("button", { type: "button", on: { click: (e) => review(flag, "confirmed", "", e.target) } },
      "Confirm"));
  }
  buttons.push(ask(flag, "resolved", "Resolve"));
  if (flag.code !== "excessive") buttons.push(ask(flag, "cleared", "Clear"));
  return buttons;
}

// Resolving or clearing needs a note: the button opens a line for it under the row.
function ask(flag, status, words) {
  return h("button", { type: "button", class: status === "cleared" ? "link" : "",
    on: { click: (event) => {
      const row = event.target.closest("tr");
      row.parentElement.querySelector(".reason-row")?.remove();
      const input = h("input", { name: "note", maxlength: 300, required: true,
        placeholder: "What was done, or why it is fine" });
      const status_ = h("p", { role: "status" });
      const line = h("tr", { class: "reason-row" }, h("td", { colspan: 6 },
        h("form", { class: "row", on: { submit: (e) => {
          e.preventDefault();
          review(flag, status, input.value.trim(), status_);
        } } }, h("label", {}, `${words}: note `, input),
        h("button", { type: "submit" }, `${words} flag`),
        h("button", { type: "button", class: "link", on: { click: () => line.remove() } }, "Cancel")),
        status_));
      row.after(line);
      input.focus();
    } } }, words);
}

async function review(flag, status, note, where) {
  try {
    await call("POST", `/api/v1/donations/flags/${flag.id}/review`, { status, note });
    await loadFlags();
  } catch (error) {
    const target = where && where.getAttribute && where.getAttribute("role") === "status"
      ? where : "flags-status";
    say(target, error.message, true);
  }
}
