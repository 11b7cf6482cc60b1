// A point's `description:` → one text per UI language. The schema has already refused
// anything but text or a mapping of zh/en texts; what is left is the empty mapping.
import type { PointDescription } from '../domain/point.js';
import type { YamlPath } from './errors.js';
import type { IssueSink } from './yaml-source.js';

export function compileDescription(
  written: string | { readonly zh?: string; readonly en?: string },
  at: YamlPath,
  sink: IssueSink,
): PointDescription | undefined {
  if (typeof written === 'string') return { en: written, zh: written };
  // One language given: show it in the other too rather than nothing.
  const en = written.en ?? written.zh;
  const zh = written.zh ?? written.en;
  if (en === undefined || zh === undefined) {
    // A language written with a wrong value has been reported already; no follow-on error.
    if (!sink.written([...at, 'zh']) && !sink.written([...at, 'en']))
      sink.add(at, 'give zh, en or both (or plain text for every language)');
    return undefined;
  }
  return { en, zh };
}
