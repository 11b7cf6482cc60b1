import { describe, expect, it } from 'vitest';
import { maskedRulesText, maskedUrl } from '../../../src/web/events/masked-rules.js';

describe('maskedRulesText', () => {
  it('masks secrets, header values and URL passwords, keeping the layout and comments', () => {
    const text = [
      '# who gets told',
      'version: 1',
      'webhooks:',
      '  ops:',
      '    url: https://bot:hunter2@example.test/hook?token=t0k&x=1',
      '    secret: s3cret-value   # rotated monthly',
      '    headers:',
      '      Authorization: Bearer abc',
      '  old:',
      '    url: http://127.0.0.1:9/x',
      '    secrets: [one-secret, two-secret]',
      'rules: []',
      '',
    ].join('\n');
    const masked = maskedRulesText(text);
    for (const secret of ['hunter2', 't0k', 's3cret-value', 'Bearer abc', 'one-secret', 'two-secret'])
      expect(masked).not.toContain(secret);
    expect(masked).toContain('# who gets told');
    expect(masked).toContain('# rotated monthly');
    expect(masked).toContain('secret: "***"');
    expect(masked).toContain('url: http://127.0.0.1:9/x');
    expect(masked).toContain('x=1');
  });

  it('shows no text of a file that does not parse', () => {
    expect(maskedRulesText('secret: [unclosed')).toMatch(/^# rules.yml does not parse/);
  });
});

describe('maskedUrl', () => {
  it('leaves URLs without credentials and unparsable text alone', () => {
    expect(maskedUrl('http://127.0.0.1:8/hook?a=1')).toBe('http://127.0.0.1:8/hook?a=1');
    expect(maskedUrl('not a url')).toBe('not a url');
    expect(maskedUrl('http://u:p@h/x')).toBe('http://u:***@h/x');
  });
});
