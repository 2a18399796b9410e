// The console's calls to the API: tokens kept for this tab, refreshed once on expiry.
const KEY = "doorstep.console.session";

export class ApiError extends Error {
  constructor(status, error) {
    const fields = error && error.fields ? ` (${Object.keys(error.fields).join(", ")})` : "";
    const reason = (error && error.message) || `HTTP ${status}`;
    super(`${reason}${fields}`);
    this.reason = reason;  // the API's own words, for showing next to the field it names
    this.status = status;
    this.code = error && error.code;
    this.fields = error && error.fields;
  }
}

export function session() {
  const saved = sessionStorage.getItem(KEY);
  return saved ? JSON.parse(saved) : null;
}

function keep(data) {
  sessionStorage.setItem(KEY, JSON.stringify({
    access: data.access_token, refresh: data.refresh_token,
  }));
}

export async function signIn(email, password) {
  const response = await fetch("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const data = await response.json();
  if (!response.ok) throw new ApiError(response.status, data.error);
  keep(data);
}

export function signOut() {
  const current = session();
  sessionStorage.removeItem(KEY);
  if (current) {
    fetch("/api/v1/auth/logout", {
      method: "POST", headers: { Authorization: `Bearer ${current.access}` },
    }).catch(() => {});
  }
}

async function refresh() {
  const current = session();
  if (!current) return false;
  const response = await fetch("/api/v1/auth/refresh", {
    method: "POST", headers: { Authorization: `Bearer ${current.refresh}` },
  });
  if (!response.ok) return false;
  keep(await response.json());
  return true;
}

// fetch() with the access token; a 401 refreshes once and retries, then signs out.
export async function call(method, path, body, { raw = false, headers: extra = {} } = {}) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const current = session();
    const headers = current ? { ...extra, Authorization: `Bearer ${current.access}` } : { ...extra };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && attempt === 0 && await refresh()) continue;
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      window.dispatchEvent(new Event("doorstep:signed-out"));
    }
    if (response.status === 304) return raw ? response : null;  // asked with If-None-Match
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      throw new ApiError(response.status, data.error);
    }
    if (raw) return response;
    return response.status === 204 ? {} : response.json();
  }
  throw new ApiError(401, { message: "Signed out." });
}

// Download a file the API serves only with the token (walk sheets; a call sheet is a POST).
export async function download(path, filename, { method = "GET", body } = {}) {
  const response = await call(method, path, body, { raw: true });
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
