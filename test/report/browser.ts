/**
 * Debian's Chromium driven by playwright-core, for the report's browser tests. Never downloads a
 * browser: a missing /usr/bin/chromium is an error that names scripts/setup-browser.sh.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BOOTSPEC_CHROMIUM ?? '/usr/bin/chromium';

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the report's browser tests need it. Run: bash scripts/setup-browser.sh (or set BOOTSPEC_CHROMIUM)`);
  }
}

export interface Headless {
  browser: Browser;
  /** A page that refuses every request except file:// and records console errors and page errors. */
  page(): Promise<{ page: Page; errors: string[]; requests: string[] }>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Headless> {
  requireChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright-core gives every launch a new empty --user-data-dir of its own (it refuses ours).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async page() {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      // The report must need no network: anything but the file itself is refused and recorded.
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file://')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      return { page, errors, requests };
    },
    async close() {
      await browser.close();
    },
  };
}
