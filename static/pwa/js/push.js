// Web Push: notices about new lists and changes to mine, where the browser and the server
// have it. The button turns them on or off for this browser.
/* global DoorstepStore */
import { t } from "./i18n.js";

const store = DoorstepStore;

export async function pushToggle({ h, done }) {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !navigator.onLine) {
    return null;
  }
  let key;
  try {
    key = await store.api("GET", "/api/v1/push/key");
  } catch {
    return null;
  }
  if (!key.enabled) return null;
  const saved = await store.get("push");
  return h("button", { type: "button", class: "link", on: { click: async () => {
    try {
      const registration = await navigator.serviceWorker.ready;
      if (saved) {
        const subscription = await registration.pushManager.getSubscription();
        if (subscription) await subscription.unsubscribe();
        await store.api("DELETE", `/api/v1/push/subscriptions/${saved.id}`).catch(() => {});
        await store.put("push", null);
      } else {
        if (await Notification.requestPermission() !== "granted") throw new Error(t("push_denied"));
        const subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: fromBase64Url(key.public_key) });
        const stored = await store.api("POST", "/api/v1/push/subscriptions", subscription.toJSON());
        await store.put("push", { id: stored.id });
      }
      done();
    } catch (error) {
      done(error.message);
    }
  } } }, saved ? t("push_off") : t("push_on"));
}

function fromBase64Url(text) {
  const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}
