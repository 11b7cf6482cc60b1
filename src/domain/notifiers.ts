// The compiled `notifiers:` of rules.yml: who hears about a rule's events besides webhooks
// (e-mail over SMTP, and the DingTalk, WeCom and Feishu group robots). A rule routes to one
// with the action `notify: <name>`. Built by src/config/compile-notifiers.ts, run by
// src/events/notify/.
import type { Severity } from './severity.js';

export const NOTIFIER_TYPES = ['email', 'dingtalk', 'wecom', 'feishu'] as const;
export type NotifierType = (typeof NOTIFIER_TYPES)[number];

/** Held during quiet hours and sent as one digest when they end. */
export interface QuietHours {
  /** Minutes after local midnight; `from` > `to` spans midnight (22:00 → 07:00). */
  readonly fromMinute: number;
  readonly toMinute: number;
  /** IANA time zone of from/to; null: the server's own. */
  readonly timezone: string | null;
  /** Event types sent at once even during quiet hours (e.g. device.offline). */
  readonly except: readonly string[];
  /** Severities of the rule whose event it is, sent at once even during quiet hours (e.g. critical). */
  readonly exceptSeverities: readonly Severity[];
}

interface NotifierBase {
  readonly name: string;
  /** Language of the messages: the event sentences of src/events/text. */
  readonly language: 'zh' | 'en';
  /** A disabled notifier sends nothing (notify actions naming it only count). */
  readonly enabled: boolean;
  readonly quietHours: QuietHours | null;
  /**
   * Events of a rule less severe than this are not sent; default `info` (all). A rule
   * without `severity:` has the rules' default (warning).
   */
  readonly minSeverity: Severity;
  readonly timeoutMs: number;
  /** Attempts of one message before it is given up (counted as failed). */
  readonly maxAttempts: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface EmailNotifier extends NotifierBase {
  readonly type: 'email';
  readonly host: string;
  readonly port: number;
  /** true: TLS from the first byte (465); false: plain, upgraded by STARTTLS when offered. */
  readonly secure: boolean;
  /** Refuse to send without STARTTLS (when `secure` is false). */
  readonly requireTls: boolean;
  readonly user: string | null;
  readonly password: string | null;
  readonly from: string;
  readonly to: readonly string[];
}

export interface RobotNotifier extends NotifierBase {
  readonly type: 'dingtalk' | 'wecom' | 'feishu';
  /** The robot's webhook URL (with its access_token or key). */
  readonly url: string;
  /** DingTalk and Feishu signing secret; WeCom has none. */
  readonly secret: string | null;
  /** dingtalk/wecom: markdown or text; feishu: text or post. */
  readonly format: 'markdown' | 'text' | 'post';
}

export type NotifierDef = EmailNotifier | RobotNotifier;
