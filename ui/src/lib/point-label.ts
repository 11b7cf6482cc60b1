// A point as the operator reads it: its points.yml description in the UI language (温度),
// its name (what rules, the API and exports call it) and its unit. Pure.
import type { PointInfo } from './types.js';

type Described = Pick<PointInfo, 'name' | 'unit' | 'description'>;

/** The description in `lang`, else the name. */
export function pointTitle(point: Described | undefined, name: string, lang: 'en' | 'zh'): string {
  return point?.description?.[lang] ?? name;
}

/** "温度 (°C)": title and unit, for chart titles and axes. */
export function pointWithUnit(point: Described | undefined, name: string, lang: 'en' | 'zh'): string {
  const title = pointTitle(point, name, lang);
  return point?.unit ? `${title} (${point.unit})` : title;
}

/** "温度 · temperature (°C)": for lists where the name must stay findable (pickers). */
export function pointOption(point: Described, lang: 'en' | 'zh'): string {
  const title = pointTitle(point, point.name, lang);
  const named = title === point.name ? title : `${title} · ${point.name}`;
  return point.unit ? `${named} (${point.unit})` : named;
}
