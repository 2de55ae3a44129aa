/* Rejoinder embed loader. One tag on an article page:
 *   <script async src="https://comments.example/embed.js"></script>
 *   <rejoinder-comments site="demo" story="story-id" story-url="https://…"></rejoinder-comments>
 * It defines the element and the small `Rejoinder` API (login / logout / configure), and loads
 * the widget module only when the element comes near the viewport. No dependencies. */
(() => {
  "use strict";
  const script = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  const base = new URL(".", script ? script.src : location.href).href;
  const moduleUrl = base + "widget/v/__BUNDLE_VERSION__/widget.js";
  const storageKey = "rejoinder.session:" + new URL(base).host;
  const options = {};

  function readSession() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      return saved && saved.expires > Date.now() ? saved : null;
    } catch (_) {
      return null;
    }
  }

  function saveSession(grant) {
    const session = grant
      ? { token: grant.access_token, expires: Date.now() + grant.expires_in * 1000 }
      : null;
    try {
      if (session) localStorage.setItem(storageKey, JSON.stringify(session));
      else localStorage.removeItem(storageKey);
    } catch (_) {
      /* storage may be blocked (private mode): the session lives in memory only */
    }
    memory = session;
    dispatchEvent(new CustomEvent("rejoinder:session", { detail: { signedIn: !!session } }));
    return grant ? grant.account : null;
  }

  let memory = readSession();

  async function exchange(path, body) {
    const response = await fetch(base + "api/v1/auth/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(data.detail || "sign-in failed"), data);
    return saveSession(data);
  }

  const api = {
    base,
    /** Exchange the publisher's signed JWT for a Rejoinder session. Resolves to the account. */
    login: (token) => exchange("sso", { token }),
    /** Local accounts (sites without SSO). */
    signIn: (email, password) => exchange("login", { email, password }),
    register: (email, password) => exchange("register", { email, password }),
    async logout() {
      const session = memory || readSession();
      saveSession(null);
      if (session) {
        await fetch(base + "api/v1/auth/logout", {
          method: "POST",
          headers: { Authorization: "Bearer " + session.token },
          keepalive: true, // the page may reload on the session event: the sign-out still lands
        }).catch(() => {});
      }
    },
    /** Options: getToken (async () => JWT or null, called when there is no session),
     *  loginUrl (where the sign-in prompt sends readers), onLogin (called instead). */
    configure(next) {
      Object.assign(options, next || {});
    },
    options,
    session: () => memory || readSession(),
    /** Take over a session handed to Rejoinder's own pages (the account page). */
    adopt: (token) => saveSession({ access_token: token, expires_in: 86400 }),
    forget: () => saveSession(null),
  };
  // Pages may queue calls before this script has loaded: Rejoinder.push(["configure", {...}]).
  api.push = (...calls) => {
    for (const [method, ...args] of calls) api[method](...args);
  };
  const queued = Array.isArray(window.Rejoinder) ? window.Rejoinder : [];
  window.Rejoinder = api;
  api.push(...queued);

  let loading = null;
  const load = () => (loading = loading || import(moduleUrl));

  class RejoinderComments extends HTMLElement {
    static get observedAttributes() {
      return ["lang"];
    }

    attributeChangedCallback(name, before, after) {
      if (this.widget && before !== after) this.widget.relocalise();
    }

    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML =
        '<p style="min-height:6rem;font:inherit;color:GrayText" aria-busy="true">…</p>';
      const start = () =>
        load().then(
          (widget) => widget.mount(this, root, api).then((w) => (this.widget = w)),
          () => (root.firstChild.textContent = "Comments could not be loaded."),
        );
      if (!("IntersectionObserver" in window)) return void start();
      const observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            observer.disconnect();
            start();
          }
        },
        { rootMargin: "800px 0px" },
      );
      observer.observe(this);
    }
  }
  if (!customElements.get("rejoinder-comments")) {
    customElements.define("rejoinder-comments", RejoinderComments);
  }
})();
