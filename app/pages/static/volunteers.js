// The open volunteer form (/volunteer/SLUG) and a volunteer invite (/join/CODE): no sign-in,
// talking to /api/v1/public/.
/* global DoorstepPublic */
(function () {
  "use strict";
  const { el, call } = DoorstepPublic;

  const SKILLS = {
    canvassing: "Knock on doors", phone_banking: "Make calls", text_banking: "Send texts",
    data_entry: "Data entry", driving: "Drive volunteers", event_hosting: "Host an event",
    voter_registration: "Register voters", training: "Train volunteers", translation: "Translate",
  };
  const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

  function when(shift) {
    const options = { timeZone: shift.time_zone, weekday: "short", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit" };
    return new Date(shift.starts_at).toLocaleString(undefined, options);
  }

  function fillForm(form, skills) {
    const box = document.getElementById("skills");
    for (const skill of skills) {
      box.append(el("label", { class: "check" }, el("input", { type: "checkbox", name: "skill", value: skill }),
        ` ${SKILLS[skill] || skill}`));
    }
    const days = document.getElementById("days");
    DAYS.forEach((day, n) => days.append(el("label", { class: "check" },
      el("input", { type: "checkbox", name: "day", value: String(n) }), ` ${day}`)));
    form.hidden = false;
  }

  function readForm(form) {
    const data = new FormData(form);
    const body = { skills: data.getAll("skill"), email_consent: data.has("email_consent"),
      sms_consent: data.has("sms_consent"),
      // A ticked day is a whole day's window; the organiser refines it later.
      availability: { weekly: data.getAll("day").map((d) => ({ day: Number(d), start: "00:00", end: "23:59" })) },
      languages: (data.get("languages") || "").split(/[\s,]+/).filter(Boolean) };
    for (const name of ["first_name", "last_name", "email", "phone", "house_number", "zip"]) {
      if (data.get(name)) body[name] = data.get(name).trim();
    }
    return body;
  }

  function thanks(done) {
    const parts = [el("h2", {}, `Thank you${done.first_name ? ", " + done.first_name : ""}!`),
      el("p", {}, "We'll be in touch. If you gave your email, your calendar link is on its way.")];
    if (done.team) parts.push(el("p", {}, `You're on the team: ${done.team}.`));
    for (const s of done.signups || []) {
      parts.push(el("p", { class: "signup" }, `${s.shift.role}: ${s.status} `,
        s.token ? el("a", { href: `/signups/${s.token}` }, "Your sign-up")
          : "We've sent you the link to your sign-up."));
    }
    if (done.walk_list) {
      parts.push(el("p", {}, `Your walk list: code ${done.walk_list.code}. Sign in to the canvassing app, then `,
        el("a", { href: done.walk_list.claim_url }, "open the list"), "."));
    }
    return parts;
  }

  function submitTo(form, path, extra) {
    const result = document.getElementById("result");
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = { ...readForm(form), ...extra };
      try {
        const done = await call("POST", path, body);
        form.hidden = true;
        result.replaceChildren(...thanks(done));
      } catch (error) {
        const fields = error.fields ? ` (${Object.keys(error.fields).join(", ")})` : "";
        result.textContent = error.message + fields;
      }
    });
  }

  async function openPage(intro, form) {
    const slug = intro.dataset.slug;
    try {
      const shown = await call("GET", `/api/v1/public/volunteers?organization=${encodeURIComponent(slug)}`);
      intro.replaceChildren(el("h1", {}, `Volunteer with ${shown.organization}`));
      fillForm(form, shown.skills);
      submitTo(form, "/api/v1/public/volunteers", { organization: slug });
    } catch (error) {
      intro.replaceChildren(el("p", {}, error.message));
    }
  }

  async function invitePage(intro, form) {
    const code = intro.dataset.code;
    try {
      const invite = await call("GET", `/api/v1/public/invites/${encodeURIComponent(code)}`);
      const parts = [el("h1", {}, invite.label || `Volunteer with ${invite.organization}`)];
      if (invite.team) parts.push(el("p", {}, `You'll join the team: ${invite.team}.`));
      if (invite.shift) parts.push(el("p", { class: "shift" },
        `Your shift: ${invite.shift.event_name}, ${invite.shift.role}, ${when(invite.shift)}`));
      if (invite.walk_list) parts.push(el("p", {}, "A walk list is waiting for you."));
      intro.replaceChildren(...parts);
      fillForm(form, invite.skills);
      submitTo(form, `/api/v1/public/invites/${encodeURIComponent(code)}/signups`, {});
    } catch (error) {
      intro.replaceChildren(el("p", {}, error.message));
    }
  }

  const intro = document.getElementById("intro");
  const form = document.getElementById("volunteer");
  if (intro && intro.dataset.slug) openPage(intro, form);
  if (intro && intro.dataset.code) invitePage(intro, form);
})();
