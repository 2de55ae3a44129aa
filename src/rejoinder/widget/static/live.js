// Live updates of one thread: the story's stream (docs/live.md) applied to the widget.
// New comments (and replies to a visible comment) wait behind a "N new comments" button, so
// the text under the reader never moves; edits, deletions, removals, reaction counts and
// the story's state apply in place.
import { h } from "./dom.js";
import { LiveStream } from "./sse.js";

const REFETCH = new Set(["too_old", "invalid", "overflow", "stalled"]);

export class Live {
  /** `thread` is the widget: views, list, me, m, client, story, and a few methods. */
  constructor(thread) {
    this.thread = thread;
    this.waiting = new Map(); // id -> comment, in arrival order
    this.button = h("button", { type: "button", class: "rj-secondary rj-new", hidden: true,
      onclick: () => this.showWaiting() });
    this.stream = null;
  }

  /** (Re)connect from the head of the log, for the reader the client now has. */
  start() {
    this.stop();
    const { thread } = this;
    const session = () => thread.rejoinder.session();
    const url = `${thread.client.apiBase}${thread.storyPath()}/live`;
    this.stream = new LiveStream(url, {
      headers: () => (session() ? { Authorization: "Bearer " + session().token } : {}),
      onEvent: (name, data) => this.apply(name, data),
      onDown: () => thread.liveState("reconnecting"),
      onStatus: (status) => {
        if (status === 401 && session()) {
          thread.rejoinder.forget(); // an old token: read on as the public
          return false;
        }
        return status >= 400 && status < 500 && status !== 429;
      },
    });
    this.opened = new Promise((resolve) => {
      this.stream.options.onOpen = () => {
        thread.liveState("open");
        resolve();
      };
      setTimeout(resolve, 3000); // the page does not wait longer for a stream that hangs
    });
    this.stream.start();
    return this.opened;
  }

  stop() {
    if (this.stream) this.thread.liveState("off");
    this.stream?.stop();
    this.stream = null;
    this.forgetWaiting();
  }

  forgetWaiting() {
    this.waiting.clear();
    this.renderButton();
  }

  apply(name, data) {
    const handler = HANDLERS[name];
    if (handler && data) handler.call(this, data);
  }

  view(id) {
    return this.thread.views.get(String(id));
  }

  /** The comment's view when it is on the page and not already a tombstone. */
  shownView(id) {
    const view = this.view(id);
    return view && view.node.isConnected && !view.data.deleted ? view : null;
  }

  created(comment) {
    if (this.view(comment.id)) return this.view(comment.id).update(comment);
    // A reply waits only when its parent is on the page (or waiting too).
    if (comment.parent_id && !this.view(comment.parent_id) && !this.waiting.has(comment.parent_id)) {
      return;
    }
    this.waiting.set(comment.id, comment);
    this.renderButton();
  }

  edited(comment) {
    if (this.waiting.has(comment.id)) this.waiting.set(comment.id, comment);
    this.view(comment.id)?.update(comment);
  }

  approved(comment) {
    const view = this.view(comment.id);
    if (!view) return this.created(comment);
    view.update(comment);
    this.thread.bumpCount(1);
  }

  deleted({ id, comment }) {
    if (this.unwait(id)) return;
    const view = this.shownView(id); // the reader's own deletion is already on the page
    if (!view) return;
    if (view.data.status === "published") this.thread.bumpCount(-1);
    if (comment) view.update({ ...comment, replies: undefined });
    else this.thread.removeView(view);
  }

  removed({ id, status, moderation_reason }) {
    if (this.unwait(id)) return;
    const view = this.shownView(id);
    if (!view) return;
    if (view.data.status === "published") this.thread.bumpCount(-1);
    if (view.mine) return view.update({ status, moderation_reason });
    this.thread.removeView(view);
  }

  reactions({ id, reactions }) {
    const waiting = this.waiting.get(id);
    if (waiting) waiting.reactions = reactions;
    this.view(id)?.setReactions(reactions);
  }

  reset({ reason }) {
    if (REFETCH.has(reason)) {
      this.forgetWaiting();
      this.thread.loadFirstPage();
    } else if (reason === "signed_out") {
      this.thread.rejoinder.forget();
      this.thread.refresh();
    } // "shutdown": the stream reconnects by itself and resumes with its id
  }

  unwait(id) {
    if (!this.waiting.delete(id)) return false;
    this.renderButton();
    return true;
  }

  /** The comment was put on the page another way (the reader's own post). */
  shown(id) {
    this.unwait(id);
  }

  renderButton() {
    const count = this.waiting.size;
    this.button.hidden = count === 0;
    this.button.textContent = count ? this.thread.m.t("live.new_comments", { count }) : "";
  }

  showWaiting() {
    const comments = [...this.waiting.values()];
    this.waiting.clear();
    this.renderButton();
    let first = null;
    for (const comment of comments) {
      const view = this.thread.insertLive(comment);
      first = first || view;
    }
    this.thread.announce(this.thread.m.t("live.shown", { count: comments.length }));
    (first?.article || this.thread.focusTarget()).focus();
  }
}

const HANDLERS = {
  "comment.created": function ({ comment }) { this.created(comment); },
  "comment.edited": function ({ comment }) { this.edited(comment); },
  "comment.approved": function ({ comment }) { this.approved(comment); },
  "comment.deleted": function (data) { this.deleted(data); },
  "comment.removed": function (data) { this.removed(data); },
  "comment.reactions": function (data) { this.reactions(data); },
  "story.updated": function ({ story }) { this.thread.storyChanged(story); },
  "notifications.unread": function ({ unread }) {
    this.thread.notifications.setUnread(unread, { announce: true });
  },
  reset: function (data) { this.reset(data); },
};
