// Tags of one device kind go into as few batch reads as the 3E limits allow.
import { describe, expect, it } from 'vitest';
import type { McDeviceKindName, McTag, McValueType } from '../../../../src/domain/mc.js';
import { planReads } from '../../../../src/protocol/mc/index.js';

function tag(kind: McDeviceKindName, number: number, type: McValueType = 'int16'): McTag {
  return { name: `${kind}${number}`, address: `${kind}${number}`, kind, number, type, scale: 1, offset: 0 };
}

describe('MC read planning', () => {
  it('merges the tags of a kind into one read that spans them, gaps included', () => {
    const blocks = planReads([tag('D', 110, 'float32'), tag('D', 100), tag('M', 5, 'bit'), tag('M', 0, 'bit')]);
    expect(blocks.map((b) => [b.request.kind.name, b.request.unit, b.request.head, b.request.points])).toEqual([
      ['D', 'word', 100, 12],
      ['M', 'bit', 0, 6],
    ]);
    expect(blocks[0]!.members.map((m) => [m.tag.name, m.at])).toEqual([
      ['D100', 0],
      ['D110', 10],
    ]);
  });

  it('starts a new read where 960 words would be passed', () => {
    const blocks = planReads([tag('D', 0), tag('D', 958, 'int32'), tag('D', 959, 'int32'), tag('R', 0)]);
    expect(blocks.map((b) => [b.request.kind.name, b.request.head, b.request.points])).toEqual([
      ['D', 0, 960],
      ['D', 959, 2],
      ['R', 0, 1],
    ]);
  });

  it('reads the same address once for two tags', () => {
    const blocks = planReads([tag('D', 5, 'int32'), tag('D', 5, 'uint16')]);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.request.points).toBe(2);
  });
});
