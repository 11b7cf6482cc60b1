// A line diff between two versions of a config file, for the history's diff view. Config
// files are a few hundred lines and edits are small: the common head and tail are cut off
// first, and only the changed middle goes through the longest-common-subsequence table.

export interface DiffLine {
  /** ' ' same, '-' only in the old text, '+' only in the new one. */
  readonly op: ' ' | '-' | '+';
  readonly text: string;
  /** 1-based line numbers in the old and the new text (null where the line is not there). */
  readonly oldLine: number | null;
  readonly newLine: number | null;
}

/** Above this many cells the middle is shown as removed then added, not aligned. */
const MAX_TABLE_CELLS = 4_000_000;

/** Every line of both texts in order, unchanged lines included (the caller folds context). */
export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: ' ', text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail), head, out);
  for (let k = tail; k > 0; k--) {
    const i = a.length - k;
    const j = b.length - k;
    out.push({ op: ' ', text: a[i]!, oldLine: i + 1, newLine: j + 1 });
  }
  return out;
}

function middle(a: readonly string[], b: readonly string[], offset: number, out: DiffLine[]): void {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_TABLE_CELLS) {
    a.forEach((text, i) => out.push({ op: '-', text, oldLine: offset + i + 1, newLine: null }));
    b.forEach((text, j) => out.push({ op: '+', text, oldLine: null, newLine: offset + j + 1 }));
    return;
  }
  // lcs[i * (m + 1) + j]: length of the common subsequence of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]!, oldLine: offset + i + 1, newLine: offset + j + 1 });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) {
      out.push({ op: '-', text: a[i]!, oldLine: offset + i + 1, newLine: null });
      i++;
    } else {
      out.push({ op: '+', text: b[j]!, oldLine: null, newLine: offset + j + 1 });
      j++;
    }
  }
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
