// The door screen: the home's people (targets first), a result per person or for the whole
// door, the script with its branches, notes about the place, somebody new met here, and
// "Save & next door" in one tap. Saving puts one record in the outbox; nothing waits on the
// network. app.js hands in what it needs (as for the kiosk): this module imports no screen.
/* global DoorstepStore */
import { currentLanguage, pick, t } from "./i18n.js";
import { homeNumbers, listProgress, nextStop, stopAddress } from "./lists.js";

const store = DoorstepStore;
const PLACE_NOTES = ["dog", "gated", "no_trespassing", "safe_hours"];
const PLACE_LABELS = {
  en: { dog: "Dog", gated: "Gated", no_trespassing: "No trespassing", safe_hours: "Safe hours" },
  es: { dog: "Perro", gated: "Cerrado", no_trespassing: "Prohibido pasar", safe_hours: "Horario seguro" },
};

export async function renderDoor({ listId, position, h, show, message, go, syncSoon, newRecord }) {
  const database = await store.db();
  const list = await database.get("lists", listId);
  const setup = (await store.get("setup")) || { result_codes: [], script: null };
  const stop = list && list.stops.find((s) => s.position === position);
  if (!stop) return go(list ? `#/list/${listId}` : "#/lists");
  const codes = setup.result_codes;
  const questions = (setup.script && setup.script.questions) || [];
  // The script in Spanish where the campaign knows the home speaks it.
  const lang = stop.people.some((p) => (p.languages || []).includes("es")) ? "es" : currentLanguage();
  const state = {
    door: null,
    people: new Map(stop.people.map((p) => [p.person_id, { result: null, answers: {} }])),
    newPeople: [],
    places: new Set(),
    // A note at a flat is about that home unless the canvasser says the whole building.
    placeScope: stop.unit ? "home" : "building",
    open: new Set(),  // which disclosures are open, kept across redraws
    gps: null,
  };
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition((where) => {
      state.gps = { lat: where.coords.latitude, lon: where.coords.longitude,
        accuracy: where.coords.accuracy };
    }, () => {}, { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  }

  function choiceButtons(options, selected, onPick, name) {
    return h("div", { class: "choices", role: "group", "aria-label": name },
      options.map(([value, label]) => h("button", {
        type: "button", class: selected(value) ? "choice on" : "choice",
        "aria-pressed": String(selected(value)), "data-value": value,
        on: { click: () => { onPick(value); redraw(); } },
      }, label)));
  }

  function visible(question, answers) {
    const condition = question.show_if;
    return !condition || condition.answers.includes(answers[condition.question]);
  }

  function questionBlock(question, person) {
    const answers = person.answers;
    const set = (value) => {
      answers[question.key] = value;
      // Answering a question is talking to the person: the result is "canvassed".
      person.result = "canvassed";
      // A branch no longer taken loses its answers.
      for (const other of questions) if (!visible(other, answers)) delete answers[other.key];
    };
    let control;
    if (question.kind === "text") {
      control = h("input", { type: "text", value: answers[question.key] || "", on: {
        change: (event) => { if (event.target.value) set(event.target.value); } } });
    } else if (question.kind === "multiple") {
      const chosen = new Set(answers[question.key] || []);
      control = choiceButtons(question.choices.map((c) => [c.value, pick(c, "label", lang)]),
        (v) => chosen.has(v), (v) => {
          if (chosen.has(v)) chosen.delete(v); else chosen.add(v);
          if (chosen.size) set([...chosen]); else delete answers[question.key];
        }, question.key);
    } else {
      const options = question.kind === "yes_no"
        ? [["yes", t("yes", {}, lang)], ["no", t("no", {}, lang)]]
        : question.choices.map((c) => [c.value, question.kind === "support"
          ? `${c.value} ${pick(c, "label", lang)}` : pick(c, "label", lang)]);
      control = choiceButtons(options, (v) => answers[question.key] === v, set, question.key);
    }
    return h("div", { class: "question", "data-key": question.key },
      h("p", { class: "prompt" }, pick(question, "prompt", lang)), control);
  }

  function personCard(person) {
    const entry = state.people.get(person.person_id);
    const info = [person.age, person.gender, person.party].filter(Boolean).join(" · ");
    const results = codes.filter((c) => c.code !== "canvassed")
      .map((c) => [c.code, pick(c, "label", lang)]);
    return h("section", { class: person.is_target ? "person target" : "person",
      "data-person": person.person_id },
    h("h3", {}, person.is_target ? "★ " : "", `${person.first_name} ${person.last_name}`,
      h("small", {}, info)),
    questions.filter((q) => visible(q, entry.answers)).map((q) => questionBlock(q, entry)),
    disclosure(`result-${person.person_id}`, t("person_result", {}, lang),
      choiceButtons(results, (v) => entry.result === v, (v) => {
        entry.result = entry.result === v ? null : v;
        if (entry.result) entry.answers = {};
      }, "result")));
  }

  // A <details> whose open state survives redraws: tapping "Dog" keeps "About this place" open.
  function disclosure(key, title, ...content) {
    const node = h("details", { "data-key": key, open: state.open.has(key), on: { toggle: () => {
      if (node.open) state.open.add(key); else state.open.delete(key);
    } } }, h("summary", {}, title), ...content);
    return node;
  }

  function redraw() {
    const scrollY = window.scrollY;
    render();
    window.scrollTo(0, scrollY);
  }

  function render() {
    const number = homeNumbers(list).get(stop.position);
    const doorCodes = codes.filter((c) => c.code !== "canvassed")
      .map((c) => [c.code, pick(c, "label", lang)]);
    const notes = h("textarea", { rows: 2, "aria-label": t("notes", {}, lang), on: {
      input: (event) => { state.notes = event.target.value; } } });
    notes.value = state.notes || "";
    const known = (stop.place_notes || []).map((n) => h("li", {},
      `${PLACE_LABELS[lang][n.kind] || n.kind}${n.text ? `: ${n.text}` : ""}`,
      stop.unit ? h("small", {}, ` (${t(n.scope === "home" ? "scope_home" : "scope_building",
        { unit: stop.unit }, lang)})`) : null));
    const scopeChoice = (value) => h("label", {}, h("input", { type: "radio", name: "place-scope",
      value, checked: state.placeScope === value, on: { change: () => {
        state.placeScope = value;
      } } }), t(value === "home" ? "scope_home" : "scope_building", { unit: stop.unit }, lang));
    const first = h("input", { name: "first_name", "aria-label": t("first_name", {}, lang),
      placeholder: t("first_name", {}, lang) });
    const last = h("input", { name: "last_name", "aria-label": t("last_name", {}, lang),
      placeholder: t("last_name", {}, lang) });
    const unit = h("input", { name: "unit", "aria-label": t("unit", {}, lang),
      placeholder: t("unit", {}, lang), value: stop.unit || "" });
    show(
      h("p", {}, h("a", { href: `#/list/${list.id}` }, `← ${list.name}`)),
      h("h1", { class: "address" }, stopAddress(stop)),
      h("p", { class: "muted", id: "door-number" },
        t("door", { n: stop.door_number, total: list.door_count }, lang),
        number.homes > 1 ? ` · ${t("home_in_building", number, lang)}` : "",
        ` · ${t("homes_on_list", { n: list.stops.length }, lang)}`),
      known.length ? h("ul", { class: "place-notes" }, known) : null,
      stop.people.map(personCard),
      state.newPeople.map((p) => h("section", { class: "person new" },
        h("h3", {}, `${t("new_person", {}, lang)}: ${p.first_name} ${p.last_name}`,
          p.unit ? h("small", {}, `#${p.unit}`) : null))),
      h("section", { class: "door-result" }, h("h2", {}, t("door_result", {}, lang)),
        choiceButtons(doorCodes, (v) => state.door === v, (v) => {
          state.door = state.door === v ? null : v;
        }, "door")),
      disclosure("place", t("place_notes", {}, lang),
        stop.unit ? h("div", { class: "note-scope", role: "radiogroup" },
          scopeChoice("home"), scopeChoice("building")) : null,
        h("div", { class: "choices" }, PLACE_NOTES.map((kind) => h("button", {
          type: "button", class: state.places.has(kind) ? "choice on" : "choice",
          on: { click: () => {
            if (state.places.has(kind)) state.places.delete(kind); else state.places.add(kind);
            redraw();
          } } }, PLACE_LABELS[lang][kind]))),
        h("label", {}, t("notes", {}, lang), notes)),
      disclosure("add", t("add_person", {}, lang),
        h("div", { class: "new-person" }, first, last, unit,
          h("button", { type: "button", on: { click: () => {
            if (!first.value && !last.value) return;
            state.newPeople.push({ first_name: first.value, last_name: last.value,
              unit: unit.value.trim() });
            redraw();
          } } }, t("add", {}, lang)))),
      h("div", { class: "save" },
        h("button", { type: "button", class: "primary big", id: "save-next",
          on: { click: () => save(true) } }, t("save_next", {}, lang)),
        h("button", { type: "button", class: "link", on: { click: () => save(false) } },
          t("save_back", {}, lang))),
    );
  }

  async function save(next) {
    const people = [];
    for (const [personId, entry] of state.people) {
      const answered = Object.keys(entry.answers).length > 0;
      if (!entry.result && !answered) continue;
      people.push({ person_id: personId, ...(entry.result && !answered ? { result: entry.result } : {}),
        answers: entry.answers });
    }
    if (!state.door && !people.length && !state.newPeople.length) {
      document.querySelector(".save .message")?.remove();
      document.querySelector(".save").prepend(message(t("pick_result", {}, lang), "error"));
      return;
    }
    const record = newRecord(list, stop.household_id, {
      people,
      new_people: state.newPeople.map((p) => ({ ...p, result: "canvassed" })),
      place_notes: [...state.places].map((kind) => ({ kind, text: "", scope: state.placeScope })),
      notes: state.notes || "",
    });
    if (state.door) record.result = state.door;
    if (state.gps) record.gps = state.gps;
    await store.enqueue(record);
    syncSoon();
    if (!next) return go(`#/list/${list.id}`);
    const { homes } = await listProgress(list);
    const after = nextStop(list, homes, stop.position);
    go(after ? `#/door/${list.id}/${after.position}` : `#/list/${list.id}`);
  }

  render();
}
