// The meters scenario's part of docs/BENCHMARKS.md (issue 20): CPU per DL/T 645
// transaction next to the Modbus figure measured the same way.
import type { MeterArmResult, MeterBenchResult } from './meter-scenario.js';
import { num, ratio, table, us } from './report-format.js';

export function meterGoalRows(res: MeterBenchResult): string[][] {
  const { dlt645, modbus } = res;
  return [
    [
      '20',
      'CPU per DL/T 645 transaction, gateway path in process (Modbus, same harness)',
      '(context)',
      `${us(dlt645.cpuUsPerTransaction)} (${us(modbus.cpuUsPerTransaction)}): ${ratio(dlt645.cpuUsPerTransaction, modbus.cpuUsPerTransaction)}`,
      '—',
    ],
  ];
}

export function meterSection(res: MeterBenchResult): string {
  const { spec, dlt645, modbus } = res;
  const both = (f: (r: MeterArmResult) => string) => [f(dlt645), f(modbus)];
  const rows: string[][] = [
    ['DTUs registered', ...both((r) => `${num(r.online)} of ${num(r.devices)}`)],
    ['Transactions/s (one point each)', ...both((r) => num(r.transactionsPerSec))],
    ['Samples/s', ...both((r) => num(r.samplesPerSec))],
    ['CPU of the process', ...both((r) => `${num(r.window.cpuCores, 3)} cores`)],
    ['**CPU per transaction**', ...both((r) => `**${us(r.cpuUsPerTransaction)}**`)],
    ['Receive path per answer (parse, match, decode, emit)', ...both((r) => us(r.receivePathUsPerTransaction))],
    [
      'Failed transactions, invalid values in the window',
      ...both((r) => `${num(r.failures)}, ${num(r.invalidValues)}`),
    ],
  ];
  return `## Meters: CPU per DL/T 645 transaction next to Modbus (issue 20)

\`bench/meter-scenario.ts\`: scenario 4a's harness (real \`DtuSession\` objects on loopback
sockets that answer each request on the next turn of the event loop, samples counted and
dropped), run twice, each time in a fresh child process, with the bench profile's timing
(50 ms between requests). ${num(spec.devices)} DTUs, each polled every ${num(spec.pollEveryMs / 1000, 1)} s for ${res.identifiers.length} points:

- **DL/T 645:** a simulated DL/T 645-2007 meter (\`src/simulator/meter-bus.ts\`) behind each
  DTU, one identifier per request: ${res.identifiers.join(', ')}.
- **Modbus:** a simulated Modbus slave behind each DTU, ${res.identifiers.length} float32 points 100 registers
  apart, so each point is a read of its own too.

Both sides send the same number of transactions, one point each. The simulator encodes every
answer once before the window (a meter's answer comes with two FEH wake-up bytes). CPU is the
whole process over a ${num(spec.measureMs / 1000)} s window: poll timers, request encoding and sending, the
stream parser, the transaction queue, decoding, the bus and garbage collection.

${table(['', 'DL/T 645-2007 meters', 'Modbus slaves'], rows)}

A Modbus read usually carries many points (scenario 4a: 50 points in one transaction); a
meter answers one identifier per request, so each of a meter's points is a transaction.
`;
}
