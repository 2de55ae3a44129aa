// The moderation desk: queues, cards, keyboard shortcuts, bulk actions, reader history.
import { api, session, signIn, signInWithSso, download } from "./api.js";
import { h, clear } from "./dom.js";
import { messages } from "./i18n.js";
import { card } from "./cards.js";
import { readerPanel, rejectDialog, sanctionDialog, helpDialog } from "./panels.js";
import { followQueues } from "./live.js";
import { showTakedowns, takedownAlert } from "./takedowns.js";

const QUEUES = ["pending", "reported", "unmoderated", "approved", "rejected"];
const root = document.getElementById("desk");
const lang = document.documentElement.lang;
const state = {
  queue: "pending", site: "", story: "", q: "", author: "", phase: "", sort: "oldest",
  items: [], total: 0, focus: 0, selected: new Set(), config: null, arrived: new Set(),
  // "queue" (the comment queues) or "takedowns" (the Takedown queue, /admin#takedowns).
  view: location.hash === "#takedowns" ? "takedowns" : "queue", takedownStatus: "open",
  takedowns: [],
};
let live = null;
let t;
const ui = {};

function say(text, ok = true) {
  ui.status.textContent = text;
  ui.status.className = "status " + (ok ? "ok" : "bad");
}

function showSignIn(problem) {
  clear(root).setAttribute("aria-busy", "false");
  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "username" });
  const password = h("input", { type: "password", name: "password", required: true,
    autocomplete: "current-password" });
  const error = h("p", { class: "status bad", role: "alert" }, problem || "");
  root.append(h("form", { class: "sign-in", onsubmit: async (event) => {
      event.preventDefault();
      try {
        await signIn(email.value, password.value);
        await start();
      } catch (e) {
        error.textContent = e.message;
      }
    } },
    h("h1", {}, t("title")),
    // Staff who sign in through the publisher's SSO have no password: say where they get in.
    h("p", { class: "muted", id: "sso-hint" }, t("signin.sso_hint")),
    h("label", {}, t("signin.email"), email),
    h("label", {}, t("signin.password"), password),
    h("button", { type: "submit" }, t("signin.submit")),
    error));
}

function layout() {
  const cfg = state.config;
  clear(root).setAttribute("aria-busy", "false");
  const siteSelect = h("select", { id: "site", "aria-label": t("filter.site"), onchange: (e) => {
    state.site = e.target.value; reload(); } },
    h("option", { value: "" }, t("filter.all_sites")),
    cfg.sites.map((s) => h("option", { value: s }, s)));
  const phaseSelect = h("select", { id: "phase", "aria-label": t("filter.phase"), onchange: (e) => {
    state.phase = e.target.value; reload(); } },
    h("option", { value: "" }, t("filter.any_phase")),
    [...cfg.phases, "moderator"].map((p) => h("option", { value: p }, t(`phase.${p}`))));
  const sortSelect = h("select", { id: "sort", "aria-label": t("filter.sort"), onchange: (e) => {
    state.sort = e.target.value; reload(); } },
    ["oldest", "newest", "toxicity"].map((s) => h("option", { value: s }, t(`sort.${s}`))));
  ui.search = h("input", { type: "search", id: "q", placeholder: t("filter.text"),
    "aria-label": t("filter.text") });
  ui.author = h("input", { type: "search", id: "author", placeholder: t("filter.author"),
    "aria-label": t("filter.author") });
  const search = h("form", { class: "search", role: "search", onsubmit: (e) => {
      e.preventDefault(); state.q = ui.search.value.trim(); state.author = ui.author.value.trim();
      document.activeElement.blur(); // back to the queue: shortcuts work again
      reload(); } },
    ui.search, ui.author, h("button", { type: "submit" }, t("filter.search")));
  ui.tabs = h("div", { class: "tabs", role: "tablist", "aria-label": t("queues") });
  ui.list = h("section", { class: "list", "aria-live": "polite" });
  ui.side = h("aside", { class: "side", hidden: true });
  ui.status = h("p", { class: "status", role: "status" });
  ui.storyFilter = h("span", { class: "story-filter" });
  ui.arrived = h("button", { type: "button", id: "new-items", class: "quiet", hidden: true,
    onclick: () => reload({ keepFocus: true }) });
  ui.alerts = h("section", { class: "alerts", id: "protection-alerts", "aria-label": t("alerts.title") });
  ui.pickAll = h("input", { type: "checkbox", "aria-label": t("bulk.select_all"),
    onchange: (e) => { state.selected = new Set(e.target.checked ? state.items.map((c) => c.id) : []);
      render(); } });
  ui.takedownStatus = h("select", { id: "takedown-status", "aria-label": t("takedown.status"),
    onchange: (e) => { state.takedownStatus = e.target.value; reload(); } },
    ["open", "removed", "kept", "all"].map((s) => h("option", { value: s }, t(`takedown.status.${s}`))));
  ui.takedownBar = h("div", { class: "takedown-bar" }, ui.takedownStatus);
  const bulk = ui.bulk = h("div", { class: "bulk" },
    ui.pickAll,
    h("button", { type: "button", id: "bulk-approve", onclick: () => bulkSelection("approve") },
      t("bulk.approve")),
    h("button", { type: "button", id: "bulk-reject", onclick: () => bulkSelection("reject") },
      t("bulk.reject")),
    h("button", { type: "button", id: "bulk-approve-all", class: "quiet",
      onclick: () => bulkMatching("approve") }, t("bulk.approve_all")),
    h("button", { type: "button", id: "bulk-reject-all", class: "quiet",
      onclick: () => bulkMatching("reject") }, t("bulk.reject_all")));
  root.append(
    h("header", { class: "top" },
      h("h1", {}, t("title")),
      siteSelect, phaseSelect, sortSelect, search,
      h("span", { class: "spacer" }),
      // One group that wraps as a whole, so "Sign out" never ends up alone on a line.
      h("div", { class: "tools" },
        h("span", { class: "export", role: "group", "aria-label": t("audit.title") }, t("audit.title"),
          h("button", { type: "button", class: "quiet", "aria-label": t("audit.jsonl"),
            onclick: () => download("jsonl") }, "JSON"),
          h("button", { type: "button", class: "quiet", "aria-label": t("audit.csv"),
            onclick: () => download("csv") }, "CSV")),
        h("button", { type: "button", class: "quiet", id: "help", onclick: () => helpDialog(t) }, "?"),
        h("button", { type: "button", class: "quiet", id: "sign-out",
          onclick: () => { session.clear(); location.reload(); } }, t("signout")))),
    ui.alerts, ui.tabs, bulk, ui.takedownBar, ui.storyFilter, ui.arrived, ui.status,
    h("div", { class: "work" }, ui.list, ui.side));
}

function params() {
  return { site: state.site, story: state.story, q: state.q, author: state.author,
    phase: state.phase, sort: state.sort, limit: 50 };
}

let latest = 0;

async function reload({ keepFocus = false } = {}) {
  const ticket = ++latest;
  const takedowns = state.view === "takedowns";
  ui.bulk.hidden = takedowns;
  ui.takedownBar.hidden = !takedowns;
  if (takedowns) {
    location.hash = "takedowns";
    state.items = [];
    ui.side.hidden = true;
    return Promise.all([
      api.counts(state.site || undefined).then((counts) => ticket === latest && renderTabs(counts)),
      showTakedowns(ui.list, t, lang, api, { site: state.site, status: state.takedownStatus, say,
        onChange: () => reload() }),
      renderAlerts(),
    ]).catch((e) => say(e.message, false));
  }
  if (location.hash === "#takedowns") history.replaceState(null, "", location.pathname + location.search);
  if (!keepFocus) {
    // A new view: nothing of the old one may be acted on while it loads.
    state.items = [];
    ui.list.setAttribute("aria-busy", "true");
    clear(ui.list);
  }
  try {
    const [counts, page] = await Promise.all([
      api.counts(state.site || undefined),
      api.queue(state.queue, params()),
    ]);
    if (ticket !== latest) return; // a newer view was asked for while this one loaded
    ui.list.setAttribute("aria-busy", "false");
    state.items = page.items;
    state.total = page.total;
    state.selected = new Set([...state.selected].filter((id) => page.items.some((c) => c.id === id)));
    state.focus = keepFocus ? Math.min(state.focus, Math.max(page.items.length - 1, 0)) : 0;
    state.arrived.clear();
    renderArrived();
    renderTabs(counts);
    renderStoryFilter();
    renderAlerts();
    render();
  } catch (e) {
    say(e.message, false);
  }
}

/** Stories a site's protection rule closed: one click reopens each (issue #14). */
async function renderAlerts() {
  let found;
  try {
    found = await api.protections(state.site || undefined);
  } catch (_) {
    return; // the queue still works without the alerts
  }
  let open = { requests: [] };
  try {
    open = await api.takedowns({ site: state.site || undefined, status: "open" });
  } catch (_) {
    // the protection alerts still show
  }
  state.takedowns = open.requests;
  clear(ui.alerts);
  const clockAlert = takedownAlert(t, open.requests, () => { state.view = "takedowns"; reload(); });
  if (clockAlert) ui.alerts.append(clockAlert);
  renderTakedownTab();
  for (const a of found.alerts) {
    ui.alerts.append(h("p", { class: "alert", role: "alert" },
      t(a.action === "hide" ? "alerts.hidden" : "alerts.closed", { story: a.story_title || a.story_id, site: a.site_id, count: a.count,
        kind: t(`alerts.kind.${a.kind}`), minutes: a.window_minutes }), " ",
      h("button", { type: "button", class: "reopen", onclick: async () => {
        try {
          await api.reopen(a.id);
          say(t("alerts.reopened", { story: a.story_title || a.story_id }));
          renderAlerts();
        } catch (e) {
          say(e.message, false);
        }
      } }, t("alerts.reopen"))));
  }
}

function renderStoryFilter() {
  clear(ui.storyFilter);
  if (!state.story) return;
  ui.storyFilter.append(t("filter.story", { story: state.story }), " ",
    h("button", { type: "button", class: "quiet", id: "clear-story",
      onclick: () => { state.story = ""; reload(); } }, t("filter.clear")));
}

function renderTabs(counts) {
  const inQueue = state.view === "queue";
  clear(ui.tabs).append(...QUEUES.map((name) => {
    const n = counts[name];
    const current = inQueue && state.queue === name;
    return h("button", { type: "button", role: "tab", id: `tab-${name}`,
      "aria-selected": String(current),
      class: "tab" + (current ? " current" : ""),
      onclick: () => { state.view = "queue"; state.queue = name; state.selected.clear(); reload(); } },
      t(`queue.${name}`), " ", h("span", { class: "count" }, n > 10000 ? "10000+" : String(n)));
  }));
  ui.takedownTab = h("button", { type: "button", role: "tab", id: "tab-takedowns",
    "aria-selected": String(!inQueue), class: "tab takedowns" + (inQueue ? "" : " current"),
    onclick: () => { state.view = "takedowns"; state.selected.clear(); reload(); } });
  ui.tabs.append(ui.takedownTab);
  renderTakedownTab();
}

/** The Takedown tab: open requests, marked when one is overdue or due within a day. */
function renderTakedownTab() {
  if (!ui.takedownTab) return;
  const open = state.takedowns;
  const urgent = open.some((r) => r.overdue || r.due_within_day);
  clear(ui.takedownTab).append(t("takedown.tab"), " ",
    h("span", { class: "count" + (urgent ? " urgent" : "") }, String(open.length)));
}

/** A card changed somewhere (the live stream): in place when shown, else counted as new. */
function cardChanged(c) {
  if (state.view !== "queue") return;
  const at = state.items.findIndex((it) => it.id === c.id);
  if (at >= 0) {
    state.items[at] = c;
    return render();
  }
  if (state.site && c.site_id !== state.site) return;
  if (state.story && c.story.key !== state.story) return;
  if (!live.fits(state.queue, c)) return;
  state.arrived.add(c.id);
  renderArrived();
}

function renderArrived() {
  ui.arrived.hidden = state.arrived.size === 0;
  ui.arrived.textContent = t("live.new", { n: state.arrived.size });
}

function render() {
  clear(ui.list);
  ui.pickAll.checked = state.items.length > 0 && state.selected.size === state.items.length;
  if (!state.items.length) {
    ui.list.append(h("p", { class: "empty" }, t("empty")));
    return;
  }
  state.items.forEach((c, i) => ui.list.append(card(c, t, lang, {
    selected: state.selected.has(c.id),
    focused: i === state.focus,
    onSelect: (it) => { toggle(it.id); },
    onAuthor: (author) => showReader(author.id),
    onStory: (it) => {
      state.site = it.site_id;
      state.story = it.story.key;
      document.getElementById("site").value = it.site_id;
      reload();
    },
    onAction: (it, action) => { state.focus = state.items.indexOf(it); act(it, action); },
  })));
  const focused = ui.list.querySelector(".card.focused");
  if (focused) focused.scrollIntoView({ block: "nearest" });
}

function toggle(id) {
  if (state.selected.has(id)) state.selected.delete(id);
  else state.selected.add(id);
  render();
}

async function act(c, action) {
  try {
    if (action === "ban") {
      const done = await sanctionDialog(t, state.config, c, (body) => api.sanction(c.author.id, body));
      if (!done) return;
      say(t("done.sanction", { name: c.author.display_name }));
    } else if (action === "reject") {
      const choice = await rejectDialog(t, state.config);
      if (!choice) return;
      await api.act(c.id, "reject", choice);
      say(t("done.reject", { id: c.id }));
    } else {
      await api.act(c.id, action);
      const dismissed = action === "approve" && c.status === "published";
      say(t(dismissed ? "done.dismiss" : `done.${action}`, { id: c.id }));
    }
    // The reader's panel, when open on this author, shows the decision in their history.
    if (!ui.side.hidden && ui.side.dataset.reader === String(c.author.id)) await showReader(c.author.id);
    await reload({ keepFocus: true });
  } catch (e) {
    say(e.message, false);
  }
}

async function bulkSelection(action) {
  if (!state.selected.size) return say(t("bulk.nothing"), false);
  const extra = action === "reject" ? await rejectDialog(t, state.config) : {};
  if (!extra) return;
  try {
    const result = await api.bulk({ action, comment_ids: [...state.selected], ...extra });
    say(t("bulk.done", { n: result.changed.length }));
    state.selected.clear();
    await reload({ keepFocus: true });
  } catch (e) {
    say(e.message, false);
  }
}

async function bulkMatching(action) {
  if (!window.confirm(t("bulk.confirm_all", { n: state.total }))) return;
  const extra = action === "reject" ? await rejectDialog(t, state.config) : {};
  if (!extra) return;
  const filter = { queue: state.queue, site: state.site || null, story: state.story || null,
    phase: state.phase || null,
    q: state.q || null, author: state.author || null };
  try {
    const result = await api.bulk({ action, filter, ...extra });
    say(t("bulk.done", { n: result.changed.length }));
    await reload();
  } catch (e) {
    say(e.message, false);
  }
}

async function showReader(id) {
  try {
    const history = await api.reader(id);
    readerPanel(ui.side, t, lang, history, {
      onNote: async (body) => { await api.note(id, body); await showReader(id); },
      onLift: async (sanctionId) => {
        await api.lift(sanctionId);
        say(t("done.lift"));
        await showReader(id);
      },
      onClose: () => { ui.side.hidden = true; },
    });
    ui.side.dataset.reader = String(id);
    ui.side.hidden = false;
  } catch (e) {
    say(e.message, false);
  }
}

function typing(target) {
  return target.closest("input, textarea, select, dialog[open]") !== null;
}

function onKey(event) {
  if (event.key === "Escape" && event.target.matches("input, select")) event.target.blur();
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (state.view !== "queue") return; // the shortcuts act on comment cards
  const current = state.items[state.focus];
  const keys = {
    j: () => { state.focus = Math.min(state.focus + 1, state.items.length - 1); render(); },
    k: () => { state.focus = Math.max(state.focus - 1, 0); render(); },
    // Approve a held comment, or dismiss the reports on a published one.
    a: () => current && (current.status !== "published" || current.reports > 0)
      && act(current, "approve"),
    r: () => current && current.status !== "rejected" && act(current, "reject"),
    f: () => current && current.status === "published"
      && act(current, current.featured ? "unfeature" : "feature"),
    p: () => current && current.status === "published" && act(current, current.pinned ? "unpin" : "pin"),
    b: () => current && current.author.id && act(current, "ban"),
    x: () => current && toggle(current.id),
    "?": () => helpDialog(t),
    "/": () => ui.search.focus(),
  };
  const run = keys[event.key];
  if (run) {
    event.preventDefault();
    run();
  }
}

async function start() {
  try {
    state.config = await api.config();
  } catch (e) {
    if (e.status === 401) session.clear();
    return showSignIn(e.status === 403 ? t("signin.not_moderator") : "");
  }
  layout();
  await reload();
  // Counts stay current while the moderator works (live; polled only when the stream keeps
  // failing); new items are announced, and the list only grows when they ask.
  live = followQueues({
    token: () => session.token,
    counts: () => api.counts(state.site || undefined),
    onCounts: (counts) => {
      const shown = counts || live.counts(state.site);
      if (shown) renderTabs(shown);
    },
    onCard: cardChanged,
  });
}

async function main() {
  t = await messages(lang);
  // The publisher's site links here with a session (#session=) or, better, a fresh signed SSO
  // token (#sso=: short-lived and used once, so a leaked link is worth nothing later).
  const handoff = /^#(sso|session)=(.+)$/.exec(location.hash);
  let refused = null;
  if (handoff) {
    history.replaceState(null, "", location.pathname + location.search);
    const token = decodeURIComponent(handoff[2]);
    if (handoff[1] === "session") session.set(token);
    else await signInWithSso(token).catch((e) => { refused = e; });
  }
  document.addEventListener("keydown", onKey);
  if (!session.token) return showSignIn(refused?.message);
  await start();
}

main();
