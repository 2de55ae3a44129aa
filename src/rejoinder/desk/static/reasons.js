// The pipeline's words in the desk's language. Reasons for authors are fixed sentences, so the
// catalogue holds them by their English text ("why.<sentence>"); moderators' details carry
// figures and matched words, so they are read with patterns and rebuilt from the catalogue.
// Anything not recognised is shown as the server wrote it.

function lookup(t, key) {
  const text = t(key);
  return text === key ? null : text;
}

export function authorReason(t, reason) {
  return lookup(t, `why.${reason}`) ?? reason;
}

const DETAILS = [
  [/^story is pre-moderated$/, (t) => t("detail.story_premoderated")],
  [/^toxicity ([\d.]+) \(threshold ([\d.]+)\)(.*)$/, (t, m) => t("detail.toxicity", {
    score: m[1], threshold: m[2] }) + tail(t, m[3])],
  [/^threat quoted in a report: (.+)$/, (t, m) => t("detail.threat_quoted", { words: m[1] })],
  [/^threat: (.+)$/, (t, m) => t("detail.threat", { words: m[1] })],
  [/^dehumanising language quoted in a report: (.+)$/, (t, m) => t("detail.dehumanising_quoted",
    { words: m[1] })],
  [/^dehumanising: (.+)$/, (t, m) => t("detail.dehumanising", { words: m[1] })],
  [/^suspect: (.+)$/, (t, m) => t("detail.suspect", { words: m[1] })],
  [/^banned: (.+)$/, (t, m) => t("detail.banned", { words: m[1] })],
  [/^same text by this reader within (\d+) minutes$/, (t, m) => t("detail.repeat_self",
    { minutes: m[1] })],
  [/^same text from (\d+) readers within (\d+) minutes$/, (t, m) => t("detail.repeat_many",
    { readers: m[1], minutes: m[2] })],
  [/^(\d+) comments in the last hour \(limit (\d+)\)$/, (t, m) => t("detail.velocity",
    { n: m[1], limit: m[2] })],
  [/^links to (.+) from a reader with (\d+) published comments$/, (t, m) => t("detail.links",
    { domains: m[1], n: m[2] })],
  [/^comment (\d+) of the first (\d+)$/, (t, m) => t("detail.new_commenter", { n: m[1], first: m[2] })],
];

function tail(t, rest) {
  if (!rest) return "";
  if (rest === ", sent after a nudge") return t("detail.after_nudge");
  const held = /^, held by (\w+)$/.exec(rest);
  if (held) return t("detail.held_by", { phase: lookup(t, `phase.${held[1]}`) ?? held[1] });
  const quoted = /^, inside a quotation \(([\d.]+) outside it\)$/.exec(rest);
  if (quoted) return t("detail.inside_quotation", { score: quoted[1] });
  return rest;
}

export function findingDetail(t, detail) {
  for (const [pattern, render] of DETAILS) {
    const match = pattern.exec(detail);
    if (match) return render(t, match);
  }
  return detail;
}
