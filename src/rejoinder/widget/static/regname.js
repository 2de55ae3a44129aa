// The registered name (first name + surname) a site may require before the first comment.
// Never shown publicly. Used inline in the widget and on the account page's Profile section.
import { h, uid } from "./dom.js";

/** The localised sentence for a refusal of a registered name. */
export function registeredProblem(m, problem, script) {
  const key = `regname.reason.${problem.reason}`;
  if (problem.reason && m.has(key)) {
    return m.t(key, { field: m.t(`regname.field.${problem.field === "surname" ? "surname" : "first_name"}`), script: m.t(`regname.script.${script}`) });
  }
  return problem.message || problem.detail || m.t("error.generic");
}

export function registeredNameForm({ m, client, script = "latin", first = "", surname = "", onSaved, announce }) {
  const firstId = uid("rj-regfirst");
  const lastId = uid("rj-reglast");
  const hintId = uid("rj-reghint");
  const feedbackId = uid("rj-regfeedback");
  const field = (id, name, value, autocomplete) =>
    h("input", { id, name, type: "text", autocomplete, required: true, maxlength: 64, value, "aria-describedby": `${hintId} ${feedbackId}` });
  const firstInput = field(firstId, "registered_first_name", first, "given-name");
  const lastInput = field(lastId, "registered_surname", surname, "family-name");
  const feedback = h("p", { id: feedbackId, class: "rj-feedback", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "rj-primary" }, m.t("regname.save"));
  const form = h(
    "form",
    { class: "rj-regname-form", novalidate: true },
    h("p", { id: hintId, class: "rj-hint" }, m.t("regname.hint", { script: m.t(`regname.script.${script}`) })),
    h("p", null, h("label", { for: firstId }, m.t("regname.first_name")), " ", firstInput),
    h("p", null, h("label", { for: lastId }, m.t("regname.surname")), " ", lastInput),
    button,
    feedback,
  );
  const show = (text, ok) => {
    feedback.textContent = text;
    feedback.className = "rj-feedback " + (ok ? "rj-ok" : "rj-bad");
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const me = await client.request("PUT", "/me/profile", {
        body: { registered_first_name: firstInput.value, registered_surname: lastInput.value },
      });
      show(m.t("regname.saved"), true);
      announce?.(m.t("regname.saved"));
      await onSaved?.(me);
    } catch (error) {
      const text = error.problem ? registeredProblem(m, error.problem, script) : m.t("error.network");
      show(text, false);
      announce?.(text, true);
      (error.problem?.field === "surname" ? lastInput : firstInput).focus();
    } finally {
      button.disabled = false;
    }
  });
  return { form, firstInput, lastInput };
}
