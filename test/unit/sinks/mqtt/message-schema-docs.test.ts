// docs/SINKS.md shows the JSON Schema of every MQTT north message; this keeps each
// block equal to the schema the sink's tests check published messages against.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as schemas from '../../../../src/sinks/mqtt/message-schema.js';

const DOC = readFileSync(new URL('../../../../docs/SINKS.md', import.meta.url), 'utf8');
const NAMES = ['SAMPLE_MESSAGE', 'POINT_MESSAGE', 'STATUS_MESSAGE', 'WRITE_REQUEST', 'WRITE_RESPONSE'] as const;

function documented(name: string): unknown {
  const match = new RegExp(`<!-- schema: ${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!match) throw new Error(`docs/SINKS.md has no schema block for ${name}`);
  return JSON.parse(match[1]!);
}

describe('MQTT north message schemas in the docs', () => {
  for (const name of NAMES)
    it(`documents ${name} as the code declares it`, () => {
      expect(documented(name)).toEqual(JSON.parse(JSON.stringify(schemas[name])));
    });
});
