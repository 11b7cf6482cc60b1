// The config editor in chromium against the app with a simulated DTU: test an unsaved point
// scale on the DTU, save it (the file changes on that line only and a version appears in the
// history), see an invalid value refused next to its field, and roll back to the bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { yamlData } from '../../src/config/edit/yaml-rewrite.js';
import { gatewayTests, waitFor } from '../helpers/app-harness.js';
import { logIn, openPage, sharedBrowser, POLL } from '../helpers/browser.js';
import { WEB_PROFILE, webProfile } from '../helpers/web-profile.js';

const { boot, dtu } = gatewayTests();
const chromium = sharedBrowser();

describe('config editor page', () => {
  it('tests, saves and rolls back a point scale, and shows a refused value at its field', async () => {
    const rig = webProfile();
    const h = await boot({
      ...rig,
      points: (p) => {
        rig.points!(p);
        const profile = p.profiles[WEB_PROFILE];
        profile.points[0].scale = 1;
        // Patient reads: this test is about the editor, not a loaded machine's timing.
        profile.timing.responseTimeout = '2s';
      },
    });
    const sim = dtu(h, 'dtu', { id: 'DTU-EDIT' }, WEB_PROFILE);
    sim.setRegisters(1, 3, 0, [0, 42]);
    await sim.start();
    await waitFor(() => h.app.latest.get('DTU-EDIT', 'energy'), 5000, 'a first value');
    const path = join(h.dir, 'points.yml');
    const original = readFileSync(path, 'utf8');

    const { page, context, errors, dialogs } = await openPage(await chromium());
    try {
      await editInBrowser();
    } finally {
      await context.close();
    }
    async function editInBrowser() {
      page.removeAllListeners('dialog');
      page.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.accept();
      });
      await logIn(page, h);
      await page.getByRole('link', { name: 'Configuration' }).click();
      await page.getByLabel('Profile', { exact: true }).selectOption(WEB_PROFILE);
      await expect.poll(() => page.getByLabel('Device for tests').inputValue(), POLL).toBe('DTU-EDIT');

      // Test the unsaved scale on the DTU: 42 × 2.
      await page.getByLabel('energy scale', { exact: true }).fill('2');
      const pointRow = page.locator('#points tr[data-row=energy]');
      await pointRow.getByRole('button', { name: 'Test' }).click();
      const tested = page.locator('.config-test tr[data-point=energy] td').first();
      await expect.poll(() => tested.textContent(), POLL).toBe('84');
      expect(readFileSync(path, 'utf8')).toBe(original);

      // Save: one line of the file changes, and the answer says it applied.
      await page.getByLabel('Comment (optional)').fill('double energy');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const note = page.locator('.note', { hasText: 'Saved as version' });
      await note.waitFor(POLL);
      const saved = readFileSync(path, 'utf8');
      expect((yamlData(saved) as any).profiles[WEB_PROFILE].points[0].scale).toBe(2);
      const before = original.split('\n');
      expect(saved.split('\n').filter((line, i) => line !== before[i])).toEqual([
        before.find((l) => /"scale": 1\b/.test(l))!.replace('"scale": 1', '"scale": 2'),
      ]);
      // Applied live: the DTU stays connected and its next values are read with the new scale.
      expect(await note.textContent()).toContain('Applied live.');
      await expect.poll(() => h.app.latest.get('DTU-EDIT', 'energy')?.value, POLL).toBe(84);

      // A value the schema refuses: nothing written, the problem shown under the field.
      await page.getByLabel('energy scale', { exact: true }).fill('abc');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const problem = pointRow.locator('.field-problem');
      await problem.waitFor(POLL);
      expect(await problem.textContent()).toMatch(/^line \d+: /);
      await page.getByText('Not saved: the configuration has problems').waitFor(POLL);
      expect(readFileSync(path, 'utf8')).toBe(saved);

      // History: the baseline and the save; the diff of the baseline; roll back to it.
      await page.getByRole('tab', { name: 'History' }).click();
      const rows = page.locator('table.config-versions tbody tr');
      await expect.poll(() => rows.count(), POLL).toBe(2);
      expect(await rows.nth(0).textContent()).toContain('double energy');
      const baseline = rows.nth(1);
      expect(await baseline.textContent()).toContain('as found');
      await baseline.getByRole('button', { name: 'Diff with the file' }).click();
      await expect
        .poll(() => page.locator('.config-diff .diff-del').allTextContents(), POLL)
        .toEqual([`- ${before.find((l) => /"scale": 1\b/.test(l))}\n`]);
      await baseline.getByRole('button', { name: 'Roll back' }).click();
      await page.locator('.note', { hasText: 'Saved as version 3' }).waitFor(POLL);
      expect(readFileSync(path, 'utf8')).toBe(original);
      await expect.poll(() => h.app.latest.get('DTU-EDIT', 'energy')?.value, POLL).toBe(42);
      expect(h.app.gateway.sessions().filter((s) => s.deviceId === 'DTU-EDIT')).toHaveLength(1);
      await expect.poll(() => rows.count(), POLL).toBe(3);
      expect(await rows.nth(0).textContent()).toContain('rolled back to 1');
      expect(dialogs).toEqual([`confirm: Write version 1 back to points.yml?`]);
      expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    }
  }, 60_000);

  it('edits a webhook endpoint of the shipped rules.yml in the form: one line changes', async () => {
    const shipped = readFileSync(new URL('../../config/rules.yml', import.meta.url), 'utf8');
    const h = await boot({ rules: shipped });
    const path = join(h.dir, 'rules.yml');
    const { page, context } = await openPage(await chromium());
    try {
      await logIn(page, h);
      await page.goto(h.webUrl() + '/config');
      await page.getByRole('tab', { name: 'Rules and webhooks (rules.yml)' }).click();
      const timeout = page.getByLabel('ops timeout', { exact: true });
      await expect.poll(() => timeout.inputValue(), POLL).toBe('5s');
      await timeout.fill('9s');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.locator('.note', { hasText: 'Saved as version 2' }).waitFor(POLL);
      const before = shipped.split('\n');
      const after = readFileSync(path, 'utf8').split('\n');
      expect(after).toHaveLength(before.length);
      expect(after.filter((line, i) => line !== before[i])).toEqual(['    timeout: 9s']);
    } finally {
      await context.close();
    }
  });
});
