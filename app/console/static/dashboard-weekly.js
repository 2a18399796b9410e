// The Dashboard's weekly summary: the PDF of the current filters (every role with
// dashboard.summary), and for admins and directors who gets it by email and when.
import { call, download } from "./api.js";
import { $, h, say, sayFields, setChildren } from "./dom.js";

const form = $("dash-weekly-form");

// The summary of the filters' days (at most 31), as the panels' query string has them.
export function wirePdf(scope) {
  $("dash-summary-pdf").addEventListener("click", async () => {
    try {
      await download(`/api/v1/dashboards/summary.pdf?${scope()}`, "summary.pdf");
    } catch (error) {
      say("dash-status", error.message, true);
    }
  });
}

export async function show(can) {
  if (!can("dashboard.schedule")) return;
  try {
    fill(await call("GET", "/api/v1/dashboards/weekly-summary"));
    say("dash-weekly-status", "");
  } catch (error) {
    say("dash-weekly-status", error.message, true);
  }
}

function fill(schedule) {
  const chosen = new Set(schedule.recipients);
  setChildren($("dash-weekly-staff"), schedule.staff.map((user) => h("label", {},
    h("input", { type: "checkbox", name: "recipients", value: user.id,
      checked: chosen.has(user.id) }),
    ` ${user.name || user.email} (${user.role})`)));
  form.elements.weekday.value = schedule.weekday;
  form.elements.hour.value = schedule.hour;
  form.elements.enabled.checked = schedule.enabled;
  $("dash-weekly-zone").textContent = `The hour is the campaign's (${schedule.time_zone}); `
    + "each person gets last week's summary of the panels their role sees.";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    recipients: [...form.querySelectorAll("input[name=recipients]:checked")]
      .map((box) => Number(box.value)),
    weekday: form.elements.weekday.value,
    hour: Number(form.elements.hour.value),
    enabled: form.elements.enabled.checked,
  };
  try {
    fill(await call("PUT", "/api/v1/dashboards/weekly-summary", body));
    sayFields(form, null);
    say("dash-weekly-status", body.enabled ? "Saved: it goes out every week." : "Saved (off).");
  } catch (error) {
    sayFields(form, error, (name) => (name.startsWith("recipients") ? $("dash-weekly-staff")
      : form.querySelector(`[name="${CSS.escape(name)}"]`)));
    say("dash-weekly-status", error.message, true);
  }
});
