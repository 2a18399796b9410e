// The Links screen: short links for posts, channels and ads, each with its clicks, sign-ups
// and gifts; a new link to a page of ours or an admin's destination; admins add destinations.
// #/links. Shown to roles with links.manage (directors, organizers).
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";
import { dollars, label } from "./format.js";

const form = $("link-form");
const destinationForm = $("destination-form");

export async function show({ can }) {
  destinationForm.hidden = !can("link_destinations.manage");
  await Promise.all([loadLinks(), loadDestinations()]);
}

export function hide() {}

async function loadLinks() {
  try {
    const { items, total } = await call("GET", "/api/v1/links?per_page=200");
    setChildren($("links"), items.map((link) => h("tr", { "data-link-id": link.id },
      h("td", {}, link.name, link.is_active ? "" : " (off)"),
      h("td", { class: "code" }, link.source_code),
      h("td", {}, label(link.channel)),
      h("td", {}, h("code", { class: "short-url" }, link.short_url)),
      h("td", { class: "link-clicks" }, String(link.clicks)),
      h("td", { class: "link-signups" }, String(link.signups)),
      h("td", {}, `${link.gifts} (${dollars(link.gift_cents)})`),
      h("td", {}, h("button", { type: "button", on: { click: () => toggle(link) } },
        link.is_active ? "Turn off" : "Turn on")))));
    say("links-status", total ? "" : "No links yet.");
  } catch (error) {
    say("links-status", error.message, true);
  }
}

async function loadDestinations() {
  const destinations = await call("GET", "/api/v1/link-destinations");
  setChildren(form.elements.destination_id, h("option", { value: "" }, "A page of ours (below)"),
    destinations.map((d) => h("option", { value: d.id }, `${d.name} (${d.url})`)));
}

async function toggle(link) {
  try {
    await call("PATCH", `/api/v1/links/${link.id}`, { is_active: !link.is_active });
    await loadLinks();
  } catch (error) {
    say("links-status", error.message, true);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = form.elements;
  const body = { name: f.name.value.trim(), source_code: f.source_code.value.trim(),
    channel: f.channel.value };
  if (f.destination_id.value) body.destination_id = Number(f.destination_id.value);
  else body.path = f.path.value.trim() || "/";
  sayFields(form, null);
  try {
    const link = await call("POST", "/api/v1/links", body);
    form.reset();
    say("link-form-status", `Made: ${link.short_url}`);
    await loadLinks();
  } catch (error) {
    if (!sayFields(form, error)) say("link-form-status", error.message, true);
  }
});

destinationForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = destinationForm.elements;
  sayFields(destinationForm, null);
  try {
    await call("POST", "/api/v1/link-destinations", { name: f.name.value.trim(),
      url: f.url.value.trim() });
    destinationForm.reset();
    say("destination-status", "Added.");
    await loadDestinations();
  } catch (error) {
    if (!sayFields(destinationForm, error)) say("destination-status", error.message, true);
  }
});
