// The write form's text → the write API's body.
import { describe, expect, it } from 'vitest';
import { en, zh } from '../../../ui/src/lib/messages.js';
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

  it('names the wrong field and why: range, words that are not numbers, several values for a single write', () => {
    expect(writeBody(6, 1, 0, '65536')).toEqual({ problem: 'register', word: '65536' });
    expect(writeBody(6, 1, 0, '-1')).toEqual({ problem: 'register', word: '-1' });
    expect(writeBody(6, 1, 0, '1.5')).toEqual({ problem: 'register', word: '1.5' });
    expect(writeBody(6, 1, 0, '1,2')).toEqual({ problem: 'one', fn: 6, many: 16 });
    expect(writeBody(5, 1, 0, 'on yes')).toEqual({ problem: 'coil', word: 'yes' });
    expect(writeBody(16, 1, 0, '')).toEqual({ problem: 'empty' });
    expect(writeBody(16, 1, 0, Array(124).fill('1').join(','))).toEqual({ problem: 'tooMany', max: 123 });
    expect(writeBody(6, 248, 0, '1')).toEqual({ problem: 'slave' });
    expect(writeBody(6, 1, 65536, '1')).toEqual({ problem: 'address' });
  });

  it('has a message for every problem in English and Chinese, naming the field', () => {
    for (const [lang, messages] of [
      ['en', en],
      ['zh', zh],
    ] as const) {
      for (const problem of ['slave', 'address', 'empty', 'coil', 'register', 'one', 'tooMany']) {
        const text = (messages.write.problem as Record<string, string>)[problem];
        expect(text, `${lang} ${problem}`).toMatch(lang === 'en' ? /^(Slave|Address|Values?):/ : /^(从机|地址|数值)：/);
      }
    }
  });
});
