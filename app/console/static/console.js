// The director console's shell: sign-in, the screens a role may use, and #/ routing. Each
// screen is a module of its own (show, hide): the map (turf cutting and walk lists) is
// map.js, events.js, volunteers.js, money.js, paper.js and the rest are named below.
import { call, session, signIn, signOut } from "./api.js";
import { $, say } from "./dom.js";
import * as events from "./events.js";
import * as map from "./map.js";
import * as money from "./money.js";
import * as paper from "./paper.js";
import * as review from "./review.js";
import * as rules from "./rules.js";
import * as texting from "./texting.js";
import * as email from "./mailings.js";
import * as links from "./links.js";
import * as mail from "./mail.js";
import * as dashboard from "./dashboard.js";
import * as volunteers from "./volunteers.js";
import * as people from "./people.js";
import * as webhooks from "./webhooks.js";
import * as apikeys from "./apikeys.js";

// ---- sign in, and the screens: #/map, #/events[/new|/ID], #/volunteers[/ID], #/review,
// #/paper, #/money[/desk|/review|/flags|/list], #/texting[/ID], #/rules, #/email[/new|/ID],
// #/mail[/ID], #/links, #/people[/ID], #/webhooks, #/keys, #/dashboard ----
const SCREENS = {
  map: { permission: "turfs.read", ...map },
  events: { permission: "events.manage", ...events },
  volunteers: { permission: "volunteers.manage", ...volunteers },
  // One person's history, for the field program (finance looks donors up on Money).
  people: { permission: "people.read", roles: ["admin", "director", "organizer"], ...people },
  review: { permission: "canvass.review", ...review },
  paper: { permission: "canvass.key", ...paper },
  money: { permission: "donations.totals", ...money },
  texting: { permission: "texting.send", ...texting },
  rules: { permission: "automation.manage", ...rules },
  email: { permission: "outreach.manage", ...email },
  webhooks: { permission: "webhooks.manage", ...webhooks },
  keys: { permission: "api_keys.manage", ...apikeys },
  mail: { permission: "mail.manage", ...mail },
  links: { permission: "links.manage", ...links },
  dashboard: { permission: ["dashboard.read", "donations.totals"], ...dashboard },
};
const shell = { me: null, shown: null };
// Any of the permissions given (a screen some roles see part of: the dashboard).
const can = (permission) => Boolean(shell.me
  && [permission].flat().some((one) => shell.me.permissions.includes(one)));
const mayUse = ({ permission, roles }) => can(permission)
  && (!roles || roles.includes(shell.me.role));

async function start() {
  if (!session()) return showLogin();
  try {
    shell.me = await call("GET", "/api/v1/auth/me");
  } catch {
    return showLogin();
  }
  const { me } = shell;
  $("who").textContent = `${me.name} (${me.role}), ${me.organization_name}`;
  for (const tab of $("tabs").querySelectorAll("[data-screen]")) {
    tab.hidden = !mayUse(SCREENS[tab.dataset.screen]);
  }
  $("login").hidden = true;
  $("console").hidden = false;
  await route();
}

function showLogin() {
  if (shell.shown) SCREENS[shell.shown].hide();
  Object.assign(shell, { me: null, shown: null });
  map.reset();  // the next sign-in may be another campaign's
  $("console").hidden = true;
  $("login").hidden = false;
}

// The screen the hash names, if the role may see it; else the first one it may.
async function route() {
  if (!shell.me) return;
  const [, name, ...rest] = location.hash.split("/");
  const allowed = Object.keys(SCREENS).filter((screen) => mayUse(SCREENS[screen]));
  $("no-screens").hidden = allowed.length > 0;
  const screen = allowed.includes(name) ? name : allowed[0];
  if (shell.shown && shell.shown !== screen) SCREENS[shell.shown].hide();
  for (const other of Object.keys(SCREENS)) $(`screen-${other}`).hidden = other !== screen;
  for (const tab of $("tabs").querySelectorAll("[data-screen]")) {
    if (tab.dataset.screen === screen) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  shell.shown = screen;
  if (!screen) return;
  if (screen !== name) history.replaceState(null, "", `#/${screen}`);
  await SCREENS[screen].show({ can, me: shell.me }, screen === name ? rest : []);
}
window.addEventListener("hashchange", route);

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await signIn(form.get("email"), form.get("password"));
    say("login-error", "");
    await start();
  } catch (error) {
    say("login-error", error.message, true);
  }
});
$("sign-out").addEventListener("click", () => { signOut(); showLogin(); });
window.addEventListener("doorstep:signed-out", showLogin);

start();
