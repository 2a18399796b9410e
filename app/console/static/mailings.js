// The Email screen: campaigns, a campaign's editor with its audience count, a preview as any
// recipient, a test send, send now, pause, resume, cancel, and the results. #/email[/new|/ID].
// Shown to roles with outreach.manage; sending to those with outreach.send.
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren, table } from "./dom.js";
import { label, moment } from "./format.js";

const form = $("campaign-form");
const PARTS = ["name", "purpose", "audience_id", "from_name", "from_address", "reply_to",
  "subject", "preheader", "text_body", "html_body"];
const view = { can: () => false, campaign: null, timer: null };

export async function show({ can }, [id] = []) {
  view.can = can;
  await Promise.all([loadCampaigns(), loadUniverses()]);
  if (id === "new") return edit(null);
  if (id) return edit(await call("GET", `/api/v1/email/campaigns/${id}`));
  form.hidden = true;
  for (const part of ["campaign-preview", "campaign-send", "campaign-results"]) $(part).hidden = true;
  $("campaign-hint").hidden = false;
}

export function hide() {
  clearTimeout(view.timer);
}

async function loadCampaigns() {
  try {
    const { items, total } = await call("GET", "/api/v1/email/campaigns?per_page=200");
    setChildren($("campaigns"), items.map((c) => h("tr", { "data-campaign-id": c.id },
      h("td", {}, h("a", { href: `#/email/${c.id}` }, c.name)),
      h("td", { class: "campaign-status" }, label(c.status)),
      h("td", {}, moment(c.started_at || c.created_at)))));
    say("campaigns-status", total ? "" : "No campaigns yet.");
  } catch (error) {
    say("campaigns-status", error.message, true);
  }
}

async function loadUniverses() {
  const { items } = await call("GET", "/api/v1/universes?per_page=200");
  const select = form.elements.audience_id;
  const chosen = select.value;
  setChildren(select, items.map((u) => h("option", { value: u.id }, u.name)));
  if (chosen) select.value = chosen;
}

function edit(campaign) {
  clearTimeout(view.timer);
  view.campaign = campaign;
  $("campaign-hint").hidden = true;
  form.hidden = false;
  sayFields(form, null);
  say("campaign-status", "");
  form.reset();
  for (const name of PARTS) {
    if (campaign && campaign[name] != null) form.elements[name].value = campaign[name];
  }
  lock(campaign);
  $("campaign-title").textContent = campaign ? campaign.name : "New campaign";
  $("campaign-preview").hidden = !campaign;
  $("campaign-send").hidden = !campaign || !view.can("outreach.send");
  $("campaign-results").hidden = !campaign || !campaign.started_at;
  $("preview-out").hidden = true;
  say("preview-status", "");
  say("send-status", "");
  if (!campaign) return say("audience-count", "");
  showState(campaign);
  poll();
  return Promise.all([countAudience(), loadRecipients(), loadResults()]);
}

// Only a draft or scheduled campaign changes; one that went out is history.
function lock(campaign) {
  const editable = !campaign || ["draft", "scheduled"].includes(campaign.status);
  for (const name of PARTS) form.elements[name].disabled = !editable;
  $("campaign-save").hidden = !editable;
}

function showState(campaign) {
  const { status } = campaign;
  $("send-now").hidden = status !== "draft";
  $("pause-campaign").hidden = !["scheduled", "sending"].includes(status);
  $("resume-campaign").hidden = status !== "paused";
  $("cancel-campaign").hidden = ["sent", "cancelled"].includes(status);
  $("test-form").hidden = ["sent", "cancelled"].includes(status);
}

async function countAudience() {
  const { recipients } = await call("GET", `/api/v1/email/campaigns/${view.campaign.id}/audience`);
  say("audience-count", `${recipients} ${recipients === 1 ? "recipient" : "recipients"} now`);
}

// People of the campaign's universe to preview as (the first page).
async function loadRecipients() {
  const { audience_id: universe } = view.campaign;
  const { items } = await call("GET", `/api/v1/universes/${universe}/people?per_page=50`);
  setChildren($("preview-as"), items.map((p) => h("option", { value: p.id },
    [p.first_name, p.last_name].filter(Boolean).join(" ") || `Person ${p.id}`)));
}

async function loadResults() {
  if (!view.campaign.started_at) return;
  const results = await call("GET", `/api/v1/email/campaigns/${view.campaign.id}/results`);
  const rows = [
    ...Object.entries(results.recipients).map(([status, n]) => [label(status), String(n)]),
    ...Object.entries(results.engagement).map(([kind, n]) => [label(kind), String(n)]),
  ];
  setChildren($("results"), table(["", "Recipients"], rows));
}

// While it waits or sends, the screen follows it.
function poll() {
  clearTimeout(view.timer);
  if (["sending", "scheduled"].includes(view.campaign.status)) {
    view.timer = setTimeout(refresh, 3000);
  }
}

async function refresh() {
  const campaign = await call("GET", `/api/v1/email/campaigns/${view.campaign.id}`);
  view.campaign = campaign;
  showState(campaign);
  lock(campaign);
  $("campaign-results").hidden = !campaign.started_at;
  poll();
  await Promise.all([loadResults(), loadCampaigns()]);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {};
  for (const name of PARTS) {
    const value = form.elements[name].value.trim();
    if (value || name === "preheader" || name === "html_body") body[name] = value;
  }
  body.audience_id = Number(body.audience_id);
  sayFields(form, null);
  try {
    const campaign = view.campaign
      ? await call("PATCH", `/api/v1/email/campaigns/${view.campaign.id}`, body)
      : await call("POST", "/api/v1/email/campaigns", { ...body, audience_kind: "universe" });
    if (!view.campaign) location.hash = `#/email/${campaign.id}`;
    else await Promise.all([edit(campaign), loadCampaigns()]);
    say("campaign-status", "Saved.");
  } catch (error) {
    if (!sayFields(form, error)) say("campaign-status", error.message, true);
  }
});

$("preview-button").addEventListener("click", async () => {
  const person = $("preview-as").value;
  try {
    const shown = await call("GET",
      `/api/v1/email/campaigns/${view.campaign.id}/preview?person_id=${person}`);
    $("preview-subject").textContent = shown.subject;
    $("preview-preheader").textContent = shown.preheader;
    $("preview-html").srcdoc = shown.html;  // a sandboxed frame: no scripts, no forms
    $("preview-html").hidden = !shown.html;
    $("preview-text").textContent = shown.text;
    $("preview-out").hidden = false;
    say("preview-status", "");
  } catch (error) {
    $("preview-out").hidden = true;
    say("preview-status", error.message, true);
  }
});

$("test-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await call("POST", `/api/v1/email/campaigns/${view.campaign.id}/test`,
      { person_id: Number($("preview-as").value), to: event.target.elements.to.value });
    say("send-status", `Test sent to ${event.target.elements.to.value}.`);
  } catch (error) {
    say("send-status", error.message, true);
  }
});

async function act(action, words) {
  try {
    view.campaign = await call("POST",
      `/api/v1/email/campaigns/${view.campaign.id}/${action}`, action === "send" ? {} : undefined);
    await Promise.all([edit(view.campaign), loadCampaigns()]);
    say("send-status", words);
  } catch (error) {
    say("send-status", error.message, true);
  }
}

$("send-now").addEventListener("click", () => act("send", "Sending: the worker sends it now."));
$("pause-campaign").addEventListener("click", () => act("pause", "Paused."));
$("resume-campaign").addEventListener("click", () => act("resume", "Resumed."));
$("cancel-campaign").addEventListener("click", () => act("cancel", "Cancelled."));
