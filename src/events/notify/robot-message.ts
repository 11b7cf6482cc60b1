// A notice as the request body (and URL) each chat robot expects. Pure: the time is passed
// in, so tests recompute the signatures. Formats: DingTalk custom robot (msgtype markdown or
// text), WeCom group robot (msgtype markdown or text), Feishu custom bot (msg_type text or
// post); see docs/EVENTS.md, "Notifiers".
import type { RobotNotifier } from '../../domain/notifiers.js';
import type { Notice } from './notice.js';
import { dingtalkSign, feishuSign } from './robot-sign.js';

export interface RobotRequest {
  readonly url: string;
  readonly body: string;
}

/** Plain text of a notice: the title, then each line. */
export function noticeText(notice: Notice): string {
  return [notice.title, ...notice.lines].join('\n');
}

/** Markdown of a notice; line starts that markdown would read as syntax are left alone (plain sentences). */
function noticeMarkdown(notice: Notice): string {
  return [`### ${notice.title}`, '', ...notice.lines.map((l) => `- ${l}`)].join('\n');
}

export function robotRequest(def: RobotNotifier, notice: Notice, nowMs: number): RobotRequest {
  switch (def.type) {
    case 'dingtalk': {
      const body =
        def.format === 'text'
          ? { msgtype: 'text', text: { content: noticeText(notice) } }
          : { msgtype: 'markdown', markdown: { title: notice.title, text: noticeMarkdown(notice) } };
      let url = def.url;
      if (def.secret !== null) {
        const sign = encodeURIComponent(dingtalkSign(def.secret, nowMs));
        url += `${url.includes('?') ? '&' : '?'}timestamp=${nowMs}&sign=${sign}`;
      }
      return { url, body: JSON.stringify(body) };
    }
    case 'wecom': {
      const body =
        def.format === 'text'
          ? { msgtype: 'text', text: { content: noticeText(notice) } }
          : { msgtype: 'markdown', markdown: { content: noticeMarkdown(notice) } };
      return { url: def.url, body: JSON.stringify(body) };
    }
    case 'feishu': {
      const content =
        def.format === 'text'
          ? { msg_type: 'text', content: { text: noticeText(notice) } }
          : {
              msg_type: 'post',
              content: {
                post: {
                  [def.language === 'zh' ? 'zh_cn' : 'en_us']: {
                    title: notice.title,
                    content: notice.lines.map((line) => [{ tag: 'text', text: line }]),
                  },
                },
              },
            };
      if (def.secret === null) return { url: def.url, body: JSON.stringify(content) };
      const timestamp = Math.floor(nowMs / 1000);
      const signed = { timestamp: String(timestamp), sign: feishuSign(def.secret, timestamp), ...content };
      return { url: def.url, body: JSON.stringify(signed) };
    }
  }
}

/**
 * The robots answer HTTP 200 with an error code in the body (DingTalk and WeCom `errcode`,
 * Feishu `code`): 0 is success. An answer without either is taken as success.
 */
export function robotAnswerError(text: string): string | null {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof answer !== 'object' || answer === null) return null;
  const a = answer as Record<string, unknown>;
  const code = a['errcode'] ?? a['code'] ?? a['StatusCode'];
  if (code === undefined || code === 0) return null;
  const message = a['errmsg'] ?? a['msg'] ?? a['StatusMessage'] ?? '';
  return `robot answered code ${String(code)}${message ? `: ${String(message)}` : ''}`;
}
