/**
 * A small import graph of TypeScript sources, read with regular expressions (no compiler): enough to
 * find cycles between a folder's modules. Type-only imports count: a cycle of types is still a knot.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `import … from '…'`, `import type …`, `export … from '…'`, over several lines if need be. */
const STATIC = /^[ \t]*(?:import|export)(?:[ \t]+type)?[\w$\s{},*]*?\bfrom\s*['"]([^'"]+)['"]/gm;
/** `import './side-effect.ts'`. */
const BARE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
/** `import('./lazy.ts')`. */
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a source imports or re-exports, in order of appearance per kind. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const re of [STATIC, BARE, DYNAMIC]) for (const m of source.matchAll(re)) out.push(m[1] as string);
  return out;
}

/** Every .ts file under `dir`, as absolute paths. */
export function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFilesUnder(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** A relative specifier resolved to one of `files`, or undefined (a package, or a file not among them). */
function resolveSpecifier(from: string, spec: string, files: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const p of [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (files.has(p) && existsSync(p)) return p;
  }
  return undefined;
}

/** file -> the files among `files` it imports. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const set = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const targets = importSpecifiers(readFileSync(f, 'utf8'))
      .map((s) => resolveSpecifier(f, s, set))
      .filter((p): p is string => p !== undefined);
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

/**
 * The import cycles of a graph: each strongly connected component with more than one module, or one
 * module importing itself (Tarjan's algorithm). Members are sorted, components by their first member.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;

  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };

  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}
