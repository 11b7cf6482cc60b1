// JSON documents (MQTT payloads, HTTP responses) → samples, by the paths in the channel's
// point list. A field that is missing or holds no single value is counted, never stored.
import type { JsonMappedPoint, JsonPath } from '../domain/channels.js';
import type { Sample } from '../domain/point.js';
import { readJsonPath } from '../plan/json-path.js';
import { mappedSample, parseTimestamp, valueMapper, type ValueMapper } from './mapped-value.js';

export interface JsonMapResult {
  readonly samples: Sample[];
  /** Points whose path was not in the document. */
  readonly missing: readonly string[];
  /** Points whose path held an object, an array or a non-finite number. */
  readonly invalid: readonly string[];
  /** The sample time used: from the document's timestamp field, else the receive time. */
  readonly at: number;
}

export class JsonMapping {
  private readonly mappers: readonly { readonly path: JsonPath; readonly mapper: ValueMapper }[];

  constructor(
    points: readonly JsonMappedPoint[],
    private readonly timestamp: { readonly path: JsonPath } | null,
  ) {
    this.mappers = points.map((p) => ({ path: p.path, mapper: valueMapper(p) }));
  }

  map(doc: unknown, deviceId: string, receivedAt: number): JsonMapResult {
    const at = (this.timestamp && parseTimestamp(readJsonPath(doc, this.timestamp.path))) ?? receivedAt;
    const samples: Sample[] = [];
    const missing: string[] = [];
    const invalid: string[] = [];
    for (const { path, mapper } of this.mappers) {
      const name = mapper.point.name;
      const reading = mapper.map(readJsonPath(doc, path));
      if (reading === 'missing') missing.push(name);
      else if (reading === 'not-a-value') invalid.push(name);
      else samples.push(mappedSample(deviceId, name, reading, at));
    }
    return { samples, missing, invalid, at };
  }
}

/** What a document lacked, for the log and the channel's last error; null when every point was mapped. */
export function mappingProblem(result: Pick<JsonMapResult, 'missing' | 'invalid'>): string | null {
  const problems = [
    result.missing.length > 0 ? `missing: ${result.missing.join(', ')}` : '',
    result.invalid.length > 0 ? `not a value: ${result.invalid.join(', ')}` : '',
  ];
  const problem = problems.filter(Boolean).join('; ');
  return problem === '' ? null : problem;
}
