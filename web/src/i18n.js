// The reader's language: chosen once per device (localStorage), English, 中文 or اردو, every
// text from the one catalog (core/catalog/*.cat) through the language files the build makes
// (core/catalog/lang-files.mjs), filled in by engine-client.js exactly as the native front
// ends fill them in. Urdu turns the whole document right to left.
import { loadLanguage, messageText, translate } from '../../wasm/engine-client.js';

export const LANGUAGES = ['en', 'zh', 'ur'];
const STORE_KEY = 'dosti.lang';
const RTL = new Set(['ur']);

// The language this device chose, else the browser's if we have it, else English.
export function preferredLanguage() {
  const stored = safeStorage(() => localStorage.getItem(STORE_KEY));
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

export function rememberLanguage(lang) {
  safeStorage(() => localStorage.setItem(STORE_KEY, lang));
}

// A private window or a blocked storage throws: the choice is then kept for this visit only.
function safeStorage(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}

// Loads `lang` and sets the document's language and direction. Resolves to the text helpers
// the screens use: t(key, args), label(kind, code), message(error or warning).
export async function useLanguage(lang) {
  const base = new URL('lang/', document.baseURI);
  const language = await loadLanguage(lang, base);
  document.documentElement.lang = lang;
  document.documentElement.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  document.title = translate(language, 'web.app.title');
  return textsOf(language);
}

export function textsOf(language) {
  const t = (key, args) => translate(language, key, args);
  return {
    lang: language.lang,
    rtl: RTL.has(language.lang),
    t,
    // The label of a code ("label.category.training"); the code itself when there is none.
    label: (kind, code) => {
      const key = `label.${kind}.${code}`;
      return language.texts[key] === undefined ? code : t(key);
    },
    message: (m) => messageText(language, m),
    // Numbers as the reader writes them (Urdu keeps Western digits, as Pakistani forms do).
    number: (n) => new Intl.NumberFormat(language.lang === 'zh' ? 'zh-CN' : 'en').format(n),
  };
}
