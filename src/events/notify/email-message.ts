// A notice as an e-mail: subject, plain text and a small HTML version. Pure.
import type { EmailNotifier } from '../../domain/notifiers.js';
import type { Notice } from './notice.js';

export interface EmailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function emailMessage(def: EmailNotifier, notice: Notice): EmailMessage {
  const footer = def.language === 'zh' ? '—— dtuhub 自动发送' : '— sent by dtuhub';
  const text = [...notice.lines, '', footer].join('\n');
  const html = [
    `<!doctype html><html lang="${def.language === 'zh' ? 'zh-CN' : 'en'}"><body>`,
    `<h2>${escapeHtml(notice.title)}</h2>`,
    `<ul>${notice.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    `<p style="color:#666">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('');
  return { from: def.from, to: def.to, subject: `[dtuhub] ${notice.title}`, text, html };
}
