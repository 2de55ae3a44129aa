// Where the reader stands (PRODUCT.md §2): the panel shown above the comments instead of, or
// before, the composer. The server enforces the same rules; this only explains them.
import { h, uid, format } from "./dom.js";
import { nameForm } from "./namefield.js";
import { registeredNameForm } from "./regname.js";
import { errorText } from "./errors.js";

const ENTITLEMENT_ORDER = ["read", "comment", "react", "report"];

/** "read comments", "read comments and react" … in the reader's language. */
export function allowedText(m, entitlements) {
  const words = ENTITLEMENT_ORDER.filter((e) => entitlements.includes(e)).map((e) =>
    m.t(`entitlement.${e}`),
  );
  if (!words.length) return m.t("entitlement.nothing");
  const list = new Intl.ListFormat(m.lang, { style: "long", type: "conjunction" });
  return list.format(words);
}

/** A link to Rejoinder's own pages. When they live on another origin than the article, the
 *  session goes along in the fragment (never sent to a server; the page removes it at once). */
export function accountLink(href, rejoinder) {
  const url = new URL(href);
  const session = rejoinder.session();
  if (session && url.origin !== location.origin) url.hash = "session=" + encodeURIComponent(session.token);
  return url.href;
}

/** What Rejoinder's own pages need to match the article: its language, its site (name and
 *  colours), and the way back to it. */
export function pageContext(url, widget) {
  url.searchParams.set("return", widget.storyUrl);
  url.searchParams.set("lang", widget.m.lang);
  if (widget.site) url.searchParams.set("site", widget.site);
  return url;
}

/** The Profile section of the account page, returning to this story after saving. */
export function profileLink(ctx) {
  const url = new URL(ctx.me.profile_url);
  pageContext(url, { storyUrl: ctx.storyUrl, m: ctx.m, site: ctx.site });
  return accountLink(url.href, ctx.rejoinder);
}

function signInPanel(ctx) {
  const { m, rejoinder } = ctx;
  const panel = h("section", { class: "rj-gate rj-gate-signin", "aria-labelledby": "rj-gate-title" });
  panel.append(h("h3", { id: "rj-gate-title" }, m.t("gate.signin.title")));
  panel.append(h("p", null, m.t("gate.signin.text")));
  const { loginUrl, onLogin } = rejoinder.options;
  const subscribeUrl = rejoinder.options.subscribeUrl || ctx.config.subscribe_url;
  const subscribe = subscribeUrl
    ? h("a", { class: "rj-secondary", href: subscribeUrl }, m.t("gate.signin.subscribe"))
    : null;
  if (onLogin || loginUrl) {
    panel.append(
      h(
        "div",
        { class: "rj-row" },
        onLogin
          ? h("button", { type: "button", class: "rj-primary", onclick: () => onLogin() }, m.t("gate.signin.button"))
          : h("a", { class: "rj-primary", href: loginUrl }, m.t("gate.signin.button")),
        subscribe,
      ),
    );
    return panel;
  }
  if (subscribe) panel.append(h("p", null, subscribe));
  if (!ctx.config.local_accounts) return panel;
  const emailId = uid("rj-email");
  const passwordId = uid("rj-password");
  const error = h("p", { class: "rj-error", role: "alert" });
  const emailError = h("p", { id: uid("rj-email-error"), class: "rj-field-error" });
  const passwordError = h("p", { id: uid("rj-password-error"), class: "rj-field-error" });
  const email = h("input", {
    id: emailId,
    type: "email",
    name: "email",
    autocomplete: "email",
    required: true,
    "aria-describedby": emailError.id,
  });
  const password = h("input", {
    id: passwordId,
    type: "password",
    name: "password",
    autocomplete: "current-password",
    required: true,
    "aria-describedby": passwordError.id,
  });
  /** Field by field, in plain words, before anything is sent. */
  const fieldsOk = () => {
    const checks = [
      [email, emailError, !email.value.trim() ? "gate.signin.email_missing" : !/^\S+@\S+\.\S+$/.test(email.value.trim()) ? "gate.signin.email_invalid" : null],
      [password, passwordError, !password.value ? "gate.signin.password_missing" : null],
    ];
    let first = null;
    for (const [input, note, key] of checks) {
      note.textContent = key ? m.t(key) : "";
      input.setAttribute("aria-invalid", key ? "true" : "false");
      if (key && !first) first = input;
    }
    first?.focus();
    return !first;
  };
  const submit = async (action) => {
    error.textContent = "";
    if (!fieldsOk()) return;
    try {
      if (action === "register") await rejoinder.register(email.value, password.value);
      else await rejoinder.signIn(email.value, password.value);
    } catch (problem) {
      error.textContent = errorText(
        m,
        problem.code
          ? { code: problem.code, status: problem.status, retryAfter: problem.retry_after, problem, message: problem.detail }
          : null,
      );
      ctx.announce(error.textContent, true);
      email.focus();
    }
  };
  const form = h(
    "form",
    { class: "rj-signin", novalidate: true, onsubmit: (e) => (e.preventDefault(), submit("login")) },
    h("div", { class: "rj-field" }, h("label", { for: emailId }, m.t("gate.signin.email")), email, emailError),
    h("div", { class: "rj-field" }, h("label", { for: passwordId }, m.t("gate.signin.password")), password, passwordError),
    error,
    h(
      "div",
      { class: "rj-row" },
      h("button", { type: "submit", class: "rj-primary" }, m.t("gate.signin.submit")),
      h("button", { type: "button", class: "rj-secondary", onclick: () => submit("register") }, m.t("gate.signin.register")),
    ),
    // "Create an account" makes a free account of this site, which may only read: say so.
    h("p", { class: "rj-hint" }, m.t("gate.signin.register_hint")),
  );
  panel.append(form);
  return panel;
}

function planPanel(ctx) {
  const { m, me } = ctx;
  const panel = h("section", { class: "rj-gate rj-gate-plan", role: "note" });
  panel.append(
    h("p", null, m.t("gate.plan.text", { plan: m.term(me.plan.name), allowed: allowedText(m, me.plan.entitlements) })),
  );
  const upgrade = me.comment_blocked?.upgrade_url || me.plan.upgrade_url;
  if (upgrade) panel.append(h("a", { class: "rj-primary", href: upgrade }, m.t("gate.plan.upgrade")));
  return panel;
}

function displayNamePanel(ctx) {
  const { m } = ctx;
  const panel = h("section", { class: "rj-gate rj-gate-name", "aria-labelledby": "rj-gate-title" });
  const link = h(
    "a",
    { href: profileLink(ctx), class: "rj-profile-link" },
    m.t("gate.name.link"),
  );
  panel.append(
    h("h3", { id: "rj-gate-title" }, m.t("gate.name.title")),
    h("p", null, format(m.t("gate.name.text"), { link })),
    h("p", { class: "rj-hint" }, m.t("gate.name.inline")),
  );
  const { form } = nameForm({
    m,
    client: ctx.client,
    limits: ctx.config.display_names,
    changes: ctx.config.name_changes,
    submitLabel: m.t("gate.name.create"),
    announce: ctx.announce,
    // The form gives way to the comment box: the box itself says the name was saved.
    onSaved: (me) => ctx.refresh({ focusComposer: true, notice: m.t("name.saved", { name: me.display_name }) }),
  });
  panel.append(form);
  return panel;
}

function registeredNamePanel(ctx) {
  const { m, me } = ctx;
  const panel = h("section", { class: "rj-gate rj-gate-regname", "aria-labelledby": "rj-gate-title" });
  const link = h("a", { href: profileLink(ctx), class: "rj-profile-link" }, m.t("gate.name.link"));
  panel.append(
    h("h3", { id: "rj-gate-title" }, m.t("gate.regname.title")),
    h("p", null, format(m.t("gate.regname.text"), { link })),
    h("p", { class: "rj-hint" }, m.t("gate.regname.inline")),
  );
  const { form } = registeredNameForm({
    m,
    client: ctx.client,
    script: me.registered_name_script || "latin",
    first: me.registered_first_name || "",
    surname: me.registered_surname || "",
    announce: ctx.announce,
    onSaved: () => ctx.refresh({ focusComposer: true }),
  });
  panel.append(form);
  return panel;
}

function verificationPanel(ctx) {
  const { m, me } = ctx;
  const panel = h("section", { class: "rj-gate rj-gate-verify", role: "note" });
  panel.append(h("p", null, m.t("gate.verify.text")));
  const upgrade = me.comment_blocked?.upgrade_url;
  if (upgrade) panel.append(h("a", { class: "rj-primary", href: upgrade }, m.t("gate.verify.link")));
  return panel;
}

function statusPanel(ctx) {
  const { m, me } = ctx;
  const block = me.comment_blocked;
  const panel = h("section", { class: "rj-gate rj-gate-status", role: "note" });
  const text =
    block.code === "account_banned"
      ? m.t("gate.banned")
      : block.until
        ? m.t("gate.suspended_until", { date: m.until(block.until) })
        : m.t("gate.suspended");
  panel.append(h("p", null, text));
  // The server's message ends with the moderator's reason after a colon, when one was given.
  const reason = /:\s(.+)$/.exec(block.message || "")?.[1];
  if (reason) panel.append(h("p", { class: "rj-hint" }, m.t("gate.reason", { reason })));
  return panel;
}

/** The panel for the reader's state, or null when the composer should be shown. */
export function gatePanel(ctx) {
  if (ctx.story?.status === "hidden") {
    return h("section", { class: "rj-gate rj-gate-hidden", role: "note" }, h("p", null, ctx.m.t("gate.hidden")));
  }
  if (ctx.story?.status === "closed") {
    return h("section", { class: "rj-gate rj-gate-closed", role: "note" }, h("p", null, ctx.m.t("gate.closed")));
  }
  if (!ctx.me) return signInPanel(ctx);
  const code = ctx.me.comment_blocked?.code;
  if (!code) return null;
  if (code === "plan_does_not_allow_commenting") return planPanel(ctx);
  if (code === "display_name_required") return displayNamePanel(ctx);
  if (code === "registered_name_required") return registeredNamePanel(ctx);
  if (code === "verification_required") return verificationPanel(ctx);
  if (code === "account_suspended" || code === "account_banned") return statusPanel(ctx);
  return h("section", { class: "rj-gate", role: "note" }, h("p", null, ctx.me.comment_blocked.message));
}
