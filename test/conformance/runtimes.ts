import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../e2e/cli.ts';

export const RUNTIMES_DIR = join(ROOT, 'runtimes-under-test');
export const BROKEN_DIR = join(RUNTIMES_DIR, 'broken');

function manifest(dir: string): { conformance?: boolean; expectations?: string } | undefined {
  const file = join(dir, 'runtime.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { conformance?: boolean; expectations?: string }) : undefined;
}

/** Runtimes that implement the probe (runtime.json without "conformance": false). */
export function conformanceRuntimes(parent: string): string[] {
  return readdirSync(parent)
    .filter((d) => !d.startsWith('_') && d !== 'broken')
    .map((d) => join(parent, d))
    .filter((d) => {
      const m = manifest(d);
      return m !== undefined && m.conformance !== false;
    })
    .sort();
}

export interface ExpectedVerdicts {
  [id: string]: { verdict: string; reason: string };
}

export function expectationsOf(dir: string): ExpectedVerdicts {
  const m = manifest(dir);
  if (!m?.expectations) return {};
  return JSON.parse(readFileSync(join(dir, m.expectations), 'utf8')) as ExpectedVerdicts;
}
