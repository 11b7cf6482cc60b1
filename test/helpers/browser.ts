// Debian's chromium driven by playwright-core (no browser download): a fresh profile per
// launch, headless, no network besides the app on 127.0.0.1. Launch failures are errors:
// a browser test that cannot reach chromium fails, it never skips.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { TEST_ADMIN_PASSWORD, type Harness } from './app-harness.js';

/** How long a test waits for the page to show something (generous: CI machines are shared). */
export const POLL = { timeout: 15_000 } as const;

export const CHROMIUM = process.env['DTUHUB_CHROMIUM'] ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Playwright gives every launch a new temporary user-data dir and removes it on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it with apt-get install -y --no-install-recommends chromium (.ci/run does)`,
    );
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  /** Every alert/confirm/prompt the page opened (an XSS would show up here). */
  dialogs: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/** A new context (own cookies) and page, English unless `locale` says otherwise; dialogs are
 * recorded and dismissed, or accepted with `acceptDialogs`. */
export async function openPage(
  browser: Browser,
  options: { locale?: string; width?: number; height?: number; acceptDialogs?: boolean } = {},
): Promise<BrowserPage> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void (options.acceptDialogs ? dialog.accept() : dialog.dismiss());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    // The app asks /api/me before anyone has logged in: that 401 is expected.
    if (msg.type() === 'error' && !/status of 401/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, dialogs, errors };
}

/** Logs in through the login form and waits for the app shell. */
export async function logIn(page: Page, h: Harness, username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<void> {
  await page.goto(h.webUrl() + '/');
  await page.getByLabel(/username|用户名/i).fill(username);
  await page.getByLabel(/^(password|密码)$/i).fill(password);
  await page.getByRole('button', { name: /sign in|登录/i }).click();
  await page.getByRole('navigation').waitFor();
}

/**
 * One chromium for a test file, launched by the first test that asks (so a missing browser
 * fails that test, it is never skipped) and closed after the file's tests.
 */
export function sharedBrowser(): () => Promise<Browser> {
  let launching: Promise<Browser> | null = null;
  afterAll(async () => {
    await (await launching?.catch(() => null))?.close();
  });
  return () => {
    launching ??= launchChromium();
    return launching;
  };
}
