// node-opcua prints its warnings to the console; once an OPC UA channel loads it, they go to
// dtuhub's pino logger at debug level instead (module node-opcua), and the console stays quiet.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { loadNodeOpcua } from '../../../src/channels/opcua/node-opcua.js';

describe('node-opcua logging', () => {
  it('routes node-opcua warnings and errors to pino at debug, not to the console', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const console_ = vi.spyOn(console, 'log');
    const opcua = await loadNodeOpcua(pino({ level: 'debug' }, sink));
    expect(typeof opcua.ua.OPCUAClient.create).toBe('function');
    // The same loggers node-opcua's modules make for themselves.
    opcua.ua.make_warningLog('test')('certificate %s expires soon', 'abc');
    const debug = (await import('node-opcua-debug')).default;
    debug.make_errorLog('test')('\u001b[31msecure channel\u001b[39m failed');
    await vi.waitFor(() => expect(lines.length).toBeGreaterThanOrEqual(2));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 20,
          module: 'node-opcua',
          opcuaLevel: 'warning',
          msg: 'certificate abc expires soon',
        }),
        expect.objectContaining({ level: 20, module: 'node-opcua', opcuaLevel: 'error', msg: 'secure channel failed' }),
      ]),
    );
    expect(console_).not.toHaveBeenCalled();
    // Loaded once: a second channel gets the same modules.
    expect(await loadNodeOpcua(pino({ level: 'silent' }))).toBe(opcua);
  });
});
