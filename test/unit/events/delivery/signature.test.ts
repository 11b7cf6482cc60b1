import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, signatureHeader, verifySignature } from '../../../../src/events/delivery/signature.js';

describe('webhook signatures', () => {
  it('are hex HMAC-SHA256 over "id.timestamp.body", one v1 entry per secret', () => {
    const body = '{"id":"ev_1","说明":"上线"}';
    const manual = createHmac('sha256', 'secret-one-0123456').update(`ev_1.1700000000.${body}`, 'utf8').digest('hex');
    expect(sign('secret-one-0123456', 'ev_1', 1700000000, body)).toBe(manual);
    const header = signatureHeader(['secret-one-0123456', 'secret-two-0123456'], 'ev_1', 1700000000, body)!;
    expect(header).toMatch(/^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(signatureHeader([], 'ev_1', 1, body)).toBeNull();
  });

  it('verify with either secret of a rotation, and fail on any change to id, time or body', () => {
    const header = signatureHeader(['new-secret-0123456', 'old-secret-0123456'], 'ev_1', 100, 'body');
    expect(verifySignature('new-secret-0123456', header!, 'ev_1', 100, 'body')).toBe(true);
    expect(verifySignature('old-secret-0123456', header!, 'ev_1', 100, 'body')).toBe(true);
    expect(verifySignature('other-secret-01234', header!, 'ev_1', 100, 'body')).toBe(false);
    expect(verifySignature('new-secret-0123456', header!, 'ev_2', 100, 'body')).toBe(false);
    expect(verifySignature('new-secret-0123456', header!, 'ev_1', 101, 'body')).toBe(false);
    expect(verifySignature('new-secret-0123456', header!, 'ev_1', 100, 'body ')).toBe(false);
    expect(verifySignature('new-secret-0123456', 'v1=zz,garbage', 'ev_1', 100, 'body')).toBe(false);
  });
});
