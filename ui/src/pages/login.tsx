// The login form. A 429 lockout says how long to wait; nothing tells whether the user exists.
import { useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { Me } from '../lib/types.js';
import { LanguageSwitch } from '../components/language-switch.js';

export function LoginPage({ onLoggedIn }: { onLoggedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await post<{ user: { username: string; role: Me['role']; mustChangePassword?: boolean } }>(
        '/api/login',
        {
          username,
          password,
        },
      );
      onLoggedIn({ ...user, via: 'session' });
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        setError(t('login.locked', { seconds: err.retryAfter ?? 60 }));
      } else if (err instanceof ApiError && err.status === 401) setError(t('login.invalid'));
      else setError(t('error', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="login-card card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div class="login-brand" aria-hidden="true">
          <img src="/favicon.svg" alt="" width={40} height={40} />
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        <p class="muted">{t('login.subtitle')}</p>
        <label for="login-username">{t('login.username')}</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <label for="login-password">{t('login.password')}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="note note-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
