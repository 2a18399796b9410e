// What is on this phone: the header's badge (waiting, needing attention, no signal) and the
// outbox screen (each knock's address and result in the order they were made; "Send now").
/* global DoorstepStore */
import { currentLanguage, pick, t } from "./i18n.js";
import { stopAddress } from "./lists.js";

const store = DoorstepStore;
let lastSync = { error: null };

/** Remember how the last sync went: a network failure means no signal. */
export function noteSync(outcome) {
  lastSync = outcome || { error: null };
}

export function hasSignal() {
  return navigator.onLine && lastSync.error !== "network";
}

export async function updateOutboxBadge() {
  const badge = document.getElementById("outbox");
  const signal = document.getElementById("signal");
  const { waiting, attention } = await store.counts();
  const session = await store.get("session");
  badge.hidden = !session;
  signal.hidden = !session || hasSignal();
  signal.textContent = t("no_signal");
  badge.className = `pill ${attention ? "attention" : waiting ? "waiting" : "synced"}`;
  badge.textContent = attention ? t("attention", { n: attention })
    : waiting ? t("waiting", { n: waiting }) : t("all_synced");
  if (session && session.needsLogin && waiting) badge.textContent += " ⚠";
}

// "Door result" codes in the campaign's words; a knock with answers only reads "Talked".
// A call says what the caller saw when saving it.
function resultText(record, codes, meta) {
  if (record.type === "call") return (meta && meta.label) || record.result || t("talked");
  const label = (code) => {
    const known = codes.find((c) => c.code === code);
    return known ? pick(known, "label", currentLanguage()) : code;
  };
  if (record.result) return label(record.result);
  const results = (record.people || []).map((p) => (p.result ? label(p.result) : t("talked")));
  if ((record.new_people || []).length) results.push(t("new_person"));
  return [...new Set(results)].join(", ") || t("talked");
}

async function addresses() {
  const lists = await (await store.db()).getAll("lists");
  const where = new Map();
  for (const list of lists) {
    for (const stop of list.stops) where.set(`${list.id}:${stop.household_id}`, stopAddress(stop));
  }
  return (listId, householdId) => where.get(`${listId}:${householdId}`) || "";
}

// A knock's address, or the name of the person a call was to.
function where(item, address) {
  if (item.record && item.record.type === "call") return `📞 ${(item.meta && item.meta.name) || ""}`;
  return address(item.list_id, item.household_id);
}

export async function renderOutbox(ui) {
  const { h, show, message, syncSoon, onSynced } = ui;
  const setup = (await store.get("setup")) || { result_codes: [] };
  const session = await store.get("session");
  const status = h("div", {});
  const waitingList = h("ul", { class: "outbox", id: "outbox-waiting" });
  const sentList = h("ul", { class: "outbox", id: "outbox-sent" });
  const sendNow = h("button", { type: "button", class: "primary", id: "send-now", on: {
    click: async () => {
      sendNow.disabled = true;
      status.replaceChildren(message(t("sending")));
      const outcome = await store.syncNow();
      noteSync(outcome);
      sendNow.disabled = false;
      status.replaceChildren(outcome && outcome.error === "network"
        ? message(t("offline"), "error")
        : outcome && outcome.error ? message(`${t("reason")}: ${outcome.error}`, "error")
          : message(t("sent_n", { n: (outcome && outcome.sent) || 0 })));
      await paint();
      updateOutboxBadge();
    } } }, t("send_now"));

  async function paint() {
    const address = await addresses();
    const byTime = (a, b) => (a.at || "").localeCompare(b.at || "");
    const waiting = (await store.outboxItems())
      .map((item) => ({ ...item, at: item.record.client_at })).sort(byTime);
    const sent = (await store.doneItems())
      .map((item) => ({ ...item, at: item.client_at || item.synced_at })).sort(byTime);
    const when = (at) => h("span", { class: "when" }, at ? new Date(at).toLocaleTimeString() : "");
    waitingList.replaceChildren(...waiting.map((item) => h("li", { class: item.status },
      h("strong", {}, where(item, address)), " ",
      h("span", { class: "result" }, resultText(item.record, setup.result_codes, item.meta)), " · ",
      when(item.at),
      item.status === "attention" ? h("p", { class: "message error" },
        `${t("reason")}: ${item.reason}`) : null,
      item.status === "attention" ? h("button", { type: "button", on: { click: async () => {
        await store.retry(item.uuid);
        syncSoon();
        paint();
      } } }, t("retry")) : null)));
    sentList.replaceChildren(...sent.map((item) => h("li", { class: "done" },
      h("strong", {}, where(item, address)), " ",
      h("span", { class: "result" }, item.record ? resultText(item.record, setup.result_codes, item.meta)
        : item.result ? resultText(item, setup.result_codes) : t("talked")), " · ",
      when(item.at))));
  }

  show(
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, t("outbox_title")),
    session && session.needsLogin ? h("button", { type: "button", class: "primary", on: {
      click: async () => {
        await store.signOut();
        ui.go("#/login");
      } } }, t("sign_in")) : null,
    h("div", { class: "tools" }, sendNow), status,
    h("h2", {}, t("outbox_waiting")), waitingList,
    h("h2", {}, t("outbox_sent")), sentList,
  );
  await paint();
  onSynced(paint);
}
