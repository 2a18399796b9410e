// Invitation page: show what the link offers, then accept it with a name and password.
(function () {
  const form = document.getElementById("accept");
  const offer = document.getElementById("offer");
  const result = document.getElementById("result");
  const token = form.dataset.token;

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = response.status === 204 ? {} : await response.json();
    return { ok: response.ok, data };
  }

  function showError(error) {
    const fields = error.fields ? Object.values(error.fields).flat().join(" ") : "";
    result.textContent = `${error.message} ${fields}`.trim();
    result.className = "error";
  }

  post("/api/v1/invitations/lookup", { token }).then(({ ok, data }) => {
    if (!ok) return showError(data.error);
    if (data.status !== "pending") {
      offer.textContent = `This invitation was ${data.status}. Ask your organizer for a new one.`;
      return;
    }
    offer.textContent = `You are invited to ${data.organization} as ${data.role}.`;
    if (data.name) form.elements.name.value = data.name;
    if (!data.email) {
      document.getElementById("email-row").hidden = false;
      form.elements.email.required = true;
    }
    form.hidden = false;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { token, name: form.elements.name.value, password: form.elements.password.value };
    if (form.elements.email.value) body.email = form.elements.email.value;
    const { ok, data } = await post("/api/v1/invitations/accept", body);
    if (!ok) return showError(data.error);
    form.hidden = true;
    result.className = "";
    result.textContent = `Welcome, ${data.user.name}. You can now sign in as ${data.user.email}.`;
  });
})();
