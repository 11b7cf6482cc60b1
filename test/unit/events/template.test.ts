import { describe, expect, it } from 'vitest';
import { render, renderText } from '../../../src/events/template.js';

const context = {
  id: 'ev_1',
  type: 'rule.fired',
  deviceId: 'TH-1',
  at: 1700000000000,
  payload: { value: 31.5, point: 'temperature', nested: { a: 1 } },
};

describe('templates', () => {
  it('keep the type of a value that is the whole string and interpolate text otherwise', () => {
    expect(
      render(
        { v: '{{payload.value}}', text: '{{deviceId}} at {{ payload.value }} °C', list: ['{{at}}', 3, true, null] },
        context,
      ),
    ).toEqual({
      v: 31.5,
      text: 'TH-1 at 31.5 °C',
      list: [1700000000000, 3, true, null],
    });
  });

  it('give null for an unknown path on its own and empty text inside a string, never a prototype property', () => {
    expect(render({ a: '{{payload.missing}}', b: 'x{{nope.deep}}y', c: '{{constructor}}' }, context)).toEqual({
      a: null,
      b: 'xy',
      c: null,
    });
  });

  it('render objects inside text as JSON (topics, text fields)', () => {
    expect(renderText('dtuhub/{{deviceId}}/{{payload.nested}}', context)).toBe('dtuhub/TH-1/{"a":1}');
  });
});
