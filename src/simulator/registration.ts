// Registration packets a DTU sends for its ID under each registration rule, and the IDs
// a simulated fleet uses so that they round-trip through the server's parser.
import type { RegistrationRule } from '../domain/config.js';

/** The bytes of the registration packet for `id`; throws when the rule cannot carry the ID. */
export function registrationBytes(rule: RegistrationRule, id: string): Buffer {
  switch (rule.type) {
    case 'ascii': {
      const text = Buffer.from(id, 'utf8');
      if (text.length === 0 || text.length > rule.maxLength) {
        throw new RangeError(`ID "${id}" must be 1..${rule.maxLength} bytes for an ascii registration`);
      }
      if (rule.length !== null && text.length !== rule.length) {
        throw new RangeError(`ID "${id}" must be exactly ${rule.length} bytes`);
      }
      return rule.terminator ? Buffer.concat([text, rule.terminator]) : text;
    }
    case 'hex': {
      if (!/^(?:[0-9a-f]{2})+$/i.test(id) || id.length !== rule.length * 2) {
        throw new RangeError(`ID "${id}" must be ${rule.length * 2} hex digits`);
      }
      const bytes = Buffer.from(id, 'hex');
      return rule.prefix ? Buffer.concat([rule.prefix, bytes]) : bytes;
    }
    case 'integer': {
      const limit = 1n << BigInt(rule.bytes * 8);
      const value = /^\d+$/.test(id) ? BigInt(id) : -1n;
      if (value < 0n || value >= limit) {
        throw new RangeError(
          `ID "${id}" must be a decimal integer below ${limit} for a ${rule.bytes}-byte registration`,
        );
      }
      const bytes = Buffer.alloc(rule.bytes);
      for (let i = 0; i < rule.bytes; i++) {
        const byte = Number((value >> BigInt(8 * i)) & 0xffn);
        bytes[rule.endian === 'big' ? rule.bytes - 1 - i : i] = byte;
      }
      return bytes;
    }
  }
}

/**
 * ID of the n-th simulated DTU: ascii → prefix + zero-padded number (`DTU01001`),
 * integer → the decimal number (`7001`), hex → the number as zero-padded hex digits
 * filling the rule's length (`00001b59` for 4 bytes).
 */
export function simulatedId(rule: RegistrationRule, n: number, prefix: string, width: number): string {
  switch (rule.type) {
    case 'ascii':
      return `${prefix}${String(n).padStart(width, '0')}`;
    case 'integer':
      return String(n);
    case 'hex':
      return n.toString(16).padStart(rule.length * 2, '0');
  }
}
