// The desk's API client: a bearer token kept for this browser tab only (sessionStorage).
const KEY = "rejoinder.desk.token";
const BASE = "/api/v1/moderation";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || String(status));
    this.status = status;
    this.code = problem.code || "error";
  }
}

export const session = {
  get token() { return sessionStorage.getItem(KEY); },
  set(token) { sessionStorage.setItem(KEY, token); },
  clear() { sessionStorage.removeItem(KEY); },
};

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (session.token) headers.Authorization = "Bearer " + session.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export async function signIn(email, password) {
  const grant = await call("POST", "/api/v1/auth/login", { email, password });
  session.set(grant.access_token);
}

/** A publisher's signed SSO token (short-lived, used once) exchanged for a session. */
export async function signInWithSso(token) {
  const grant = await call("POST", "/api/v1/auth/sso", { token });
  session.set(grant.access_token);
}

export const api = {
  config: () => call("GET", `${BASE}/config`),
  protections: (site) => call("GET", `${BASE}/protections${query({ site })}`),
  reopen: (id) => call("POST", `${BASE}/protections/${id}/reopen`),
  takedowns: (params) => call("GET", `${BASE}/takedowns${query(params)}`),
  decideTakedown: (id, body) => call("POST", `${BASE}/takedowns/${id}/decision`, body),
  counts: (site) => call("GET", `${BASE}/counts${query({ site })}`),
  queue: (name, params) => call("GET", `${BASE}/queues/${name}${query(params)}`),
  act: (id, action, extra = {}) =>
    call("POST", `${BASE}/comments/${id}/actions`, { action, ...extra }),
  bulk: (body) => call("POST", `${BASE}/actions`, body),
  reader: (id) => call("GET", `${BASE}/readers/${id}`),
  sanction: (id, body) => call("POST", `${BASE}/readers/${id}/sanctions`, body),
  note: (id, body) => call("POST", `${BASE}/readers/${id}/notes`, { body }),
  lift: (id) => call("POST", `${BASE}/sanctions/${id}/lift`),
  exportUrl: (format) => `${BASE}/audit/export?format=${format}`,
  audit: (params) => call("GET", `${BASE}/audit${query(params)}`),
};

export async function download(format) {
  const response = await fetch(api.exportUrl(format), {
    headers: { Authorization: "Bearer " + session.token },
  });
  if (!response.ok) throw new ApiError(response.status, {});
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), {
    href: url,
    download: `rejoinder-audit.${format}`,
  });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function query(params) {
  const pairs = Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return pairs.length ? "?" + new URLSearchParams(pairs).toString() : "";
}
