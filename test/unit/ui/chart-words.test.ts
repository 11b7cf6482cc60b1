// The words under a chart: ranges and resolutions an operator reads, in both languages.
import { describe, expect, it } from 'vitest';
import { bucketsFor, refreshEveryMs, resolutionWords, spanWords } from '../../../ui/src/lib/chart-words.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('chart words', () => {
  it('say a span in the largest unit that divides it, hours up to two days', () => {
    expect(spanWords(24 * HOUR, 'en')).toBe('24 h');
    expect(spanWords(7 * DAY, 'en')).toBe('7 d');
    expect(spanWords(365 * DAY, 'en')).toBe('1 y');
    expect(spanWords(6 * MIN, 'en')).toBe('6 min');
    expect(spanWords(15_000, 'en')).toBe('15 s');
    expect(spanWords(90 * MIN, 'en')).toBe('90 min');
    expect(spanWords(3 * DAY, 'zh')).toBe('3 天');
    expect(spanWords(HOUR, 'zh')).toBe('1 小时');
  });

  it('describe a range ending now and its resolution, not buckets and rows', () => {
    expect(resolutionWords({ spanMs: 24 * HOUR }, 5 * MIN, 'en')).toBe('last 24 h, 1 value per 5 min');
    expect(resolutionWords({ spanMs: 24 * HOUR }, 5 * MIN, 'zh')).toBe('最近 24 小时，每 5 分钟一个值');
    expect(resolutionWords({ spanMs: 7 * DAY }, HOUR, 'en', true)).toBe(
      'last 7 d, 1 value per 1 h (states: the highest in each)',
    );
    expect(resolutionWords({ fixed: '2026-12-01 00:00 – 2026-12-02 00:00' }, 6 * MIN, 'en')).toBe(
      '2026-12-01 00:00 – 2026-12-02 00:00, 1 value per 6 min',
    );
  });

  it('ask for steps the server keeps: raw below a minute, minutes up to a day, then hours', () => {
    expect(bucketsFor(15 * MIN)).toBe(15 * 12 + 1); // 5 s
    expect(bucketsFor(HOUR)).toBe(4 * 60 + 1); // 15 s
    expect(bucketsFor(6 * HOUR)).toBe(6 * 60 + 1); // 1 min
    expect(bucketsFor(24 * HOUR)).toBe(24 * 60 + 1); // 1 min
    expect(bucketsFor(7 * DAY)).toBe(7 * 24 + 1); // 1 h
    expect(bucketsFor(30 * DAY)).toBe(30 * 8 + 1); // 3 h
    expect(bucketsFor(365 * DAY)).toBe(184); // 2 d
  });

  it('refresh a range ending now once a bucket, never more often than every 5 s', () => {
    expect(refreshEveryMs(3750)).toBe(5000);
    expect(refreshEveryMs(6 * MIN)).toBe(6 * MIN);
  });
});
