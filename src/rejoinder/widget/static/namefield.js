// Creating or changing a display name, with live feedback from the name policy.
// Used inline in the widget (display name required) and on the account page's Profile section.
import { h, uid } from "./dom.js";

/** The localised sentence for a refusal: by reason, then by code, else the server's own. */
export function nameProblem(m, problem, limits) {
  const params = { ...limits, date: problem.retry_at ? m.day(problem.retry_at) : "" };
  const keys = [];
  if (problem.reason) keys.push(`name.reason.${problem.reason}`);
  if (problem.code) keys.push(`name.code.${problem.code}`);
  for (const key of keys) if (m.has(key)) return m.t(key, params);
  return problem.message || problem.detail || m.t("error.generic");
}

/**
 * `changes` ({cooldown_days, correction_grace_minutes}) is said before the first save;
 * `locked` (during the cool-down) disables the field and its button: the note above says why.
 */
export function nameForm({ m, client, limits, changes, locked = false, current = "", submitLabel, onSaved, announce }) {
  const inputId = uid("rj-name");
  const feedbackId = uid("rj-name-feedback");
  const hintId = uid("rj-name-hint");
  const input = h("input", {
    id: inputId,
    name: "display_name",
    type: "text",
    autocomplete: "nickname",
    spellcheck: "false",
    required: true,
    maxlength: 64,
    value: current,
    disabled: locked,
    "aria-describedby": `${hintId} ${feedbackId}`,
  });
  const feedback = h("p", { id: feedbackId, class: "rj-feedback", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "rj-primary", disabled: locked }, submitLabel);
  const cooldown =
    changes && changes.cooldown_days > 0 && !locked
      ? " " + m.t("name.cooldown_hint", { days: changes.cooldown_days, minutes: changes.correction_grace_minutes })
      : "";
  const form = h(
    "form",
    { class: "rj-name-form", novalidate: true },
    h("label", { for: inputId }, m.t("name.label")),
    h("p", { id: hintId, class: "rj-hint" }, m.t("name.hint", limits) + cooldown),
    h("div", { class: "rj-row" }, input, button),
    feedback,
  );

  let timer = null;
  let latest = 0;
  const show = (text, ok) => {
    feedback.textContent = text;
    feedback.className = "rj-feedback " + (ok ? "rj-ok" : text ? "rj-bad" : "");
    input.setAttribute("aria-invalid", ok || !text ? "false" : "true");
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const name = input.value;
    if (!name.trim() || name.trim() === current) return show("", true);
    timer = setTimeout(async () => {
      const ticket = ++latest;
      try {
        const verdict = await client.get("/display-names/check?name=" + encodeURIComponent(name));
        if (ticket !== latest) return;
        if (verdict.available) show(m.t("name.available", { name: verdict.display_name }), true);
        else show(nameProblem(m, verdict, limits), false);
      } catch (_) {
        /* live feedback is a courtesy; the save will say what is wrong */
      }
    }, 300);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    latest++;
    button.disabled = true;
    try {
      const me = await client.request("PUT", "/me/profile", { body: { display_name: input.value } });
      show(m.t("name.saved", { name: me.display_name }), true);
      announce?.(m.t("name.saved", { name: me.display_name }));
      await onSaved?.(me);
    } catch (error) {
      const text = error.problem ? nameProblem(m, error.problem, limits) : m.t("error.network");
      show(text, false);
      announce?.(text, true);
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  return { form, input };
}
