// The subscriber account page: Profile, My comments, Notifications, Privacy.
// Shares the widget's session (embed.js), API client, catalogues and display-name form.
import { h, clear } from "__WIDGET_BASE__dom.js";
import { Client } from "__WIDGET_BASE__client.js";
import { messagesFor } from "__WIDGET_BASE__i18n.js";
import { nameForm } from "__WIDGET_BASE__namefield.js";
import { registeredNameForm } from "__WIDGET_BASE__regname.js";
import { errorText } from "__WIDGET_BASE__errors.js";
import { onCutPaste } from "__WIDGET_BASE__composer.js";

const $ = (id) => document.getElementById(id);
const body = document.body;

function embedReady() {
  const ready = () => window.Rejoinder && !Array.isArray(window.Rejoinder);
  return ready() ? Promise.resolve() : new Promise((resolve) => addEventListener("load", resolve));
}

// The site's plan names in this page's language (settings: `plans.names`).
const terms = JSON.parse(body.dataset.terms || "{}");
const term = (word) => terms[word] ?? word;

function say(node, text, ok = true) {
  node.textContent = text;
  node.className = "status " + (ok ? "ok" : "bad");
}

async function main() {
  if (body.dataset.accent) document.documentElement.style.setProperty("--accent", body.dataset.accent);
  await embedReady();
  const rejoinder = window.Rejoinder;
  const m = await messagesFor(document.documentElement.lang);
  const client = new Client(rejoinder);
  // A publisher's own account area may link here with a fresh SSO token in the fragment.
  const handoff = /^#(sso|session)=(.+)$/.exec(location.hash);
  if (handoff) {
    history.replaceState(null, "", location.pathname + location.search);
    const token = decodeURIComponent(handoff[2]);
    if (handoff[1] === "session") rejoinder.adopt(token);
    else await rejoinder.login(token).catch(() => {});
  }
  addEventListener("rejoinder:session", () => location.reload());
  if (!(await client.ensureSession())) return showSignIn(m, rejoinder);
  try {
    const me = await client.get("/me" + (body.dataset.site ? `?site=${encodeURIComponent(body.dataset.site)}` : ""));
    await Promise.all([
      profile(m, client, me),
      myComments(m, client),
      replies(m, client),
      notifications(m, client),
      privacy(m, client),
    ]);
  } catch (problem) {
    if (!client.signedIn) return showSignIn(m, rejoinder);
    $("page-error").textContent = errorText(m, problem);
    return;
  }
  $("sections").hidden = false;
  $("sign-out").addEventListener("click", () => rejoinder.logout());
  const section = body.dataset.section;
  if (location.pathname.endsWith("/" + section)) {
    const target = $(section);
    if (section === "profile") {
      // Keep "Your account" and "Back to the article" in view; the name field is the task.
      const name = target.querySelector("input[name=display_name]:not([disabled])");
      window.scrollTo(0, 0);
      if (name) name.focus({ preventScroll: true });
      else target.focus({ preventScroll: true });
    } else {
      target.scrollIntoView();
      target.focus();
    }
  }
}

/** Back to the article's comment box (the widget focuses it on ``#comments``). */
function backToComments(url) {
  const back = new URL(url);
  back.hash = "comments";
  return back.href;
}

function showSignIn(m, rejoinder) {
  $("signin").hidden = false;
  if (body.dataset.localAccounts !== "true") return;
  const error = h("p", { class: "error", role: "alert" });
  const email = h("input", { id: "signin-email", type: "email", autocomplete: "email", required: true });
  const password = h("input", { id: "signin-password", type: "password", autocomplete: "current-password", required: true });
  const submit = async (register) => {
    try {
      await (register ? rejoinder.register : rejoinder.signIn)(email.value, password.value);
    } catch (problem) {
      error.textContent = errorText(m, problem.code ? { code: problem.code, problem, message: problem.detail } : null);
      email.focus();
    }
  };
  $("signin-form").append(
    h("form", { novalidate: true, onsubmit: (e) => (e.preventDefault(), submit(false)) },
      h("p", null, h("label", { for: "signin-email" }, m.t("gate.signin.email")), email),
      h("p", null, h("label", { for: "signin-password" }, m.t("gate.signin.password")), password),
      error,
      h("button", { type: "submit" }, m.t("gate.signin.submit")), " ",
      h("button", { type: "button", class: "secondary", onclick: () => submit(true) }, m.t("gate.signin.register"))),
  );
}

async function profile(m, client, me) {
  const who = () => (me.display_name ? m.t("account.signed_in_as", { name: me.display_name }) : m.t("account.signed_in"));
  $("whoami").textContent = who();
  $("plan").textContent = m.t("account.plan", { plan: term(me.plan.name) });
  const limits = { min_length: Number(body.dataset.nameMin), max_length: Number(body.dataset.nameMax) };
  const slot = $("name-slot");
  const changes = { cooldown_days: Number(body.dataset.cooldownDays), correction_grace_minutes: Number(body.dataset.graceMinutes) };
  const locked = !!me.display_name_change_allowed_at;
  if (me.display_name) {
    const query = new URLSearchParams({ lang: document.documentElement.lang });
    if (body.dataset.site) query.set("site", body.dataset.site);
    if (body.dataset.return) query.set("return", body.dataset.return);
    $("public-profile-slot").append(h("a", { href: `/profiles/${me.id}?${query}` }, m.t("account.public_profile")));
  }
  if (locked) {
    slot.append(h("p", { class: "muted" }, m.t("account.name.cooldown", { date: m.day(me.display_name_change_allowed_at) })));
  } else if (me.display_name_correction_until) {
    slot.append(h("p", { class: "notice" }, m.t("account.name.correction", { time: m.when(me.display_name_correction_until) })));
  } else if (me.comment_blocked?.code === "plan_does_not_allow_commenting") {
    // Say where the reader stands before they fill in a name their plan cannot use.
    const upgrade = me.comment_blocked.upgrade_url || me.plan.upgrade_url;
    slot.append(
      h("p", { class: "notice" }, m.t("account.name.plan", { plan: term(me.plan.name) }), " ",
        upgrade ? h("a", { href: upgrade }, m.t("gate.plan.upgrade")) : null),
    );
  } else if (me.comment_blocked?.code === "account_suspended" || me.comment_blocked?.code === "account_banned") {
    const block = me.comment_blocked;
    slot.append(h("p", { class: "notice" },
      block.code === "account_banned" ? m.t("gate.banned")
        : block.until ? m.t("gate.suspended_until", { date: m.until(block.until) }) : m.t("gate.suspended")));
  }
  if (!locked && !me.display_name && me.can_comment === false && me.comment_blocked?.code === "display_name_required") {
    slot.append(h("p", { class: "notice" }, m.t("account.name.required")));
  }
  const { form } = nameForm({
    m,
    client,
    limits,
    changes: me.display_name ? null : changes,
    locked,
    current: me.display_name || "",
    submitLabel: m.t(me.display_name ? "account.name.change" : "gate.name.create"),
    onSaved: (updated) => {
      me = updated;
      $("whoami").textContent = who();
      const back = body.dataset.return;
      if (back) location.assign(backToComments(back));
    },
  });
  slot.append(form);
  if (me.registered_name_required || me.registered_first_name || me.registered_surname) {
    registeredName(m, client, me);
  }
  const bio = $("bio");
  bio.value = me.bio || "";
  // The box stops at its maxlength: a counter says so, and a paste that did not fit whole
  // says how much was left out (as the comment box does).
  const max = bio.maxLength;
  const counted = () => { $("bio-count").textContent = m.t("composer.count", { count: bio.value.length, max }); };
  counted();
  bio.addEventListener("input", counted);
  onCutPaste(bio, max, (cut) => say($("bio-status"), m.t("composer.cut", cut), false));
  $("bio-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await client.request("PUT", "/me/profile", { body: { bio: bio.value } });
      say($("bio-status"), m.t("account.bio.saved"));
    } catch (problem) {
      say($("bio-status"), errorText(m, problem), false);
    }
  });
}

/** The registered name a site may require: beside the display name, never public. */
function registeredName(m, client, me) {
  const slot = $("regname-slot");
  slot.hidden = false;
  slot.append(h("h3", { id: "regname-title" }, m.t("regname.title")));
  if (me.comment_blocked?.code === "registered_name_required") {
    slot.append(h("p", { class: "notice" }, m.t("account.regname.required")));
  }
  const { form } = registeredNameForm({
    m,
    client,
    script: me.registered_name_script || "latin",
    first: me.registered_first_name || "",
    surname: me.registered_surname || "",
    onSaved: () => {
      const back = body.dataset.return;
      if (back) location.assign(backToComments(back));
    },
  });
  slot.append(form);
}

function storyLink(m, item, text) {
  return h("a", { href: item.permalink }, text);
}

async function myComments(m, client, cursor = null) {
  const list = $("my-comments");
  const more = $("my-comments-more");
  const page = await client.get("/me/comments" + (cursor ? `?cursor=${cursor}` : ""));
  for (const item of page.comments) {
    const bodyNode = h("div", { class: "body" });
    bodyNode.innerHTML = item.body_html; // sanitised by the server at write time
    list.append(
      h("li", { class: "item" },
        h("p", { class: "meta" },
          storyLink(m, item, item.story.title || item.story.url), " · ",
          h("time", { datetime: item.created_at, title: m.when(item.created_at) }, m.ago(item.created_at)), " · ",
          h("span", { class: `badge status-${item.status}` }, m.t(`account.status.${item.status}`)),
          item.moderation_reason ? h("span", { class: "muted" }, " " + m.t("comment.pending_reason", { reason: m.has(`why.${item.moderation_reason}`) ? m.t(`why.${item.moderation_reason}`) : item.moderation_reason })) : null),
        item.deleted ? h("p", { class: "muted" }, m.t("comment.deleted")) : bodyNode),
    );
  }
  $("my-comments-empty").hidden = list.children.length > 0;
  more.hidden = !page.next_cursor;
  more.onclick = () => myComments(m, client, page.next_cursor);
}

async function replies(m, client) {
  const list = $("replies");
  const page = await client.get("/me/replies");
  for (const item of page.replies) {
    const bodyNode = h("div", { class: "body" });
    bodyNode.innerHTML = item.body_html; // sanitised by the server at write time
    list.append(
      h("li", { class: "item" },
        h("p", { class: "meta" },
          m.t("account.replies.by", { name: item.author || m.t("comment.anonymous") }), " ",
          storyLink(m, item, item.story.title || item.story.url), " · ",
          h("time", { datetime: item.created_at, title: m.when(item.created_at) }, m.ago(item.created_at))),
        bodyNode),
    );
  }
  $("replies-empty").hidden = list.children.length > 0;
}

const KINDS = ["reply", "featured", "moderation", "staff_reply"];

function zoneOptions(select, saved) {
  let zones = [];
  try { zones = Intl.supportedValuesOf("timeZone"); } catch { zones = ["UTC", "Asia/Tokyo"]; }
  if (saved && !zones.includes(saved)) zones = [saved, ...zones];
  for (const zone of zones) select.append(h("option", { value: zone }, zone));
  select.value = saved || "";
}

async function notifications(m, client) {
  const saved = await client.get("/me/notification-settings");
  for (const kind of KINDS) $(`kind-${kind}`).checked = saved[kind];
  $("email-mode").value = saved.email;
  zoneOptions($("time-zone"), saved.time_zone);
  $("mail-language").value = saved.language || "";
  $("notifications-fields").disabled = false;
  $("notifications-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { email: $("email-mode").value, time_zone: $("time-zone").value, language: $("mail-language").value };
    for (const kind of KINDS) body[kind] = $(`kind-${kind}`).checked;
    try {
      await client.request("PUT", "/me/notification-settings", { body });
      say($("notifications-status"), m.t("account.notifications.saved"));
    } catch (problem) {
      say($("notifications-status"), errorText(m, problem), false);
    }
  });
}

async function privacy(m, client) {
  $("export").addEventListener("click", async () => {
    const status = $("export-status");
    try {
      const data = await client.get("/me/export");
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const link = h("a", { href: URL.createObjectURL(blob), download: "rejoinder-data.json" }, m.t("account.export.link"));
      clear(status).append(m.t("account.export.ready"), " ", link);
      status.className = "status ok";
      link.click();
    } catch (problem) {
      say(status, errorText(m, problem), false);
    }
  });
  await renderDeletion(m, client, await client.get("/me/deletion"));
}

async function renderDeletion(m, client, state, focus = false) {
  const box = clear($("deletion"));
  if (state.pending) {
    const cancel = h("button", { type: "button" }, m.t("account.delete.cancel"));
    cancel.addEventListener("click", async () => {
      await client.request("DELETE", "/me/deletion");
      await renderDeletion(m, client, { pending: false }, true);
      say($("export-status"), "");
    });
    box.append(h("p", { class: "notice" }, m.t("account.delete.pending", { date: m.day(state.delete_after) })), cancel);
    if (focus) cancel.focus();
    return;
  }
  const ask = h("button", { type: "button", class: "danger" }, m.t("account.delete.button"));
  ask.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "danger" }, m.t("account.delete.yes"));
    const no = h("button", { type: "button", class: "secondary" }, m.t("composer.cancel"));
    yes.addEventListener("click", async () => {
      const answer = await client.request("POST", "/me/deletion");
      await renderDeletion(m, client, answer, true);
    });
    no.addEventListener("click", () => renderDeletion(m, client, { pending: false }, true));
    clear(box).append(h("p", null, m.t("account.delete.confirm")), yes, " ", no);
    yes.focus();
  });
  box.append(ask);
  if (focus) ask.focus();
}

main();
