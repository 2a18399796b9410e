// The Review screen: each canvasser's sync batches with the signs that their times or doors are
// wrong (flags) and how far from the doors they were; hold, release or roll back a batch; and
// the NGP VAN export. #/review. Shown to roles with canvass.review; the export to canvass.export.
import { call, download } from "./api.js";
import { $, h, say, setChildren } from "./dom.js";
import { label, moment } from "./format.js";

const FLAG_WORDS = {
  dated_after_sync: "Dated after it was sent",
  dated_before_claim: "Dated before the list was theirs",
  clock_changed: "Phone clock moved",
  door_knocked_repeatedly: "One door, many knocks in seconds",
};
const STATUS_WORDS = { applied: "Counted", held: "Held", rolled_back: "Rolled back" };
const form = $("review-filters");
const view = { can: () => false, active: false, userId: null };

export async function show({ can, me }) {
  view.can = can;
  $("van-export").hidden = !can("canvass.export");
  if (view.active && view.userId === me.id) return;
  view.active = true;
  if (view.userId !== me.id) form.reset();
  view.userId = me.id;
  await load();
}

export function hide() {
  view.active = false;
}

async function load() {
  const params = new URLSearchParams({ per_page: 200 });
  if (form.elements.status.value) params.set("status", form.elements.status.value);
  say("review-status", "Loading...");
  try {
    const { items, total } = await call("GET", `/api/v1/canvass/batches?${params}`);
    const byCanvasser = new Map();
    for (const batch of items) {
      if (!byCanvasser.has(batch.user_id)) byCanvasser.set(batch.user_id, []);
      byCanvasser.get(batch.user_id).push(batch);
    }
    setChildren($("review-batches"), [...byCanvasser.values()].map(canvasser));
    say("review-status", total === 1 ? "1 batch." : `${total} batches.`);
  } catch (error) {
    say("review-status", error.message, true);
  }
}

function canvasser(batches) {
  const flagged = batches.filter((b) => b.flags.length).length;
  return h("section", { class: "canvasser", "data-user-id": batches[0].user_id },
    h("h3", {}, batches[0].user_name || `User ${batches[0].user_id}`,
      h("span", { class: "muted" }, ` ${batches.length} batches, ${flagged} flagged`)),
    h("table", { class: "lists" },
      h("thead", {}, h("tr", {}, ["Received", "Knocks", "Status", "Flags", "Distance from door",
        "Phone clock", ""].map((name) => h("th", {}, name)))),
      h("tbody", {}, batches.map(batchRow))));
}

function distances(d) {
  const parts = [["green", "near"], ["orange", "100-300 m"], ["red", "far"], ["no_gps", "no GPS"]]
    .filter(([key]) => d[key]).map(([key, words]) => h("span", { class: `gps ${key}` },
      `${d[key]} ${words}`));
  if (d.farthest_m != null) parts.push(h("span", { class: "muted" }, `farthest ${d.farthest_m} m`));
  return parts.length ? parts : "none";
}

function offset(seconds) {
  if (seconds == null) return "not sent";
  const minutes = Math.round(seconds / 60);
  if (!minutes) return "right";
  return `${Math.abs(minutes)} min ${minutes > 0 ? "fast" : "slow"}`;
}

function batchRow(batch) {
  const row = h("tr", { "data-batch-id": batch.id, class: batch.flags.length ? "flagged" : "" },
    h("td", {}, moment(batch.received_at)),
    h("td", {}, String(batch.applied)),
    h("td", {}, STATUS_WORDS[batch.status] || label(batch.status), batch.review_reason
      ? h("div", { class: "muted" }, batch.review_reason) : null),
    h("td", {}, batch.flags.length
      ? batch.flags.map((f) => h("span", { class: "flag" }, FLAG_WORDS[f] || label(f)))
      : h("span", { class: "muted" }, "none")),
    h("td", {}, distances(batch.distances)),
    h("td", {}, offset(batch.clock_offset_s)),
    h("td", { class: "actions" }, actions(batch)));
  return row;
}

function actions(batch) {
  const buttons = [];
  if (batch.status === "applied") buttons.push(ask(batch, "hold", "Hold"));
  if (batch.status === "held") {
    buttons.push(h("button", { type: "button", on: { click: () => act(batch, "release") } },
      "Release"));
  }
  if (batch.status !== "rolled_back") buttons.push(ask(batch, "rollback", "Roll back"));
  return buttons;
}

// Hold and roll back need a reason: the button opens a line for it under the row.
function ask(batch, action, words) {
  return h("button", { type: "button", class: action === "rollback" ? "danger" : "",
    on: { click: (event) => {
      const row = event.target.closest("tr");
      row.parentElement.querySelector(".reason-row")?.remove();
      const input = h("input", { name: "reason", maxlength: 500, required: true,
        placeholder: "Why (kept with the batch and in each history)" });
      const status = h("p", { role: "status" });
      const line = h("tr", { class: "reason-row" }, h("td", { colspan: 7 },
        h("form", { class: "row", on: { submit: (e) => {
          e.preventDefault();
          act(batch, action, { reason: input.value.trim() }, status);
        } } }, h("label", {}, `${words}: reason `, input),
        h("button", { type: "submit" }, `Confirm ${words.toLowerCase()}`),
        h("button", { type: "button", class: "link", on: { click: () => line.remove() } },
          "Cancel")), status));
      row.after(line);
      input.focus();
    } } }, words);
}

async function act(batch, action, body, status) {
  try {
    await call("POST", `/api/v1/canvass/batches/${batch.id}/${action}`, body);
    await load();
  } catch (error) {
    say(status || "review-status", error.message, true);
  }
}

form.addEventListener("change", load);
form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
$("van-export").addEventListener("submit", async (event) => {
  event.preventDefault();
  const params = new URLSearchParams({ format: "csv" });
  for (const name of ["since", "until"]) {
    const value = event.target.elements[name].value;
    if (value) params.set(name, new Date(value).toISOString());
  }
  try {
    await download(`/api/v1/canvass/exports/van?${params}`, "van-canvass-results.csv");
    say("van-status", "Downloaded.");
  } catch (error) {
    say("van-status", error.message, true);
  }
});
