// Message catalogues (English and Japanese); English fills any gap.
const base = new URL(".", import.meta.url);

/** `t(key, vars)`; a numeric `n` picks "key.one" / "key.other" (the language's plural rules)
 * when the catalogue has them: "1 report", "2 reports". */
export async function messages(lang) {
  const load = async (code) => (await fetch(new URL(`i18n/${code}.json`, base))).json();
  const english = await load("en");
  const chosen = lang === "ja" ? { ...english, ...(await load("ja")) } : english;
  const plural = new Intl.PluralRules(lang === "ja" ? "ja" : "en");
  return (key, vars = {}) => {
    let text = chosen[key];
    const count = vars.n === undefined || vars.n === "" ? NaN : Number(vars.n);
    if (text === undefined && !Number.isNaN(count)) {
      text = chosen[`${key}.${plural.select(count)}`] ?? chosen[`${key}.other`];
    }
    return (text ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
  };
}
