// One comment: its header (author, badges, time, markers), body, actions and replies.
import { h, clear, uid } from "./dom.js";
import { composer, drafts } from "./composer.js";
import { errorText } from "./errors.js";
import { toMarkdown } from "./markdown.js";

// The moderation pipeline's reason for a hold it does not explain (moderation/phases/base.py
// HELD): not a reason, so the pending marker does not print it as one.
const UNSAID = "Your comment will appear once a moderator has reviewed it.";
const REPORT_REASONS = ["spam", "abuse", "harassment", "off_topic", "misinformation", "other"];

function reactionLabel(m, kind, count) {
  if (!m.has(`reaction.${kind}.none`)) return count ? `${kind} · ${m.number.format(count)}` : kind;
  return count ? m.t(`reaction.${kind}`, { count }) : m.t(`reaction.${kind}.none`);
}

// Replies are indented three levels deep, then flattened (widget.css): from the fourth level
// on, a reply says whom it answers, since its indent no longer does.
const FLAT_FROM = 4;

export class CommentView {
  /** `thread` gives the shared context (m, client, me, config, announce, storyUrl, …);
   * `parent` is the view this one replies to, when it is shown. */
  constructor(thread, data, parent = null) {
    this.thread = thread;
    this.data = data;
    this.parent = parent;
    this.nesting = parent ? parent.nesting + 1 : 0;
    this.mine = !!thread.me && data.author?.id === thread.me.id;
    this.myReactions = new Set(data.reacted || []);
    this.node = h("li", { class: "rj-item" });
    this.article = h("article", { class: "rj-comment", id: `comment-${data.id}`, tabindex: "-1" });
    this.slot = h("div", { class: "rj-slot" });
    this.replies = h("ol", { class: "rj-replies", "aria-label": thread.m.t("thread.replies_label") });
    this.moreReplies = h("div", { class: "rj-more-replies" });
    this.repliesCursor = null;
    this.node.append(this.article, this.replies, this.moreReplies);
    this.render();
    for (const reply of data.replies || []) this.addReply(reply, false);
    this.renderMoreReplies();
  }

  get m() {
    return this.thread.m;
  }

  render() {
    const { m } = this;
    const c = this.data;
    const titleId = uid("rj-by");
    this.article.setAttribute("aria-labelledby", titleId);
    this.article.classList.toggle("rj-pending", c.status === "pending");
    this.article.classList.toggle("rj-rejected", c.status === "rejected");
    this.article.classList.toggle("rj-deleted", !!c.deleted);
    this.article.classList.toggle("rj-mine", this.mine);
    this.article.classList.toggle("rj-featured", !!c.featured);
    if (c.deleted) {
      clear(this.article).append(
        h("p", { id: titleId, class: "rj-tombstone" }, m.t("comment.deleted")),
      );
      return;
    }
    const time = h(
      "time",
      { datetime: c.created_at, title: m.when(c.created_at) },
      m.ago(c.created_at),
    );
    const permalink = new URL(this.thread.storyUrl);
    permalink.hash = `comment-${c.id}`;
    const header = h(
      "header",
      { class: "rj-meta" },
      h("span", { id: titleId, class: "rj-author" },
        c.author?.id && c.author.display_name
          ? h("a", { href: this.thread.publicProfile(c.author.id), class: "rj-author-link" }, c.author.display_name)
          : c.author?.display_name || m.t("comment.anonymous")),
      (c.author?.badges || []).map((badge) =>
        h("span", { class: "rj-badge" }, m.has(`badge.${badge}`) ? m.t(`badge.${badge}`) : m.term(badge)),
      ),
      this.nesting >= FLAT_FROM ? h("span", { class: "rj-reply-to" }, this.replyTo()) : null,
      c.featured ? h("span", { class: "rj-badge rj-badge-featured" }, m.t("comment.featured")) : null,
      c.pinned ? h("span", { class: "rj-badge" }, m.t("comment.pinned")) : null,
      h("a", { class: "rj-time", href: permalink.href, "aria-label": m.t("comment.permalink", { time: m.when(c.created_at) }) }, time),
      c.edited_at ? h("span", { class: "rj-edited", title: m.when(c.edited_at) }, m.t("comment.edited")) : null,
    );
    const markers = [];
    if (c.status === "pending") {
      // The server's reasons are fixed English sentences; the catalogue has them translated.
      // A hold that gives its author no reason says only that a moderator will look.
      const given = c.moderation_reason !== UNSAID ? c.moderation_reason : null;
      const reason = given && m.has(`why.${given}`) ? m.t(`why.${given}`) : given;
      markers.push(
        h(
          "p",
          { class: "rj-marker" },
          m.t("comment.pending"),
          reason ? " " + m.t("comment.pending_reason", { reason }) : "",
        ),
      );
    }
    if (c.status === "rejected") {
      // Only its author still sees it (live): the moderators did not publish it.
      const reason = c.moderation_reason && m.has(`why.${c.moderation_reason}`)
        ? m.t(`why.${c.moderation_reason}`) : c.moderation_reason;
      markers.push(h("p", { class: "rj-marker" }, m.t("comment.rejected"),
        reason ? " " + m.t("comment.pending_reason", { reason }) : ""));
    }
    const body = h("div", { class: "rj-body" });
    body.innerHTML = c.body_html; // sanitised by the server at write time; the only HTML we insert
    clear(this.article).append(header, ...markers, body, this.actions(), this.slot);
  }

  actions() {
    const { m, thread } = this;
    const c = this.data;
    const bar = h("div", { class: "rj-actions", role: "group", "aria-label": m.t("comment.actions") });
    for (const kind of thread.config.reactions) {
      const count = c.reactions?.[kind] || 0;
      const label = reactionLabel(m, kind, count);
      if (!thread.can("react") || this.mine) {
        if (count) bar.append(h("span", { class: "rj-count", "data-kind": kind }, label));
        continue;
      }
      const button = h("button", {
        type: "button",
        class: "rj-link rj-react",
        "data-kind": kind,
        "aria-pressed": String(this.myReactions.has(kind)),
        onclick: () => this.react(kind, button),
      }, label);
      bar.append(button);
    }
    // A held comment is visible to its author only: nobody can reply to it until it is published.
    if (thread.canWrite() && c.status !== "pending") {
      bar.append(h("button", { type: "button", class: "rj-link", onclick: (e) => this.openReply(e.currentTarget) }, m.t("comment.reply")));
    }
    if (this.mine) {
      const left = this.editSecondsLeft();
      if (left > 0) {
        const until = Date.now() + left * 1000;
        bar.append(
          h("button", {
            type: "button",
            class: "rj-link rj-edit",
            "data-until": String(until),
            onclick: (e) => this.openEdit(e.currentTarget),
          }, m.t("comment.edit", { count: Math.ceil(left / 60) })),
        );
      }
      bar.append(h("button", { type: "button", class: "rj-link", onclick: (e) => this.confirmDelete(e.currentTarget) }, m.t("comment.delete")));
    } else if (thread.can("report")) {
      bar.append(
        this.reported
          ? h("button", { type: "button", class: "rj-link", disabled: true }, m.t("comment.reported"))
          : h("button", { type: "button", class: "rj-link", onclick: (e) => this.openReport(e.currentTarget) }, m.t("comment.report")),
      );
    }
    return bar;
  }

  /** The comment's own link: the story's page, at the comment. */
  permalink() {
    const url = new URL(this.thread.storyUrl);
    url.hash = `comment-${this.data.id}`;
    return url.href;
  }

  editSecondsLeft() {
    const until = this.data.editable_until
      ? new Date(this.data.editable_until).getTime()
      : new Date(this.data.created_at).getTime() + this.thread.config.edit_window_seconds * 1000;
    return Math.floor((until - Date.now()) / 1000);
  }

  /** Show a small form in this comment's slot; `opener` gets the focus back on close. */
  openSlot(content, opener) {
    clear(this.slot).append(content);
    this.closeSlot = () => {
      clear(this.slot);
      opener?.isConnected ? opener.focus() : this.article.focus();
    };
    content.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.stopPropagation();
      if (content.querySelector(".rj-discard")) return this.keepWriting(content);
      const text = content.querySelector("textarea[name=body]")?.value ?? "";
      if (text.trim() && text !== content.dataset.initial) return this.askDiscard(content);
      this.closeSlot();
    });
  }

  /** Escape on a half-written reply or edit asks first; Escape again keeps the text. */
  askDiscard(content) {
    const { m } = this;
    const keep = h("button", { type: "button", class: "rj-secondary", onclick: () => this.keepWriting(content) }, m.t("composer.keep"));
    const box = h(
      "div",
      { class: "rj-confirm rj-discard", role: "group", "aria-label": m.t("composer.discard_question") },
      h("p", null, m.t("composer.discard_question")),
      h("button", { type: "button", class: "rj-danger", onclick: () => this.closeSlot() }, m.t("composer.discard")),
      keep,
    );
    content.append(box);
    keep.focus();
  }

  keepWriting(content) {
    content.querySelector(".rj-discard")?.remove();
    content.querySelector("textarea[name=body]")?.focus();
  }

  openReply(opener) {
    const { thread } = this;
    const form = composer({
      m: this.m,
      mode: "reply",
      maxLength: thread.config.max_length,
      announce: thread.announce,
      draft: drafts.key(thread.me?.id, thread.site, thread.storyId, "reply", this.data.id),
      send: (body, key) => thread.post(body, key, this.data.id),
      onCancel: () => this.closeSlot(),
      onDone: (answer) => {
        clear(this.slot);
        const view = this.addReply(answer.comment, true);
        this.data.reply_count = (this.data.reply_count || 0) + 1;
        thread.announcePosted(answer);
        view.article.focus();
      },
    });
    this.openSlot(form.form, opener);
    const close = this.closeSlot; // Cancel, Discard, or Escape on an empty reply
    this.closeSlot = () => {
      form.forget();
      close();
    };
    form.focus();
  }

  openEdit(opener) {
    const { thread, m } = this;
    const left = this.editSecondsLeft();
    const form = composer({
      m,
      mode: "edit",
      initial: this.data.body ?? toMarkdown(this.article.querySelector(":scope > .rj-body")),
      maxLength: thread.config.max_length,
      announce: thread.announce,
      note: h("p", { class: "rj-hint" }, m.t("comment.edit_left", { count: Math.ceil(left / 60) })),
      send: (body) => thread.client.request("PATCH", `/comments/${this.data.id}`, { body: { body } }),
      onCancel: () => this.closeSlot(),
      onDone: (answer) => {
        clear(this.slot);
        this.update(answer.comment || answer);
        thread.announce(m.t("comment.edited_announce"));
        this.article.focus();
      },
    });
    this.openSlot(form.form, opener);
    form.focus();
  }

  confirmDelete(opener) {
    const { m, thread } = this;
    const yes = h("button", { type: "button", class: "rj-danger" }, m.t("comment.delete_yes"));
    const box = h(
      "div",
      { class: "rj-confirm", role: "group", "aria-label": m.t("comment.delete_question") },
      h("p", null, m.t("comment.delete_question")),
      yes,
      h("button", { type: "button", class: "rj-secondary", onclick: () => this.closeSlot() }, m.t("composer.cancel")),
    );
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await thread.client.request("DELETE", `/comments/${this.data.id}`);
        thread.announce(m.t("comment.deleted_announce"));
        if (this.data.status === "published") thread.bumpCount(-1);
        if (this.data.reply_count > 0 || this.replies.children.length) {
          this.update({ ...this.data, deleted: true, body_html: "", author: null });
          this.article.focus();
        } else {
          const next = this.node.nextElementSibling?.querySelector(".rj-comment");
          this.node.remove();
          (next || thread.focusTarget()).focus();
        }
      } catch (problem) {
        yes.disabled = false;
        thread.announce(errorText(m, problem), true);
      }
    });
    this.openSlot(box, opener);
    yes.focus();
  }

  openReport(opener) {
    const { m, thread } = this;
    const name = uid("rj-reason");
    const noteId = uid("rj-note");
    const error = h("p", { class: "rj-error", role: "alert" });
    const reasons = thread.config.report_reasons || REPORT_REASONS;
    const note = h("textarea", { id: noteId, name: "note", rows: 2, maxlength: 500 });
    const form = h(
      "form",
      { class: "rj-report", novalidate: true },
      h(
        "fieldset",
        null,
        h("legend", null, m.t("report.legend")),
        reasons.map((reason, i) =>
          h("label", { class: "rj-choice" },
            h("input", { type: "radio", name, value: reason, required: i === 0 }),
            " ",
            m.has(`report.reason.${reason}`)
              ? m.t(`report.reason.${reason}`)
              : reason.replace(/_/g, " ")),
        ),
      ),
      h("label", { for: noteId }, m.t("report.note")),
      note,
      h("p", { class: "rj-hint rj-legal" },
        h("a", { href: thread.takedownForm(this.permalink()), target: "_blank", rel: "noopener" },
          m.t("report.legal"))),
      error,
      h("div", { class: "rj-row" },
        h("button", { type: "submit", class: "rj-primary" }, m.t("report.submit")),
        h("button", { type: "button", class: "rj-secondary", onclick: () => this.closeSlot() }, m.t("composer.cancel"))),
    );
    // Said on screen, not only to screen readers, and the button says it was done.
    const done = (key) => {
      this.reported = true;
      // Not a second live region: the thread's status region already announces it.
      const thanks = h("p", { class: "rj-done", tabindex: "-1" }, m.t(key));
      clear(this.slot).append(thanks);
      const button = opener?.isConnected ? opener : null;
      if (button) {
        button.textContent = m.t("comment.reported");
        button.disabled = true;
      }
      thanks.focus();
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const reason = form.querySelector(`input[name="${name}"]:checked`)?.value;
      if (!reason) {
        error.textContent = m.t("report.choose");
        return form.querySelector("input").focus();
      }
      try {
        await thread.client.request("POST", `/comments/${this.data.id}/reports`, {
          body: note.value.trim() ? { reason, note: note.value.trim() } : { reason },
        });
        thread.announce(m.t("report.thanks"));
        done("report.thanks");
      } catch (problem) {
        if (problem.code === "already_reported") {
          thread.announce(m.t("report.already"));
          return done("report.already");
        }
        error.textContent = errorText(m, problem);
      }
    });
    this.openSlot(form, opener);
    form.querySelector("input").focus();
  }

  async react(kind, button) {
    const { m, thread } = this;
    const on = !this.myReactions.has(kind);
    button.disabled = true;
    try {
      const answer = await thread.client.request(on ? "PUT" : "DELETE", `/comments/${this.data.id}/reactions/${kind}`);
      if (answer?.reacted) this.myReactions = new Set(answer.reacted);
      else if (on) this.myReactions.add(kind);
      else this.myReactions.delete(kind);
      const counts = answer?.reactions || {
        ...this.data.reactions,
        [kind]: Math.max(0, (this.data.reactions?.[kind] || 0) + (on ? 1 : -1)),
      };
      this.data = { ...this.data, reactions: counts };
      button.setAttribute("aria-pressed", String(on));
      button.textContent = reactionLabel(m, kind, counts[kind] || 0);
      thread.announce(m.t(on ? "reaction.added" : "reaction.removed"));
    } catch (problem) {
      thread.announce(errorText(m, problem), true);
    } finally {
      button.disabled = false;
      button.focus();
    }
  }

  update(data) {
    const focused = this.article.contains(this.thread.root.activeElement);
    this.data = { ...this.data, ...data, reacted: this.data.reacted };
    this.render();
    if (focused && !this.article.contains(this.thread.root.activeElement)) {
      this.article.focus({ preventScroll: true });
    }
  }

  /** New reaction counts from the live stream: the labels change, the focus stays. */
  setReactions(reactions) {
    const { m } = this;
    this.data = { ...this.data, reactions };
    const bar = this.article.querySelector(":scope > .rj-actions");
    if (!bar) return;
    for (const kind of this.thread.config.reactions) {
      const count = reactions[kind] || 0;
      const node = bar.querySelector(`[data-kind="${kind}"]`);
      if (node?.matches(".rj-count") && !count) node.remove();
      else if (node) node.textContent = reactionLabel(m, kind, count);
      else if (count && !bar.contains(this.thread.root.activeElement)) {
        return bar.replaceWith(this.actions()); // a count shown for the first time
      }
    }
  }

  /** "in reply to …": whom this reply answers, as the thread shows them. */
  replyTo() {
    const { m } = this;
    const parent = this.parent.data;
    if (parent.deleted) return m.t("comment.in_reply_to_deleted");
    return m.t("comment.in_reply_to", { name: parent.author?.display_name || m.t("comment.anonymous") });
  }

  addReply(data, first) {
    const view = new CommentView(this.thread, data, this);
    this.thread.register(view);
    if (first) this.replies.prepend(view.node);
    else if (!this.replies.querySelector(`#comment-${data.id}`)) this.replies.append(view.node);
    return view;
  }

  renderMoreReplies() {
    const { m } = this;
    const shown = this.replies.children.length;
    const remaining = (this.data.reply_count || 0) - shown;
    clear(this.moreReplies);
    if (remaining <= 0 && !this.repliesCursor) return;
    const button = h("button", { type: "button", class: "rj-link" }, m.t("thread.more_replies", { count: Math.max(remaining, 1) }));
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const cursor = this.repliesCursor ? `?cursor=${encodeURIComponent(this.repliesCursor)}` : "";
        const page = await this.thread.client.get(`/comments/${this.data.id}/replies${cursor}`);
        const before = this.replies.children.length;
        for (const reply of page.comments || page.replies || []) this.addReply(reply, false);
        this.repliesCursor = page.next_cursor || null;
        if (!this.repliesCursor) this.data.reply_count = this.replies.children.length;
        this.renderMoreReplies();
        this.replies.children[before]?.querySelector(".rj-comment")?.focus();
      } catch (problem) {
        button.disabled = false;
        this.thread.announce(errorText(m, problem), true);
      }
    });
    this.moreReplies.append(button);
  }
}
