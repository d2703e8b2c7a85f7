/**
 * The npm package as a runtime author gets it: `npm pack` (whose prepack compiles dist/), installed
 * into an empty folder with production dependencies only, then the installed CLI lists scenarios
 * and runs the startup area against a copy of node-plain. Needs the npm registry or a warm npm cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bootspec-pack-'));
const app = join(work, 'app');
let bin = '';

beforeAll(() => {
  execFileSync('npm', ['pack', '--pack-destination', work], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  cpSync(join(REPO, 'runtimes-under-test/node-plain'), join(work, 'node-plain'), { recursive: true, filter: (s) => !s.includes('/build') });
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "author-app", "private": true }\n');
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(work, tarball)], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'], timeout: 240_000 });
  bin = join(app, 'node_modules/.bin/bootspec');
}, 420_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed with production dependencies only', () => {
  it('ships compiled JavaScript and no TypeScript runner', () => {
    const installed = join(app, 'node_modules');
    expect(readdirSync(installed)).not.toContain('tsx');
    expect(readdirSync(installed)).not.toContain('typescript');
    expect(readdirSync(join(installed, 'bootspec/dist/suites')).some((f) => f.endsWith('.js'))).toBe(true);
  });

  it('lists the scenarios', () => {
    const r = spawnSync(bin, ['list'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/startup\.runtime-api-address\s+MUST/);
  });

  it('runs the startup area against node-plain from the compiled suites', () => {
    const r = spawnSync(bin, ['run', join(work, 'node-plain'), '--only', 'startup', '--json', join(work, 'r.json')], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const doc = JSON.parse(readFileSync(join(work, 'r.json'), 'utf8')) as { runs: Array<{ results: Array<{ id: string; verdict: string }> }> };
    const startup = doc.runs[0]?.results.filter((x) => x.id.startsWith('startup.')) ?? [];
    expect(startup.length).toBeGreaterThan(0);
    expect(startup.map((x) => `${x.id} ${x.verdict}`)).toEqual(startup.map((x) => `${x.id} pass`));
  });
});
