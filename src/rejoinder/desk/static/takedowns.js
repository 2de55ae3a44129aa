// The Takedown queue (issue #14): legal removal requests with their statutory clock.
// Nearest deadline first; each request shows the comment, the requester's grounds and the
// clock, and is decided once (remove or keep) with a reason that is mailed to the requester.
import { h, clear } from "./dom.js";

function when(iso, lang) {
  return new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

function label(t, prefix, value) {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? value.replace(/_/g, " ") : text;
}

/** The clock as words and a colour: overdue, due within a day, due soon, or days left. */
export function clock(t, r) {
  if (r.status !== "open") return null;
  if (r.overdue) {
    // Whole days or hours late, by the deadline itself (days_left counts started days).
    const late = Date.now() - new Date(r.deadline_at).getTime();
    const days = Math.floor(late / 864e5);
    return h("span", { class: "tag bad clock" }, days >= 1
      ? t("takedown.overdue", { n: days })
      : t("takedown.overdue_hours", { n: Math.max(1, Math.floor(late / 36e5)) }));
  }
  if (r.due_within_day) return h("span", { class: "tag bad clock" }, t("takedown.due_day"));
  return h("span", { class: `tag ${r.due_soon ? "warn" : "muted"} clock` },
    t("takedown.days_left", { n: r.days_left }));
}

function decisionForm(t, r, onDecide) {
  const reason = h("textarea", { name: "reason", rows: 2, maxlength: 4000, required: true,
    id: `takedown-reason-${r.id}` });
  const problem = h("p", { class: "status bad", role: "alert" });
  const decide = async (outcome) => {
    if (!reason.value.trim()) {
      problem.textContent = t("takedown.reason_needed");
      reason.focus();
      return;
    }
    problem.textContent = "";
    await onDecide(r, outcome, reason.value.trim());
  };
  return h("form", { class: "decide", onsubmit: (e) => e.preventDefault() },
    h("label", { for: reason.id }, t("takedown.reason")), reason, problem,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "act act-reject", "data-outcome": "remove",
        onclick: () => decide("remove") }, t("takedown.remove")),
      h("button", { type: "button", class: "act act-approve", "data-outcome": "keep",
        onclick: () => decide("keep") }, t("takedown.keep"))));
}

function request(t, lang, r, onDecide) {
  return h("article", { class: "card takedown", "data-id": r.id, "data-status": r.status,
      "aria-label": t("takedown.label", { id: r.id }) },
    h("header", { class: "card-head" },
      h("strong", {}, `#${r.id}`),
      h("span", { class: "tag" }, label(t, "takedown.why", r.reason)),
      h("span", { class: "site" }, r.site_id),
      h("span", {}, t("takedown.received", { at: when(r.received_at, lang) })),
      h("span", {}, t("takedown.deadline", { at: when(r.deadline_at, lang) })),
      clock(t, r)),
    r.comment_body_html !== null
      ? h("div", { class: "takedown-comment" },
          h("p", { class: "muted" }, t("takedown.comment", { id: r.comment_id }), " · ",
            h("span", { class: `tag status-${r.comment_status}` }, t(`status.${r.comment_status}`)),
            r.permalink ? [" · ", h("a", { href: r.permalink, target: "_blank", rel: "noopener" },
              t("takedown.open_comment"))] : null),
          h("div", { class: "body", html: r.comment_body_html }))
      : h("p", { class: "muted" }, t("takedown.comment_gone")),
    h("dl", { class: "takedown-facts" },
      h("dt", {}, t("takedown.requester")),
      h("dd", {}, r.contact_name, " · ", h("a", { href: `mailto:${r.contact_email}` }, r.contact_email)),
      h("dt", {}, t("takedown.statement")),
      h("dd", { class: "statement" }, r.statement)),
    r.status === "open"
      ? decisionForm(t, r, onDecide)
      : h("p", { class: "decided" },
          t(`takedown.decided.${r.status}`, { at: when(r.decided_at, lang),
            by: r.decided_by_name || `#${r.decided_by}` }), " ",
          h("q", {}, r.decision_reason)));
}

/** The queue itself, into ``root``; ``api`` lists and decides, ``say`` reports. */
export async function showTakedowns(root, t, lang, api, { site, status, say, onChange }) {
  clear(root).setAttribute("aria-busy", "true");
  let found;
  try {
    found = await api.takedowns({ site: site || undefined, status });
  } catch (e) {
    root.setAttribute("aria-busy", "false");
    return say(e.message, false);
  }
  root.setAttribute("aria-busy", "false");
  if (!found.requests.length) {
    root.append(h("p", { class: "empty" }, t(status === "open" ? "takedown.none_open" : "takedown.none")));
    return;
  }
  const onDecide = async (r, outcome, reason) => {
    try {
      await api.decideTakedown(r.id, { outcome, reason });
      say(t(`takedown.done.${outcome}`, { id: r.id }));
      await onChange();
    } catch (e) {
      say(e.message, false);
    }
  };
  found.requests.forEach((r) => root.append(request(t, lang, r, onDecide)));
}

/** The desk's alert: open requests overdue, or due within a day, on every view. */
export function takedownAlert(t, requests, open) {
  const overdue = requests.filter((r) => r.overdue).length;
  const due = requests.filter((r) => r.due_within_day).length;
  if (!overdue && !due) return null;
  const parts = [];
  if (overdue) parts.push(t("takedown.alert_overdue", { n: overdue }));
  if (due) parts.push(t("takedown.alert_due", { n: due }));
  return h("p", { class: "alert takedown-alert", role: "alert" }, parts.join(" "), " ",
    h("button", { type: "button", class: "open-takedowns", onclick: open }, t("takedown.open_queue")));
}
