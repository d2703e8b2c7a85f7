import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peekRuntime } from '../../harness/environment/manifest.ts';
import { ROOT } from '../e2e/cli.ts';

export const RUNTIMES_DIR = join(ROOT, 'runtimes-under-test');
export const BROKEN_DIR = join(RUNTIMES_DIR, 'broken');

/** Runtimes that implement the probe (runtime.json without "conformance": false). */
export function conformanceRuntimes(parent: string): string[] {
  return readdirSync(parent)
    .filter((d) => !d.startsWith('_') && d !== 'broken')
    .map((d) => join(parent, d))
    .filter((d) => {
      const m = peekRuntime(d);
      return m?.kind === 'manifest' && m.conformance;
    })
    .sort();
}

export interface ExpectedVerdicts {
  [id: string]: { verdict: string; reason: string };
}

export function expectationsOf(dir: string): ExpectedVerdicts {
  const file = peekRuntime(dir)?.expectations;
  if (file === undefined) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as ExpectedVerdicts;
}
