// The Webhooks screen (admins: webhooks.manage): the campaign's subscriptions with their state
// and how many deliveries wait; a new one (URL, event types), whose signing secret is shown
// here once; per subscription a test event, pause or resume, delete, and its deliveries with
// every attempt (status code, time, answer). #/webhooks.
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren, table } from "./dom.js";

const form = $("webhook-form");
const view = { active: false, types: null, selected: null };
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

export async function show() {
  if (view.active) return;
  view.active = true;
  await Promise.all([loadTypes(), loadSubscriptions()]);
}

export function hide() {
  view.active = false;
  $("webhook-secret").hidden = true;  // shown once: gone when the screen is left
}

async function loadTypes() {
  if (view.types) return;
  try {
    view.types = await call("GET", "/api/v1/webhook-subscriptions/event-types");
  } catch (error) {
    return say("webhooks-status", error.message, true);
  }
  setChildren($("webhook-types"), view.types.map((t) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "event_types", value: t.type }), ` ${t.type}`,
    h("span", { class: "muted" }, ` ${t.description}`))));
}

async function loadSubscriptions() {
  try {
    const { items } = await call("GET", "/api/v1/webhook-subscriptions?per_page=50");
    setChildren($("webhooks"), table(
      ["Name", "URL", "Events", "Status", "Waiting", "Last success", ""],
      items.map((s) => [
        s.name, h("span", { class: "code" }, s.url), s.event_types.join(", "),
        s.status === "paused" ? h("strong", { class: "error" }, `paused: ${s.paused_reason || ""}`) : s.status,
        String(s.waiting), when(s.last_success_at),
        h("span", { class: "row" },
          h("button", { type: "button", on: { click: () => act(s, "test") } }, "Send test"),
          s.status === "paused"
            ? h("button", { type: "button", on: { click: () => act(s, "resume") } }, "Resume")
            : h("button", { type: "button", on: { click: () => act(s, "pause") } }, "Pause"),
          h("button", { type: "button", on: { click: () => refresh(s) } }, "Deliveries"),
          h("button", { type: "button", class: "link", on: { click: () => act(s, "delete") } }, "Delete")),
      ]), "No subscriptions yet."));
  } catch (error) {
    say("webhooks-status", error.message, true);
  }
}

async function act(subscription, verb) {
  const base = `/api/v1/webhook-subscriptions/${subscription.id}`;
  try {
    if (verb === "test") await call("POST", `${base}/test`);
    if (verb === "resume") await call("POST", `${base}/resume`);
    if (verb === "pause") await call("PATCH", base, { status: "paused" });
    if (verb === "delete") {
      if (!window.confirm(`Delete ${subscription.name}? Deliveries not yet made are dropped.`)) return;
      await call("DELETE", base);
    }
    const done = { test: "test event queued", resume: "resumed", pause: "paused", delete: "deleted" };
    await loadSubscriptions();
    if (verb !== "delete" && view.selected === subscription.id) await showDeliveries(subscription);
    say("webhooks-status", `${subscription.name}: ${done[verb]}.`);
  } catch (error) {
    say("webhooks-status", error.message, true);
  }
}

// The list again (waiting, last success) and this subscription's deliveries.
async function refresh(subscription) {
  await loadSubscriptions();
  await showDeliveries(subscription);
}

async function showDeliveries(subscription) {
  view.selected = subscription.id;
  $("webhook-deliveries-title").textContent = `Deliveries to ${subscription.name}`;
  try {
    const page = await call("GET", `/api/v1/webhook-subscriptions/${subscription.id}/deliveries?per_page=50`);
    setChildren($("webhook-deliveries"), table(
      ["Event", "Status", "Attempts", "Last answer", "Next try", "Log"],
      page.items.map((d) => [
        d.event_type, d.status, String(d.attempts),
        d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error || ""),
        d.status === "pending" ? when(d.next_attempt_at) : "",
        d.attempt_log.map((a) => h("div", { class: "muted" },
          `${when(a.attempted_at)}: ${a.status_code || a.error} (${a.duration_ms} ms)`)),
      ]), "No deliveries yet."));
    $("webhook-deliveries-pane").hidden = false;
  } catch (error) {
    say("webhooks-status", error.message, true);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  sayFields(form, null);
  const data = new FormData(form);
  const body = { name: data.get("name"), url: data.get("url"), event_types: data.getAll("event_types") };
  try {
    const made = await call("POST", "/api/v1/webhook-subscriptions", body);
    $("webhook-secret-value").textContent = made.secret;
    $("webhook-secret").hidden = false;
    say("webhook-form-status", `Saved: ${made.name}.`);
    form.reset();
    await loadSubscriptions();
  } catch (error) {
    sayFields(form, error, (name) => form.querySelector(`[name="${CSS.escape(name.split(".")[0])}"]`));
    say("webhook-form-status", error.message, true);
  }
});
