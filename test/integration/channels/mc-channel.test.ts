// The MC channel against the simulated MELSEC port, in binary and in ASCII code, 3E and 4E
// frames, over real sockets: tags read with batch reads and stored as the PLC memory holds
// them, a write by tag name from the API that changes the PLC memory and is read back, a late
// 4E answer told apart by its serial, an end code that comes back as a clear error, and peers
// that send junk or close, which the channel survives.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startMcServer, type McServer } from '../../../src/simulator/mc/mc-server.js';
import { removeDir, startApp, waitFor, type Harness } from '../../helpers/app-harness.js';
import { dataRows } from '../../helpers/db.js';
import { caller } from '../../helpers/web.js';

let h: Harness | null = null;
let sim: McServer | null = null;
let peer: Server | null = null;

afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
  h = null;
  await sim?.close();
  sim = null;
  await new Promise<void>((resolve) => (peer ? peer.close(() => resolve()) : resolve()));
  peer = null;
});

const TAGS = [
  { name: 'temperature', address: 'D100', type: 'int16', scale: 0.1, unit: '°C' },
  { name: 'counter', address: 'D200', type: 'uint32' },
  { name: 'flow', address: 'R2000', type: 'float32', decimals: 2 },
  { name: 'link_word', address: 'W1A', type: 'uint16' },
  { name: 'running', address: 'M10' },
  { name: 'input_1f', address: 'X1F' },
  { name: 'output_20', address: 'Y20' },
];

function channel(port: number, frame: 'binary' | 'ascii', extra: Record<string, unknown> = {}) {
  return {
    name: 'plc',
    type: 'mc',
    host: '127.0.0.1',
    port,
    frame,
    frameType: '3e',
    device: 'PLC-01',
    every: '200ms',
    timeout: '1s',
    backoff: { initial: '100ms', max: '400ms' },
    tags: TAGS,
    ...extra,
  };
}

function loadMemory(plc: McServer): void {
  plc.memory.setWord('D', 100, 0xff38); // -200 → -20.0 °C
  plc.memory.setWord('D', 200, 0x5678);
  plc.memory.setWord('D', 201, 0x1234);
  const f = Buffer.alloc(4);
  f.writeFloatBE(12.75);
  plc.memory.setWord('R', 2000, f.readUInt16BE(2));
  plc.memory.setWord('R', 2001, f.readUInt16BE(0));
  plc.memory.setWord('W', 0x1a, 777);
  plc.memory.setBit('M', 10, 1);
  plc.memory.setBit('X', 0x1f, 1);
  plc.memory.setBit('Y', 0x20, 0);
}

const EXPECTED: Record<string, { value: number; raw: string; address: number }> = {
  temperature: { value: -20, raw: 'ff38', address: 100 },
  counter: { value: 0x12345678, raw: '56781234', address: 200 },
  flow: { value: 12.75, raw: '0000414c', address: 2000 },
  link_word: { value: 777, raw: '0309', address: 0x1a },
  running: { value: 1, raw: '01', address: 10 },
  input_1f: { value: 1, raw: '01', address: 0x1f },
  output_20: { value: 0, raw: '00', address: 0x20 },
};

async function stored(harness: Harness, names: readonly string[]) {
  return waitFor(
    () => {
      const rows = dataRows(harness, 'PLC-01');
      return names.every((n) => rows.some((r) => r.point === n)) ? rows : null;
    },
    10_000,
    'every tag stored',
  );
}

describe.each([
  ['binary', '3e'],
  ['ascii', '3e'],
  ['binary', '4e'],
  ['ascii', '4e'],
] as const)('MC channel, %s %s frame', (frame, frameType) => {
  it('stores every tag as the PLC memory holds it, in as few batch reads as fit', async () => {
    sim = await startMcServer({ code: frame });
    loadMemory(sim);
    h = await startApp({ server: (doc) => (doc.channels = [channel(sim!.port, frame, { frameType })]) });
    const rows = await stored(h, Object.keys(EXPECTED));
    for (const [point, want] of Object.entries(EXPECTED)) {
      const row = rows.find((r) => r.point === point)!;
      expect({ point, value: row.value, raw: row.raw, address: row.address }).toEqual({ point, ...want });
    }
    expect(h.app.channels.get('plc').status()).toMatchObject({ state: 'connected', devices: ['PLC-01'] });
    // D (one read for D100..D201), R, W, M, X, Y: six reads a round.
    const requests = sim.counters.requests;
    await waitFor(() => sim!.counters.requests >= requests + 6, 5_000, 'another round');
    expect(sim.counters.errors).toBe(0);
  });

  it('writes a tag by name in engineering units from the API, checks the type limits and reads it back', async () => {
    sim = await startMcServer({ code: frame });
    h = await startApp({ server: (doc) => (doc.channels = [channel(sim!.port, frame, { frameType })]) });
    await waitFor(() => h!.app.channels.get('plc').state === 'connected', 10_000, 'connected');
    const operator = await caller(h, 'operator');
    const write = (point: string, body: unknown) =>
      fetch(`${h!.webUrl()}/api/devices/PLC-01/points/${point}/write`, {
        method: 'POST',
        headers: { cookie: operator.cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const points = await fetch(`${h.webUrl()}/api/devices/PLC-01/writable-points`, {
      headers: { cookie: operator.cookie },
    });
    expect(((await points.json()) as { items: { name: string }[] }).items.map((p) => p.name)).toEqual(
      TAGS.map((t) => t.name),
    );

    const planned = await write('temperature', { value: 55.5, dryRun: true });
    expect(await planned.json()).toMatchObject({
      result: 'planned',
      plc: { address: 'D100', type: 'int16', value: 555 },
      registers: [555],
      stored: 55.5,
    });
    expect(sim.memory.word('D', 100)).toBe(0);

    const written = await write('temperature', { value: -12.3 });
    expect(written.status).toBe(200);
    expect(await written.json()).toMatchObject({
      result: 'ok',
      plc: { address: 'D100', type: 'int16', value: -123 },
      readBack: { value: -12.3, raw: 'ff85' },
    });
    expect(sim.memory.word('D', 100)).toBe(0xff85);

    expect((await write('counter', { value: 4_000_000_000 })).status).toBe(200);
    expect([sim.memory.word('D', 200), sim.memory.word('D', 201)]).toEqual([0x2800, 0xee6b]);
    expect((await write('output_20', { value: true })).status).toBe(200);
    expect(sim.memory.bit('Y', 0x20)).toBe(1);

    const tooBig = await write('temperature', { value: 4000 });
    expect(tooBig.status).toBe(400);
    expect(sim.memory.word('D', 100)).toBe(0xff85);
    expect((await write('nonesuch', { value: 1 })).status).toBe(404);
  });
});

describe.each(['binary', 'ascii'] as const)('MC channel, %s 4E frame, a late answer', (frame) => {
  it('is discarded by its serial while the next request is in flight, and the next answer is stored', async () => {
    sim = await startMcServer({ code: frame });
    sim.memory.setWord('D', 100, 5);
    const tags = [{ name: 'level', address: 'D100', type: 'int16' }];
    h = await startApp({
      server: (doc) => (doc.channels = [channel(sim!.port, frame, { frameType: '4e', tags, timeout: '1s' })]),
    });
    await stored(h, ['level']);
    // The next answer holds 111 (an answer is made when its request comes) and comes after
    // the timeout (1 s) and after the next request has gone out at once (4E has no quiet
    // period); that one holds 222 and is answered 800 ms after it was sent.
    const before = sim.counters.requests;
    sim.memory.setWord('D', 100, 111);
    sim.setFaults({ nextDelaysMs: [1600, 800] });
    await waitFor(() => (sim!.counters.requests > before ? true : null), 5_000, 'the request answered late');
    sim.memory.setWord('D', 100, 222);
    const c = h.app.channels.get('plc');
    const late = await waitFor(
      () => /answer to serial (\d+), expected (\d+)/.exec(c.status().lastError ?? ''),
      5_000,
      'late answer discarded',
    );
    expect(Number(late[2])).toBe(Number(late[1]) + 1);
    await waitFor(() => (dataRows(h!, 'PLC-01').some((r) => r.value === 222) ? true : null), 5_000, '222 stored');
    expect(new Set(dataRows(h, 'PLC-01').map((r) => r.value))).toEqual(new Set([5, 222]));
    expect(c.status().state).toBe('connected');
  });
});

describe('MC channel faults', () => {
  it('names the end code of a read the PLC refuses and keeps storing the others', async () => {
    sim = await startMcServer({ code: 'binary' });
    loadMemory(sim);
    const tags = [...TAGS, { name: 'beyond', address: 'D99999' }];
    h = await startApp({ server: (doc) => (doc.channels = [channel(sim!.port, 'binary', { tags })]) });
    await stored(h, ['temperature', 'running']);
    const c = h.app.channels.get('plc');
    await waitFor(() => (c.status().lastError?.includes('C056H') ? true : null), 5_000, 'end code reported');
    expect(c.status().lastError).toContain('read D99999×1: end code C056H');
    expect(c.status().state).toBe('connected');
    expect(dataRows(h, 'PLC-01').some((r) => r.point === 'beyond')).toBe(false);
  });

  it('survives a peer that sends junk and one that closes, and stores nothing from them', async () => {
    let mode: 'junk' | 'close' = 'junk';
    const sockets = new Set<Socket>();
    peer = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.on('data', () => {
        if (mode === 'close') socket.destroy();
        // Junk with a response subheader inside and a header that claims a huge length.
        else
          socket.write(
            Buffer.concat([Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), Buffer.from('d00000ffff0300ffff', 'hex')]),
          );
      });
    });
    await new Promise<void>((resolve) => peer!.listen(0, '127.0.0.1', resolve));
    const port = (peer.address() as AddressInfo).port;
    h = await startApp({ server: (doc) => (doc.channels = [channel(port, 'binary', { timeout: '200ms' })]) });
    const c = h.app.channels.get('plc');
    await waitFor(
      () => (c.status().counters.disconnects >= 1 ? true : null),
      10_000,
      'link dropped after silent rounds',
    );
    expect(c.status().counters.collectErrors).toBeGreaterThan(0);
    mode = 'close';
    await waitFor(() => (c.status().counters.disconnects >= 3 ? true : null), 10_000, 'closing peer survived');
    expect(dataRows(h, 'PLC-01')).toEqual([]);
    for (const s of sockets) s.destroy();
  });
});
