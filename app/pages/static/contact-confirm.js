// A new email or phone given on a form, confirmed by its person from the link sent to the
// contact the campaign already had for them.
(function () {
  "use strict";
  const { call } = window.DoorstepPublic;
  const held = document.getElementById("held");
  const button = document.getElementById("confirm-contact");
  const result = document.getElementById("result");
  const path = `/api/v1/public/contact-confirmations/${encodeURIComponent(held.dataset.token)}`;
  const WHAT = { emails: "email address", phones: "phone number" };

  function show(row) {
    const what = WHAT[row.collection] || "contact";
    const said = {
      waiting: `Somebody gave ${row.value} as your ${what}. Is it yours?`,
      confirmed: `${row.value} is confirmed as your ${what}. Thank you.`,
      expired: "This link has expired; fill in the form again to be sent a new one.",
    };
    held.textContent = said[row.status] || "";
    button.hidden = row.status !== "waiting";
  }

  call("GET", path).then(show).catch((error) => { held.textContent = error.message; });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      show(await call("POST", `${path}/confirm`));
    } catch (error) {
      result.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
})();
