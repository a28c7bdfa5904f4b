/** The language switch: zh-CN by default, en-US on request, remembered in the browser. */
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type Lang, MESSAGES, type MessageKey } from './messages.ts';

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey): string;
  /** A [zh, en] pair from one of the name tables, or the code itself. */
  name(table: Record<string, [string, string]>, code: string): string;
}

const Ctx = createContext<I18n | null>(null);

/** The console's language as last chosen (zh-CN unless switched); the API client sends it as Accept-Language. */
export function storedLang(): Lang {
  return localStorage.getItem('onegrid.lang') === 'en-US' ? 'en-US' : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  // Screen readers and fonts follow the page's language, also after a reload in English.
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang(l) {
        localStorage.setItem('onegrid.lang', l);
        setLangState(l);
      },
      t: (key) => MESSAGES[key][lang],
      name: (table, code) => table[code]?.[lang === 'zh-CN' ? 0 : 1] ?? code,
    }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
