// The Money screen, for finance (donations.read; directors: goals and totals only): the desk (deposit batches, gifts typed
// against the slip), the review queue, the flags to act on (compliance.manage) and the list of
// donations, and one donor's giving with corrections. #/money/desk, #/money/review,
// #/money/flags, #/money/list, #/money/donor[/PERSON[/DONATION]], #/money/cures, #/money/calls,
// #/money/goals. The parts are money-desk.js, money-review.js, money-donor.js, money-cures.js,
// money-calls.js and money-goals.js (what they share: money-common.js); this file is the shell
// and the list.
import { call } from "./api.js";
import { $, h, say, setChildren } from "./dom.js";
import { dateOnly, dollars, label } from "./format.js";
import { donorName, elections, flagChips, forgetElections } from "./money-common.js";
import { pager } from "./pager.js";
import * as calls from "./money-calls.js";
import * as cures from "./money-cures.js";
import * as desk from "./money-desk.js";
import * as donor from "./money-donor.js";
import * as goals from "./money-goals.js";
import * as review from "./money-review.js";

// Directors (donations.totals) have goals and totals only; the rest is finance's.
const PARTS = {
  desk: { show: desk.show, permission: "donations.read" },
  review: { show: review.showQueue, permission: "donations.read" },
  flags: { show: review.showFlags, permission: "compliance.manage" },
  list: { show: showList, permission: "donations.read" },
  donor: { show: donor.show, permission: "donations.read" },
  cures: { show: cures.show, permission: "fundraising.manage" },
  calls: { show: calls.show, permission: "fundraising.manage" },
  goals: { show: goals.show, permission: "donations.totals" },
};
const view = { can: () => false, userId: null };

export async function show({ can, me }, [part, ...rest]) {
  view.can = can;
  if (view.userId !== me.id) {
    forgetElections();
    view.userId = me.id;
    $("donation-filters").reset();
    pages.clear();
  }
  for (const node of document.querySelectorAll("[data-permission]")) {
    if (node.closest("#screen-money")) node.hidden = !can(node.dataset.permission);
  }
  const allowed = Object.keys(PARTS).filter((name) => !PARTS[name].permission
    || can(PARTS[name].permission));
  const shown = allowed.includes(part) ? part : allowed[0];
  if (shown !== part) history.replaceState(null, "", `#/money/${shown}`);
  for (const name of Object.keys(PARTS)) $(`money-${name}`).hidden = name !== shown;
  for (const tab of $("money-parts").querySelectorAll("a")) {
    if (tab.dataset.part === shown) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  await PARTS[shown].show({ can }, shown === part ? rest : []);
}

export function hide() {}

// ---- the list of donations ----
async function showList() {
  const select = $("donation-filters").elements.election_id;
  if (select.length === 1) {
    for (const e of await elections()) select.append(new Option(e.code, e.id));
  }
  await loadList(pages.page);  // back to the page that was shown
}

async function loadList(page = 1) {
  const params = new URLSearchParams({ page, per_page: 50 });
  for (const [name, value] of new FormData($("donation-filters"))) {
    if (value) params.set(name, value);
  }
  say("donations-status", "Loading...");
  try {
    const page = await call("GET", `/api/v1/donations?${params}`);
    setChildren($("donations"), page.items.map(donationRow));
    say("donations-status", page.total === 1 ? "1 entry." : `${page.total} entries.`);
    pages.show(page);
  } catch (error) {
    say("donations-status", error.message, true);
  }
}

function donationRow(d) {
  const kind = d.kind === "contribution" ? "" : ` (${label(d.kind)})`;
  return h("tr", { "data-donation-id": d.id, class: d.amount_cents < 0 ? "money-out" : "" },
    h("td", {}, dateOnly(d.received_on)),
    h("td", {}, d.person_id ? h("a", { href: `#/money/donor/${d.person_id}/${d.id}` }, donorName(d))
      : donorName(d), d.match_status === "review"
      ? h("div", { class: "muted" }, "Donor to review") : null),
    h("td", { class: "amount" }, dollars(d.amount_cents), kind),
    h("td", {}, label(d.method), d.check_number ? ` ${d.check_number}` : ""),
    h("td", {}, d.election_code),
    h("td", {}, [d.processor, d.page].filter(Boolean).join(": ")),
    h("td", {}, flagChips(d)));
}

$("donation-filters").addEventListener("change", () => loadList(1));
$("donation-filters").addEventListener("submit", (event) => { event.preventDefault(); });
const pages = pager($("donation-pages"), loadList);
