// Every refusal has the catalogue's shape `{error:{code,message}}` and the right status,
// including the ones fastify makes before a route runs (body size, content type, URL,
// JSON parsing), and a bad write says which field is wrong in plain words. Over a real
// listening socket, as a browser or script meets them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../../src/web/errors.js';
import { removeDir, startApp, type Harness } from '../../helpers/app-harness.js';
import { caller, type Caller } from '../../helpers/web.js';

let h: Harness;
let operator: Caller;

beforeAll(async () => {
  h = await startApp();
  operator = await caller(h, 'operator');
});
afterAll(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
});

interface Refusal {
  status: number;
  body: { error: { code: ErrorCode; message: string; details?: string[] } };
}

async function send(path: string, init: { method?: string; body?: string; type?: string } = {}): Promise<Refusal> {
  const headers: Record<string, string> = { authorization: operator.bearer };
  if (init.type) headers['content-type'] = init.type;
  const res = await fetch(`${h.webUrl()}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: res.status, body: (await res.json()) as Refusal['body'] };
}

const WRITE = '/api/devices/DTU-ERR/write';
const write = (body: unknown) => send(WRITE, { body: JSON.stringify(body), type: 'application/json' });

function expectRefusal(r: Refusal, code: ErrorCode): void {
  expect(r.status).toBe(ERROR_CATALOGUE[code].status);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe('string');
}

describe('HTTP error shapes', () => {
  it('answers 413 PAYLOAD_TOO_LARGE to a body over the limit', async () => {
    const values = Array.from({ length: 100_000 }, () => 65535);
    const r = await write({ slave: 1, fn: 16, address: 0, values });
    expectRefusal(r, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a body that is not JSON', async () => {
    const r = await send(WRITE, { body: 'slave=1&fn=6', type: 'application/x-www-form-urlencoded' });
    expectRefusal(r, 'UNSUPPORTED_MEDIA_TYPE');
    expect(r.body.error.message).toContain('application/json');
  });

  it('answers 400 BAD_REQUEST in the catalogue shape to a malformed URL', async () => {
    const r = await send('/api/devices/%E0%A4%A');
    expectRefusal(r, 'BAD_REQUEST');
  });

  it('answers 404 NOT_FOUND to an unknown API path', async () => {
    expectRefusal(await send('/api/no-such-route'), 'NOT_FOUND');
  });

  it('says malformed JSON is not valid JSON', async () => {
    const r = await send(WRITE, { body: '{"slave":1,', type: 'application/json' });
    expectRefusal(r, 'BAD_REQUEST');
    expect(r.body.error.message).toMatch(/not valid JSON/);
  });

  it('refuses a __proto__ key as a forbidden key, not as invalid JSON', async () => {
    const r = await send(WRITE, {
      body: '{"slave":1,"fn":6,"address":0,"value":1,"__proto__":{"x":1}}',
      type: 'application/json',
    });
    expectRefusal(r, 'BAD_REQUEST');
    expect(r.body.error.message).not.toMatch(/not valid JSON/);
    expect(r.body.error.message).toMatch(/__proto__/);
  });

  it('names the wrong field of a write in plain words', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ slave: 1, fn: 6, address: 0, value: 70000 }, 'value', /whole number from 0 to 65535/],
      [{ slave: 1, fn: 6, address: 0, value: true }, 'value', /whole number from 0 to 65535/],
      [{ slave: 1, fn: 5, address: 0, value: 2 }, 'value', /true or false/],
      [{ slave: 300, fn: 6, address: 0, value: 1 }, 'slave', /from 0 to 247/],
      [{ slave: 1, fn: 6, address: -1, value: 1 }, 'address', /from 0 to 65535/],
      [{ slave: 1, fn: 7, address: 0, value: 1 }, 'fn', /5, 6, 15 or 16/],
      [{ slave: 1, fn: 16, address: 0, values: [] }, 'values', /1 to 123/],
      [{ slave: 1, fn: 16, address: 0, values: [1, 'x'] }, 'values', /whole number from 0 to 65535/],
      [{ slave: 1, fn: 6, address: 0 }, 'value', /missing/],
      [{ slave: 1, fn: 6, address: 0, value: 1, values: [1] }, 'values', /not a field of function 6/],
    ];
    for (const [body, field, words] of cases) {
      const r = await write(body);
      expectRefusal(r, 'BAD_REQUEST');
      const what = JSON.stringify(body);
      expect(r.body.error.details, what).toHaveLength(1);
      expect(r.body.error.message, what).toBe(r.body.error.details![0]);
      expect(r.body.error.message, what).toMatch(new RegExp(`^${field}: .*${words.source}`));
      expect(r.body.error.message, what).not.toMatch(/oneOf|must match|schema/);
    }
  });
});
