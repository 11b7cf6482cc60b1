// Siemens S7 absolute addresses as a PLC programmer writes them → what they cover, and the
// item syntax nodes7 reads them with. Pure: config/ parses every tag once at load, so a
// wrong address is a file:line:field error instead of a tag that silently reads nothing.
//
//   DB1.DBX0.3   bit 3 of byte 0 of DB1          M10.1   marker bit     I0.0  input bit
//   DB1.DBB2     byte                            MB10    marker byte    IW64  input word
//   DB1.DBW4     word (2 bytes)                  MW20    marker word    QB1   output byte
//   DB1.DBD8     double word (4 bytes)           MD24    marker dword   QD4   output dword
//   DB1.STRING10.20   S7 STRING of at most 20 characters at byte 10 (2 header bytes + 20)
//
// German mnemonics (E for inputs, A for outputs: EW64, A1.2) are read too and printed in
// English. A word or double word holds what the tag's `type` says: int or word/uint for a
// word; dint, real or dword/udint for a double word.
import type { S7Address, S7Area, S7Size, S7Type } from '../../domain/s7.js';

/** Largest byte offset and DB number taken (the S7 protocol's 16-bit DB number; offsets beyond 64 KiB are not used in practice). */
export const S7_MAX_DB = 65535;
export const S7_MAX_BYTE = 65535;
/** An S7 STRING's length byte: at most 254 characters. */
export const S7_MAX_STRING = 254;

export const S7_TYPES: readonly S7Type[] = [
  'bool',
  'byte',
  'usint',
  'sint',
  'word',
  'uint',
  'int',
  'dword',
  'udint',
  'dint',
  'real',
  'string',
];

/** The types an address of each size may hold; the first is the default. */
const TYPES_OF: Record<S7Size, readonly S7Type[]> = {
  bit: ['bool'],
  byte: ['byte', 'usint', 'sint'],
  word: ['word', 'uint', 'int'],
  dword: ['dword', 'udint', 'dint', 'real'],
  string: ['string'],
};

const SIZE_OF_TYPE: Record<S7Type, S7Size> = {
  bool: 'bit',
  byte: 'byte',
  usint: 'byte',
  sint: 'byte',
  word: 'word',
  uint: 'word',
  int: 'word',
  dword: 'dword',
  udint: 'dword',
  dint: 'dword',
  real: 'dword',
  string: 'string',
};

const SIZE_LETTER: Record<'B' | 'W' | 'D', S7Size> = { B: 'byte', W: 'word', D: 'dword' };
const LETTER_OF_SIZE: Partial<Record<S7Size, string>> = { bit: 'X', byte: 'B', word: 'W', dword: 'D' };
const BYTES_OF_SIZE: Record<Exclude<S7Size, 'string'>, number> = { bit: 1, byte: 1, word: 2, dword: 4 };

/** English and German area letters. */
const AREA_LETTER: Record<string, Exclude<S7Area, 'DB'>> = { M: 'M', I: 'I', E: 'I', Q: 'Q', A: 'Q' };

const EXAMPLES = 'DB1.DBX0.3, DB1.DBW4, DB1.DBD8, DB1.STRING10.20, M10.1, MW20, I0.0, QB1 or IW64';

export type S7AddressResult =
  { readonly ok: true; readonly address: S7Address } | { readonly ok: false; readonly problem: string };

export type S7TagResult =
  | { readonly ok: true; readonly address: S7Address; readonly type: S7Type; readonly text: string }
  | { readonly ok: false; readonly field: 'address' | 'type'; readonly problem: string };

const DB_PATTERN = /^DB(\d+)\.DB([XBWD])(\d+)(?:\.(\d+))?$/;
const DB_STRING_PATTERN = /^DB(\d+)\.STRING(\d+)(?:\.(\d+))?$/;
const AREA_PATTERN = /^([MIEQA])([BWD]?)(\d+)(?:\.(\d+))?$/;

/** Parses an address alone (its size decides which types fit); case and surrounding spaces do not matter. */
export function parseS7Address(input: string): S7AddressResult {
  const text = input.trim().toUpperCase();
  if (text === '') return fail(`an address is needed, like ${EXAMPLES}`);
  const db = DB_PATTERN.exec(text);
  if (db) {
    const [, dbText, letter, byteText, bitText] = db as unknown as [
      string,
      string,
      'X' | 'B' | 'W' | 'D',
      string,
      string?,
    ];
    const dbProblem = checkDb(dbText);
    if (dbProblem) return fail(dbProblem);
    const size = letter === 'X' ? 'bit' : SIZE_LETTER[letter];
    return located('DB', Number(dbText), size, byteText, bitText, `DB${dbText}.DB${letter}${byteText}`);
  }
  const str = DB_STRING_PATTERN.exec(text);
  if (str) {
    const [, dbText, byteText, lengthText] = str as unknown as [string, string, string, string?];
    const dbProblem = checkDb(dbText);
    if (dbProblem) return fail(dbProblem);
    if (lengthText === undefined)
      return fail(`a STRING needs its length: DB${dbText}.STRING${byteText}.20 holds up to 20 characters`);
    const byteProblem = checkByte(byteText);
    if (byteProblem) return fail(byteProblem);
    const length = Number(lengthText);
    if (!/^\d{1,3}$/.test(lengthText) || length < 1 || length > S7_MAX_STRING)
      return fail(`a STRING holds 1 to ${S7_MAX_STRING} characters, not ${lengthText}`);
    return {
      ok: true,
      address: {
        area: 'DB',
        db: Number(dbText),
        byte: Number(byteText),
        bit: null,
        size: 'string',
        stringLength: length,
      },
    };
  }
  const area = AREA_PATTERN.exec(text);
  if (area) {
    const [, areaLetter, letter, byteText, bitText] = area as unknown as [
      string,
      string,
      '' | 'B' | 'W' | 'D',
      string,
      string?,
    ];
    const name = AREA_LETTER[areaLetter]!;
    const size = letter === '' ? 'bit' : SIZE_LETTER[letter];
    return located(name, 0, size, byteText, bitText, `${name}${letter}${byteText}`);
  }
  if (/^DB\d+$/.test(text)) return fail(`"${text}" names a data block, not an address in it (like ${text}.DBW0)`);
  if (/^DB\d+\./.test(text))
    return fail(
      `"${input.trim()}" is not an S7 address: in a data block write DBX, DBB, DBW, DBD or STRING (${EXAMPLES})`,
    );
  return fail(`"${input.trim()}" is not an S7 address: write it like ${EXAMPLES}`);
}

/**
 * Parses a tag's address and checks its `type` against the address's size (unwritten: the
 * size's default: bool, byte, word, dword or string). The text comes back in the canonical form.
 */
export function parseS7Tag(addressText: string, typeText?: string): S7TagResult {
  const parsed = parseS7Address(addressText);
  if (!parsed.ok) return { ok: false, field: 'address', problem: parsed.problem };
  const { address } = parsed;
  const fits = TYPES_OF[address.size];
  let type: S7Type;
  if (typeText === undefined) type = fits[0]!;
  else {
    const wanted = typeText.trim().toLowerCase() as S7Type;
    if (!S7_TYPES.includes(wanted))
      return { ok: false, field: 'type', problem: `"${typeText}" is not an S7 type: one of ${S7_TYPES.join(', ')}` };
    if (!fits.includes(wanted)) return { ok: false, field: 'type', problem: misfit(wanted, address) };
    type = wanted;
  }
  return { ok: true, address, type, text: formatS7Address(address) };
}

/** The address in canonical English mnemonics (`DB1.DBX0.3`, `MW20`, `IW64`). */
export function formatS7Address(a: S7Address): string {
  if (a.size === 'string') return `DB${a.db}.STRING${a.byte}.${a.stringLength}`;
  const bit = a.bit === null ? '' : `.${a.bit}`;
  if (a.area === 'DB') return `DB${a.db}.DB${LETTER_OF_SIZE[a.size]}${a.byte}${bit}`;
  return `${a.area}${a.size === 'bit' ? '' : LETTER_OF_SIZE[a.size]}${a.byte}${bit}`;
}

/** Bytes the address covers in the PLC (a STRING: 2 header bytes and its characters). */
export function s7ByteLength(a: S7Address): number {
  return a.size === 'string' ? a.stringLength + 2 : BYTES_OF_SIZE[a.size];
}

/**
 * The item nodes7 reads and writes for a tag: `DB1,X0.3`, `DB1,INT4`, `DB1,REAL8`,
 * `DB1,S10.20`, `M10.1`, `MW20`, `IDI4`… The type chooses how nodes7 decodes the bytes;
 * sint is read as a byte and given its sign by value.ts (nodes7 has no signed byte).
 */
export function nodes7Item(a: S7Address, type: S7Type): string {
  const kind = itemKind(a.size, type);
  if (a.area === 'DB') {
    if (a.size === 'bit') return `DB${a.db},X${a.byte}.${a.bit}`;
    if (a.size === 'string') return `DB${a.db},S${a.byte}.${a.stringLength}`;
    return `DB${a.db},${kind}${a.byte}`;
  }
  if (a.size === 'bit') return `${a.area}${a.byte}.${a.bit}`;
  return `${a.area}${AREA_ITEM_SUFFIX[kind]}${a.byte}`;
}

type ItemKind = 'X' | 'BYTE' | 'WORD' | 'INT' | 'DWORD' | 'DINT' | 'REAL' | 'S';

/** nodes7's letters after M, I or Q for each kind (MB, MW, MI, MD, MDI, MR). */
const AREA_ITEM_SUFFIX: Record<ItemKind, string> = {
  X: '',
  BYTE: 'B',
  WORD: 'W',
  INT: 'I',
  DWORD: 'D',
  DINT: 'DI',
  REAL: 'R',
  S: 'S',
};

function itemKind(size: S7Size, type: S7Type): ItemKind {
  switch (size) {
    case 'bit':
      return 'X';
    case 'byte':
      return 'BYTE';
    case 'word':
      return type === 'int' ? 'INT' : 'WORD';
    case 'dword':
      return type === 'dint' ? 'DINT' : type === 'real' ? 'REAL' : 'DWORD';
    case 'string':
      return 'S';
  }
}

function located(
  area: S7Area,
  db: number,
  size: S7Size,
  byteText: string,
  bitText: string | undefined,
  written: string,
): S7AddressResult {
  const byteProblem = checkByte(byteText);
  if (byteProblem) return fail(byteProblem);
  const byte = Number(byteText);
  if (size === 'bit') {
    if (bitText === undefined)
      return fail(`${written} is a bit address and needs its bit: ${written}.0 to ${written}.7`);
    if (!/^[0-7]$/.test(bitText)) return fail(`bit ${bitText} does not exist: a byte has bits .0 to .7`);
    return { ok: true, address: { area, db, byte, bit: Number(bitText), size, stringLength: 0 } };
  }
  if (bitText !== undefined) {
    const bitForm = area === 'DB' ? `DB${db}.DBX${byte}.${bitText}` : `${area}${byte}.${bitText}`;
    return fail(`${written}.${bitText}: a bit is addressed on its own, like ${bitForm}`);
  }
  return { ok: true, address: { area, db, byte, bit: null, size, stringLength: 0 } };
}

function checkDb(text: string): string | null {
  const n = Number(text);
  return /^\d{1,5}$/.test(text) && n >= 1 && n <= S7_MAX_DB
    ? null
    : `DB${text}: data blocks are numbered 1 to ${S7_MAX_DB}`;
}

function checkByte(text: string): string | null {
  return /^\d{1,5}$/.test(text) && Number(text) <= S7_MAX_BYTE ? null : `byte offset ${text} is beyond ${S7_MAX_BYTE}`;
}

function misfit(type: S7Type, a: S7Address): string {
  const size = SIZE_OF_TYPE[type];
  const text = formatS7Address(a);
  if (size === 'string' || a.size === 'string')
    return `${text} ${a.size === 'string' ? 'is a STRING' : `is a ${a.size}`}: type ${type} does not fit (it takes ${TYPES_OF[a.size].join(', ')})`;
  const want =
    size === 'bit'
      ? 'a bit address (DBX, or M10.1)'
      : `${BYTES_OF_SIZE[size]} byte${BYTES_OF_SIZE[size] === 1 ? '' : 's'}`;
  return `type ${type} needs ${want}; ${text} is a ${a.size} (it takes ${TYPES_OF[a.size].join(', ')})`;
}

function fail(problem: string): S7AddressResult {
  return { ok: false, problem };
}
