// docs/API.md must name every route the server registers, with its method, so the UI
// (built from that document) never misses or invents one.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startApp, type Harness } from '../../helpers/app-harness.js';
import { webOf } from '../../helpers/web.js';

let h: Harness;

beforeAll(async () => {
  h = await startApp();
});
afterAll(async () => {
  await h?.stop();
  if (h) removeDir(h.dir);
});

describe('docs/API.md', () => {
  it('documents every registered route with its method and role', () => {
    const doc = readFileSync(new URL('../../../docs/API.md', import.meta.url), 'utf8').split('\n');
    const routes = webOf(h).routes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const url = route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const line = doc.find(
        (l) =>
          new RegExp(`\\b${route.method}\\b.*\`[^\`]*${url}(\\?[^\`]*)?\``).test(l) ||
          new RegExp(`\`${route.method} ${url}[?\`]`).test(l),
      );
      expect(line, `${route.method} ${route.url}`).toBeDefined();
      // Where the table has a role column, it names the route's role.
      const cells = line!.split('|').map((c) => c.trim());
      if (cells.length > 4 && ['none', 'viewer', 'operator', 'admin'].includes(cells[3]!)) {
        expect(cells[3], `${route.method} ${route.url}`).toBe(route.role === 'public' ? 'none' : route.role);
      }
    }
  });
});
