// MQTT topic filters: wildcard matching as MQTT 3.1.1 §4.7 defines it, which filters
// another one already covers (so the broker is asked once), and topic levels.
import { describe, expect, it } from 'vitest';
import { brokerFilters, filterCovers, topicLevel, topicMatches } from '../../../src/channels/mqtt/topic.js';

describe('topic filter matching', () => {
  it('matches exact topics level by level', () => {
    expect(topicMatches('plant/a/t', 'plant/a/t')).toBe(true);
    expect(topicMatches('plant/a/t', 'plant/a/h')).toBe(false);
    expect(topicMatches('plant/a', 'plant/a/t')).toBe(false);
    expect(topicMatches('plant/a/t', 'plant/a')).toBe(false);
  });

  it('lets + fill exactly one level, empty levels included', () => {
    expect(topicMatches('plant/+/t', 'plant/PUMP-1/t')).toBe(true);
    expect(topicMatches('plant/+/t', 'plant//t')).toBe(true);
    expect(topicMatches('plant/+/t', 'plant/a/b/t')).toBe(false);
    expect(topicMatches('plant/+', 'plant')).toBe(false);
    expect(topicMatches('+/+', '/x')).toBe(true);
  });

  it('lets # fill the rest, the parent level included', () => {
    expect(topicMatches('plant/#', 'plant/a/b/c')).toBe(true);
    expect(topicMatches('plant/#', 'plant')).toBe(true);
    expect(topicMatches('plant/#', 'plants/a')).toBe(false);
    expect(topicMatches('#', 'anything/at/all')).toBe(true);
    expect(topicMatches('plant/+/#', 'plant/a')).toBe(true);
  });

  it('never lets a wildcard first level match a $ topic', () => {
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('+/broker/uptime', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/broker/uptime')).toBe(true);
    expect(topicMatches('a/#', 'a/$x')).toBe(true);
  });
});

describe('filter coverage', () => {
  it('knows when one filter receives everything another would', () => {
    expect(filterCovers('plant/#', 'plant/+/t')).toBe(true);
    expect(filterCovers('plant/#', 'plant')).toBe(true);
    expect(filterCovers('plant/+/t', 'plant/a/t')).toBe(true);
    expect(filterCovers('#', '+/x/#')).toBe(true);
    expect(filterCovers('plant/+/t', 'plant/#')).toBe(false);
    expect(filterCovers('plant/a/+', 'plant/+/t')).toBe(false);
    expect(filterCovers('plant/+', 'plant/+/t')).toBe(false);
    expect(filterCovers('#', '$SYS/x')).toBe(false);
  });

  it('subscribes each filter once and drops those another covers, keeping partial overlaps', () => {
    expect(brokerFilters(['plant/+/t', 'plant/#', 'meters/a', 'plant/#'])).toEqual(['plant/#', 'meters/a']);
    expect(brokerFilters(['a/+/c', 'a/b/+'])).toEqual(['a/+/c', 'a/b/+']);
    expect(brokerFilters(['x/y'])).toEqual(['x/y']);
  });
});

describe('topic levels', () => {
  it('counts levels from 0', () => {
    expect(topicLevel('plant/PUMP-1/telemetry', 1)).toBe('PUMP-1');
    expect(topicLevel('plant//telemetry', 1)).toBe('');
    expect(topicLevel('plant', 1)).toBeUndefined();
  });
});
