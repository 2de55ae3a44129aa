// Plain-word, localised messages for API problems.

export function errorText(m, problem) {
  if (!problem || problem.code === "network_error") return m.t("error.network");
  if (problem.code === "rate_limited") {
    const seconds = Math.max(1, Math.ceil(Number(problem.retryAfter) || 1));
    return m.t("error.rate_limited", { count: seconds });
  }
  const key = `error.${problem.code}`;
  if (m.has(key)) return m.t(key, problem.problem || {});
  return problem.message || m.t("error.generic");
}
