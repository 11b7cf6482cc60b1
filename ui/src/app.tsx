// The shell: who is logged in (GET /api/me), the header with navigation, language switch and
// live-feed state, and the page for the current path.
import { useEffect, useState } from 'preact/hooks';
import { get, onUnauthorized, post } from './lib/api.js';
import { t, useI18n } from './lib/i18n.js';
import { live, useLiveState } from './lib/live.js';
import { navigate, useLocation } from './lib/router.js';
import type { Me } from './lib/types.js';
import { LanguageSwitch } from './components/language-switch.js';
import { ReloadNotice } from './components/reload-notice.js';
import { AlarmsPage } from './pages/alarms.js';
import { AccountPage, ForcedPasswordChange } from './pages/account.js';
import { ChannelsPage } from './pages/channels.js';
import { SinksPage } from './pages/sinks.js';
import { ConfigPage } from './pages/config.js';
import { DashboardPage } from './pages/dashboard.js';
import { DataBrowserPage } from './pages/data-browser.js';
import { DevicePage } from './pages/device.js';
import { DevicesPage } from './pages/devices.js';
import { EventsPage } from './pages/events.js';
import { FleetPage } from './pages/fleet.js';
import { LoginPage } from './pages/login.js';
import { RulesPage } from './pages/rules.js';
import { UsersPage } from './pages/users.js';
import { WebhooksPage } from './pages/webhooks.js';

type Auth = { state: 'checking' } | { state: 'out' } | { state: 'in'; me: Me };

export function App() {
  useI18n();
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });

  useEffect(() => {
    // Not logged in (401) or the server unreachable: either way the login page is the start.
    get<Me>('/api/me').then(
      (me) => setAuth({ state: 'in', me }),
      () => setAuth({ state: 'out' }),
    );
    const signOut = () => setAuth({ state: 'out' });
    live.onSessionEnded = signOut;
    return onUnauthorized(signOut);
  }, []);

  // The live feed waits for the forced password change: the server refuses it before.
  const inApp = auth.state === 'in' && !auth.me.mustChangePassword;
  useEffect(() => {
    if (inApp) live.start();
    else live.stop();
  }, [inApp]);

  if (auth.state === 'checking') return <p class="splash">{t('loading')}</p>;
  if (auth.state === 'out') return <LoginPage onLoggedIn={(me) => setAuth({ state: 'in', me })} />;
  if (auth.me.mustChangePassword)
    return (
      <ForcedPasswordChange
        me={auth.me}
        onChanged={() => setAuth({ state: 'in', me: { ...auth.me, mustChangePassword: false } })}
      />
    );
  return <Shell me={auth.me} onLogout={() => setAuth({ state: 'out' })} />;
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const { path } = useLocation();
  const liveState = useLiveState();
  const links: [string, string, boolean][] = [
    ['/', t('nav.dashboard'), path === '/'],
    ['/devices', t('nav.devices'), path.startsWith('/devices')],
    ['/fleet', t('fleet.nav'), path === '/fleet'],
    ['/data', t('nav.data'), path === '/data'],
    ['/connections', t('nav.connections'), path === '/connections'],
    ['/channels', t('nav.channels'), path === '/channels'],
    ['/sinks', t('nav.sinks'), path === '/sinks'],
    ['/alarms', t('alarms.nav'), path === '/alarms'],
    ['/events', t('nav.events'), path === '/events'],
    ['/rules', t('nav.rules'), path === '/rules'],
    ['/webhooks', t('nav.webhooks'), path === '/webhooks'],
  ];
  if (me.role === 'admin') {
    links.push(['/config', t('nav.config'), path === '/config']);
    links.push(['/users', t('nav.users'), path === '/users']);
  }

  const logout = async () => {
    await post('/api/logout').catch(() => undefined);
    navigate('/', true);
    onLogout();
  };

  return (
    <>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>dtuhub</span>
        </a>
        <nav aria-label={t('mainNav')}>
          <ul>
            {links.map(([href, label, current]) => (
              <li key={href}>
                <a href={href} aria-current={current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-end">
          <span
            class={`live-dot live-${liveState}`}
            role="status"
            title={t(
              `live.${liveState === 'connected' ? 'connected' : liveState === 'connecting' ? 'connecting' : 'offline'}`,
            )}
          >
            <span class="sr-only">
              {t(
                `live.${liveState === 'connected' ? 'connected' : liveState === 'connecting' ? 'connecting' : 'offline'}`,
              )}
            </span>
          </span>
          <LanguageSwitch />
          <a class="who" href="/account" aria-current={path === '/account' ? 'page' : undefined}>
            {t('signedInAs', { user: me.username, role: t(`role.${me.role}`) })}
          </a>
          <button type="button" onClick={() => void logout()}>
            {t('logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ReloadNotice />
        <Page path={path} me={me} />
      </main>
    </>
  );
}

function Page({ path, me }: { path: string; me: Me }) {
  if (path === '/') return <DashboardPage />;
  if (path === '/devices') return <DevicesPage me={me} />;
  if (path.startsWith('/devices/')) {
    const id = decodeURIComponent(path.slice('/devices/'.length));
    return <DevicePage key={id} id={id} me={me} />;
  }
  if (path === '/fleet') return <FleetPage />;
  if (path === '/data') return <DataBrowserPage key="data" />;
  if (path === '/connections') return <DataBrowserPage key="connections" only="connections" />;
  if (path === '/channels') return <ChannelsPage me={me} />;
  if (path === '/sinks') return <SinksPage me={me} />;
  if (path === '/alarms') return <AlarmsPage me={me} />;
  if (path === '/events') return <EventsPage />;
  if (path === '/rules') return <RulesPage />;
  if (path === '/webhooks') return <WebhooksPage me={me} />;
  if (path === '/users' && me.role === 'admin') return <UsersPage />;
  if (path === '/account') return <AccountPage me={me} />;
  if (path === '/config' && me.role === 'admin') return <ConfigPage />;
  return <DashboardPage />;
}
