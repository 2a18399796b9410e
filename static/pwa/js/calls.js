// Call mode (a phone bank, at home or at an event, on a phone or a laptop): the caller's call
// lists, and one list's caller screen. The server hands out one person at a time (never one
// another caller holds); the number is a tel: link; the script branches as at the door; the
// result goes in the same outbox as the knocks (outbox.js) and is sent once, with or without
// signal. app.js hands in what it needs, as for the door screen: this module imports no screen.
/* global DoorstepStore */
import { currentLanguage, pick, t } from "./i18n.js";

const store = DoorstepStore;

async function keepList(detail) {
  await store.put(`call_list:${detail.id}`, detail);
  const ids = new Set((await store.get("call_list_ids")) || []);
  ids.add(detail.id);
  await store.put("call_list_ids", [...ids]);
}

export async function claimCallList(code, ui) {
  await store.put("pending_call_claim", null);
  try {
    const detail = await store.api("POST", "/api/v1/call-lists/claim", { code });
    await keepList(detail);
    history.replaceState(null, "", `#/call/${detail.id}`);
    return renderCaller({ listId: detail.id, ...ui });
  } catch (error) {
    return renderCallLists(ui, error.message);
  }
}

// My call lists: from the server when there is signal, else what this device kept.
export async function renderCallLists(ui, note) {
  const { h, show, message } = ui;
  try {
    const page = await store.api("GET", "/api/v1/call-lists?mine=true&per_page=100");
    for (const summary of page.items) {
      await keepList(await store.api("GET", `/api/v1/call-lists/${summary.id}`));
    }
    await store.put("call_list_ids", page.items.map((item) => item.id));
  } catch { /* offline: the lists kept before */ }
  const lists = [];
  for (const id of (await store.get("call_list_ids")) || []) {
    const detail = await store.get(`call_list:${id}`);
    if (detail && detail.status === "active") lists.push(detail);
  }
  const codeInput = h("input", { name: "call_code", autocomplete: "off",
    autocapitalize: "characters", required: true, minlength: 8 });
  show(
    note ? message(note) : null,
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, t("calls")),
    lists.length ? h("ul", { class: "lists", id: "call-lists" }, lists.map((list) => h("li", {},
      h("a", { href: `#/call/${list.id}`, class: "row-link" }, h("strong", {}, list.name),
        h("span", {}, t("calls_done", { done: list.progress.done, total: list.people_count }))))))
      : h("p", {}, t("no_call_lists")),
    h("form", { class: "card", on: { submit: (event) => {
      event.preventDefault();
      claimCallList(codeInput.value.trim(), ui);
    } } }, h("label", {}, t("call_code"), codeInput),
    h("button", { type: "submit", class: "primary" }, t("claim_button"))),
  );
}

// The people whose results wait in this device's outbox: the server holds them for us.
async function queuedPeople(listId) {
  return (await store.outboxItems())
    .filter((item) => item.record.type === "call" && item.record.call_list_id === listId)
    .map((item) => item.record.person_id);
}

async function fetchNext(listId) {
  const answer = await store.api("POST", `/api/v1/call-lists/${listId}/next`,
    { finished: await queuedPeople(listId) });
  await store.put(`call_current:${listId}`, answer.person || null);
  return answer;
}

export async function renderCaller({ listId, h, show, message, syncSoon, onSynced }) {
  let list = await store.get(`call_list:${listId}`);
  try {
    list = await store.api("GET", `/api/v1/call-lists/${listId}`);
    await keepList(list);
  } catch (error) {
    if (!list) return show(message(error.message, "error"));
  }
  const lang = currentLanguage();
  const codes = list.result_codes.filter((c) => c.code !== "canvassed");
  const questions = (list.script && list.script.questions) || [];
  let person = await store.get(`call_current:${listId}`);
  let reason = null;
  let state = { result: null, answers: {}, notes: "" };

  const visible = (question) => !question.show_if
    || question.show_if.answers.includes(state.answers[question.show_if.question]);

  function choices(options, selected, onPick, name) {
    return h("div", { class: "choices", role: "group", "aria-label": name },
      options.map(([value, label]) => h("button", { type: "button", "data-value": value,
        class: selected(value) ? "choice on" : "choice", "aria-pressed": String(selected(value)),
        on: { click: () => { onPick(value); draw(); } } }, label)));
  }

  function questionBlock(question) {
    const answers = state.answers;
    const set = (value) => {
      answers[question.key] = value;
      state.result = null;  // answers mean "canvassed"
      for (const other of questions) if (!visible(other)) delete answers[other.key];
    };
    let control;
    if (question.kind === "text") {
      control = h("input", { type: "text", value: answers[question.key] || "", on: {
        change: (event) => { if (event.target.value) set(event.target.value); } } });
    } else if (question.kind === "multiple") {
      const chosen = new Set(answers[question.key] || []);
      control = choices(question.choices.map((c) => [c.value, pick(c, "label", lang)]),
        (v) => chosen.has(v), (v) => {
          if (chosen.has(v)) chosen.delete(v); else chosen.add(v);
          if (chosen.size) set([...chosen]); else delete answers[question.key];
        }, question.key);
    } else {
      const options = question.kind === "yes_no" ? [["yes", t("yes")], ["no", t("no")]]
        : question.choices.map((c) => [c.value, question.kind === "support"
          ? `${c.value} ${pick(c, "label", lang)}` : pick(c, "label", lang)]);
      control = choices(options, (v) => answers[question.key] === v, set, question.key);
    }
    return h("div", { class: "question", "data-key": question.key },
      h("p", { class: "prompt" }, pick(question, "prompt", lang)), control);
  }

  function nobody() {
    const offline = !navigator.onLine || reason === "network";
    return h("section", { class: "card", id: "call-nobody" },
      message(offline ? t("call_offline") : t(`call_${reason || "done"}`), offline ? "error" : "info"),
      offline ? null : h("button", { type: "button", id: "call-again", on: { click: () => next() } },
        t("call_again")));
  }

  function draw() {
    const notes = h("textarea", { rows: 2, "aria-label": t("notes"), on: {
      input: (event) => { state.notes = event.target.value; } } });
    notes.value = state.notes;
    const who = person && [person.age, person.gender, person.party].filter(Boolean).join(" · ");
    show(
      h("p", {}, h("a", { href: "#/calls" }, `← ${t("calls")}`)),
      h("h1", {}, list.name),
      h("p", { class: "progress", id: "call-progress" },
        t("calls_done", { done: list.progress.done, total: list.people_count })),
      !person ? nobody() : [
        h("section", { class: "person target", id: "call-person", "data-person": person.person_id },
          h("h2", {}, `${person.first_name || ""} ${person.last_name || ""}`, h("small", {}, ` ${who}`)),
          person.address ? h("p", { class: "muted" },
            [person.address, person.unit && `#${person.unit}`, person.city].filter(Boolean).join(", ")) : null,
          h("p", { class: "muted" }, t("their_time", { time: person.local_time })),
          h("a", { class: "button primary big", id: "dial", href: person.tel },
            `📞 ${person.number_display}`)),
        questions.filter(visible).map(questionBlock),
        h("section", { class: "door-result" }, h("h2", {}, t("call_result")),
          choices(codes.map((c) => [c.code, pick(c, "label", lang)]), (v) => state.result === v,
            (v) => {
              state.result = state.result === v ? null : v;
              if (state.result) state.answers = {};
            }, "result")),
        h("label", {}, t("notes"), notes),
        h("div", { class: "save" },
          h("button", { type: "button", class: "primary big", id: "save-call",
            on: { click: save } }, t("save_call")),
          h("button", { type: "button", class: "link", id: "skip-call", on: { click: skip } },
            t("skip_call"))),
      ],
    );
  }

  async function next() {
    try {
      const answer = await fetchNext(listId);
      person = answer.person;
      reason = answer.reason;
    } catch (error) {
      person = null;
      reason = error.status === 0 ? "network" : null;
      if (error.status && error.status !== 0) return show(message(error.message, "error"));
    }
    state = { result: null, answers: {}, notes: "" };
    if (location.hash === `#/call/${listId}`) draw();
  }

  async function save() {
    const answered = Object.keys(state.answers).length > 0;
    if (!state.result && !answered) {
      document.querySelector(".save .message")?.remove();
      document.querySelector(".save").prepend(message(t("pick_call_result"), "error"));
      return;
    }
    const label = answered ? t("talked")
      : pick(codes.find((c) => c.code === state.result), "label", lang);
    const record = { uuid: crypto.randomUUID(), type: "call", call_list_id: listId,
      person_id: person.person_id, phone_id: person.phone_id, answers: state.answers,
      notes: state.notes, client_at: new Date().toISOString() };
    if (state.result) record.result = state.result;
    await store.enqueue(record, { name: `${person.first_name || ""} ${person.last_name || ""}`.trim(),
      label });
    await store.put(`call_current:${listId}`, null);
    person = null;
    syncSoon();
    await next();
  }

  async function skip() {
    try {
      const answer = await store.api("POST", `/api/v1/call-lists/${listId}/skip`,
        { person_id: person.person_id });
      await store.put(`call_current:${listId}`, answer.person || null);
      person = answer.person;
      reason = answer.reason;
      state = { result: null, answers: {}, notes: "" };
      draw();
    } catch (error) {
      document.querySelector(".save").prepend(message(error.message, "error"));
    }
  }

  // Back online (or a sync went through): a caller waiting for the next person gets one.
  onSynced(() => { if (!person && navigator.onLine) next(); });
  if (person) draw();
  else await next();
}
