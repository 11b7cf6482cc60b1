import { describe, expect, it } from 'vitest';
import { maskedConfig } from '../../../src/web/status/config-view.js';

describe('effective config view', () => {
  it('masks secret fields at any depth and turns maps, regexps and bytes into JSON', () => {
    const config = {
      web: { admin: { username: 'admin', password: 'hunter22' } },
      storage: { driver: 'mysql', password: 'abc@123', apiToken: 'x' },
      links: new Map([['t', { pattern: /^DTU-(\d+)$/, heartbeat: Buffer.from('HB') }]]),
    };
    expect(maskedConfig(config)).toEqual({
      web: { admin: { username: 'admin', password: '***' } },
      storage: { driver: 'mysql', password: '***', apiToken: '***' },
      links: { t: { pattern: '^DTU-(\\d+)$', heartbeat: '4842' } },
    });
  });

  it('leaves an absent password absent', () => {
    expect(maskedConfig({ password: null })).toEqual({ password: null });
  });
});
