// Message catalogues (English and Japanese); English fills any gap.
const base = new URL(".", import.meta.url);

export async function messages(lang) {
  const load = async (code) => (await fetch(new URL(`i18n/${code}.json`, base))).json();
  const english = await load("en");
  const chosen = lang === "ja" ? { ...english, ...(await load("ja")) } : english;
  return (key, vars = {}) =>
    (chosen[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}
