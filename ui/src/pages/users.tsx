// Admins: users (create, change role, delete), API tokens (create — the secret is shown
// once — and revoke) and the audit log.
import { useState } from 'preact/hooks';
import { api, ApiError, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { ApiToken, Role, User } from '../lib/types.js';
import { useLoad } from '../lib/use-load.js';
import { AuditLog } from './audit-log.js';
import { ErrorNote, Head, Section, TableWrap, Time } from '../components/bits.js';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

function RoleSelect({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
      {ROLES.map((r) => (
        <option value={r} key={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

/** A delete button that asks first. */
function DeleteCell({ name, onDelete }: { name: string; onDelete: () => void }) {
  return (
    <td>
      <button
        type="button"
        class="danger"
        onClick={() => window.confirm(t('users.confirmDelete', { name })) && onDelete()}
      >
        {t('users.delete')}
      </button>
    </td>
  );
}

export function UsersPage() {
  const users = useLoad(() => get<{ items: User[] }>('/api/users'), []);
  const tokens = useLoad(() => get<{ items: ApiToken[] }>('/api/tokens'), []);
  const [error, setError] = useState<Error | null>(null);
  const [newUser, setNewUser] = useState({ username: '', password: '', role: 'viewer' as Role });
  const [newToken, setNewToken] = useState({ name: '', role: 'viewer' as Role, days: '' });
  const [secret, setSecret] = useState<string | null>(null);
  const admins = (users.data?.items ?? []).filter((u) => u.role === 'admin').length;

  const run = async (action: () => Promise<unknown>, after: () => void) => {
    setError(null);
    try {
      await action();
      after();
    } catch (err) {
      setError(err instanceof ApiError ? err : new Error(String(err)));
    }
  };

  return (
    <>
      <h1>{t('users.title')}</h1>
      <ErrorNote error={error ?? users.error ?? tokens.error} />
      <Section title={t('users.users')} id="users">
        <TableWrap label={t('users.users')}>
          <table>
            <Head cols={[t('col.username'), t('col.role'), t('col.created'), t('col.actions')]} />
            <tbody>
              {(users.data?.items ?? []).map((u) => {
                // The last admin can be neither demoted nor deleted (the server refuses too).
                const lastAdmin = u.role === 'admin' && admins === 1;
                return (
                  <tr key={u.username}>
                    <th scope="row">{u.username}</th>
                    <td>
                      <label class="sr-only" for={`role-${u.username}`}>
                        {t('users.setRole')}
                      </label>
                      {lastAdmin ? (
                        <span data-testid={`last-admin-${u.username}`}>
                          {t('role.admin')} <span class="muted">({t('account.lastAdmin')})</span>
                        </span>
                      ) : (
                        <RoleSelect
                          id={`role-${u.username}`}
                          value={u.role}
                          onChange={(role) =>
                            void run(
                              () => api('PATCH', `/api/users/${encodeURIComponent(u.username)}`, { body: { role } }),
                              users.reload,
                            )
                          }
                        />
                      )}
                    </td>
                    <td>
                      <Time at={u.createdAt} />
                    </td>
                    {lastAdmin ? (
                      <td />
                    ) : (
                      <DeleteCell
                        name={u.username}
                        onDelete={() =>
                          void run(() => api('DELETE', `/api/users/${encodeURIComponent(u.username)}`), users.reload)
                        }
                      />
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
        <form
          class="filters"
          aria-label={t('users.newUser')}
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              () => post('/api/users', newUser),
              () => {
                setNewUser({ username: '', password: '', role: 'viewer' });
                users.reload();
              },
            );
          }}
        >
          <div class="field">
            <label for="new-username">{t('col.username')}</label>
            <input
              id="new-username"
              required
              pattern="[A-Za-z0-9._\-]{1,64}"
              value={newUser.username}
              onInput={(e) => setNewUser({ ...newUser, username: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="new-password">{t('users.password')}</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              minLength={8}
              required
              value={newUser.password}
              onInput={(e) => setNewUser({ ...newUser, password: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="new-role">{t('col.role')}</label>
            <RoleSelect id="new-role" value={newUser.role} onChange={(role) => setNewUser({ ...newUser, role })} />
          </div>
          <button type="submit" class="primary">
            {t('users.create')}
          </button>
        </form>
      </Section>
      <Section title={t('users.tokens')} id="tokens">
        {secret && (
          <p class="note note-ok" role="status">
            {t('users.secretOnce')} <code class="secret">{secret}</code>
          </p>
        )}
        <TableWrap label={t('users.tokens')}>
          <table>
            <Head
              cols={[
                t('users.tokenName'),
                t('col.role'),
                t('col.createdBy'),
                t('col.created'),
                t('col.lastUsed'),
                t('col.expires'),
                t('col.actions'),
              ]}
            />
            <tbody>
              {(tokens.data?.items ?? []).map((tk) => (
                <tr key={tk.id}>
                  <th scope="row">{tk.name}</th>
                  <td>{t(`role.${tk.role}`)}</td>
                  <td>{tk.createdBy}</td>
                  <td>
                    <Time at={tk.createdAt} />
                  </td>
                  <td>
                    <Time at={tk.lastUsedAt} />
                  </td>
                  <td>
                    <Time at={tk.expiresAt} />
                  </td>
                  <DeleteCell
                    name={tk.name}
                    onDelete={() => void run(() => api('DELETE', `/api/tokens/${tk.id}`), tokens.reload)}
                  />
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <form
          class="filters"
          aria-label={t('users.newToken')}
          onSubmit={(e) => {
            e.preventDefault();
            const body = {
              name: newToken.name,
              role: newToken.role,
              ...(newToken.days ? { expiresInDays: Number(newToken.days) } : {}),
            };
            void run(
              () => post<{ secret: string }>('/api/tokens', body).then((r) => setSecret(r.secret)),
              () => {
                setNewToken({ name: '', role: 'viewer', days: '' });
                tokens.reload();
              },
            );
          }}
        >
          <div class="field">
            <label for="token-name">{t('users.tokenName')}</label>
            <input
              id="token-name"
              required
              maxLength={64}
              value={newToken.name}
              onInput={(e) => setNewToken({ ...newToken, name: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="token-role">{t('col.role')}</label>
            <RoleSelect id="token-role" value={newToken.role} onChange={(role) => setNewToken({ ...newToken, role })} />
          </div>
          <div class="field">
            <label for="token-days">{t('users.expiresInDays')}</label>
            <input
              id="token-days"
              type="number"
              min={1}
              max={3650}
              value={newToken.days}
              onInput={(e) => setNewToken({ ...newToken, days: e.currentTarget.value })}
            />
          </div>
          <button type="submit" class="primary">
            {t('users.create')}
          </button>
        </form>
      </Section>
      <AuditLog />
    </>
  );
}
