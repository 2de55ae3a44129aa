// Message catalogues (i18n/<lang>.json) and localised dates and numbers through Intl.

export const LANGUAGES = ["en", "ja"];

/** The element's `lang`, else the nearest ancestor's, else the page's, else the browser's. */
export function pickLanguage(element) {
  const declared =
    element.getAttribute("lang") ||
    (element.closest && element.closest("[lang]")?.getAttribute("lang")) ||
    document.documentElement.lang ||
    navigator.language ||
    "en";
  const short = declared.toLowerCase().split("-")[0];
  return LANGUAGES.includes(short) ? short : "en";
}

const cache = new Map();

export async function loadCatalogue(lang) {
  if (!cache.has(lang)) {
    const url = new URL(`i18n/${lang}.json`, import.meta.url);
    cache.set(
      lang,
      fetch(url).then((r) => (r.ok ? r.json() : {})),
    );
  }
  return cache.get(lang);
}

export class Messages {
  constructor(lang, catalogue, fallback) {
    this.lang = lang;
    this.catalogue = catalogue;
    this.fallback = fallback || {};
    this.plural = new Intl.PluralRules(lang);
    this.relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    this.absolute = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
    this.dateOnly = new Intl.DateTimeFormat(lang, { dateStyle: "long" });
    // An end that decides what the reader may do says in which time zone it falls.
    this.deadline = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short",
    });
    this.number = new Intl.NumberFormat(lang);
    this.terms = {}; // the site's own words in this language (plan names, badges): config
  }

  /** A word the site configured (a plan's name, a badge) in the reader's language. */
  term(word) {
    return this.terms[word] ?? word;
  }

  /** t("key", {count: 2, name: "x"}); a `count` picks "key.one" / "key.other" when present. */
  t(key, params = {}) {
    let text;
    if ("count" in params) {
      const form = `${key}.${this.plural.select(params.count)}`;
      text = this.catalogue[form] ?? this.catalogue[`${key}.other`];
    }
    text = text ?? this.catalogue[key] ?? this.fallback[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => {
      if (!(name in params)) return match;
      const value = params[name];
      return typeof value === "number" ? this.number.format(value) : String(value);
    });
  }

  has(key) {
    return key in this.catalogue || key in this.fallback;
  }

  /** "3 minutes ago" in the reader's language. */
  ago(date, now = Date.now()) {
    const seconds = Math.round((new Date(date).getTime() - now) / 1000);
    if (Math.abs(seconds) < 45) return this.relative.format(0, "second"); // "now"
    const steps = [
      [60, "second"],
      [3600, "minute", 60],
      [86400, "hour", 3600],
      [2592000, "day", 86400],
      [31536000, "month", 2592000],
      [Infinity, "year", 31536000],
    ];
    for (const [limit, unit, size = 1] of steps) {
      if (Math.abs(seconds) < limit) return this.relative.format(Math.round(seconds / size), unit);
    }
    return "";
  }

  when(date) {
    return this.absolute.format(new Date(date));
  }

  /** A moment that ends something (a suspension): with its time zone. */
  until(date) {
    return this.deadline.format(new Date(date));
  }

  day(date) {
    return this.dateOnly.format(new Date(date));
  }
}

/** Only the reader's catalogue is fetched: a test keeps every catalogue's keys identical. */
export async function messagesFor(lang) {
  return new Messages(lang, await loadCatalogue(lang));
}
