// The write form's text → the write API's body.
import { describe, expect, it } from 'vitest';
import { writeBody } from '../../../ui/src/lib/write-body.js';

describe('writeBody', () => {
  it('makes a single register write from one number, decimal or hex', () => {
    expect(writeBody(6, 1, 10, '4660')).toEqual({ slave: 1, fn: 6, address: 10, value: 4660 });
    expect(writeBody(6, 1, 10, ' 0x1234 ')).toEqual({ slave: 1, fn: 6, address: 10, value: 0x1234 });
  });

  it('makes a multiple register write from a comma or space separated list', () => {
    expect(writeBody(16, 2, 20, '1, 2 3')).toEqual({ slave: 2, fn: 16, address: 20, values: [1, 2, 3] });
  });

  it('reads coils as 1/0, true/false or on/off', () => {
    expect(writeBody(5, 1, 7, 'on')).toEqual({ slave: 1, fn: 5, address: 7, value: true });
    expect(writeBody(15, 1, 0, '1,false,TRUE,0')).toEqual({
      slave: 1,
      fn: 15,
      address: 0,
      values: [true, false, true, false],
    });
  });

  it('refuses values out of range, words that are not numbers, and several values for a single write', () => {
    expect(writeBody(6, 1, 0, '65536')).toBeNull();
    expect(writeBody(6, 1, 0, '-1')).toBeNull();
    expect(writeBody(6, 1, 0, '1.5')).toBeNull();
    expect(writeBody(6, 1, 0, '1,2')).toBeNull();
    expect(writeBody(5, 1, 0, 'yes')).toBeNull();
    expect(writeBody(16, 1, 0, '')).toBeNull();
    expect(writeBody(16, 1, 0, Array(124).fill('1').join(','))).toBeNull();
    expect(writeBody(6, 248, 0, '1')).toBeNull();
    expect(writeBody(6, 1, 65536, '1')).toBeNull();
  });
});
