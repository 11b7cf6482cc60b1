// Cell values of an export and the one rule both formats share: text that a spreadsheet
// would read as a formula (= + - @, or a leading tab/CR that some apps strip first) gets a
// leading apostrophe, so it is shown as text and never run. Device-supplied strings
// (registration IDs, string points, notes) end up here.

export type Cell = string | number | Date | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** ISO 8601 UTC with milliseconds: unambiguous whatever the reader's time zone. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
