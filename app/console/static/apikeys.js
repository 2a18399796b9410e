// The API keys screen, for admins (api_keys.manage): the campaign's keys for integrations
// (the OSDI API, docs/open-api.md) with their scopes, expiry and last use; a new key, whose
// secret is shown once; revoking one. #/keys.
import { call } from "./api.js";
import { $, h, say, sayFields, table } from "./dom.js";

const SCOPES = ["people.read", "people.write", "events.read", "events.write",
  "donations.read", "donations.write", "canvassing.read", "canvassing.write"];
const form = $("key-form");
const view = { userId: null };

export async function show({ me }) {
  if (view.userId !== me.id) {
    form.reset();
    $("key-secret-box").hidden = true;
    view.userId = me.id;
  }
  if (!form.querySelector("[name=scopes]")) {
    $("key-scopes").replaceChildren(...SCOPES.map((scope) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "scopes", value: scope }), ` ${scope}`)));
  }
  await load();
}

export function hide() {}

const when = (value) => (value ? new Date(value).toLocaleString() : "never");

async function load() {
  try {
    const keys = await call("GET", "/api/v1/api-keys");
    $("keys").replaceChildren(table(
      ["Name", "Key", "Scopes", "Status", "Expires", "Last used", ""],
      keys.map((key) => [
        key.name, `${key.prefix}…`, key.scopes.join(", "), key.status,
        key.expires_at ? when(key.expires_at) : "no expiry", when(key.last_used_at),
        key.status === "revoked" ? "" : h("button", { type: "button", "data-key-id": key.id,
          on: { click: () => revoke(key) } }, "Revoke"),
      ]), "No keys yet."));
  } catch (error) {
    say("keys-status", error.message, true);
  }
}

async function revoke(key) {
  if (!window.confirm(`Revoke ${key.name}? Integrations using it stop at once.`)) return;
  try {
    await call("POST", `/api/v1/api-keys/${key.id}/revoke`);
    say("keys-status", `${key.name}: revoked.`);
    await load();
  } catch (error) {
    say("keys-status", error.message, true);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  sayFields(form, null);
  const data = new FormData(form);
  const body = { name: data.get("name"), scopes: data.getAll("scopes") };
  if (data.get("expires_on")) body.expires_at = new Date(`${data.get("expires_on")}T23:59:59`).toISOString();
  try {
    const made = await call("POST", "/api/v1/api-keys", body);
    $("key-secret").textContent = made.key;
    $("key-secret-box").hidden = false;
    say("key-form-status", `Made: ${made.name}. Copy the key now: it is not shown again.`);
    form.reset();
    await load();
  } catch (error) {
    sayFields(form, error, (name) => form.querySelector(`[name="${CSS.escape(name.split(".")[0])}"]`)
      || (name.startsWith("scopes") ? $("key-scopes") : null));
    say("key-form-status", error.message, true);
  }
});
