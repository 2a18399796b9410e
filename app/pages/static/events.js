// The public event page (sign up for shifts) and a sign-up's page (calendar, cancel): no
// sign-in, talking to /api/v1/public/.
(function () {
  "use strict";

  const STATUS = {
    registered: "You're signed up.", confirmed: "You're confirmed.",
    waitlisted: "You're on the waitlist: we'll write as soon as a seat frees.",
    cancelled: "Cancelled.", completed: "Thanks for coming!", no_show: "We missed you.",
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    node.append(...children);
    return node;
  }

  function when(shift, zone) {
    const options = { timeZone: zone, weekday: "short", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit" };
    const start = new Date(shift.starts_at).toLocaleString(undefined, options);
    const end = new Date(shift.ends_at).toLocaleTimeString(undefined,
      { timeZone: zone, hour: "numeric", minute: "2-digit" });
    return `${start} – ${end}`;
  }

  async function call(method, path, body) {
    const response = await fetch(path, { method, headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || `Error ${response.status}`);
      error.fields = data.error && data.error.fields;
      throw error;
    }
    return data;
  }

  function describe(event) {
    return [el("h1", {}, event.name),
      el("p", { class: "where" }, [event.place_name, event.address].filter(Boolean).join(", ")
        || event.online_url),
      event.description ? el("p", {}, event.description) : ""];
  }

  async function eventPage(box) {
    const code = box.dataset.code;
    const result = document.getElementById("result");
    let event;
    try {
      event = await call("GET", `/api/v1/public/events/${encodeURIComponent(code)}`);
    } catch (error) {
      box.replaceChildren(el("p", {}, error.message));
      return;
    }
    box.replaceChildren(...describe(event));
    if (event.status === "cancelled") {
      box.append(el("p", { class: "notice" }, "This event is cancelled."));
      return;
    }
    const form = document.getElementById("signup");
    const shifts = document.getElementById("shifts");
    for (const shift of event.shifts) {
      const full = shift.seats_left === 0;
      const note = full ? (shift.has_waitlist ? " (full: join the waitlist)" : " (full)") : "";
      const box = el("input", { type: "checkbox", name: "shift", value: String(shift.id) });
      if (full && !shift.has_waitlist) box.disabled = true;
      shifts.append(el("label", { class: "check" }, box,
        ` ${shift.role}, ${when(shift, event.time_zone)}${note}`));
    }
    form.hidden = false;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const body = { shift_ids: data.getAll("shift").map(Number),
        email_consent: data.has("email_consent"), sms_consent: data.has("sms_consent") };
      for (const name of ["first_name", "last_name", "email", "phone", "house_number", "zip"]) {
        if (data.get(name)) body[name] = data.get(name).trim();
      }
      if (!body.shift_ids.length) {
        result.textContent = "Pick at least one shift.";
        return;
      }
      try {
        const signups = await call("POST", `/api/v1/public/events/${encodeURIComponent(code)}/signups`, body);
        form.hidden = true;
        result.replaceChildren(el("h2", {}, "Thank you!"), ...signups.map((s) => el("p", { class: "signup" },
          `${s.shift.role}, ${when(s.shift, s.event.time_zone)}: ${STATUS[s.status]} `,
          el("a", { href: `/signups/${s.token}` }, "Your sign-up"))));
      } catch (error) {
        const fields = error.fields ? ` (${Object.keys(error.fields).join(", ")})` : "";
        result.textContent = error.message + fields;
      }
    });
  }

  async function signupPage(box) {
    const token = box.dataset.token;
    const result = document.getElementById("result");
    const cancel = document.getElementById("cancel");
    const link = document.getElementById("calendar");
    const show = (signup) => {
      box.replaceChildren(...describe(signup.event),
        el("p", { class: "shift" }, `${signup.shift.role}, ${when(signup.shift, signup.event.time_zone)}`),
        el("p", { class: "status", "data-status": signup.status }, STATUS[signup.status]));
      link.href = signup.calendar_url;
      link.hidden = signup.status === "cancelled";
      cancel.hidden = ["cancelled", "completed", "no_show"].includes(signup.status);
    };
    try {
      show(await call("GET", `/api/v1/public/signups/${encodeURIComponent(token)}`));
    } catch (error) {
      box.replaceChildren(el("p", {}, error.message));
      return;
    }
    cancel.addEventListener("click", async () => {
      try {
        show(await call("POST", `/api/v1/public/signups/${encodeURIComponent(token)}/cancel`));
      } catch (error) {
        result.textContent = error.message;
      }
    });
  }

  const page = document.getElementById("event");
  if (page) eventPage(page);
  const mine = document.getElementById("signup");
  if (mine && mine.dataset.token) signupPage(mine);
})();
