// Phone layout (issue 19): below 600 px every table is shown as cards, one "label: value"
// line per cell (styles.css, `td::before { content: attr(data-label) }`). The labels come
// from the table's own header cells, filled in here for every table the app ever renders —
// existing pages and future ones alike — by watching the document, so no page has to opt in.

/** Header texts by column, counting colspan, from the first header row. */
function headerLabels(table: HTMLTableElement): string[] {
  const row = table.tHead?.rows[0];
  if (!row) return [];
  const labels: string[] = [];
  for (const cell of Array.from(row.cells)) {
    const text = (cell.textContent ?? '').trim();
    for (let i = 0; i < Math.max(1, cell.colSpan); i++) labels.push(text);
  }
  return labels;
}

export function labelTable(table: HTMLTableElement): void {
  const labels = headerLabels(table);
  if (labels.length === 0) return;
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let column = 0;
      for (const cell of Array.from(row.cells)) {
        const label = cell.colSpan > 1 ? '' : (labels[column] ?? '');
        // Only touch the DOM on a change: the observer below would otherwise see its own writes.
        if (label === '') {
          if (cell.hasAttribute('data-label')) cell.removeAttribute('data-label');
        } else if (cell.getAttribute('data-label') !== label) cell.setAttribute('data-label', label);
        column += Math.max(1, cell.colSpan);
      }
    }
  }
}

/** Labels every table under `root` now and whenever the page changes (once per frame). */
export function labelTablesContinuously(root: HTMLElement): () => void {
  let queued = false;
  const run = () => {
    queued = false;
    root.querySelectorAll('table').forEach(labelTable);
  };
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(run);
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  run();
  return () => observer.disconnect();
}
