// The current language (English or 简体中文), remembered in localStorage, and t() to look up
// a message by dotted key with {placeholders}. Components re-render through useI18n().
import { useEffect, useState } from 'preact/hooks';
import { en, zh, type Messages } from './messages.js';

export type Lang = 'en' | 'zh';
const STORAGE_KEY = 'dtuhub.lang';

type Join<K, P> = K extends string ? (P extends string ? `${K}.${P}` : never) : never;
type Paths<T> = { [K in keyof T]: T[K] extends string ? K : Join<K, Paths<T[K]>> }[keyof T];
export type MessageKey = Paths<Messages>;

function initialLang(): Lang {
  const stored = safeStorage()?.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

let current: Lang = initialLang();
const listeners = new Set<() => void>();
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

export function setLang(lang: Lang): void {
  current = lang;
  safeStorage()?.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  listeners.forEach((l) => l());
}

export function getLang(): Lang {
  return current;
}

export type Params = Record<string, string | number>;

export function t(key: MessageKey, params: Params = {}): string {
  let node: unknown = current === 'zh' ? zh : en;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const text = typeof node === 'string' ? node : key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Looks up a key that comes from data (an event name, a state): falls back to the raw word. */
export function tMaybe(prefix: string, word: string): string {
  const key = `${prefix}.${word}` as MessageKey;
  const text = t(key);
  return text === key ? word : text;
}

/** Re-renders the calling component when the language changes. */
export function useI18n(): { lang: Lang; t: typeof t } {
  const [lang, setState] = useState(current);
  useEffect(() => {
    const listener = () => setState(current);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { lang, t };
}
