/**
 * The report in a real browser: Debian's Chromium via playwright-core (scripts/setup-browser.sh).
 * Checks no console error and no network request, then the matrix, a case page and the charts,
 * and leaves screenshots in reports/test-artifacts/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Headless, launchChromium } from './browser.ts';
import { ARTIFACTS, bootspec, FIXTURES, fixtureFiles, tempDir } from './helpers.ts';

let chromium: Headless;
let fixtureReport: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fixtureReport = join(ARTIFACTS, 'fixtures');
  const made = await bootspec(['report', ...fixtureFiles(), '--html', fixtureReport, '--markdown', join(fixtureReport, 'summary.md')]);
  expect(made.code, made.stderr).toBe(0);
  // Fails, never skips, when Chromium is missing: the message names scripts/setup-browser.sh.
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
});

async function open(file: string, hash = ''): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const tab = await chromium.page();
  await tab.page.goto(pathToFileURL(file).href + hash);
  await tab.page.waitForFunction(() => (window as unknown as { bootspecReport?: unknown }).bootspecReport !== undefined);
  return tab;
}

/** Whether a chart drew anything: Chart.js owns the canvas and some pixels are not blank. */
function chartDrawn(page: Page, id: string): Promise<boolean> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement | null;
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(canvas as HTMLCanvasElement);
    if (!canvas || !chart || canvas.width === 0) return false;
    const pixels = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) return true;
    return false;
  }, id);
}

describe('the report in Chromium', () => {
  it('opens from file:// with no console error and no network request, and draws every chart', async () => {
    const { page, errors, requests } = await open(join(fixtureReport, 'index.html'));
    const state = await page.evaluate(() => (window as unknown as { bootspecReport: { charts: number; chartErrors: string[] } }).bootspecReport);
    expect(state.chartErrors).toEqual([]);
    expect(state.charts).toBeGreaterThanOrEqual(10);
    for (const id of ['chart-latency', 'chart-throughput', 'chart-cold', 'chart-memory', 'chart-intervals', 'chart-trend-conformance']) {
      expect(await chartDrawn(page, id), id).toBe(true);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png') });
    await page.locator('#performance').screenshot({ path: join(ARTIFACTS, 'performance.png') });
    await page.locator('#history').screenshot({ path: join(ARTIFACTS, 'history.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows the regression at the top and the matrix with its filters', async () => {
    const { page, errors } = await open(join(fixtureReport, 'index.html'));
    await expect(page.locator('#regressions h2').textContent()).resolves.toMatch(/1 new failure\(s\), 2 performance regression\(s\)/);
    expect(await page.locator('#matrix-table tr.scenario:visible').count()).toBe(49);
    expect(await page.locator('#matrix-table thead .lane-head').allTextContents()).toEqual([
      expect.stringContaining('node-plain'),
      expect.stringContaining('bash'),
      expect.stringContaining('go-aws-lambda-go'),
      expect.stringContaining('rust-lambda-runtime'),
    ]);
    await page.selectOption('#f-verdict', 'problems');
    const problems = await page.locator('#matrix-table tr.scenario:visible').count();
    expect(problems).toBe(6);
    await page.selectOption('#f-level', 'MUST');
    expect(await page.locator('#matrix-table tr.scenario:visible').count()).toBe(2);
    await page.selectOption('#f-level', '');
    await page.fill('#f-search', 'init.error');
    expect(await page.locator('#f-count').textContent()).toMatch(/showing 2 of 49/);
    await page.fill('#f-search', '');
    await page.locator('#matrix').screenshot({ path: join(ARTIFACTS, 'matrix-problems.png') });
    expect(errors).toEqual([]);
  });

  it('opens a failing case from its matrix cell: requirement, expected vs actual, exchange, log, command', async () => {
    const { page, errors } = await open(join(fixtureReport, 'index.html'));
    await page.click('tr[data-id="invocation-id.echo"] td.v-warn a');
    const section = page.locator('section.case:target');
    await expect(section.getAttribute('data-case')).resolves.toBe('invocation-id.echo');
    await expect(page.locator('#matrix').isVisible()).resolves.toBe(false);
    const text = (await section.textContent()) ?? '';
    expect(text).toMatch(/When \/next carries Lambda-Runtime-Invocation-Id/);
    expect(text).toMatch(/lambda-runtime-invocation-id: \(absent\)/);
    expect(await section.locator('details.exchange').count()).toBe(2);
    expect(await section.locator('details.exchange[open] tr.absent').count()).toBe(1);
    expect(text).toMatch(/npx bootspec run runtimes-under-test\/go --only invocation-id\.echo/);
    expect(await section.locator('pre.log').textContent()).toMatch(/REPORT RequestId/);
    await page.screenshot({ path: join(ARTIFACTS, 'case-invocation-id-echo.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => location.hash === '#matrix');
    await expect(page.locator('#matrix').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
  });

  it('draws trends when lanes were measured at different times, from a real bench document', async () => {
    const dir = tempDir('bootspec-real-bench-');
    const inputs = ['results-2026-11-26.json', 'bench-node-plain-2026-11-19.json', 'bench-go-aws-lambda-go-2026-11-19.json', 'captured/bench-node-plain.json'].map((f) => join(FIXTURES, f));
    const made = await bootspec(['report', ...inputs, '--html', dir]);
    expect(made.code, made.stderr).toBe(0);
    const { page, errors, requests } = await open(join(dir, 'index.html'));
    expect(await chartDrawn(page, 'chart-trend--latency.p50Us')).toBe(true);
    expect(await chartDrawn(page, 'chart-hist-L0')).toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('renders the report of a real bootspec run --html the same way', async () => {
    const dir = tempDir('bootspec-run-html-');
    const run = await bootspec(['run', 'runtimes-under-test/node-plain', '--only', 'results', '--no-expectations', '--quiet', '--html', dir]);
    expect(run.code, run.stderr).toBe(0);
    const { page, errors, requests } = await open(join(dir, 'index.html'));
    expect(await page.locator('#matrix-table tr.scenario').count()).toBe(5);
    await page.click('tr[data-id="results.echo"] td.cell a');
    await expect(page.locator('section.case:target h2').textContent()).resolves.toMatch(/Returns JSON results unchanged/);
    await page.screenshot({ path: join(ARTIFACTS, 'real-run-case.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);
});
