import { describe, expect, it } from 'vitest';
import { exportZone, timeHeader, UTC_ZONE, zonedIso } from '../../../src/web/export/time-zone.js';

describe('export time zones', () => {
  it('writes UTC as before, with Z', () => {
    expect(zonedIso(Date.UTC(2026, 0, 1, 0, 0, 0, 5), UTC_ZONE)).toBe('2026-01-01T00:00:00.005Z');
    expect(exportZone(undefined)).toBe(UTC_ZONE);
    expect(timeHeader(UTC_ZONE)).toBe('time (UTC)');
  });

  it('writes a zone’s wall time with its offset, following daylight saving time', () => {
    const ny = exportZone('America/New_York')!;
    expect(zonedIso(Date.UTC(2026, 0, 15, 12, 30), ny)).toBe('2026-01-15T07:30:00.000-05:00');
    expect(zonedIso(Date.UTC(2026, 6, 15, 12, 30), ny)).toBe('2026-07-15T08:30:00.000-04:00');
    // 2026-03-08 07:00 UTC is 03:00 EDT, the first instant after the change.
    expect(zonedIso(Date.UTC(2026, 2, 8, 6, 59, 59, 999), ny)).toBe('2026-03-08T01:59:59.999-05:00');
    expect(zonedIso(Date.UTC(2026, 2, 8, 7), ny)).toBe('2026-03-08T03:00:00.000-04:00');
    const india = exportZone('Asia/Kolkata')!;
    expect(zonedIso(Date.UTC(2026, 0, 1), india)).toBe('2026-01-01T05:30:00.000+05:30');
    expect(timeHeader(india)).toBe('time (Asia/Kolkata)');
  });

  it('knows no zone the runtime does not', () => {
    expect(exportZone('Mars/Olympus')).toBeNull();
  });
});
