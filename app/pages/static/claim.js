// Claim page (the walk sheet's QR code): sign in if needed, claim the list, show its doors.
import { call, session, signIn } from "./api.js";

const form = document.getElementById("sign-in");
const result = document.getElementById("result");
const code = form.dataset.code;

function showError(error) {
  result.textContent = error.message;
  result.className = "error";
}

function show(list) {
  document.getElementById("list-name").textContent = list.name;
  document.getElementById("list-summary").textContent = `${list.door_count} doors, `
    + `${list.target_count} people to talk to, about ${(list.route_length_m / 1000).toFixed(1)} km. `
    + "It is yours now: open it in the canvassing app to record each door.";
  const stops = document.getElementById("stops");
  stops.replaceChildren();
  for (const stop of list.stops) {
    const item = document.createElement("li");
    const where = stop.unit ? `${stop.address} #${stop.unit}` : stop.address;
    const people = stop.people
      .map((p) => `${p.is_target ? "★ " : ""}${p.first_name} ${p.last_name}`).join(", ");
    item.textContent = `${where}: ${people}`;
    stops.append(item);
  }
  document.getElementById("claimed").hidden = false;
  form.hidden = true;
  result.textContent = "";
}

async function claim() {
  try {
    show(await call("POST", "/api/v1/walk-lists/claim", { code }));
  } catch (error) {
    if (error.status === 401) { form.hidden = false; return; }
    showError(error);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = new FormData(form);
  try {
    await signIn(fields.get("email"), fields.get("password"));
  } catch (error) {
    showError(error);
    return;
  }
  await claim();
});

window.addEventListener("doorstep:signed-out", () => { form.hidden = false; });
if (session()) claim(); else form.hidden = false;
