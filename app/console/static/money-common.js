// What the Money screen's parts share: the words for flags, a donor as given with the gift,
// and the campaign's elections.
import { call } from "./api.js";
import { h } from "./dom.js";
import { label } from "./format.js";

const FLAG_WORDS = {
  excessive: "Over the limit",
  cash_over_limit: "Cash over the cash limit",
  anonymous_cash: "Anonymous cash over the limit",
  not_individual: "Not an individual",
  federal_contractor: "Federal contractor",
  foreign_national: "Foreign national",
  in_name_of_another: "In another's name",
  missing_employer: "Employer or occupation missing",
};
const cache = { elections: null };

export function flagWord(code) {
  return FLAG_WORDS[code] || label(code);
}

// A flag as a chip; a flag staff settled is not shown on a gift.
export function flagChips(donation) {
  const standing = (donation.flags || []).filter((f) => ["open", "confirmed"].includes(f.status));
  if (!standing.length) return h("span", { class: "muted" }, "none");
  return standing.map((f) => h("span", { class: "flag", "data-code": f.code }, flagWord(f.code)));
}

// The contributor as given with the gift (else their record's name); a protected
// (confidential) donor's name is withheld in lists.
export function donorName(donation) {
  if (donation.donor && donation.donor.protected && !donation.last_name) {
    return h("span", { class: "muted" }, "Protected person");
  }
  const name = donation.organization_name
    || [donation.first_name, donation.last_name].filter(Boolean).join(" ")
    || (donation.donor && donation.donor.full_name);
  return name || h("span", { class: "muted" }, "Anonymous");
}

// The campaign's elections, once per sign-in (the gift form and the filters choose from them).
export async function elections() {
  if (!cache.elections) cache.elections = await call("GET", "/api/v1/donations/elections");
  return cache.elections;
}

// Another sign-in may be another campaign's.
export function forgetElections() {
  cache.elections = null;
}
