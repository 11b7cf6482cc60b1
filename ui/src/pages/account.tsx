// One's own password: the "My account" page, and the screen a generated password leads to
// at the first login (nothing else is open until it is changed; the server enforces that).
import { useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { Me } from '../lib/types.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { Section } from '../components/bits.js';

const MIN_LENGTH = 8;

function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (next.length < MIN_LENGTH) return setResult({ ok: false, message: t('account.tooShort') });
    if (next !== repeat) return setResult({ ok: false, message: t('account.mismatch') });
    setBusy(true);
    setResult(null);
    try {
      await post('/api/me/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setResult({ ok: true, message: t('account.changed') });
      onChanged();
    } catch (err) {
      const wrong = err instanceof ApiError && err.code === 'WRONG_PASSWORD';
      const message = wrong
        ? t('account.wrong')
        : err instanceof ApiError
          ? `${err.message} (${err.code})`
          : String(err);
      setResult({ ok: false, message });
    } finally {
      setBusy(false);
    }
  };

  const field = (id: string, label: string, value: string, set: (v: string) => void, auto: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={auto}
        required
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </div>
  );
  return (
    <form class="password-form" onSubmit={(e) => void submit(e)}>
      {field('pw-current', t('account.current'), current, setCurrent, 'current-password')}
      {field('pw-new', t('account.new'), next, setNext, 'new-password')}
      {field('pw-repeat', t('account.repeat'), repeat, setRepeat, 'new-password')}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('account.busy') : t('account.submit')}
      </button>
      {result && (
        <p class={`note ${result.ok ? 'note-ok' : 'note-error'}`} role={result.ok ? 'status' : 'alert'}>
          {result.message}
        </p>
      )}
    </form>
  );
}

export function AccountPage({ me }: { me: Me }) {
  return (
    <>
      <h1>{t('account.title')}</h1>
      <p class="muted">{t('signedInAs', { user: me.username, role: t(`role.${me.role}`) })}</p>
      <Section title={t('account.changePassword')} id="password">
        <PasswordForm onChanged={() => undefined} />
      </Section>
    </>
  );
}

/** Shown instead of the app while the session's password is a generated one. */
export function ForcedPasswordChange({ me, onChanged }: { me: Me; onChanged: () => void }) {
  return (
    <main class="login" id="main">
      <div class="login-card card">
        <h1>{t('account.forcedTitle')}</h1>
        <p class="muted">{t('account.forcedText')}</p>
        <p class="muted">{t('signedInAs', { user: me.username, role: t(`role.${me.role}`) })}</p>
        <PasswordForm onChanged={onChanged} />
        <LanguageSwitch />
      </div>
    </main>
  );
}
