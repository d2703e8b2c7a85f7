import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, importGraph, importSpecifiers, tsFilesUnder } from './import-graph.ts';

const HARNESS = resolve(import.meta.dirname, '../../harness');
const API = join(HARNESS, 'api');

describe('harness/api has no import cycle', () => {
  // The whole harness is walked, so a cycle that leaves harness/api and comes back is found too.
  const graph = importGraph(tsFilesUnder(HARNESS));
  const name = (p: string) => relative(HARNESS, p);

  it('sees the imports it is meant to judge', () => {
    const imports = (graph.get(join(API, 'runtime-api.ts')) ?? []).map(name);
    expect(imports).toContain('api/handlers/next.ts');
    expect(imports).toContain('api/types.ts');
    expect((graph.get(join(API, 'handlers/result.ts')) ?? []).map(name)).toContain('api/types.ts');
  });

  it('finds no cycle through any module of harness/api', () => {
    const touchingApi = findCycles(graph)
      .filter((c) => c.some((p) => p.startsWith(`${API}/`)))
      .map((c) => c.map(name).join(' -> '));
    expect(touchingApi).toEqual([]);
  });

  it('keeps the handlers off the RuntimeApi class: they see its state through an interface', () => {
    for (const [file, imports] of graph) {
      if (!file.startsWith(join(API, 'handlers/'))) continue;
      expect(imports.map(name), name(file)).not.toContain('api/runtime-api.ts');
    }
  });
});

describe('the cycle finder', () => {
  it('finds a cycle of three, a self-import, and nothing in a tree', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(findCycles(cyclic)).toEqual([['a', 'b', 'c'], ['e']]);
    const tree = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ]);
    expect(findCycles(tree)).toEqual([]);
  });

  it('reads every import form, over several lines, and skips comments and packages', () => {
    const source = [
      "import { now } from '../clock.ts';",
      'import type {',
      '  A,',
      '  B,',
      "} from './types.ts';",
      "export { x } from './x.ts';",
      "export * from './star.ts';",
      "import './side-effect.ts';",
      "const lazy = await import('./lazy.ts');",
      "// import { gone } from './commented.ts';",
      " * import { doc } from './in-a-doc-comment.ts';",
      "export interface Shape { from: string; to: 'x' }",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['../clock.ts', './types.ts', './x.ts', './star.ts', './side-effect.ts', './lazy.ts']);
  });

  describe('on files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootspec-cycles-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('finds the knot a type-only import makes (the one runtime-api.ts and its handlers had)', () => {
      mkdirSync(join(dir, 'handlers'));
      writeFileSync(join(dir, 'api.ts'), "import { handle } from './handlers/next.ts';\nimport { Http } from 'node:http';\n");
      writeFileSync(join(dir, 'handlers/next.ts'), "import type { Api } from '../api.ts';\nimport { ok } from '../ok.ts';\n");
      writeFileSync(join(dir, 'ok.ts'), 'export const ok = 1;\n');
      const cycles = findCycles(importGraph(tsFilesUnder(dir)));
      expect(cycles.map((c) => c.map((p) => relative(dir, p)))).toEqual([['api.ts', 'handlers/next.ts']]);
    });
  });
});
