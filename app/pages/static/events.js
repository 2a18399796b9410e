// The public event page (sign up for shifts) and a sign-up's page (calendar, cancel): no
// sign-in, talking to /api/v1/public/.
/* global DoorstepPublic */
(function () {
  "use strict";
  const { el, call } = DoorstepPublic;

  const STATUS = {
    pending: "Confirm your place: no seat is held for you until you do.",
    registered: "You're signed up.", confirmed: "You're confirmed.",
    waitlisted: "You're on the waitlist: we'll write as soon as a seat frees.",
    cancelled: "Cancelled.", completed: "Thanks for coming!", no_show: "We missed you.",
  };

  function when(shift, zone) {
    const options = { timeZone: zone, weekday: "short", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit" };
    const start = new Date(shift.starts_at).toLocaleString(undefined, options);
    const end = new Date(shift.ends_at).toLocaleTimeString(undefined,
      { timeZone: zone, hour: "numeric", minute: "2-digit" });
    return `${start} – ${end}`;
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
          s.token ? el("a", { href: `/signups/${s.token}` }, "Your sign-up")
            : "We've sent you the link to your sign-up.")));
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
    const confirm = document.getElementById("confirm");
    const link = document.getElementById("calendar");
    const show = (signup) => {
      box.replaceChildren(...describe(signup.event),
        el("p", { class: "shift" }, `${signup.shift.role}, ${when(signup.shift, signup.event.time_zone)}`),
        el("p", { class: "status", "data-status": signup.status }, STATUS[signup.status]));
      link.href = signup.calendar_url;
      link.hidden = signup.status === "cancelled";
      cancel.hidden = ["cancelled", "completed", "no_show"].includes(signup.status);
      // The day-before message links here with ?confirm; a registered sign-up may confirm.
      confirm.hidden = !["registered", "pending"].includes(signup.status);
      if (!confirm.hidden && new URLSearchParams(location.search).has("confirm")) confirm.focus();
      showDoor(signup);
    };
    // At the event: the QR code for the kiosk, or "I'm here" (near the place, or with the
    // code shown at the door). Checked in at a canvass launch: the walk list to claim.
    const door = document.getElementById("door");
    const doorForm = document.getElementById("door-code");
    const showDoor = (signup) => {
      door.hidden = signup.status === "cancelled";
      document.getElementById("qr").src = signup.qr_url;
      document.getElementById("checkin-code").textContent = signup.checkin_code;
      const done = signup.check_in;
      document.getElementById("here").hidden = Boolean(done);
      if (done) {
        doorForm.hidden = true;
        const at = new Date(done.checked_in_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        const lines = [el("p", { class: "checked-in" }, `You're checked in (${at}). Thank you!`)];
        if (done.walk_list) {
          lines.push(el("p", {}, `Your walk list: ${done.walk_list.name}. `,
            el("a", { href: done.walk_list.claim_url }, "Open it in the canvassing app")));
        }
        result.replaceChildren(...lines);
      }
    };
    const checkIn = async (body) => {
      try {
        show(await call("POST", `/api/v1/public/signups/${encodeURIComponent(token)}/check-in`, body));
      } catch (error) {
        result.textContent = error.message;
        doorForm.hidden = false;
      }
    };
    document.getElementById("here").addEventListener("click", () => {
      if (!navigator.geolocation) return checkIn({});
      navigator.geolocation.getCurrentPosition(
        (where) => checkIn({ lat: where.coords.latitude, lon: where.coords.longitude }),
        () => checkIn({}), { enableHighAccuracy: true, timeout: 10000 });
    });
    doorForm.addEventListener("submit", (event) => {
      event.preventDefault();
      checkIn({ code: new FormData(doorForm).get("code") });
    });
    try {
      show(await call("GET", `/api/v1/public/signups/${encodeURIComponent(token)}`));
    } catch (error) {
      box.replaceChildren(el("p", {}, error.message));
      return;
    }
    confirm.addEventListener("click", async () => {
      try {
        show(await call("POST", `/api/v1/public/signups/${encodeURIComponent(token)}/confirm`));
      } catch (error) {
        result.textContent = error.message;
      }
    });
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
