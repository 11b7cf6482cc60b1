// Registration under every split of the bytes: TCP may cut a registration anywhere, and the
// ID (and where the data after it starts) must not depend on where. Plus the probes a
// public port sees (test/fixtures/registration/), which must never become an ID.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkConfig, RegistrationRule } from '../../../../src/domain/config.js';
import { chooseLink } from '../../../../src/protocol/dtu/link-choice.js';
import { matchRegistration } from '../../../../src/protocol/dtu/registration.js';
import { asciiRegistration, link, typedDefaults } from '../../../helpers/links.js';

const HB = Buffer.from('HB');
const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/registration/${name}`, import.meta.url));

const rules: Record<string, RegistrationRule> = {
  plain: asciiRegistration,
  'min 4': { ...asciiRegistration, minLength: 4 },
  length: { ...asciiRegistration, length: 8 },
  terminator: { ...asciiRegistration, terminator: Buffer.from('\r\n') },
  'closed pattern': { ...asciiRegistration, pattern: /^(DTU\d{5})/ },
  'open pattern': { ...asciiRegistration, pattern: /^ID:(\w+)/ },
  'hex prefix': { type: 'hex', mode: 'once', length: 4, prefix: Buffer.from([0xaa, 0x55]) },
  integer: { type: 'integer', mode: 'once', bytes: 4, endian: 'big', max: 999_999 },
};

type Outcome = { id: string; consumed: number } | { failed: string } | 'timeout';

/**
 * What a session decides from `chunks`: the bytes are matched again as each chunk arrives,
 * a complete or invalid answer ends it, and an ID that waits for a quiet line gets it after
 * the last chunk. Bytes arriving after the decision are data and are not looked at.
 */
function register(rule: RegistrationRule, chunks: Buffer[]): Outcome {
  let pending = Buffer.alloc(0);
  let last: ReturnType<typeof matchRegistration> = { kind: 'incomplete' };
  for (const chunk of chunks) {
    pending = Buffer.concat([pending, chunk]);
    last = matchRegistration(rule, pending, 0, pending.length, HB);
    if (last.kind === 'matched') return { id: last.id, consumed: last.consumed };
    if (last.kind === 'invalid') return { failed: last.reason };
  }
  return last.kind === 'matched-if-idle' ? { id: last.id, consumed: last.consumed } : 'timeout';
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

/** Registrations, real and near misses, then whatever a line carries after them. */
const idLike = fc.constantFrom('DTU09998', 'DTU01001', 'ID:abc', 'REG', 'D', 'GET / HTTP/1.1', 'X'.repeat(45));
const piece = fc.oneof(
  fc.constantFrom('\r', '\n', '\r\n', '\0', ' ', 'HB', '8o', ',', ';'),
  fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('latin1')),
);
const wire = fc
  .tuple(fc.boolean(), fc.uint8Array({ minLength: 6, maxLength: 6 }), idLike, fc.array(piece, { maxLength: 5 }))
  .map(([binary, head, id, rest]) =>
    Buffer.concat([binary ? Buffer.from(head) : Buffer.alloc(0), Buffer.from(id + rest.join(''), 'latin1')]),
  );

describe('registration under every split', () => {
  for (const [name, rule] of Object.entries(rules)) {
    it(`${name}: the same ID, or the same failure, however TCP cuts the bytes`, () => {
      fc.assert(
        fc.property(wire, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
          const whole = register(rule, [bytes]);
          expect(register(rule, split(bytes, cuts))).toEqual(whole);
          if (typeof whole === 'object' && 'id' in whole) {
            expect(whole.id).toMatch(/^[\x21-\x7e]+$/);
            expect(whole.consumed).toBeLessThanOrEqual(bytes.length);
          }
        }),
        { numRuns: 500 },
      );
    });
  }

  it('every one- and two-piece split of the fixtures gives the whole-buffer answer', () => {
    for (const name of ['http-probe.bin', 'tls-client-hello.bin', 'random-after-id.bin']) {
      const bytes = fixture(name);
      for (const rule of Object.values(rules)) {
        const whole = register(rule, [bytes]);
        for (let a = 1; a < bytes.length; a++) {
          expect(register(rule, split(bytes, [a]))).toEqual(whole);
          for (let b = a + 1; b < Math.min(bytes.length, a + 12); b++)
            expect(register(rule, split(bytes, [a, b]))).toEqual(whole);
        }
      }
    }
  });
});

describe('probes a public port sees', () => {
  const example: LinkConfig[] = [
    link(),
    link({ name: 'typed', framing: 'typed', heartbeat: null, typed: typedDefaults, registration: rules['integer']! }),
  ];

  it.each(['http-probe.bin', 'tls-client-hello.bin', 'random-after-id.bin'])(
    '%s is no registration on any rule, alone or on the mixed example port',
    (name) => {
      const bytes = fixture(name);
      for (const [rule, r] of Object.entries(rules)) {
        const outcome = register(r, [bytes]);
        // The closed pattern is meant to take DTU09998 out of random-after-id.bin.
        if (rule === 'closed pattern' && name === 'random-after-id.bin') continue;
        if (rule === 'length' && name === 'random-after-id.bin') continue;
        expect(outcome, `${rule} on ${name}`).not.toHaveProperty('id');
      }
      expect(chooseLink(example, bytes, bytes.length).kind).toBe('invalid');
    },
  );

  it('with a declared ID shape, random bytes after the ID are data, not ID', () => {
    const bytes = fixture('random-after-id.bin');
    expect(register(rules['closed pattern']!, [bytes])).toEqual({ id: 'DTU09998', consumed: 8 });
    expect(register(rules['length']!, [bytes])).toEqual({ id: 'DTU09998', consumed: 8 });
  });

  it('the example port takes an ASCII ID on the first link and a 4-byte ID on the second', () => {
    const ascii = { kind: 'chosen', index: 0, id: 'DTU01001' };
    expect(chooseLink(example, Buffer.from('DTU01001\r\n'), 10)).toEqual({ ...ascii, final: true });
    expect(chooseLink(example, Buffer.from('DTU01001'), 8)).toEqual({ ...ascii, final: false });
    // Heartbeats after the ID leave it as it was: the quiet gap runs on.
    expect(chooseLink(example, Buffer.from('DTU01001HBHB'), 12)).toEqual({ ...ascii, final: false });
    expect(chooseLink(example, Buffer.from([0, 0, 0x1b, 0x59]), 4)).toEqual({
      kind: 'chosen',
      index: 1,
      id: '7001',
      final: true,
    });
    expect(chooseLink(example, Buffer.from([0, 0, 0x1b]), 3)).toEqual({ kind: 'wait' });
    // A 4-byte ID followed by something that is no typed message is junk, not a typed DTU.
    expect(chooseLink(example, Buffer.from([0, 0, 0x1b, 0x59, 0x47]), 5)).toEqual({
      kind: 'invalid',
      reason: 'empty',
    });
  });
});
