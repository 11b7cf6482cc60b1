// The DTU gateway's counters and its listeners as Prometheus metrics, read at each scrape.
// Gateway-wide totals, and per listener what gateway.listeners() already counts (a handful
// of series per listener, never per device).
import type { ListenersService } from '../listeners.js';
import type { Counters, StatusService } from '../status.js';
import { perName, type MetricsHook } from './metrics-registry.js';

type Total = readonly [name: string, help: string, read: (c: Counters) => number];

const TOTALS: readonly Total[] = [
  ['dtuhub_connections_accepted_total', 'DTU connections accepted.', (c) => c.connectionsAccepted],
  [
    'dtuhub_connections_refused_total',
    'DTU connections refused at sessions.maxConnections.',
    (c) => c.connectionsRefused,
  ],
  [
    'dtuhub_connections_throttled_total',
    'DTU connections closed on accept because their address kept failing to register.',
    (c) => c.connectionsThrottled,
  ],
  ['dtuhub_registrations_total', 'Registration IDs read from DTUs, admitted or not.', (c) => c.registrations],
  ['dtuhub_sessions_replaced_total', 'Sessions closed because their ID registered again.', (c) => c.replaced],
  ['dtuhub_heartbeats_total', 'Heartbeats received.', (c) => c.heartbeats],
  [
    'dtuhub_heartbeat_timeouts_total',
    'Connections closed after sessions.heartbeatMaxMisses missed heartbeats.',
    (c) => c.heartbeatTimeouts,
  ],
  ['dtuhub_requests_total', 'Modbus requests sent to DTUs.', (c) => c.requestsSent],
  ['dtuhub_responses_total', 'Modbus responses matched to their request, exceptions not included.', (c) => c.responses],
  ['dtuhub_exception_responses_total', 'Modbus exception responses.', (c) => c.exceptions],
  ['dtuhub_response_timeouts_total', 'Modbus requests that got no answer in time.', (c) => c.timeouts],
  ['dtuhub_crc_errors_total', 'Responses with a bad CRC.', (c) => c.badCrc],
  ['dtuhub_stray_frames_total', 'Frames no request was waiting for (late or unasked).', (c) => c.strayFrames],
  ['dtuhub_garbage_bytes_total', 'Input bytes thrown away as unparseable.', (c) => c.garbageBytes],
  ['dtuhub_input_overflows_total', 'Times a connection exceeded sessions.maxInputBytes.', (c) => c.overflows],
  ['dtuhub_unsolicited_frames_total', 'Frames DTUs pushed without a request.', (c) => c.unsolicitedFrames],
  ['dtuhub_received_bytes_total', 'Bytes received from DTUs.', (c) => c.bytesIn],
  ['dtuhub_sent_bytes_total', 'Bytes sent to DTUs.', (c) => c.bytesOut],
  ['dtuhub_udp_address_changes_total', 'UDP DTUs that registered from a new address.', (c) => c.udpAddressChanges],
];

/** Why a registration was refused: the `reason` label. */
const REJECTED: readonly (readonly [reason: string, read: (c: Counters) => number])[] = [
  ['unknown_id', (c) => c.rejectedUnknown],
  ['duplicate_id', (c) => c.rejectedDuplicate],
  ['disabled', (c) => c.rejectedDisabled],
  ['invalid', (c) => c.registrationFailures],
  ['timeout', (c) => c.registrationTimeouts],
];

export function gatewayMetrics(hook: MetricsHook, status: StatusService, listeners: ListenersService): void {
  for (const [name, help, read] of TOTALS) {
    hook.counter({ name, help, collect: (report) => report(read(status.counters())) });
  }
  hook.counter({
    name: 'dtuhub_registrations_rejected_total',
    help: 'Connections refused at registration, by reason (unknown_id, duplicate_id, disabled, invalid, timeout).',
    labelNames: ['reason'],
    collect: (report) => {
      const counters = status.counters();
      for (const [reason, read] of REJECTED) report(read(counters), { reason });
    },
  });
  const list = () => listeners.list();
  perName(hook, 'gauge', 'listener', list, [
    [
      'dtuhub_listener_up',
      '1 while the listener is bound and accepting, else 0.',
      (l) => (l.state === 'running' ? 1 : 0),
    ],
    [
      'dtuhub_listener_connections',
      'Open DTU connections (or UDP peers) per listener, registered or not.',
      (l) => l.connections,
    ],
    ['dtuhub_listener_devices_online', 'Registered devices per listener.', (l) => l.online],
  ]);
  perName(hook, 'counter', 'listener', list, [
    [
      'dtuhub_listener_registration_failures_total',
      'Connections that failed to register, per listener.',
      (l) => l.registrationFailures,
    ],
  ]);
}
