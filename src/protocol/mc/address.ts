// `D100`, `M10`, `X1F`, `Y20`, `W1A`, `R2000` → device kind and number. The number is read
// in the kind's own radix (X, Y and W in hexadecimal), as GX Works prints it.
import { MC_DEVICE_KINDS, maxDeviceNumber, type McDeviceKind, type McDeviceKindName } from './devices.js';

export interface McAddress {
  readonly kind: McDeviceKind;
  readonly number: number;
}

export type McAddressParse =
  { readonly ok: true; readonly address: McAddress } | { readonly ok: false; readonly problem: string };

const SHAPE = /^([A-Za-z])([0-9A-Fa-f]+)$/;

export function parseMcAddress(text: string): McAddressParse {
  const m = SHAPE.exec(text.trim());
  if (!m) return { ok: false, problem: `"${text}" is not an MC address like D100, M10, X1F or W1A` };
  const kind = MC_DEVICE_KINDS[m[1]!.toUpperCase() as McDeviceKindName] as McDeviceKind | undefined;
  if (!kind) return { ok: false, problem: `"${text}": device ${m[1]!.toUpperCase()} is not one of X, Y, M, D, W, R` };
  const digits = m[2]!;
  if (kind.radix === 10 && !/^\d+$/.test(digits))
    return { ok: false, problem: `"${text}": ${kind.name} numbers are decimal` };
  const number = parseInt(digits, kind.radix);
  if (number > maxDeviceNumber(kind))
    return {
      ok: false,
      problem: `"${text}": ${kind.name} numbers go up to ${formatNumber(kind, maxDeviceNumber(kind))}`,
    };
  return { ok: true, address: { kind, number } };
}

export function formatMcAddress(kind: McDeviceKind, number: number): string {
  return `${kind.name}${formatNumber(kind, number)}`;
}

function formatNumber(kind: McDeviceKind, number: number): string {
  return kind.radix === 16 ? number.toString(16).toUpperCase() : String(number);
}
