// How the UI formats values, times, durations and raw bytes.
import { describe, expect, it } from 'vitest';
import {
  axisTime,
  formatBytes,
  formatDuration,
  formatTime,
  formatValue,
  hexDump,
  spacedHex,
  toLocalInput,
  fromLocalInput,
} from '../../../ui/src/lib/format.js';

describe('UI formatting', () => {
  it('shows a number with its unit, a text point as text, and no value as a dash', () => {
    expect(formatValue(23.5, null, '°C')).toBe('23.5 °C');
    expect(formatValue(42, null, null)).toBe('42');
    expect(formatValue(null, '<b>运行</b>', 'x')).toBe('<b>运行</b>');
    expect(formatValue(null, null, 'V')).toBe('—');
  });

  it('shows times in local time, with milliseconds on request, and round-trips datetime-local inputs', () => {
    const at = new Date(2026, 10, 22, 9, 5, 7, 42).getTime();
    expect(formatTime(at)).toBe('2026-11-22 09:05:07');
    expect(formatTime(at, true)).toBe('2026-11-22 09:05:07.042');
    expect(formatTime(null)).toBe('—');
    expect(toLocalInput(at)).toBe('2026-11-22 09:05');
    expect(fromLocalInput('2026-11-22 09:05')).toBe(new Date(2026, 10, 22, 9, 5).getTime());
    expect(fromLocalInput('2026-11-22T09:05')).toBe(new Date(2026, 10, 22, 9, 5).getTime());
    expect(fromLocalInput('2026-11-22 21:30:15')).toBe(new Date(2026, 10, 22, 21, 30, 15).getTime());
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('2026-11-22 9:05 PM')).toBeUndefined();
    expect(fromLocalInput('2026-11-22 24:00')).toBeUndefined();
    expect(fromLocalInput('2026-02-31 10:00')).toBeUndefined();
  });

  it('labels chart axes by the span shown', () => {
    const at = new Date(2026, 10, 22, 14, 5).getTime();
    expect(axisTime(at, 3_600_000)).toBe('14:05');
    expect(axisTime(at, 3 * 86_400_000)).toBe('11-22 14:05');
    expect(axisTime(at, 30 * 86_400_000)).toBe('11-22');
  });

  it('keeps the two biggest units of a duration, in either language', () => {
    expect(formatDuration(850, 'en')).toBe('850 ms');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 5000, 'en')).toBe('3d 4h');
    expect(formatDuration(65_000, 'zh')).toBe('1分5秒');
    expect(formatBytes(214 * 1024 * 1024)).toBe('214.0 MiB');
  });

  it('dumps raw bytes 16 to a line with printable ASCII beside them', () => {
    const hex = Buffer.concat([
      Buffer.from('DTU01001'),
      Buffer.from([1, 3, 7, 0xd0, 0, 0x64]),
      Buffer.from('HB!'),
    ]).toString('hex');
    expect(hexDump(hex)).toEqual([
      { offset: '0000', hex: '44 54 55 30 31 30 30 31 01 03 07 d0 00 64 48 42', ascii: 'DTU01001.....dHB' },
      { offset: '0010', hex: '21', ascii: '!' },
    ]);
    expect(spacedHex('010307d0', 3)).toBe('01 03 07 …');
  });
});
