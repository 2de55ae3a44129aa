// Dialogs (reject reason, sanction, shortcuts) and the reader's history panel.
import { h, clear } from "./dom.js";

// A modal form. ``onSubmit`` may be async and may throw: the dialog then stays open with the
// server's message and everything typed, so a refusal loses nothing.
function modal(content, onSubmit) {
  return new Promise((resolve) => {
    const error = h("p", { class: "dialog-error", role: "alert", hidden: true });
    const form = h("form", { method: "dialog" }, content, error);
    const dialog = h("dialog", { class: "modal" }, form);
    let busy = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;
      busy = true;
      try {
        const value = onSubmit ? await onSubmit() : true;
        resolve(value);
        dialog.close();
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
      } finally {
        busy = false;
      }
    });
    dialog.addEventListener("cancel", () => resolve(null));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(null); });
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector("select, input, textarea, button");
    if (first) first.focus();
  });
}

const cancel = (t) => h("button", { type: "button", class: "quiet",
  onclick: (e) => e.target.closest("dialog").close() }, t("cancel"));

export function rejectDialog(t, config) {
  const reason = h("select", { name: "reason", id: "reject-reason" },
    config.rejection_reasons.map((r) => h("option", { value: r }, t(`reason.${r}`))));
  const note = h("textarea", { name: "note", rows: 3, maxlength: 2000 });
  return modal([
    h("h2", {}, t("reject.title")),
    h("label", {}, t("reject.reason"), reason),
    h("label", {}, t("reject.note"), note),
    h("div", { class: "buttons" }, cancel(t), h("button", { type: "submit", id: "reject-confirm" },
      t("do.reject"))),
  ], () => ({ reason: reason.value, note: note.value.trim() || null }));
}

// ``apply(body)`` sends the sanction; the dialog closes only once the server has accepted it.
export function sanctionDialog(t, config, c, apply) {
  // The mildest first: a slip of the Enter key warns, it does not ban.
  const kind = h("select", { name: "kind", id: "sanction-kind" },
    ["warn", "premoderate", "suspend", "ban"].map((k) => h("option", { value: k }, t(`sanction.${k}`))));
  const where = h("select", { name: "site", id: "sanction-site" },
    h("option", { value: c.site_id }, t("sanction.this_site", { site: c.site_id })),
    config.is_admin ? h("option", { value: "" }, t("sanction.all_sites")) : null);
  const until = h("input", { type: "datetime-local", name: "until", id: "sanction-until" });
  const local = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000)
    .toISOString().slice(0, 16);
  const preset = (days, label) => h("button", { type: "button", class: "quiet preset",
    "data-days": days, onclick: () => { until.value = local(new Date(Date.now() + days * 864e5)); } },
    label);
  const reason = h("input", { type: "text", name: "reason", maxlength: 2000 });
  const rejectAll = h("input", { type: "checkbox", name: "reject_existing", id: "sanction-reject-all" });
  return modal([
    h("h2", {}, t("sanction.title", { name: c.author.display_name || "—" })),
    h("label", {}, t("sanction.kind"), kind),
    h("label", {}, t("sanction.where"), where),
    h("label", {}, t("sanction.until"), until),
    h("div", { class: "presets" }, preset(1, t("sanction.24h")), preset(7, t("sanction.7d")),
      preset(30, t("sanction.30d"))),
    h("label", {}, t("sanction.reason"), reason),
    h("label", { class: "inline" }, rejectAll, t("sanction.reject_existing")),
    h("div", { class: "buttons" }, cancel(t), h("button", { type: "submit", id: "sanction-confirm",
      class: "danger" }, t("sanction.confirm"))),
  ], () => apply({
    kind: kind.value,
    site: where.value || null,
    until: until.value ? new Date(until.value).toISOString() : null,
    reason: reason.value.trim() || null,
    reject_existing: rejectAll.checked,
  }));
}

export function helpDialog(t) {
  const keys = ["j", "k", "a", "r", "f", "p", "b", "x", "/", "?"];
  return modal([
    h("h2", {}, t("help.title")),
    h("dl", { class: "keys" }, keys.map((k) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, t(`key.${k}`))])),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, t("close"))),
  ]);
}

// The audit log's codes ("pipeline.hold") in the desk's language; a code this desk does not
// know yet is shown as it is rather than as a missing key.
function auditAction(t, code) {
  const key = `audit.action.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

function auditActor(t, name) {
  return name === "pipeline" ? t("audit.actor.pipeline") : name || "";
}

export function readerPanel(side, t, lang, r, { onNote, onLift, onClose }) {
  const date = (iso) => new Date(iso).toLocaleDateString(lang);
  const note = h("textarea", { rows: 2, maxlength: 4000, "aria-label": t("reader.add_note") });
  clear(side).append(
    h("button", { type: "button", class: "close quiet", "aria-label": t("close"), onclick: onClose }, "×"),
    h("h2", {}, r.display_name || "—"),
    r.registered_name
      ? h("p", { class: "registered-name" }, t("reader.registered_name", {
        name: `${r.registered_name.first_name || "—"} ${r.registered_name.surname || "—"}` }))
      : null,
    h("p", { class: "reader-status", "data-status": r.status }, t(`account.${r.status}`),
      r.status_until ? " · " + t("reader.until", { date: date(r.status_until) }) : "",
      r.status_reason ? ` — ${r.status_reason}` : ""),
    h("p", {}, t("reader.figures", {
      published: r.counts.published || 0, pending: r.counts.pending || 0,
      rejected: r.counts.rejected || 0, rate: Math.round(r.rejection_rate * 100) })),
    h("h3", {}, t("reader.sanctions")),
    r.sanctions.length ? h("ul", {}, r.sanctions.map((s) => h("li", { class: s.active ? "" : "muted" },
      t(`sanction.${s.kind}`), " · ", s.site_id || t("sanction.all_sites"), " · ",
      s.until ? t("reader.until", { date: date(s.until) }) : t("reader.since", { date: date(s.created_at) }),
      s.reason ? ` — ${s.reason}` : "",
      s.active && s.kind !== "warn"
        ? [" ", h("button", { type: "button", class: "quiet lift", onclick: () => onLift(s.id) },
            t("sanction.lift"))]
        : null))) : h("p", { class: "muted" }, t("none")),
    h("h3", {}, t("reader.names")),
    r.names.length ? h("ul", {}, r.names.map((n) => h("li", {},
      `${n.previous_name || "—"} → ${n.display_name} (${date(n.changed_at)})`)))
      : h("p", { class: "muted" }, t("none")),
    h("h3", {}, t("reader.notes")),
    h("ul", {}, r.notes.map((n) => h("li", {}, n.body, h("span", { class: "muted" }, ` (${date(n.created_at)})`)))),
    h("form", { class: "note", onsubmit: (e) => { e.preventDefault();
      if (note.value.trim()) onNote(note.value.trim()); } },
      note, h("button", { type: "submit" }, t("reader.add_note"))),
    h("h3", {}, t("reader.history")),
    r.status_changes.length
      ? h("ul", {}, r.status_changes.map((a) =>
          h("li", { "data-action": a.action },
            `${date(a.created_at)} · ${auditAction(t, a.action)} · ${auditActor(t, a.actor_name)}`)))
      : h("p", { class: "muted" }, t("none")),
  );
}
