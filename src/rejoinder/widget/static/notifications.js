// The signed-in reader's notifications in the widget: a button with the unread count in the
// header, and a panel listing them (replies, picks, moderation outcomes) with links to each
// comment. Read with `GET /me/notifications` (on load, when the panel opens, when the tab is
// shown again); marked read with `POST /me/notifications/read`; kept current by the story's
// live stream (`notifications.unread`, the count after any change, from any page).
// Nothing here runs for anonymous readers: their page stays the shared, cached one.
import { h, clear } from "./dom.js";
import { errorText } from "./errors.js";

export class Notifications {
  /** `thread` is the widget: m, client, announce, and the `rj-account` slot. */
  constructor(thread) {
    this.thread = thread;
    this.unread = 0;
    this.items = [];
    this.next = null;
    this.open = false;
    this.loaded = false;
    this.button = null;
    this.panel = null;
    this.onVisible = () => {
      if (document.visibilityState === "visible" && this.active && !this.thread.liveOpen()) this.load();
    };
    document.addEventListener("visibilitychange", this.onVisible);
  }

  get active() {
    return !!this.thread.me;
  }

  /** The button and the (closed) panel, for a signed-in reader; nothing for the public. */
  render() {
    const { m } = this.thread;
    this.open = false;
    if (!this.active) {
      this.button = this.panel = null;
      return [];
    }
    this.badge = h("span", { class: "rj-badge", "aria-hidden": "true" });
    this.label = h("span", { class: "rj-sr" });
    this.button = h(
      "button",
      {
        type: "button",
        class: "rj-link rj-bell",
        "aria-expanded": "false",
        "aria-controls": "rj-notifications",
        onclick: () => this.toggle(),
      },
      m.t("notifications.button"),
      this.badge,
      this.label,
    );
    this.heading = h("h3", { id: "rj-notifications-title", class: "rj-panel-title", tabindex: "-1" }, m.t("notifications.title"));
    this.list = h("ul", { class: "rj-notifications-list", "aria-labelledby": "rj-notifications-title" });
    this.more = h("div", { class: "rj-more" });
    this.readAll = h(
      "button",
      { type: "button", class: "rj-secondary", onclick: () => this.markRead(null) },
      m.t("notifications.mark_all"),
    );
    this.panel = h(
      "section",
      {
        id: "rj-notifications",
        class: "rj-notifications",
        hidden: true,
        "aria-labelledby": "rj-notifications-title",
        onkeydown: (event) => {
          if (event.key === "Escape") this.close(true);
        },
      },
      h("div", { class: "rj-panel-head" }, this.heading, this.readAll),
      this.list,
      this.more,
    );
    this.show();
    return [this.button];
  }

  /** Read the first page (and the count); quietly keeps the last one when it fails. */
  async load() {
    if (!this.active) return;
    try {
      const page = await this.thread.client.get("/me/notifications");
      this.items = page.items;
      this.next = page.next_cursor;
      this.loaded = true;
      this.setUnread(page.unread);
      if (this.open) this.renderList();
    } catch (_) {
      /* the count waits for the next load */
    }
  }

  /** The count the server says (a load, a mark, or the live stream). */
  setUnread(count, { announce = false } = {}) {
    const more = count > this.unread;
    this.unread = count;
    this.show();
    if (announce && more) this.thread.announce(this.thread.m.t("notifications.arrived", { count }));
    // Opened, and something arrived or was read elsewhere: the list follows.
    if (this.open && announce) this.load();
  }

  show() {
    if (!this.button) return;
    const { m } = this.thread;
    this.badge.textContent = this.unread ? m.number.format(this.unread) : "";
    this.badge.hidden = !this.unread;
    this.label.textContent = this.unread ? ` (${m.t("notifications.label", { count: this.unread })})` : "";
    this.button.classList.toggle("rj-has-unread", this.unread > 0);
  }

  toggle() {
    if (this.open) this.close(false);
    else this.openPanel();
  }

  async openPanel() {
    this.open = true;
    this.button.setAttribute("aria-expanded", "true");
    this.panel.hidden = false;
    this.renderList();
    this.heading.focus();
    await this.load();
  }

  close(focusButton) {
    if (!this.panel) return;
    this.open = false;
    this.button.setAttribute("aria-expanded", "false");
    this.panel.hidden = true;
    if (focusButton) this.button.focus();
  }

  renderList() {
    const { m } = this.thread;
    clear(this.list);
    clear(this.more);
    this.readAll.hidden = !this.unread;
    if (!this.loaded) {
      this.list.append(h("li", { class: "rj-hint" }, m.t("notifications.loading")));
      return;
    }
    if (!this.items.length) {
      this.list.append(h("li", { class: "rj-hint" }, m.t("notifications.empty")));
      return;
    }
    for (const item of this.items) this.list.append(this.itemNode(item));
    if (this.next) {
      const button = h("button", { type: "button", class: "rj-secondary" }, m.t("notifications.more"));
      button.addEventListener("click", () => this.loadMore(button));
      this.more.append(button);
    }
  }

  itemNode(item) {
    const { m } = this.thread;
    const text = describe(m, item);
    const link = h(
      "a",
      {
        href: item.permalink,
        class: "rj-notification-link",
        onclick: (event) => this.follow(event, item),
      },
      text,
    );
    const time = h(
      "time",
      { datetime: item.created_at, title: m.absolute.format(new Date(item.created_at)) },
      m.ago(item.created_at),
    );
    return h(
      "li",
      { class: item.read ? "rj-notification" : "rj-notification rj-unread", "data-id": String(item.id) },
      item.read ? null : h("span", { class: "rj-unread-mark" }, m.t("notifications.unread")),
      link,
      " ",
      h("span", { class: "rj-notification-meta" }, time),
    );
  }

  async loadMore(button) {
    button.disabled = true;
    try {
      const page = await this.thread.client.get(`/me/notifications?cursor=${encodeURIComponent(this.next)}`);
      const before = this.items.length;
      this.items = this.items.concat(page.items);
      this.next = page.next_cursor;
      this.setUnread(page.unread);
      this.renderList();
      this.list.children[before]?.querySelector("a")?.focus();
    } catch (problem) {
      button.disabled = false;
      this.thread.announce(errorText(this.thread.m, problem), true);
    }
  }

  /** Following a link marks it read first; a link to this very page just moves to the comment. */
  async follow(event, item) {
    const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (!plain) {
      if (!item.read) this.markRead([item.id]); // opened elsewhere: read all the same
      return;
    }
    event.preventDefault();
    if (!item.read) await this.markRead([item.id], { quiet: true });
    const target = new URL(item.permalink, location.href);
    const here = new URL(location.href);
    target.hash = here.hash = "";
    if (target.href === here.href) {
      this.close(false);
      location.hash = new URL(item.permalink, location.href).hash; // the widget shows the comment
    } else {
      location.assign(item.permalink);
    }
  }

  /** `ids` null: all of them. */
  async markRead(ids, { quiet = false } = {}) {
    const { m } = this.thread;
    try {
      const answer = await this.thread.client.request("POST", "/me/notifications/read", {
        body: ids ? { ids } : { all: true },
      });
      for (const item of this.items) if (!ids || ids.includes(item.id)) item.read = true;
      this.setUnread(answer.unread);
      if (this.open) this.renderList();
      if (!quiet) {
        this.thread.announce(m.t("notifications.marked"));
        if (!ids) this.heading.focus();
      }
    } catch (problem) {
      if (!quiet) this.thread.announce(errorText(m, problem), true);
    }
  }
}

function describe(m, item) {
  const key = item.kind === "moderation" ? `notifications.kind.${item.outcome || "approved"}` : `notifications.kind.${item.kind}`;
  return m.t(key, {
    name: item.actor?.display_name || m.t("notifications.someone"),
    title: item.story.title,
    reason: item.reason || "—",
  });
}
