// English / 简体中文 switch; the choice is remembered in the browser.
import { getLang, setLang, t, type Lang } from '../lib/i18n.js';

export function LanguageSwitch() {
  const lang = getLang();
  return (
    <div class="lang-switch" role="group" aria-label={t('language')}>
      {(['en', 'zh'] as Lang[]).map((code) => (
        <button
          type="button"
          key={code}
          lang={code === 'zh' ? 'zh-CN' : 'en'}
          aria-pressed={lang === code}
          onClick={() => setLang(code)}
        >
          {code === 'zh' ? '中文' : 'English'}
        </button>
      ))}
    </div>
  );
}
