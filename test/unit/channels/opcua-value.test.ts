// OPC UA DataValues (built with node-opcua's own classes, as the subscription delivers them)
// → samples: each built-in type, 64-bit integers exact, timestamps, and statuses that keep
// a value out of history.
import '../../helpers/opcua-quiet.js';
import ua from 'node-opcua-client';
import { describe, expect, it } from 'vitest';
import type { OpcuaItem } from '../../../src/domain/channels.js';
import { OpcuaItemMapper, plainValue, sampleTime } from '../../../src/channels/opcua/opcua-value.js';

const { DataType, DataValue, StatusCodes, Variant, VariantArrayType } = ua;

function item(extra: Partial<OpcuaItem> = {}): OpcuaItem {
  return { name: 'p', nodeId: 'ns=1;s=P', samplingIntervalMs: 1000, scale: 1, offset: 0, ...extra };
}

function dv(
  dataType: number,
  value: unknown,
  options: { status?: (typeof StatusCodes)['Good']; source?: Date; server?: Date; array?: boolean } = {},
) {
  return new DataValue({
    value: new Variant({
      dataType,
      arrayType: options.array ? VariantArrayType.Array : VariantArrayType.Scalar,
      value,
    }),
    statusCode: options.status ?? StatusCodes.Good,
    sourceTimestamp: options.source ?? null,
    serverTimestamp: options.server ?? null,
  });
}

const RECEIVED = Date.UTC(2026, 11, 6, 5, 0, 0);

function mapped(mapperItem: OpcuaItem, value: InstanceType<typeof DataValue>) {
  return new OpcuaItemMapper(mapperItem).map(value, 'D1', RECEIVED);
}

describe('OPC UA value mapping', () => {
  it('scales numbers like register values and keeps the value as received in raw', () => {
    expect(mapped(item({ scale: 0.1, decimals: 1 }), dv(DataType.Int32, 253))).toEqual({
      ok: true,
      sample: {
        deviceId: 'D1',
        point: 'p',
        slave: 0,
        address: 0,
        value: 25.3,
        text: null,
        raw: '253',
        ts: RECEIVED,
        quality: 'good',
      },
    });
    expect(mapped(item({ offset: -273.15 }), dv(DataType.Double, 300))).toMatchObject({
      ok: true,
      sample: { value: 26.85, raw: '300' },
    });
    expect(mapped(item({ decimals: 2 }), dv(DataType.Float, 2.345))).toMatchObject({
      ok: true,
      sample: { value: 2.35 },
    });
  });

  it('stores booleans as 1/0 and strings as text (numeric text as a number)', () => {
    expect(mapped(item(), dv(DataType.Boolean, false))).toMatchObject({
      sample: { value: 0, text: null, raw: 'false' },
    });
    expect(mapped(item(), dv(DataType.String, 'auto'))).toMatchObject({
      sample: { value: null, text: 'auto', raw: '"auto"' },
    });
    expect(mapped(item({ scale: 2 }), dv(DataType.String, '21.5'))).toMatchObject({
      sample: { value: 43, text: null },
    });
    expect(
      mapped(item(), dv(DataType.LocalizedText, new ua.LocalizedText({ text: 'Hand', locale: 'de' }))),
    ).toMatchObject({ sample: { text: 'Hand' } });
  });

  it('reads 64-bit integers from their [high, low] words exactly, signed and unsigned', () => {
    expect(
      plainValue(new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [1, 5] })),
    ).toBe(4294967301n);
    expect(
      plainValue(
        new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xfffffffe] }),
      ),
    ).toBe(-2n);
    expect(
      plainValue(
        new Variant({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xffffffff] }),
      ),
    ).toBe(18446744073709551615n);
    expect(mapped(item({ scale: 0.001 }), dv(DataType.UInt64, [0, 123456], {}))).toMatchObject({
      sample: { value: 123.456, raw: '123456' },
    });
  });

  it('stores a DateTime as ISO 8601 text', () => {
    expect(mapped(item(), dv(DataType.DateTime, new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6))))).toMatchObject({
      sample: { value: null, text: '2026-01-02T03:04:05.006Z' },
    });
  });

  it('uses the source timestamp, else the server timestamp, else the receive time', () => {
    const source = new Date(RECEIVED - 5000);
    const server = new Date(RECEIVED - 1000);
    expect(mapped(item(), dv(DataType.Double, 1, { source, server }))).toMatchObject({
      sample: { ts: RECEIVED - 5000 },
    });
    expect(mapped(item(), dv(DataType.Double, 1, { server }))).toMatchObject({ sample: { ts: RECEIVED - 1000 } });
    expect(sampleTime({ sourceTimestamp: null, serverTimestamp: null })).toBeNull();
  });

  it('keeps Bad and Uncertain values out, naming the status', () => {
    expect(mapped(item({ name: 'flow' }), dv(DataType.Double, 7, { status: StatusCodes.BadSensorFailure }))).toEqual({
      ok: false,
      problem: 'flow: BadSensorFailure',
    });
    expect(
      mapped(item({ name: 'flow' }), dv(DataType.Double, 7, { status: StatusCodes.UncertainLastUsableValue })),
    ).toEqual({
      ok: false,
      problem: 'flow: UncertainLastUsableValue',
    });
    expect(mapped(item(), dv(DataType.Double, 7, { status: StatusCodes.GoodClamped }))).toMatchObject({
      ok: true,
      sample: { value: 7 },
    });
  });

  it('refuses what is not one value: empty variants, arrays, byte strings, NaN', () => {
    expect(mapped(item(), new DataValue({ value: new Variant({ dataType: DataType.Null }) }))).toEqual({
      ok: false,
      problem: 'p: no value',
    });
    expect(mapped(item(), dv(DataType.Double, [1, 2], { array: true }))).toEqual({
      ok: false,
      problem: 'p: arrays are not supported (map one element per variable)',
    });
    expect(mapped(item(), dv(DataType.ByteString, Buffer.from('ab')))).toEqual({
      ok: false,
      problem: 'p: ByteString values are not supported',
    });
    expect(mapped(item(), dv(DataType.Double, Number.NaN))).toEqual({ ok: false, problem: 'p: not a number' });
  });
});
