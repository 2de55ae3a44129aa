// Writing: a new comment, a reply or an edit, with a preview of the Markdown subset.
// Every post carries an Idempotency-Key; a retry of the same text reuses it, so a double click
// or a retry after a lost response never creates a second comment.
import { h, clear, uid } from "./dom.js";
import { preview } from "./markdown.js";
import { errorText } from "./errors.js";

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Unsent text survives a reload of the page, in this tab only (sessionStorage: a shared
 * computer does not keep it once the tab is closed), under a key naming the reader, the story
 * and what is written (a new comment, or a reply to one comment).
 */
export const drafts = {
  key: (...parts) => ["rejoinder:draft", ...parts].map((p) => encodeURIComponent(String(p))).join(":"),
  read(key) {
    try {
      return key ? sessionStorage.getItem(key) || "" : "";
    } catch {
      return ""; // storage blocked (a privacy setting): drafts are not kept
    }
  },
  write(key, text) {
    if (!key) return;
    try {
      if (text.trim()) sessionStorage.setItem(key, text);
      else sessionStorage.removeItem(key);
    } catch {
      // full or blocked: the text is still in the box
    }
  },
};

/**
 * maxlength drops what does not fit without a word: `said({count, max})` is told how much of a
 * paste was left out (the comment box, the account page's bio).
 */
export function onCutPaste(textarea, max, said) {
  textarea.addEventListener("paste", (event) => {
    const pasted = event.clipboardData?.getData("text") || "";
    const room = max - textarea.value.length + (textarea.selectionEnd - textarea.selectionStart);
    if (pasted.length > room) said({ count: pasted.length - Math.max(room, 0), max });
  });
}

/**
 * mode: "new" | "reply" | "edit". `send(body, key)` performs the request and resolves to the
 * API's answer; `onDone(answer)` receives it; `onCancel()` closes a reply or edit form.
 * `draft` (from `drafts.key`) keeps unsent text across a reload; an edit has none.
 */
export function composer({ m, mode, initial = "", maxLength, send, onDone, onCancel, announce, note, draft }) {
  const textId = uid("rj-text");
  const hintId = uid("rj-hint");
  const errorId = uid("rj-error");
  const labels = {
    new: ["composer.label", "composer.post"],
    reply: ["composer.reply_label", "composer.post_reply"],
    edit: ["composer.edit_label", "composer.save"],
  }[mode];
  const textarea = h("textarea", {
    id: textId,
    name: "body",
    rows: mode === "new" ? 4 : 3,
    maxlength: maxLength,
    required: true,
    "aria-describedby": `${hintId} ${errorId}`,
  });
  const restored = initial ? "" : drafts.read(draft).slice(0, maxLength);
  textarea.value = initial || restored;
  const previewBox = h("div", { class: "rj-preview rj-body", hidden: true, tabindex: "-1" });
  const previewButton = h(
    "button",
    { type: "button", class: "rj-link", "aria-pressed": "false", "aria-controls": textId },
    m.t("composer.preview"),
  );
  const counter = h("span", { class: "rj-counter", "aria-hidden": "true" });
  const error = h("p", { id: errorId, class: "rj-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "rj-primary" }, m.t(labels[1]));
  const cancel = onCancel
    ? h("button", { type: "button", class: "rj-secondary", onclick: () => onCancel() }, m.t("composer.cancel"))
    : null;
  const form = h(
    "form",
    { class: `rj-composer rj-composer-${mode}`, novalidate: true },
    h("label", { for: textId }, m.t(labels[0])),
    note || null,
    restored ? h("p", { class: "rj-hint rj-restored" }, m.t("composer.restored")) : null,
    textarea,
    previewBox,
    h("p", { id: hintId, class: "rj-hint" }, m.t("composer.hint"), " ", counter),
    error,
    h("div", { class: "rj-row" }, submit, previewButton, cancel),
  );

  const count = () => {
    counter.textContent = m.t("composer.count", { count: textarea.value.length, max: maxLength });
  };
  let cut = false; // the last paste did not fit whole: keep saying so until the next edit
  textarea.addEventListener("input", () => {
    count();
    drafts.write(draft, textarea.value);
    if (textarea.value.trim() && !cut) error.textContent = ""; // the problem it named is gone
    cut = false;
  });
  onCutPaste(textarea, maxLength, (text) => {
    cut = true;
    error.textContent = m.t("composer.cut", text);
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  count();

  previewButton.addEventListener("click", () => {
    const showing = previewBox.hidden;
    previewBox.hidden = !showing;
    textarea.hidden = showing;
    previewButton.setAttribute("aria-pressed", String(showing));
    previewButton.textContent = m.t(showing ? "composer.write" : "composer.preview");
    if (showing) {
      clear(previewBox).append(
        textarea.value.trim() ? preview(textarea.value) : m.t("composer.preview_empty"),
      );
    }
    (showing ? previewBox : textarea).focus();
  });

  let pending = null; // {key, body}: the same text is retried under the same key
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const body = textarea.value;
    if (!body.trim()) {
      error.textContent = m.t("error.comment_empty");
      textarea.hidden = false;
      textarea.focus();
      return;
    }
    if (!pending || pending.body !== body) pending = { key: newKey(), body };
    busy = true;
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    error.textContent = "";
    try {
      const answer = await send(body, pending.key);
      pending = null;
      drafts.write(draft, "");
      if (mode === "new") {
        textarea.value = "";
        count();
      }
      await onDone(answer);
    } catch (problem) {
      const text = errorText(m, problem);
      error.textContent = text;
      announce?.(text, true);
      // Refusals are final for this text; a lost response or a server error may be retried.
      if (problem.status && problem.status < 500 && problem.status !== 429) pending = null;
      textarea.hidden = false;
      previewBox.hidden = true;
      textarea.focus();
    } finally {
      busy = false;
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  });
  form.dataset.initial = initial;
  // Closing the form on purpose (Cancel, or Discard after Escape) forgets the draft.
  const forget = () => drafts.write(draft, "");
  return { form, textarea, focus: () => textarea.focus(), forget };
}
