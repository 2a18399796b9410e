// The Texting screen (Spoke's way): the texting campaigns (claim a batch, hand off; organisers
// write, estimate, start and close them), my conversations (organisers: the shared inbox and
// all), and one thread: the first message as it will go (segments, cost), sent with one tap;
// replies with canned answers or one's own words; the result and the script's answers.
// #/texting, #/texting/CONVERSATION_ID. Shown to roles with texting.send.
import { call } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";
import { label, moment } from "./format.js";

const BATCH = 25;
const STATUS_WORDS = { needs_message: "To send", messaged: "Sent", needs_response: "Replied",
  convo: "Answered", closed: "Closed", opted_out: "Opted out" };
const form = $("text-campaign-form");
const filters = $("inbox-filters");
const view = { can: () => false, active: false, userId: null, id: null, campaigns: new Map(),
  codes: null, scripts: null };

export async function show({ can, me }, [what]) {
  view.can = can;
  view.id = what ? Number(what) : null;
  const manage = can("texting.manage");
  form.hidden = !manage;
  filters.hidden = !manage;
  if (view.userId !== me.id) {
    form.reset();
    filters.reset();
    Object.assign(view, { codes: null, scripts: null, userId: me.id });
  }
  const work = [];
  if (!view.active) {
    view.active = true;
    work.push(loadCampaigns(), loadConversations());
    if (manage) work.push(loadUniverses());
  }
  $("thread-hint").hidden = Boolean(view.id);
  $("thread").hidden = true;
  if (view.id) work.push(openThread(view.id));
  await Promise.all(work);
}

export function hide() {
  view.active = false;
}

// ---- campaigns ----
async function loadCampaigns() {
  try {
    const { items } = await call("GET", "/api/v1/texting/campaigns?per_page=200");
    view.campaigns = new Map(items.map((c) => [c.id, c]));
    setChildren($("text-campaigns"), items.length
      ? h("ul", { class: "turfs" }, items.map(campaignItem))
      : h("p", { class: "muted" }, "No texting campaigns yet."));
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

function campaignItem(campaign) {
  const c = campaign.counts;
  const figures = `${c.needs_message} to send, ${c.needs_response} replied, ${c.opted_out} opted out`;
  const active = campaign.status === "active";
  const peer = campaign.kind === "peer";
  const manage = view.can("texting.manage");
  const button = (text, fn) => h("button", { type: "button", on: { click: fn } }, text);
  return h("li", { "data-campaign-id": campaign.id, class: "campaign" },
    h("span", {}, h("strong", {}, campaign.name), ` ${label(campaign.kind)}, ${campaign.status}`,
      h("br"), h("span", { class: "muted" }, figures)),
    h("span", { class: "actions" },
      active && peer && button(`Claim ${BATCH}`, () => claim(campaign)),
      active && peer && button("Hand off", () => release(campaign)),
      manage && campaign.status === "draft" && button("Estimate", () => estimate(campaign)),
      manage && campaign.status === "draft" && button("Start", () => start(campaign)),
      manage && active && button("Close", () => act(campaign, "close", "Closed."))));
}

async function act(campaign, verb, done) {
  try {
    await call("POST", `/api/v1/texting/campaigns/${campaign.id}/${verb}`);
    say("texting-status", done);
    await Promise.all([loadCampaigns(), loadConversations()]);
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

async function claim(campaign) {
  try {
    const { conversation_ids: ids } = await call("POST",
      `/api/v1/texting/campaigns/${campaign.id}/claim`, { count: BATCH });
    await Promise.all([loadCampaigns(), loadConversations()]);
    say("texting-status", ids.length ? `${ids.length} conversations are yours.` : "Nothing left to claim.");
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

async function release(campaign) {
  try {
    const { unsent, to_inbox: inbox } = await call("POST",
      `/api/v1/texting/campaigns/${campaign.id}/release`);
    say("texting-status", `Handed off: ${unsent} unsent back to the pool, ${inbox} to the inbox.`);
    await Promise.all([loadCampaigns(), loadConversations()]);
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

async function estimate(campaign) {
  try {
    const e = await call("GET", `/api/v1/texting/campaigns/${campaign.id}/estimate`);
    say("texting-status", `${e.recipients} people, ${e.segments} segments `
      + `(${e.segments_per_message.average} a message, at most ${e.segments_per_message.max}): `
      + `${e.cost} at ${e.cost_per_segment} a segment.`
      + (e.cannot_render ? ` ${e.cannot_render} of ${e.sampled} lack a merge field.` : ""));
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

async function start(campaign) {
  try {
    const { conversations } = await call("POST", `/api/v1/texting/campaigns/${campaign.id}/start`);
    say("texting-status", `Started: ${conversations} people to text.`);
    await Promise.all([loadCampaigns(), loadConversations()]);
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

async function loadUniverses() {
  const { items } = await call("GET", "/api/v1/universes?per_page=200").catch(() => ({ items: [] }));
  const select = form.elements.universe_id;
  select.replaceChildren(...items.map((u) => new Option(u.name, u.id)));
  form.elements.kind.options[1].disabled = !view.can("texting.broadcast");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(new FormData(form));
  body.universe_id = Number(body.universe_id);
  sayFields(form, null);
  try {
    await call("POST", "/api/v1/texting/campaigns", body);
    say("text-campaign-form-status", "Saved as a draft: estimate it, then start it.");
    form.elements.name.value = "";
    await loadCampaigns();
  } catch (error) {
    sayFields(form, error);
    say("text-campaign-form-status", error.message, true);
  }
});

// ---- conversations ----
async function loadConversations() {
  const params = new URLSearchParams({ per_page: 200, scope: filters.elements.scope.value });
  try {
    const { items } = await call("GET", `/api/v1/texting/conversations?${params}`);
    setChildren($("conversations"), items.map((c) => h("tr", {
      "data-conversation-id": c.id, class: c.id === view.id ? "selected" : "",
      on: { click: () => { location.hash = `#/texting/${c.id}`; } } },
    h("td", {}, name(c.person)), h("td", {}, STATUS_WORDS[c.status] || label(c.status)),
    h("td", {}, moment(c.last_message_at)))));
  } catch (error) {
    say("texting-status", error.message, true);
  }
}
filters.addEventListener("change", loadConversations);

const name = (person) => [person.first_name, person.last_name].filter(Boolean).join(" ") || "Somebody";

async function setup() {
  if (!view.codes) {
    const [codes, scripts] = await Promise.all([
      call("GET", "/api/v1/canvass/result-codes").catch(() => []),
      call("GET", "/api/v1/canvass/scripts").catch(() => []),
    ]);
    view.codes = codes.filter((code) => code.is_active);
    view.scripts = scripts;
  }
}

async function openThread(id) {
  try {
    const [thread] = await Promise.all([call("GET", `/api/v1/texting/conversations/${id}`), setup()]);
    if (view.id !== id) return;  // another was picked meanwhile
    const campaign = view.campaigns.get(thread.campaign_id)
      || await call("GET", `/api/v1/texting/campaigns/${thread.campaign_id}`);
    setChildren($("thread"), threadView(thread, campaign));
    $("thread").hidden = false;
    for (const row of $("conversations").children) {
      row.classList.toggle("selected", Number(row.dataset.conversationId) === id);
    }
  } catch (error) {
    say("texting-status", error.message, true);
  }
}

function threadView(thread, campaign) {
  const status = h("p", { id: "thread-status", role: "status" });
  return [
    h("h2", {}, name(thread.person), thread.number ? h("span", { class: "muted" }, ` ${thread.number}`) : null),
    h("p", { class: "muted" }, `${thread.campaign_name}: ${STATUS_WORDS[thread.status] || thread.status}`),
    h("ol", { class: "messages" }, thread.messages.map((m) => h("li", { class: `message ${m.direction}` },
      h("span", {}, m.body), h("span", { class: "muted" }, ` ${moment(m.created_at)}`)))),
    thread.cannot_send && h("p", { class: "error" }, thread.cannot_send),
    thread.send_after && h("p", { class: "muted" }, `Quiet hours where they live: from ${moment(thread.send_after)}.`),
    thread.next_message ? firstMessage(thread, status) : reply(thread, campaign, status),
    status,
    thread.next_message ? null : results(thread, campaign, status),
  ];
}

function segments(s) {
  return `${s.segments} segment${s.segments === 1 ? "" : "s"} (${s.encoding === "gsm7" ? "GSM-7" : "UCS-2"}), ${s.cost}`;
}

async function send(thread, body, status) {
  try {
    const sent = await call("POST", `/api/v1/texting/conversations/${thread.id}/messages`, body);
    say(status, `Sent: ${segments(sent)}.`);
    await Promise.all([openThread(thread.id), loadConversations()]);
  } catch (error) {
    say(status, error.message, true);
  }
}

function firstMessage(thread, status) {
  const next = thread.next_message;
  return h("div", { class: "first-message" },
    h("blockquote", { id: "next-message" }, next.body),
    h("p", { class: "muted", id: "next-segments" }, segments(next)),
    h("button", { type: "button", id: "send-first", disabled: Boolean(thread.cannot_send),
      on: { click: () => send(thread, {}, status) } }, "Send"));
}

function reply(thread, campaign, status) {
  const words = h("textarea", { name: "body", rows: 2, maxlength: 1600 });
  return h("div", { class: "reply" },
    h("div", { class: "row" }, (campaign.canned_responses || []).map((canned) => h("button", {
      type: "button", class: "canned", on: { click: () => send(thread, { canned_response_id: canned.id }, status) },
    }, canned.title))),
    h("label", {}, "Reply ", words),
    h("button", { type: "button", on: { click: () => words.value.trim()
      && send(thread, { body: words.value }, status) } }, "Send reply"));
}

function results(thread, campaign, status) {
  const script = view.scripts.find((s) => s.id === campaign.script_id)
    || view.scripts.find((s) => s.is_default);
  const questions = (script ? script.questions : []).filter((q) => q.kind !== "multiple" && q.kind !== "text");
  const choices = (q) => (q.kind === "yes_no" ? [{ value: "yes", label: "Yes" }, { value: "no", label: "No" }]
    : q.choices);
  const resultForm = h("form", { class: "form results" },
    h("h3", {}, "Result"),
    h("label", {}, "Result ", h("select", { name: "result" }, new Option("Canvassed (answers below)", ""),
      view.codes.filter((c) => c.code !== "canvassed").map((c) => new Option(c.label, c.code)),
      new Option("Wrong number", "wrong_number"))),
    questions.map((q) => h("label", {}, `${q.prompt} `, h("select", { name: `answers.${q.key}` },
      new Option("-", ""), choices(q).map((c) => new Option(c.label, c.value))))),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "close", checked: true }), " Close the conversation"),
    h("button", { type: "submit" }, "Record"));
  resultForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { answers: {}, close: resultForm.elements.close.checked };
    for (const [key, value] of new FormData(resultForm)) {
      if (!value || key === "close") continue;
      if (key.startsWith("answers.")) body.answers[key.slice(8)] = value;
      else body[key] = value;
    }
    sayFields(resultForm, null);
    try {
      const recorded = await call("POST", `/api/v1/texting/conversations/${thread.id}/results`, body);
      say(status, `Recorded: ${label(recorded.result)}.`);
      await Promise.all([openThread(thread.id), loadConversations()]);
    } catch (error) {
      sayFields(resultForm, error);
      say(status, error.message, true);
    }
  });
  return resultForm;
}
