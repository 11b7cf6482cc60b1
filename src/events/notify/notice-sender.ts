// One attempt to deliver a notice: SMTP through nodemailer, or an HTTPS POST to a chat
// robot. Throws on failure with a message that never holds a secret (the robot URL's
// token, the signing secret, the SMTP password are cut out of whatever the error says).
import nodemailer from 'nodemailer';
import type { EmailNotifier, NotifierDef, RobotNotifier } from '../../domain/notifiers.js';
import { emailMessage } from './email-message.js';
import type { Notice } from './notice.js';
import { robotAnswerError, robotRequest } from './robot-message.js';

export type NoticeSender = (def: NotifierDef, notice: Notice, nowMs: number) => Promise<void>;

// The original error is not kept as `cause`: its text may hold the URL's token.
export const sendNotice: NoticeSender = (def, notice, nowMs) =>
  (def.type === 'email' ? sendEmail(def, notice) : sendRobot(def, notice, nowMs)).catch((err: unknown) =>
    Promise.reject(new Error(scrub(def, (err as Error).message))),
  );

async function sendEmail(def: EmailNotifier, notice: Notice): Promise<void> {
  // A transport per message: notices are rare, and a pooled connection would sit open
  // to a server that drops idle clients anyway.
  const transport = nodemailer.createTransport({
    host: def.host,
    port: def.port,
    secure: def.secure,
    requireTLS: def.requireTls,
    auth: def.user !== null ? { user: def.user, pass: def.password ?? '' } : undefined,
    connectionTimeout: def.timeoutMs,
    greetingTimeout: def.timeoutMs,
    socketTimeout: def.timeoutMs,
  });
  try {
    const message = emailMessage(def, notice);
    await transport.sendMail({ ...message, to: [...message.to] });
  } finally {
    transport.close();
  }
}

async function sendRobot(def: RobotNotifier, notice: Notice, nowMs: number): Promise<void> {
  const request = robotRequest(def, notice, nowMs);
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'dtuhub-notify/1' },
    body: request.body,
    signal: AbortSignal.timeout(def.timeoutMs),
    redirect: 'manual',
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const refused = robotAnswerError(text);
  if (refused !== null) throw new Error(refused);
}

/** The error text without the notifier's secrets. */
export function scrub(def: NotifierDef, text: string): string {
  const secrets =
    def.type === 'email'
      ? [def.password]
      : [def.secret, def.url, ...(URL.canParse(def.url) ? [...new URL(def.url).searchParams.values()] : [])];
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
