// Slave trouble shows in the log at warn, not only in events and the API: a Modbus
// exception, a slave that does not answer, its backoff starting and ending. A dead slave
// fails every poll, so those lines are limited per slave while the events keep counting.
// Real sockets: a simulated DTU with one silent slave and one that answers exceptions.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { gatewayTests, waitFor } from '../../helpers/app-harness.js';
import { TWO_SLAVES, twoSlaves } from '../../helpers/two-slaves.js';

const { boot, dtu } = gatewayTests();

type Line = Record<string, unknown> & { level: number; msg: string; device?: string; slave?: number };
const WARN = 40;

function capture() {
  const lines: Line[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  return { log, lines };
}

describe('slave trouble in the log', () => {
  it(
    'warns of exceptions, timeouts and backoff start and end, once a minute per slave',
    { timeout: 30_000 },
    async () => {
      const { log, lines } = capture();
      const h = await boot({
        log,
        ...twoSlaves,
      });
      const events = { exceptions: 0, timeouts: 0 };
      h.app.bus.on('poll.exception', () => events.exceptions++);
      h.app.bus.on('poll.failed', (e) => e.reason === 'timeout' && events.timeouts++);
      const sim = dtu(h, 'dtu', { id: 'WARN-1', silentSlaves: [1], exceptionCodes: { 2: 2 } }, TWO_SLAVES);
      await sim.start();

      const warned = (msg: string, slave: number) =>
        lines.filter((l) => l.level === WARN && l.msg === msg && l.device === 'WARN-1' && l.slave === slave);
      await waitFor(
        () => warned('slave backed off: polls skipped until it answers a probe', 1).length > 0,
        10_000,
        'backoff',
      );
      await waitFor(() => events.exceptions >= 10 && events.timeouts >= 3, 10_000, 'repeated failures');

      const exception = warned('slave answered with a Modbus exception', 2);
      expect(exception).toHaveLength(1);
      expect(exception[0]).toMatchObject({ fn: 3, address: 0, code: 2 });
      const timeout = warned('slave did not answer', 1);
      expect(timeout).toHaveLength(1);
      expect(timeout[0]).toMatchObject({ fn: 3, address: 0, quantity: 2 });
      expect(warned('slave backed off: polls skipped until it answers a probe', 1)).toHaveLength(1);

      // The slave comes back: its next probe is answered and the backoff ends.
      sim.setFaults({ silentSlaves: [] });
      const ended = await waitFor(
        () => warned('slave answers again: backoff ended', 1)[0],
        10_000,
        'the end of the backoff',
      );
      expect(ended.suppressed).toBeGreaterThanOrEqual(1);
      // Exceptions kept coming all along, and stayed one line.
      expect(warned('slave answered with a Modbus exception', 2)).toHaveLength(1);
      await sim.stop();
    },
  );
});
