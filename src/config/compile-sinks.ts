// server.yml `sinks:` (checked and completed by schema/sinks.schema.ts) → SinkConfig[], with
// the checks a schema cannot express: unique names, the section of the sink's own type
// present and no other type's, the queue's cap above its batch, the replay pauses in order.
// Each type's section is compiled by its entry in SINK_SECTIONS: adding a type is one entry.
import { SINK_TYPES, type SinkCommonConfig, type SinkConfig, type SinkType } from '../domain/sinks.js';
import { compileInfluxSection } from './compile-influxdb-sink.js';
import { compileMqttSection } from './compile-sink-mqtt.js';
import { bytes, positiveMs } from './durations.js';
import type { YamlPath } from './errors.js';
import { asList, asMap, oneOf, str, type RawMap } from './raw.js';
import { defaultOf, type DataSizeText, type DurationText, type JsonSchema } from './schema/common.js';
import { SINK_QUEUE_SCHEMA, SINK_SPILL_SCHEMA } from './schema/sinks.schema.js';
import type { IssueSink } from './yaml-source.js';

/** Compiles a type's own section (`influxdb:`) onto the common part; null when it cannot run. */
export type SinkSection<T extends SinkType> = (
  common: SinkCommonConfig,
  section: RawMap,
  at: YamlPath,
  sink: IssueSink,
) => Extract<SinkConfig, { type: T }> | null;

export const SINK_SECTIONS: { readonly [T in SinkType]: SinkSection<T> } = {
  influxdb: compileInfluxSection,
  mqtt: compileMqttSection,
};

/** A sink with the index it had in the file, for messages about it. */
export interface LocatedSink {
  readonly sink: SinkConfig;
  readonly index: number;
}

export function compileSinks(raw: unknown, sink: IssueSink): LocatedSink[] {
  const out: LocatedSink[] = [];
  const names = new Map<string, number>();
  asList(raw).forEach((item, index) => {
    const at: YamlPath = ['sinks', index];
    const m = asMap(item);
    const name = str(m, 'name');
    const type = oneOf(m, 'type', SINK_TYPES);
    if (name === undefined || type === undefined) return;
    const first = names.get(name);
    let clash = false;
    if (first !== undefined) {
      sink.add([...at, 'name'], `duplicate sink name "${name}" (first at line ${sink.lineOf(['sinks', first])})`);
      clash = true;
    } else names.set(name, index);
    for (const other of SINK_TYPES)
      if (other !== type && sink.written([...at, other]))
        sink.add([...at, other], `does not apply to this ${type} sink`);
    if (!sink.written([...at, type])) {
      sink.add(at, `this ${type} sink needs its settings under ${type}:`);
      return;
    }
    const common = compileCommon(name, m, at, sink);
    const compiled = (SINK_SECTIONS[type] as SinkSection<SinkType>)(common, asMap(m[type]), [...at, type], sink);
    if (compiled && !clash) out.push({ sink: compiled, index });
  });
  return out;
}

function compileCommon(name: string, m: RawMap, at: YamlPath, sink: IssueSink): SinkCommonConfig {
  const queue = asMap(m['queue']);
  const spill = asMap(m['spill']);
  const duration = (map: RawMap, schema: JsonSchema, key: string, path: YamlPath): number => {
    const fallback = defaultOf(schema, key) as DurationText;
    const value = map[key];
    return positiveMs(typeof value === 'string' || typeof value === 'number' ? value : fallback, fallback, path, sink);
  };
  const integer = (map: RawMap, schema: JsonSchema, key: string): number => {
    const value = map[key];
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
      ? value
      : (defaultOf(schema, key) as number);
  };
  const maxRows = integer(queue, SINK_QUEUE_SCHEMA, 'maxRows');
  const maxPendingRows = integer(queue, SINK_QUEUE_SCHEMA, 'maxPendingRows');
  if (maxPendingRows < maxRows)
    sink.add([...at, 'queue', 'maxPendingRows'], `must be at least queue.maxRows (${maxRows})`);
  const retryMinMs = duration(spill, SINK_SPILL_SCHEMA, 'retryMin', [...at, 'spill', 'retryMin']);
  const retryMaxMs = duration(spill, SINK_SPILL_SCHEMA, 'retryMax', [...at, 'spill', 'retryMax']);
  if (retryMaxMs < retryMinMs)
    sink.add([...at, 'spill', 'retryMax'], `must be at least spill.retryMin (${retryMinMs} ms)`);
  const size = spill['maxSize'];
  return {
    name,
    enabled: m['enabled'] !== false,
    samples: oneOf(m, 'samples', ['all', 'stored'] as const) ?? 'all',
    queue: {
      maxRows,
      flushIntervalMs: duration(queue, SINK_QUEUE_SCHEMA, 'flushInterval', [...at, 'queue', 'flushInterval']),
      maxPendingRows: Math.max(maxPendingRows, maxRows),
    },
    spill: {
      dir: str(spill, 'dir') ?? `data/spill/sinks/${name}`,
      maxSizeBytes: bytes(
        typeof size === 'string' || typeof size === 'number'
          ? size
          : (defaultOf(SINK_SPILL_SCHEMA, 'maxSize') as DataSizeText),
      ),
      writeTimeoutMs: duration(spill, SINK_SPILL_SCHEMA, 'writeTimeout', [...at, 'spill', 'writeTimeout']),
      retryMinMs,
      retryMaxMs: Math.max(retryMaxMs, retryMinMs),
    },
  };
}
