// My shifts (a volunteer's own sign-ups: the QR code to show at the door, "I'm here") and
// kiosk mode: an organiser's phone or tablet at an event's door. It keeps the event's roster
// (names and the codes in their QR codes, never the links that can cancel), checks people in
// by camera, hand scanner or typed code, by name, or as walk-ins, and queues every check-in
// on the device: it works with no signal and sends when it can (outbox.js), each once.
/* global DoorstepStore, BarcodeDetector, jsQR */
import { loadScript } from "./dom.js";
import { t } from "./i18n.js";

const store = DoorstepStore;
// The camera's QR reader (250 KB) is no part of a canvasser's app: it is fetched into the
// worker's cache when a kiosk opens with signal, and run only when the camera starts.
const QR_READER = "vendor/jsqr/jsQR.js";
let camera = null;  // the open MediaStream, stopped when the kiosk screen is left

window.addEventListener("hashchange", () => stopCamera());

export async function renderEvents({ h, show, message }) {
  let events = await store.get("events");
  try {
    events = await store.api("GET", "/api/v1/events?upcoming=true");
    await store.put("events", events);
  } catch (error) {
    if (!events) return show(message(error.message, "error"));
  }
  show(
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, t("events")),
    events.length ? h("ul", { class: "lists" }, events.map((event) => h("li", {},
      h("a", { href: `#/kiosk/${event.id}`, class: "row-link" }, h("strong", {}, event.name),
        h("span", {}, t("run_door")))))) : h("p", {}, t("no_events")),
  );
}

// The volunteer's own shifts, kept for the door (the QR code's picture too): no signal needed
// to show it. "I'm here" needs signal (the server checks the place or the door code).
export async function renderShifts({ h, show, message }) {
  let shifts = await store.get("my_shifts");
  try {
    shifts = await store.api("GET", "/api/v1/signups/mine");
    for (const shift of shifts) {
      const response = await fetch(`/api/v1/public/signups/${encodeURIComponent(shift.token)}/qr.svg`);
      if (response.ok) shift.qr_svg = await response.text();
    }
    await store.put("my_shifts", shifts);
  } catch (error) {
    if (!shifts) return show(message(error.message, "error"));
  }
  const cards = shifts.map((signup) => {
    const result = h("p", { class: "message info", role: "status" }, "");
    const done = signup.check_in;
    const qr = h("div", { class: "qr", "aria-label": t("my_qr") });
    if (signup.qr_svg) qr.innerHTML = signup.qr_svg;  // our own server's SVG
    const doorCode = h("input", { name: "door_code", inputmode: "numeric", autocomplete: "off",
      "aria-label": t("door_code") });
    const here = async (body) => {
      try {
        const answer = await store.api("POST",
          `/api/v1/public/signups/${encodeURIComponent(signup.token)}/check-in`, body);
        result.textContent = t("checked_in_here");
        if (answer.check_in && answer.check_in.walk_list) {
          result.append(" ", h("a", { href: `#/claim/${answer.check_in.walk_list.code}` },
            t("your_list", { name: answer.check_in.walk_list.name })));
        }
        if (answer.check_in && answer.check_in.call_list) {  // a phone bank's
          result.append(" ", h("a", { href: `#/call-claim/${answer.check_in.call_list.code}` },
            t("your_list", { name: answer.check_in.call_list.name })));
        }
      } catch (error) {
        result.textContent = error.message;
      }
    };
    return h("li", { class: "card shift-card" },
      h("strong", {}, signup.event.name),
      h("p", {}, `${signup.shift.role}, ${new Date(signup.shift.starts_at).toLocaleString()}`),
      qr, h("p", { class: "code" }, signup.checkin_code),
      done ? h("p", { class: "message info" }, t("checked_in_here")) : h("div", {},
        h("button", { type: "button", class: "primary", on: { click: () => {
          if (!navigator.geolocation) return here({});
          navigator.geolocation.getCurrentPosition(
            (where) => here({ lat: where.coords.latitude, lon: where.coords.longitude }),
            () => here({}), { enableHighAccuracy: true, timeout: 10000 });
        } } }, t("im_here")),
        h("label", {}, t("door_code"), doorCode),
        h("button", { type: "button", on: { click: () => here({ code: doorCode.value }) } },
          t("check_in"))),
      result);
  });
  show(
    h("p", {}, h("a", { href: "#/lists" }, `← ${t("my_lists")}`)),
    h("h1", {}, t("my_shifts")),
    cards.length ? h("ul", { class: "lists" }, cards) : h("p", {}, t("no_shifts")),
  );
}

function normalise(code) {
  return String(code).toUpperCase().replace(/[^0-9A-Z]/g, "");
}

async function loadPack(eventId) {
  try {
    const pack = await store.api("GET", `/api/v1/events/${eventId}/kiosk`);
    await store.put(`kiosk:${eventId}`, pack);
    return pack;
  } catch {
    return store.get(`kiosk:${eventId}`);  // offline: what the kiosk loaded before
  }
}

export async function renderKiosk({ eventId, h, show, message }) {
  const pack = await loadPack(eventId);
  if (!pack) return show(message(t("kiosk_load_online"), "error"));
  const { event, roster } = pack;
  const now = Date.now();
  const current = event.shifts.find((s) => Date.parse(s.ends_at) > now) || event.shifts[0];
  const shiftPick = h("select", { name: "shift" }, event.shifts.map((s) => h("option",
    { value: s.id, selected: current && s.id === current.id },
    `${s.role}, ${new Date(s.starts_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`)));
  const feedback = h("p", { id: "kiosk-feedback", class: "message info", role: "status" }, "");
  const counts = h("p", { id: "kiosk-counts", class: "progress" });
  const inList = h("ul", { id: "kiosk-in", class: "lists" });
  const handOver = h("ul", { id: "kiosk-lists", class: "lists" });
  const handOverTitle = h("h2", { hidden: true }, t("kiosk_hand_over"));
  const matches = h("ul", { id: "kiosk-matches", class: "lists" });

  // Who is in: the server's roster, then what this kiosk queued (sent or not). At a canvass
  // launch the server's answer names the walk list handed to each (claimed with its code).
  // Each is {name, sent, list}: "sent" once the server has it, "list" the walk list to hand over.
  async function state() {
    const items = await store.checkInItems(eventId);
    const inside = new Map();
    for (const row of roster) {
      if (row.checked_in_at) inside.set(row.signup_id, { name: row.name, sent: true, list: null });
    }
    for (const item of items) {
      if (item.status === "attention") continue;
      const done = item.check_in;
      const key = done ? done.signup_id : item.meta.signup_id || item.uuid;
      inside.set(key, { name: (done ? done.name : item.meta.name || item.record.code) || "",
        sent: item.status === "done",
        list: (done && (done.walk_list || done.call_list)) || null });
    }
    return { items, inside };
  }

  async function refresh() {
    const { items, inside } = await state();
    const waiting = items.filter((i) => i.status === "pending").length;
    const attention = items.filter((i) => i.status === "attention");
    counts.textContent = t("kiosk_counts", { n: inside.size, waiting });
    const people = [...inside.values()].sort((a, b) => a.name.localeCompare(b.name));
    // Queued check-ins say so: the server has not seen them yet.
    inList.replaceChildren(...attention.map((i) => h("li", { class: "attention" },
      `${i.meta.name || i.record.code || ""}: ${i.reason}`)),
    ...people.map((p) => h("li", { class: `row-link ${p.sent ? "sent" : "queued"}` },
      h("span", {}, p.name),
      h("span", { class: "state" }, p.sent ? t("kiosk_sent") : t("kiosk_queued")))));
    const lists = people.filter((p) => p.list);
    handOverTitle.hidden = !lists.length;
    handOver.replaceChildren(...lists.map((p) => h("li", {},
      t("kiosk_list", { name: p.name, list: p.list.name, code: p.list.code }))));
  }

  function say(text, kind = "info") {
    feedback.className = `message ${kind}`;
    feedback.textContent = text;
  }

  async function alreadyIn(signupId) {
    if (signupId == null) return false;
    return (await state()).inside.has(signupId);
  }

  async function queue(record, meta) {
    await store.enqueueCheckIn(eventId, { uuid: crypto.randomUUID(),
      at: new Date().toISOString(), ...record }, meta);
    await refresh();
    store.syncNow().then(refresh, refresh);
  }

  async function checkInCode(raw) {
    const code = normalise(raw);
    if (!code) return;
    const row = roster.find((r) => r.checkin_code === code);
    if (row && await alreadyIn(row.signup_id)) return say(t("kiosk_already", { name: row.name }));
    if (row && row.status === "cancelled") say(t("kiosk_cancelled", { name: row.name }), "warning");
    else say(row ? t("kiosk_welcome", { name: row.name }) : t("kiosk_unknown_code", { code }));
    await queue({ method: "scan", code }, { signup_id: row ? row.signup_id : null,
      name: row ? row.name : null });
  }

  const codeInput = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters",
    "aria-label": t("kiosk_code") });
  const codeForm = h("form", { class: "card", on: { submit: async (e) => {
    e.preventDefault();
    const value = codeInput.value;
    codeInput.value = "";
    await checkInCode(value);
    codeInput.focus();
  } } }, h("label", {}, t("kiosk_code"), codeInput),
  h("button", { type: "submit", class: "primary" }, t("check_in")));

  const video = h("video", { playsinline: true, muted: true, hidden: true, class: "scanner" });
  const cameraButton = h("button", { type: "button", on: { click: async () => {
    if (camera) return stopCamera(video, cameraButton);
    try {
      await startCamera(video, checkInCode);
      cameraButton.textContent = t("kiosk_camera_stop");
    } catch (error) {
      say(t("kiosk_no_camera", { why: error.message }), "error");
    }
  } } }, t("kiosk_camera"));

  const search = h("input", { type: "search", "aria-label": t("kiosk_search"),
    placeholder: t("kiosk_search"), on: { input: () => drawMatches() } });
  async function drawMatches() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const { inside } = await state();
    const found = words.length ? roster.filter((r) => words.every((w) =>
      r.name.toLowerCase().includes(w))).slice(0, 20) : [];
    matches.replaceChildren(...found.map((row) => h("li", { class: "row-link" },
      h("span", {}, row.name, h("small", {}, ` ${row.status}`)),
      inside.has(row.signup_id) ? h("span", { class: "state" }, t("kiosk_in"))
        : h("button", { type: "button", on: { click: async () => {
          say(t("kiosk_welcome", { name: row.name }));
          await queue({ method: "search", signup_id: row.signup_id },
            { signup_id: row.signup_id, name: row.name });
          drawMatches();
        } } }, t("check_in")))));
  }

  const walkIn = h("form", { class: "card", on: { submit: async (e) => {
    e.preventDefault();
    const data = new FormData(walkIn);
    const person = { first_name: data.get("first_name").trim(),
      last_name: data.get("last_name").trim(),
      email_consent: data.get("consent") === "on", sms_consent: data.get("consent") === "on" };
    if (data.get("email")) person.email = data.get("email").trim();
    if (data.get("phone")) person.phone = data.get("phone").trim();
    const name = `${person.first_name} ${person.last_name}`;
    say(t("kiosk_welcome", { name }));
    walkIn.reset();
    await queue({ method: "walk_in", shift_id: Number(shiftPick.value), person }, { name });
  } } },
  h("label", {}, t("first_name"), h("input", { name: "first_name", required: true })),
  h("label", {}, t("last_name"), h("input", { name: "last_name", required: true })),
  h("label", {}, t("email"), h("input", { name: "email", type: "email" })),
  h("label", {}, t("phone"), h("input", { name: "phone", type: "tel" })),
  h("label", { class: "check" }, h("input", { name: "consent", type: "checkbox" }),
    t("kiosk_consent")),
  h("button", { type: "submit" }, t("kiosk_walk_in")));

  show(
    h("p", {}, h("a", { href: "#/events" }, `← ${t("events")}`)),
    h("h1", {}, event.name),
    h("p", {}, t("kiosk_door_code"), " ", h("strong", { class: "door-code" }, pack.door_code)),
    h("label", {}, t("kiosk_shift"), shiftPick),
    counts, feedback, codeForm, cameraButton, video,
    // Who is in and the lists to hand over come first: the walk-in form is long.
    handOverTitle, handOver,
    h("h2", {}, t("kiosk_who_is_in")), inList,
    h("h2", {}, t("kiosk_search")), search, matches,
    h("h2", {}, t("kiosk_walk_in")), walkIn,
  );
  keepQrReader();
  await refresh();
  store.syncNow().then(refresh, refresh);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("doorstep-outbox") : null;
  if (channel) {
    channel.onmessage = () => refresh();
    window.addEventListener("hashchange", () => channel.close(), { once: true });
  }
  codeInput.focus();
}

// The camera, read by the browser's BarcodeDetector where it has one, else by jsQR.
async function startCamera(video, onCode) {
  camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = camera;
  video.hidden = false;
  await video.play();
  let detector = null;
  if ("BarcodeDetector" in window) {
    const formats = await BarcodeDetector.getSupportedFormats();
    if (formats.includes("qr_code")) detector = new BarcodeDetector({ formats: ["qr_code"] });
  }
  if (!detector) await loadScript(QR_READER);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let last = "";
  let lastAt = 0;
  const stream = camera;
  const tick = async () => {
    if (camera !== stream) return;
    let text = null;
    if (video.readyState >= 2 && video.videoWidth) {
      if (detector) {
        const found = await detector.detect(video).catch(() => []);
        text = found.length ? found[0].rawValue : null;
      } else {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        text = found ? found.data : null;
      }
    }
    // The same code held in front of the camera is read once, not at every frame.
    if (text && (text !== last || Date.now() - lastAt > 4000)) {
      last = text;
      lastAt = Date.now();
      await onCode(text);
    }
    setTimeout(tick, 120);
  };
  tick();
}

function stopCamera(video, button) {
  if (camera) for (const track of camera.getTracks()) track.stop();
  camera = null;
  if (video) {
    video.srcObject = null;
    video.hidden = true;
  }
  if (button) button.textContent = t("kiosk_camera");
}

// With signal, put the QR reader in the worker's cache (not run it): the camera then works
// offline at this door. Browsers with a BarcodeDetector for QR codes never need it.
async function keepQrReader() {
  if ("BarcodeDetector" in window) {
    const formats = await BarcodeDetector.getSupportedFormats().catch(() => []);
    if (formats.includes("qr_code")) return;
  }
  if (navigator.onLine) await fetch(QR_READER).catch(() => {});
}
