// A comment card: the comment and everything needed to decide on it at a glance.
import { h } from "./dom.js";
import { authorReason, findingDetail } from "./reasons.js";

const BAND_CLASS = { likely: "bad", maybe: "warn", unlikely: "ok", unknown: "muted" };

function when(iso, lang) {
  return new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

// A catalogue entry, or the value itself when the catalogue has none (a site's own reason).
function label(t, prefix, value) {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? value.replace(/_/g, " ") : text;
}

export function card(c, t, lang, { selected, focused, onSelect, onAuthor, onStory, onAction }) {
  const author = c.author;
  const dismiss = c.status === "published" && c.reports > 0;
  const rate = Math.round((author.rejection_rate || 0) * 100);
  const button = (action, label, key, extra = {}) =>
    h("button", { type: "button", class: `act act-${action}`, "data-action": action,
      title: `${label} (${key})`, onclick: () => onAction(c, action), ...extra }, label);
  return h(
    "article",
    {
      class: "card" + (focused ? " focused" : "") + (selected ? " selected" : ""),
      "data-id": c.id,
      "data-status": c.status,
      tabindex: "-1",
      "aria-label": t("card.label", { id: c.id, author: author.display_name || "—" }),
    },
    h("header", { class: "card-head" },
      h("input", { type: "checkbox", class: "pick", checked: selected,
        "aria-label": t("card.select"), onchange: () => onSelect(c) }),
      h("a", { class: "story", href: c.story.url, target: "_blank", rel: "noopener" },
        c.story.title || c.story.key),
      h("span", { class: "site" }, c.site_id),
      h("button", { type: "button", class: "quiet only-story", onclick: () => onStory(c) },
        t("card.only_story")),
      h("time", { datetime: c.created_at }, when(c.created_at, lang)),
      c.edited_at ? h("span", { class: "tag muted" }, t("card.edited")) : null),
    c.parent
      ? h("blockquote", { class: "parent" },
          h("span", { class: "parent-author" }, t("card.reply_to", { name: c.parent.author || "—" })),
          h("div", { class: "parent-body", html: c.parent.body_html }))
      : null,
    h("div", { class: "body", html: c.body_html }),
    h("div", { class: "facts" },
      h("span", { class: `tag band ${BAND_CLASS[c.toxicity_band]}`,
        title: c.toxicity === null ? "" : c.toxicity.toFixed(2) },
        t(`band.${c.toxicity_band}`)),
      c.phase ? h("span", { class: "tag phase" }, t(`phase.${c.phase}`)) : null,
      c.flagged ? h("span", { class: "tag warn" }, t("card.flagged")) : null,
      c.reports ? h("span", { class: "tag bad" },
        t("card.reports", { n: c.reports,
          reasons: c.report_reasons.map((r) => label(t, "report", r)).join(", ") })) : null,
      c.featured ? h("span", { class: "tag ok" }, t("card.featured")) : null,
      c.pinned ? h("span", { class: "tag ok" }, t("card.pinned")) : null,
      h("span", { class: `tag status-${c.status}` }, t(`status.${c.status}`))),
    c.report_notes && c.report_notes.length
      ? h("ul", { class: "report-notes", "aria-label": t("card.report_notes") },
          c.report_notes.map((n) => h("li", {}, h("q", {}, n))))
      : null,
    c.reason ? h("p", { class: "reason" }, authorReason(t, c.reason)) : null,
    c.findings.length
      ? h("ul", { class: "findings" }, c.findings.map((f) =>
          h("li", {}, h("strong", {}, label(t, "phase", f.phase)), " · ", t(`action.${f.action}`),
            f.detail ? h("span", { class: "detail" }, " — " + findingDetail(t, f.detail)) : null)))
      : null,
    h("footer", { class: "card-foot" },
      h("button", { type: "button", class: "author", onclick: () => onAuthor(author) },
        author.display_name || "—"),
      h("span", { class: "author-stats" },
        t("card.author_stats", { n: author.comments, rate }),
        author.status && author.status !== "active" ? " · " + t(`account.${author.status}`) : ""),
      h("span", { class: "actions" },
        c.status !== "published" ? button("approve", t("do.approve"), "a") : null,
        dismiss ? button("approve", t("do.dismiss"), "a", { class: "act act-dismiss" }) : null,
        c.status !== "rejected" ? button("reject", t("do.reject"), "r") : null,
        c.status === "published"
          ? button(c.featured ? "unfeature" : "feature",
              t(c.featured ? "do.unfeature" : "do.feature"), "f")
          : null,
        c.status === "published"
          ? button(c.pinned ? "unpin" : "pin", t(c.pinned ? "do.unpin" : "do.pin"), "p")
          : null,
        author.id ? button("ban", t("do.ban"), "b") : null)),
  );
}
