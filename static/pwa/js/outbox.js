// The phone's storage and sync, shared by the page and the service worker (a classic script:
// the worker loads it with importScripts). Everything lives in IndexedDB, so it survives
// reloads, closing the browser, reboots and app updates:
//   kv      the session (tokens), the device id, the script and result codes, settings, the
//           server database's epoch this phone last synced with
//   lists   each claimed list as the server sent it
//   outbox  knocks and calls not yet accepted by the server: "pending", or "attention" with
//           the reason (a call record has type "call" and its call list)
//   done    what the server has (for progress on the phone), with when and in which epoch
//   checkins  a kiosk's check-ins at an event's door: "pending", "attention" or "done"
// A record leaves the outbox only when the server has answered "applied" or "duplicate", and
// comes back to it when the server's database was restored from a backup older than that.
/* global idb */
(function (scope) {
  "use strict";

  const DB_NAME = "doorstep";
  const BATCH = 50;
  // With nothing to send, the server's epoch is asked at most this often (each sync's answer
  // carries it too).
  const EPOCH_EVERY_MS = 5 * 60 * 1000;
  let dbPromise = null;
  let epochAskedAt = 0;
  let serverOffsetMs = 0;  // the server's clock minus this phone's, from the last answer

  function db() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 2, {
        upgrade(database, oldVersion) {
          if (oldVersion < 1) {
            database.createObjectStore("kv");
            database.createObjectStore("lists", { keyPath: "id" });
            const outbox = database.createObjectStore("outbox", { keyPath: "uuid" });
            outbox.createIndex("status", "status");
            database.createObjectStore("done", { keyPath: "uuid" });
          }
          if (oldVersion < 2) {
            const checkins = database.createObjectStore("checkins", { keyPath: "uuid" });
            checkins.createIndex("status", "status");
          }
        },
        // A newer version (an app update in another tab) wants the database: let it.
        blocking() {
          dbPromise.then((database) => database.close());
          dbPromise = null;
        },
      });
    }
    return dbPromise;
  }

  async function get(key) { return (await db()).get("kv", key); }
  async function put(key, value) { return (await db()).put("kv", value, key); }

  async function deviceId() {
    let id = await get("device_id");
    if (!id) {
      id = `pwa-${crypto.randomUUID()}`;
      await put("device_id", id);
    }
    return id;
  }

  // ---- the session ----
  async function signIn(email, password) {
    const response = await fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw apiError(response.status, body);
    await put("session", { access: body.access_token, refresh: body.refresh_token,
      user: body.user, needsLogin: false });
    epochAskedAt = 0;  // signed out by a restore, perhaps: ask at the next sync
    return body.user;
  }

  // Signing out of a shared tablet leaves no roster behind: the kiosks' lists of names and
  // codes, the events, the volunteer's shifts, and check-ins already sent. What is still
  // waiting to be sent stays, for whoever signs in next.
  async function signOut() {
    const database = await db();
    await database.delete("kv", "session");
    for (const key of await database.getAllKeys("kv")) {
      if (String(key).startsWith("kiosk:") || key === "events" || key === "my_shifts") {
        await database.delete("kv", key);
      }
    }
    const tx = database.transaction("checkins", "readwrite");
    for (const item of await tx.store.getAll()) {
      if (item.status === "done") await tx.store.delete(item.uuid);
    }
    await tx.done;
  }

  function apiError(status, body) {
    const error = new Error((body && body.error && body.error.message) || `HTTP ${status}`);
    error.status = status;
    error.code = body && body.error && body.error.code;
    error.fields = body && body.error && body.error.fields;
    return error;
  }

  // Another tab or the worker may have refreshed first: the refresh token in storage wins.
  async function refresh(used) {
    const session = await get("session");
    if (!session) return false;
    if (session.access !== used) return true;
    const response = await fetch("/api/v1/auth/refresh", {
      method: "POST", headers: { Authorization: `Bearer ${session.refresh}` },
    });
    if (!response.ok) {
      if (response.status === 401) await put("session", { ...session, needsLogin: true });
      return false;
    }
    const body = await response.json();
    await put("session", { ...session, access: body.access_token,
      refresh: body.refresh_token, user: body.user || session.user, needsLogin: false });
    return true;
  }

  // fetch() with the access token; an expired token is refreshed once, then the call retried.
  async function api(method, path, body) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const session = await get("session");
      if (!session || session.needsLogin) throw apiError(401, { error: { code: "needs_login",
        message: "Sign in again to sync." } });
      const headers = { Authorization: `Bearer ${session.access}` };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      let response;
      try {
        response = await fetch(path, { method, headers,
          body: body === undefined ? undefined : JSON.stringify(body) });
      } catch {
        // No answer at all: no signal (or the server is down). The caller keeps its data.
        throw apiError(0, { error: { code: "network", message: "No signal." } });
      }
      if (response.status === 401 && attempt === 0 && await refresh(session.access)) continue;
      if (response.status === 401) {
        await put("session", { ...session, needsLogin: true });
      }
      const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
      if (!response.ok) throw apiError(response.status, data);
      return data;
    }
    throw apiError(401, { error: { code: "needs_login", message: "Sign in again." } });
  }

  // ---- the outbox ----
  // ``meta``: what the outbox screen shows of a record it cannot look up (a call's name).
  async function enqueue(record, meta = null) {
    const database = await db();
    await database.put("outbox", { uuid: record.uuid, record, status: "pending",
      list_id: record.walk_list_id, household_id: record.household_id, meta,
      queued_at: new Date().toISOString(), tries: 0 });
    notify();
  }

  // What waits on this device: door knocks and a kiosk's check-ins alike.
  async function counts() {
    const database = await db();
    const all = [...await database.getAll("outbox"), ...await database.getAll("checkins")];
    return {
      waiting: all.filter((r) => r.status === "pending").length,
      attention: all.filter((r) => r.status === "attention").length,
    };
  }

  async function outboxItems() { return (await db()).getAll("outbox"); }
  async function doneItems() { return (await db()).getAll("done"); }

  // Put a record back in line after the canvasser fixed what the server refused.
  async function retry(uuid) {
    const database = await db();
    const item = await database.get("outbox", uuid);
    if (item) await database.put("outbox", { ...item, status: "pending", reason: null });
    notify();
  }

  // ---- the server's database epoch ----
  // Each life of the server's database has an epoch; a restore from a backup starts another.
  // What the server acknowledged in an earlier life after the backup's time is gone from it:
  // those records go back in line and are sent again, quietly (the server applies each UUID
  // once, so one it still has comes back "duplicate"). The server says which records: since
  // when (its clock), or all.
  async function checkEpoch(force = false) {
    if (!force && Date.now() - epochAskedAt < EPOCH_EVERY_MS) return 0;
    const known = await get("epoch");
    const query = known ? `?known=${encodeURIComponent(known)}` : "";
    let answer;
    try {
      answer = await api("GET", `/api/v1/canvass/epoch${query}`);
    } catch {
      return 0;  // no signal, or not a canvasser: the sync itself says what is wrong
    }
    epochAskedAt = Date.now();
    noteServerTime(answer.server_time);
    if (answer.epoch === known) return 0;
    const count = await sendAgain(answer);
    if (count) notify();
    return count;
  }

  async function sendAgain({ epoch, resend, resend_since: since }) {
    const database = await db();
    const cut = since ? Date.parse(since) : -Infinity;
    const lost = (item) => {
      if (!resend || item.epoch === epoch || !item.record) return false;
      const at = Date.parse(item.acked_at || item.synced_at || item.queued_at);
      return Number.isNaN(at) || at >= cut;  // an undated one: sent again, to be safe
    };
    const tx = database.transaction(["kv", "done", "outbox", "checkins"], "readwrite");
    let count = 0;
    for (const item of await tx.objectStore("done").getAll()) {
      if (!lost(item)) continue;
      // Back in line by the time it was made: before what was knocked since.
      await tx.objectStore("outbox").put({ uuid: item.uuid, record: item.record,
        status: "pending", list_id: item.list_id, household_id: item.household_id,
        meta: item.meta || null,
        queued_at: item.record.client_at || item.synced_at, tries: 0, sent_again: true });
      await tx.objectStore("done").delete(item.uuid);
      count += 1;
    }
    for (const item of await tx.objectStore("checkins").getAll()) {
      if (item.status !== "done" || !lost(item)) continue;
      await tx.objectStore("checkins").put({ ...item, status: "pending", sent_again: true });
      count += 1;
    }
    await tx.objectStore("kv").put(epoch, "epoch");
    await tx.done;
    return count;
  }

  function noteServerTime(serverTime) {
    const at = Date.parse(serverTime);
    if (!Number.isNaN(at)) serverOffsetMs = at - Date.now();
  }

  // When the server acknowledged something (its clock, as near as this phone knows it).
  function serverNow() {
    return new Date(Date.now() + serverOffsetMs).toISOString();
  }

  let running = null;

  // Send what is waiting, a batch at a time. Safe to call from anywhere, any time: one run at
  // a time per context, and the server applies each record once even if two contexts send it.
  function syncNow() {
    if (!running) {
      running = withLock(async () => {
        await checkEpoch();
        const knocks = await sendAll();
        await sendCheckIns();
        return knocks;
      }).finally(() => { running = null; });
    }
    return running;
  }

  async function withLock(work) {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request("doorstep-sync", work);
    }
    return work();
  }

  async function sendAll() {
    const database = await db();
    const device = await deviceId();
    let sent = 0;
    for (;;) {
      const pending = (await database.getAllFromIndex("outbox", "status", "pending"))
        .sort((a, b) => a.queued_at.localeCompare(b.queued_at)).slice(0, BATCH);
      if (!pending.length) break;
      let body;
      try {
        body = await api("POST", "/api/v1/canvass/sync",
          { device_id: device, sent_at: new Date().toISOString(),
            records: pending.map((item) => item.record) });
      } catch (error) {
        // Offline, a server error or a login to redo: everything stays queued as it was.
        await markTried(pending, error);
        notify();
        return { sent, error: error.code || String(error.status || error.message) };
      }
      noteServerTime(body.server_time);
      const tx = database.transaction(["outbox", "done"], "readwrite");
      for (const result of body.results) {
        const item = pending.find((p) => p.uuid === result.uuid);
        if (!item) continue;
        if (result.status === "applied" || result.status === "duplicate") {
          await tx.objectStore("done").put({ uuid: item.uuid, list_id: item.list_id,
            household_id: item.household_id, meta: item.meta || null,
            result: item.record.result || null,
            client_at: item.record.client_at, record: item.record,
            door_knock_id: result.door_knock_id, synced_at: new Date().toISOString(),
            acked_at: body.server_time, epoch: body.epoch });
          await tx.objectStore("outbox").delete(item.uuid);
          sent += 1;
        } else {
          await tx.objectStore("outbox").put({ ...item, status: "attention",
            code: result.code, reason: result.message, fields: result.fields || null });
        }
      }
      await tx.done;
      notify();
      // The database was restored since this phone last asked: what it lost goes back in
      // line, and this loop sends it.
      if (body.epoch && body.epoch !== await get("epoch")) await checkEpoch(true);
    }
    return { sent };
  }

  async function markTried(items, error) {
    const database = await db();
    const tx = database.transaction("outbox", "readwrite");
    for (const item of items) {
      await tx.store.put({ ...item, tries: (item.tries || 0) + 1,
        last_error: error.code || String(error.status || error.message) });
    }
    await tx.done;
  }

  // ---- check-ins (a kiosk at an event's door) ----
  // ``meta`` is what the kiosk knew when it queued the record (the name, the sign-up), so it
  // can show who is in before the server has answered.
  async function enqueueCheckIn(eventId, record, meta = {}) {
    const database = await db();
    await database.put("checkins", { uuid: record.uuid, event_id: eventId, record, meta,
      status: "pending", queued_at: new Date().toISOString() });
    notify();
  }

  async function checkInItems(eventId) {
    return (await (await db()).getAll("checkins")).filter((item) => item.event_id === eventId);
  }

  async function sendCheckIns() {
    const database = await db();
    const device = await deviceId();
    const pending = (await database.getAllFromIndex("checkins", "status", "pending"))
      .sort((a, b) => a.queued_at.localeCompare(b.queued_at));
    const events = [...new Set(pending.map((item) => item.event_id))];
    for (const eventId of events) {
      const mine = pending.filter((item) => item.event_id === eventId);
      for (let start = 0; start < mine.length; start += BATCH) {
        const batch = mine.slice(start, start + BATCH);
        let body;
        try {
          body = await api("POST", `/api/v1/events/${eventId}/check-ins`,
            { device_id: device, records: batch.map((item) => item.record) });
        } catch (error) {
          // Refused as a whole (the event cancelled, a record the server cannot read): a
          // person must look, so the batch waits in "attention" and the rest still go.
          if (error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status)) {
            const tx = database.transaction("checkins", "readwrite");
            for (const item of batch) {
              await tx.store.put({ ...item, status: "attention", code: error.code,
                reason: error.message });
            }
            await tx.done;
            notify();
            continue;
          }
          notify();
          return { error: error.code || String(error.status || error.message) };
        }
        const epoch = await get("epoch");
        const tx = database.transaction("checkins", "readwrite");
        for (const result of body.results) {
          const item = batch.find((p) => p.uuid === result.uuid);
          if (!item) continue;
          if (result.status === "rejected") {
            await tx.store.put({ ...item, status: "attention", code: result.code,
              reason: result.message });
          } else {
            await tx.store.put({ ...item, status: "done", outcome: result.status,
              check_in: result.check_in, acked_at: serverNow(), epoch });
          }
        }
        await tx.done;
        notify();
      }
    }
    return {};
  }

  // Tell every open page that the outbox changed (the worker and the pages all listen).
  function notify() {
    try {
      const channel = new BroadcastChannel("doorstep-outbox");
      channel.postMessage("changed");
      channel.close();
    } catch { /* BroadcastChannel missing: pages poll */ }
  }

  scope.DoorstepStore = {
    db, get, put, deviceId, signIn, signOut, api, enqueue, counts, outboxItems, doneItems,
    retry, syncNow, enqueueCheckIn, checkInItems,
  };
})(self);
