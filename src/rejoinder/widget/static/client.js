// The REST client the widget and the account page share. Errors are RFC 9457 problems.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || "http_error";
    this.problem = problem;
    this.retryAfter = problem.retry_after;
  }
}

export class NetworkError extends Error {
  constructor() {
    super("network");
    this.code = "network_error";
    this.status = 0;
  }
}

export class Client {
  /** `rejoinder` is the embed's API object: base URL, session, login, options. */
  constructor(rejoinder) {
    this.rejoinder = rejoinder;
    this.apiBase = rejoinder.base + "api/v1";
  }

  get signedIn() {
    return !!this.rejoinder.session();
  }

  /** Ask the publisher's token getter for a fresh SSO token when there is no session. */
  async ensureSession() {
    if (this.signedIn) return true;
    const getToken = this.rejoinder.options.getToken;
    if (!getToken) return false;
    try {
      const token = await getToken();
      if (!token) return false;
      await this.rejoinder.login(token);
      return true;
    } catch (_) {
      return false;
    }
  }

  async request(method, path, { body, headers = {}, retried = false } = {}) {
    const session = this.rejoinder.session();
    const init = { method, headers: { Accept: "application/json", ...headers } };
    if (session) init.headers.Authorization = "Bearer " + session.token;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.apiBase + path, init);
    } catch (_) {
      throw new NetworkError();
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    const error = new ApiError(response.status, data);
    if (response.headers.get("Retry-After") && error.retryAfter === undefined) {
      error.retryAfter = Number(response.headers.get("Retry-After"));
    }
    // A token the server no longer accepts: drop it, try the publisher's getter once.
    if (session && response.status === 401 && !retried) {
      this.rejoinder.forget();
      if (await this.ensureSession()) return this.request(method, path, { body, headers, retried: true });
    }
    throw error;
  }

  get(path) {
    return this.request("GET", path);
  }
}
