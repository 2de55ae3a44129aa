// The comment widget, mounted by embed.js into the element's Shadow DOM.
import { h, clear } from "./dom.js";
import { Client } from "./client.js";
import { messagesFor, pickLanguage } from "./i18n.js";
import { accountLink, gatePanel, pageContext } from "./gate.js";
import { composer, drafts } from "./composer.js";
import { CommentView } from "./comment.js";
import { errorText } from "./errors.js";
import { Live } from "./live.js";
import { Notifications } from "./notifications.js";

const SORTS = ["newest", "oldest", "reactions", "replies"];
const DEFAULTS = {
  local_accounts: false,
  reactions: ["like"],
  edit_window_seconds: 600,
  max_length: 5000,
  display_names: { min_length: 2, max_length: 30 },
};

export async function mount(host, root, rejoinder) {
  const widget = new Widget(host, root, rejoinder);
  await widget.start();
  return widget;
}

class Widget {
  constructor(host, root, rejoinder) {
    this.host = host;
    this.root = root;
    this.rejoinder = rejoinder;
    this.client = new Client(rejoinder);
    this.site = host.getAttribute("site");
    this.storyId = host.getAttribute("story");
    const url = new URL(host.getAttribute("story-url") || location.href, location.href);
    url.hash = "";
    this.storyUrl = url.href;
    this.sort = SORTS.includes(host.getAttribute("sort")) ? host.getAttribute("sort") : "newest";
    this.views = new Map();
    this.live = new Live(this);
    this.notifications = new Notifications(this);
    this.announce = this.announce.bind(this);
  }

  async start() {
    this.m = await messagesFor(pickLanguage(this.host));
    this.config = { ...DEFAULTS };
    try {
      Object.assign(this.config, await this.client.get(`/sites/${encodeURIComponent(this.site)}/widget`));
    } catch (_) {
      /* the defaults are enough to read */
    }
    this.m.terms = this.config.terms?.[this.m.lang] || {};
    this.build();
    addEventListener("rejoinder:session", () => this.refresh());
    addEventListener("hashchange", () => this.showPermalink());
    setInterval(() => this.tick(), 30_000);
    await this.refresh();
    await this.showPermalink();
    this.focusCommentBox();
  }

  /** The element's (or the page's) language changed: render again in the new one. */
  async relocalise() {
    this.m = await messagesFor(pickLanguage(this.host));
    this.m.terms = this.config.terms?.[this.m.lang] || {};
    this.build();
    await this.refresh();
  }

  build() {
    const { m } = this;
    const style = h("link", { rel: "stylesheet", href: new URL("widget.css", import.meta.url).href });
    this.title = h("h2", { id: "rj-title", class: "rj-title" }, m.t("thread.title"));
    this.account = h("div", { class: "rj-account" });
    this.notificationsSlot = h("div", { class: "rj-notifications-slot" });
    this.gate = h("div", { class: "rj-gate-slot" });
    this.sortSelect = h(
      "select",
      { id: "rj-sort", onchange: () => this.changeSort() },
      SORTS.map((sort) => h("option", { value: sort, selected: sort === this.sort }, m.t(`sort.${sort}`))),
    );
    this.message = h("p", { class: "rj-story-message", hidden: true });
    this.linked = h("div", { class: "rj-linked" });
    this.list = h("ol", { class: "rj-comments", "aria-labelledby": "rj-title" });
    this.more = h("div", { class: "rj-more" });
    this.status = h("div", { class: "rj-sr", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.alert = h("div", { class: "rj-sr", role: "alert", "aria-atomic": "true" });
    this.empty = h("p", { class: "rj-empty", hidden: true }, m.t("thread.empty"));
    const section = h(
      "section",
      { class: "rj", lang: m.lang, "aria-labelledby": "rj-title", "data-live": this.liveNow || "off" },
      h("header", { class: "rj-head" }, this.title, this.account),
      this.notificationsSlot,
      this.message,
      this.gate,
      h("div", { class: "rj-toolbar" }, h("label", { for: "rj-sort" }, m.t("sort.label")), " ", this.sortSelect),
      this.linked,
      h("div", { class: "rj-new-slot" }, this.live.button),
      this.list,
      this.empty,
      this.more,
      this.status,
      this.alert,
    );
    clear(this.root).append(style, section);
  }

  // --- the context CommentView relies on -------------------------------------------------
  can(entitlement) {
    return !!this.me && this.me.plan.entitlements.includes(entitlement) &&
      !["account_suspended", "account_banned"].includes(this.me.comment_blocked?.code);
  }

  canWrite() {
    return !!this.me && this.me.can_comment && (this.story?.status || "open") === "open";
  }

  register(view) {
    this.views.set(String(view.data.id), view);
    this.live.shown(view.data.id);
  }

  /** Take a comment off the page (deleted without replies, or removed by a moderator). */
  removeView(view) {
    const focused = view.node.contains(this.root.activeElement);
    const next = view.node.nextElementSibling?.querySelector(".rj-comment");
    view.node.remove();
    this.views.delete(String(view.data.id));
    this.empty.hidden = this.list.children.length > 0;
    if (focused) (next || this.focusTarget()).focus();
  }

  /** A comment from the live stream, put on the page when the reader asked for it. */
  insertLive(comment) {
    if (this.views.has(String(comment.id))) return this.views.get(String(comment.id));
    if (comment.status === "published") this.bumpCount(1);
    const parent = comment.parent_id ? this.views.get(String(comment.parent_id)) : null;
    if (parent) {
      parent.data.reply_count = (parent.data.reply_count || 0) + 1;
      return parent.addReply(comment, false);
    }
    const view = new CommentView(this, comment);
    this.register(view);
    const atEnd = this.sort === "oldest" && !this.more.childElementCount;
    if (atEnd) this.list.append(view.node);
    else this.list.prepend(view.node);
    this.empty.hidden = true;
    return view;
  }

  /** The live connection's state on the widget's root (`data-live`: open, reconnecting, off). */
  liveState(state) {
    this.root.querySelector(".rj")?.setAttribute("data-live", state);
    // Back after a break (a hidden tab, a restart): the count may have moved meanwhile.
    if (state === "open" && this.liveNow === "reconnecting") this.notifications.load();
    this.liveNow = state;
  }

  liveOpen() {
    return this.liveNow === "open";
  }

  /** `story.updated`: closed or reopened, the message box. */
  storyChanged(story) {
    const before = this.story?.status;
    this.story = { ...this.story, ...story };
    this.message.textContent = story.message || "";
    this.message.hidden = !story.message;
    if (before !== story.status) {
      // Hidden, or shown again: the page is read anew (a hidden story's page holds none).
      if (before === "hidden" || story.status === "hidden") this.loadFirstPage();
      this.renderGate();
      for (const view of this.views.values()) view.render();
    }
  }

  focusTarget() {
    return this.list.querySelector(".rj-comment") || this.title;
  }

  announce(text, isError = false) {
    const region = isError ? this.alert : this.status;
    region.textContent = "";
    // A fresh text node after a tick makes screen readers announce a repeated message.
    setTimeout(() => (region.textContent = text), 30);
  }

  bumpCount(delta) {
    if (this.count === undefined) return;
    this.count = Math.max(0, this.count + delta);
    this.title.textContent = this.m.t("thread.title_count", { count: this.count });
  }

  announcePosted(answer) {
    const pending = (answer.moderation?.status || answer.comment?.status) === "pending";
    if (!pending) this.bumpCount(1);
    this.announce(this.m.t(pending ? "composer.posted_pending" : "composer.posted"));
  }

  post(body, key, parentId) {
    const payload = parentId ? { body, parent_id: parentId } : { body };
    return this.client.request("POST", `${this.storyPath()}/comments`, {
      body: payload,
      headers: { "Idempotency-Key": key },
    });
  }

  // --- loading ----------------------------------------------------------------------------
  storyPath() {
    return `/sites/${encodeURIComponent(this.site)}/stories/${encodeURIComponent(this.storyId)}`;
  }

  pageQuery(cursor) {
    const params = new URLSearchParams({ sort: this.sort, url: this.storyUrl });
    const title = this.host.getAttribute("story-title");
    if (title) params.set("title", title);
    if (cursor) params.set("cursor", cursor);
    return params;
  }

  /** Read the reader and the first page again; `notice` is said above a new comment box. */
  async refresh({ focusComposer = false, notice = "" } = {}) {
    await this.client.ensureSession();
    // The stream opens before the page is read, so nothing posted in between is missed.
    const opened = this.live.start();
    try {
      // The site's own requirements (a registered name) join the gate's answer.
      this.me = this.client.signedIn ? await this.client.get(`/me?site=${encodeURIComponent(this.site)}`) : null;
    } catch (_) {
      this.me = null;
    }
    await opened;
    await this.loadFirstPage();
    this.renderAccount();
    this.renderGate(notice);
    this.notifications.load(); // signed in only; not awaited: the page does not wait for it
    if (focusComposer) this.composer?.focus();
  }

  async loadFirstPage() {
    this.live.forgetWaiting(); // the new page has them, where its order puts them
    this.views.clear();
    clear(this.list);
    clear(this.more);
    try {
      const page = await this.client.get(`${this.storyPath()}/comments?${this.pageQuery()}`);
      this.story = page.story;
      this.message.textContent = page.story?.message || "";
      this.message.hidden = !page.story?.message;
      this.appendPage(page);
    } catch (problem) {
      this.story = this.story || null;
      this.list.append(h("li", { class: "rj-error" }, errorText(this.m, problem)));
    }
  }

  appendPage(page) {
    const { m } = this;
    this.count = page.story?.comment_count;
    this.title.textContent =
      this.count === undefined ? m.t("thread.title") : m.t("thread.title_count", { count: this.count });
    for (const comment of page.comments) {
      if (this.views.has(String(comment.id))) continue;
      const view = new CommentView(this, comment);
      this.register(view);
      this.list.append(view.node);
    }
    // A section the protection rule hid: its message and the gate's note, not "no comments".
    this.empty.hidden = this.list.children.length > 0 || page.story?.status === "hidden";
    clear(this.more);
    if (page.next_cursor) {
      const button = h("button", { type: "button", class: "rj-secondary" }, m.t("thread.load_more"));
      button.addEventListener("click", () => this.loadMore(page.next_cursor, button));
      this.more.append(button);
    }
  }

  async loadMore(cursor, button) {
    button.disabled = true;
    const before = this.list.children.length;
    try {
      const page = await this.client.get(`${this.storyPath()}/comments?${this.pageQuery(cursor)}`);
      this.appendPage(page);
      this.list.children[before]?.querySelector(".rj-comment")?.focus();
    } catch (problem) {
      button.disabled = false;
      this.announce(errorText(this.m, problem), true);
    }
  }

  async changeSort() {
    this.sort = this.sortSelect.value;
    await this.loadFirstPage();
    this.announce(this.m.t("sort.changed", { sort: this.m.t(`sort.${this.sort}`) }));
  }

  // --- the reader's state -----------------------------------------------------------------
  renderAccount() {
    const { m, me } = this;
    clear(this.account);
    clear(this.notificationsSlot);
    const bell = this.notifications.render();
    if (!me) return;
    this.notificationsSlot.append(this.notifications.panel);
    const accountUrl = new URL(me.profile_url);
    accountUrl.pathname = accountUrl.pathname.replace(/\/profile$/, "");
    pageContext(accountUrl, this);
    this.account.append(
      h("span", null, (me.display_name ? m.t("account.signed_in_as", { name: me.display_name }) : m.t("account.signed_in"))),
      " ",
      ...bell,
      " ",
      h("a", { href: accountLink(accountUrl.href, this.rejoinder) }, m.t("account.link")),
      " ",
      h("button", { type: "button", class: "rj-link", onclick: () => this.rejoinder.logout() }, m.t("account.sign_out")),
    );
  }

  renderGate(notice = "") {
    clear(this.gate);
    this.composer = null;
    const ctx = {
      m: this.m,
      me: this.me,
      story: this.story,
      config: this.config,
      client: this.client,
      rejoinder: this.rejoinder,
      storyUrl: this.storyUrl,
      site: this.site,
      announce: this.announce,
      refresh: (options) => this.refresh(options),
    };
    const panel = gatePanel(ctx);
    if (panel) return void this.gate.append(panel);
    this.composer = composer({
      m: this.m,
      mode: "new",
      maxLength: this.config.max_length,
      draft: drafts.key(this.me?.id, this.site, this.storyId, "new"),
      announce: this.announce,
      note: notice ? h("p", { class: "rj-feedback rj-ok rj-notice" }, notice) : null,
      send: (body, key) => this.post(body, key, null),
      onDone: (answer) => {
        const view = new CommentView(this, answer.comment);
        this.register(view);
        this.list.prepend(view.node);
        this.empty.hidden = true;
        this.announcePosted(answer);
        view.article.focus();
      },
    });
    this.gate.append(this.composer.form);
  }

  /** The public takedown form for one comment (legal grounds; anyone may use it). */
  takedownForm(permalink) {
    const url = pageContext(new URL(`takedown/${encodeURIComponent(this.site)}`, this.rejoinder.base), this);
    url.searchParams.delete("site");
    url.searchParams.set("comment", permalink);
    return url.href;
  }

  /** The public profile page of a reader (display name, badges, bio, published comments). */
  publicProfile(accountId) {
    return pageContext(new URL(`profiles/${accountId}`, this.rejoinder.base), this).href;
  }

  /** Back from the account page (``#comments``): the comment box, focused, not the page top. */
  focusCommentBox() {
    if (location.hash !== "#comments") return;
    this.host.scrollIntoView({ block: "start" });
    if (this.composer) this.composer.focus();
    else this.gate.querySelector("a, button, input")?.focus();
  }

  /** Keep relative times and the edit time left current while the page stays open. */
  tick() {
    const { m } = this;
    for (const time of this.root.querySelectorAll("time[datetime]")) {
      time.textContent = m.ago(time.getAttribute("datetime"));
    }
    for (const button of this.root.querySelectorAll(".rj-edit[data-until]")) {
      const left = Number(button.dataset.until) - Date.now();
      if (left > 0) {
        button.textContent = m.t("comment.edit", { count: Math.ceil(left / 60000) });
        continue;
      }
      const article = button.closest(".rj-comment");
      const focused = this.root.activeElement === button;
      button.remove();
      if (focused) article?.focus();
    }
  }

  // --- permalinks -------------------------------------------------------------------------
  async showPermalink() {
    const match = /^#comment-(\d+)$/.exec(location.hash);
    for (const node of this.root.querySelectorAll(".rj-highlight")) node.classList.remove("rj-highlight");
    if (!match) return;
    let view = this.views.get(match[1]);
    if (!view) {
      try {
        const answer = await this.client.get(`/comments/${match[1]}`);
        const chain = [...(answer.ancestors || []), answer.comment || answer];
        clear(this.linked).append(h("p", { class: "rj-hint" }, this.m.t("thread.linked")));
        const holder = h("ol", { class: "rj-comments" });
        this.linked.append(holder);
        let parent = null;
        for (const item of chain) {
          const next = new CommentView(this, { ...item, replies: [] }, parent);
          this.register(next);
          (parent ? parent.replies : holder).append(next.node);
          parent = next;
        }
        view = parent;
      } catch (_) {
        return;
      }
    }
    view.article.classList.add("rj-highlight");
    view.article.scrollIntoView({ block: "center" });
    view.article.focus({ preventScroll: true });
  }
}
