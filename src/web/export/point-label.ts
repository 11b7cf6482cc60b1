// How a point is named in an export: its description in the language the UI asked for,
// and a column header that carries the unit, so a spreadsheet reads without the config.
import type { PointDescription } from '../../domain/point.js';

export type ExportLang = 'en' | 'zh';

export interface LabelledPoint {
  readonly name: string;
  readonly unit: string | null;
  readonly description: PointDescription | null;
}

/** The description in `lang`, or null when points.yml gives none. */
export function pointDescription(point: LabelledPoint, lang: ExportLang): string | null {
  return point.description?.[lang] ?? null;
}

/**
 * A column header for one point (wide layouts): `温度 temperature (°C)`; the name stays in
 * it because it is what the API, rules and the data browser call the point.
 */
export function pointHeader(point: LabelledPoint, lang: ExportLang): string {
  const description = pointDescription(point, lang);
  const named = description && !sameWords(description, point.name) ? `${description} ${point.name}` : point.name;
  return point.unit ? `${named} (${point.unit})` : named;
}

/** "Flow rate" says no more than flow_rate. */
const sameWords = (a: string, b: string) =>
  a.toLowerCase().replace(/[\s_]+/g, ' ') === b.toLowerCase().replace(/[\s_]+/g, ' ');
