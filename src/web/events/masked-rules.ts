// rules.yml and webhook endpoints as a viewer may see them: signing secrets, header values
// (they often carry an Authorization token) and passwords in URLs replaced by the mask.
// The YAML keeps its layout and comments; only the secret scalars change.
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Node } from 'yaml';
import { MASK, SECRET_KEY } from '../status/config-view.js';

export function maskedRulesText(text: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return `# rules.yml does not parse; not shown (${doc.errors[0]!.message.split('\n')[0]})\n`;
  visit(doc, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (SECRET_KEY.test(key) || key === 'headers') maskNode(pair.value as Node | null);
      else if (key === 'url' && isScalar(pair.value) && typeof pair.value.value === 'string')
        pair.value.value = maskedUrl(pair.value.value);
    },
  });
  return doc.toString();
}

function maskNode(node: Node | null): void {
  if (!node) return;
  if (isScalar(node)) node.value = MASK;
  else if (isSeq(node)) for (const item of node.items) maskNode(item as Node);
  else if (isMap(node)) for (const pair of node.items) if (isPair(pair)) maskNode(pair.value as Node | null);
}

/** `https://u:pw@host/x?token=t` → `https://u:***@host/x?token=***`; anything unparsable is left alone. */
export function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const secretParams = [...parsed.searchParams.keys()].filter((k) => SECRET_KEY.test(k));
    if (!parsed.password && secretParams.length === 0) return url;
    if (parsed.password) parsed.password = MASK;
    for (const k of secretParams) parsed.searchParams.set(k, MASK);
    return parsed.toString();
  } catch {
    return url;
  }
}
