// The Follow-ups screen: the campaign's automatic follow-up rules with what each did (people
// entered, actions done, skipped and why, waiting), turning one off and on, and a new rule:
// a trigger, a delay, conditions (a universe filter) and an action, the kinds' details as JSON
// (GET /api/v1/automation/kinds lists them). #/rules. Shown to roles with automation.manage.
import { call } from "./api.js";
import { $, h, say, sayFields, table } from "./dom.js";
import { label } from "./format.js";

const form = $("rule-form");
const view = { active: false, userId: null, kinds: null };
const JSON_FIELDS = ["trigger_params", "conditions", "action_params"];

export async function show({ me }) {
  if (view.userId !== me.id) {
    form.reset();
    view.userId = me.id;
  }
  if (view.active) return;
  view.active = true;
  await Promise.all([loadKinds(), loadRules()]);
}

export function hide() {
  view.active = false;
}

async function loadKinds() {
  if (view.kinds) return;
  try {
    view.kinds = await call("GET", "/api/v1/automation/kinds");
  } catch (error) {
    return say("rules-status", error.message, true);
  }
  const { triggers, actions } = view.kinds;
  form.elements.trigger.replaceChildren(...triggers.filter((t) => t.available)
    .map((t) => new Option(t.description, t.name)));
  form.elements.action.replaceChildren(...actions.map((a) => new Option(a.description, a.name)));
  describe();
}

// What the chosen trigger and action take.
function describe() {
  if (!view.kinds) return;
  const trigger = view.kinds.triggers.find((t) => t.name === form.elements.trigger.value);
  const action = view.kinds.actions.find((a) => a.name === form.elements.action.value);
  const parts = [];
  if (trigger) parts.push(`Trigger details: ${trigger.params.join(", ") || "none"}.`);
  if (trigger && trigger.fields.length) parts.push(`It gives ${trigger.fields.map((f) => `{{ ${f} }}`).join(", ")}.`);
  if (action) parts.push(`Action details: ${action.params.join(", ")}.`);
  $("rule-kinds").textContent = parts.join(" ");
}
form.elements.trigger.addEventListener("change", describe);
form.elements.action.addEventListener("change", describe);

async function loadRules() {
  try {
    const { items } = await call("GET", "/api/v1/automation/rules?per_page=200");
    $("rules").replaceChildren(table(
      ["Rule", "When", "Wait", "Then", "Entered", "Done", "Skipped", "Waiting", ""],
      items.map((rule) => [
        rule.name, label(rule.trigger), minutes(rule.delay_minutes), label(rule.action),
        String(rule.counts.entered), String(rule.counts.done), skipped(rule.counts),
        String(rule.counts.waiting),
        h("button", { type: "button", "data-rule-id": rule.id,
          on: { click: () => toggle(rule) } }, rule.is_active ? "Turn off" : "Turn on"),
      ]), "No rules yet."));
  } catch (error) {
    say("rules-status", error.message, true);
  }
}

function minutes(total) {
  if (!total) return "none";
  if (total % 1440 === 0) return `${total / 1440} d`;
  if (total % 60 === 0) return `${total / 60} h`;
  return `${total} min`;
}

function skipped(counts) {
  const why = Object.entries(counts.skipped_by_reason).map(([reason, n]) => `${label(reason)}: ${n}`);
  return why.length ? `${counts.skipped} (${why.join(", ")})` : String(counts.skipped);
}

async function toggle(rule) {
  try {
    await call("PATCH", `/api/v1/automation/rules/${rule.id}`, { is_active: !rule.is_active });
    say("rules-status", `${rule.name}: ${rule.is_active ? "off" : "on"}.`);
    await loadRules();
  } catch (error) {
    say("rules-status", error.message, true);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  sayFields(form, null);
  const body = Object.fromEntries(new FormData(form));
  body.delay_minutes = Number(body.delay_minutes || 0);
  for (const key of JSON_FIELDS) {
    try {
      body[key] = JSON.parse(body[key] || "{}");
    } catch {
      sayFields(form, { reason: "Not JSON.", fields: { [key]: ["Write it as JSON: {\"key\": \"value\"}."] } });
      return say("rule-form-status", "Some details are not JSON.", true);
    }
  }
  try {
    await call("POST", "/api/v1/automation/rules", body);
    say("rule-form-status", `Saved: ${body.name}.`);
    form.elements.name.value = "";
    await loadRules();
  } catch (error) {
    // "action_params.body" is the action's details box.
    sayFields(form, error, (name) => form.querySelector(`[name="${CSS.escape(name.split(".")[0])}"]`));
    say("rule-form-status", error.message, true);
  }
});
