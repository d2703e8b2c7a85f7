import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { Area } from './define.ts';
import { CODE_EXT } from '../code-kind.ts';

export const SUITES_DIR = fileURLToPath(new URL('../../suites/', import.meta.url));

/** Every area in suites/, in file order; outside vitest importing them only returns their data. */
export async function loadCatalog(): Promise<Area[]> {
  const files = readdirSync(SUITES_DIR).filter((f) => f.endsWith(CODE_EXT)).sort();
  const areas: Area[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(`${SUITES_DIR}${f}`).href)) as { default?: Area };
    if (!mod.default?.scenarios) throw new Error(`suites/${f} does not export an area as default`);
    areas.push(mod.default);
  }
  const ids = new Set<string>();
  for (const a of areas) {
    for (const s of a.scenarios) {
      if (ids.has(s.meta.id)) throw new Error(`scenario id ${s.meta.id} is declared twice`);
      ids.add(s.meta.id);
    }
  }
  return areas;
}

/** Scenario ids selected by `--only` prefixes (an id, an area, or any prefix ending at a dot). */
export function selectIds(areas: Area[], only: string[]): Set<string> {
  const all = areas.flatMap((a) => a.scenarios.map((s) => s.meta.id));
  if (only.length === 0) return new Set(all);
  const selected = all.filter((id) => only.some((p) => id === p || id.startsWith(p.endsWith('.') ? p : `${p}.`)));
  if (selected.length === 0) {
    throw new BootspecError(ErrorCodes.USAGE, `--only ${only.join(' ')} selects no scenario`, {
      hint: `use an area (${areas.map((a) => a.name).join(', ')}) or a scenario id; bootspec list shows them`,
    });
  }
  return new Set(selected);
}
