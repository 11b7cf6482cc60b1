// Makes sure the first admin exists. There is no built-in default password: it comes from
// web.admin.password or DTUHUB_ADMIN_PASSWORD. Without one, a server reachable only on
// loopback gets a random one-time password (one plain line on stderr and an owner-only file,
// initial-password.ts) that must be changed at the first login; any other server refuses to
// start, because a web UI with a guessable admin password on a network is an open door.
import { randomBytes } from 'node:crypto';
import type { WebConfig } from '../../domain/config.js';
import type { Logger } from '../../log.js';
import type { AccountStore } from '../../storage/index.js';
import { announceInitialPassword, removeInitialPassword, type InitialPasswordNotice } from './initial-password.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

export const ADMIN_PASSWORD_ENV = 'DTUHUB_ADMIN_PASSWORD';

export class AdminPasswordMissingError extends Error {
  readonly code = 'WEB_ADMIN_PASSWORD_MISSING';
  constructor() {
    super(
      `web: no admin password: set web.admin.password in server.yml or the ${ADMIN_PASSWORD_ENV} environment variable`,
    );
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackOnly(host: string): boolean {
  return LOOPBACK.has(host) || /^127\./.test(host);
}

export async function ensureAdmin(
  web: WebConfig,
  accounts: AccountStore,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  notice: InitialPasswordNotice = { file: null },
): Promise<void> {
  const username = web.admin.username;
  const configured = web.admin.password ?? env[ADMIN_PASSWORD_ENV] ?? null;
  if (configured !== null && configured.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`web: the admin password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const existing = await accounts.user(username);
  const now = Date.now();
  if (existing) {
    // The configured password is authoritative: changing it in the config resets a lost one.
    if (configured !== null && !(await verifyPassword(configured, existing.passwordHash))) {
      const passwordHash = await hashPassword(configured);
      await accounts.updateUser(username, { passwordHash, role: 'admin', mustChangePassword: false, at: now });
      removeInitialPassword(notice.file);
      log.info({ username }, 'admin password reset from the configuration');
    } else if (existing.role !== 'admin') {
      await accounts.updateUser(username, { role: 'admin', at: now });
    }
    return;
  }
  let password = configured;
  if (password === null) {
    if (!isLoopbackOnly(web.host)) throw new AdminPasswordMissingError();
    password = randomBytes(12).toString('base64url');
  }
  const generated = password !== configured;
  await accounts.createUser({
    username,
    role: 'admin',
    passwordHash: await hashPassword(password),
    createdAt: now,
    updatedAt: now,
    mustChangePassword: generated,
  });
  if (generated) {
    // Announced once the account exists, so the password printed is one that works.
    const file = announceInitialPassword(notice, username, password);
    log.warn({ username, file }, 'generated a one-time admin password (printed on stderr; change it at first login)');
  }
  log.info({ username }, 'created the admin user');
}
