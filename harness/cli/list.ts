import { loadCatalog } from '../suite/catalog.ts';

export const listHelp = `bootspec list

Lists the conformance scenarios: id, level, title, grouped by area.
`;

export async function listCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(listHelp);
    return 0;
  }
  for (const a of await loadCatalog()) {
    process.stdout.write(`${a.name}: ${a.title}\n`);
    for (const s of a.scenarios) {
      const gate = s.meta.feature ? ` [feature ${s.meta.feature}]` : s.meta.needsPathFidelity ? ' [path fidelity]' : '';
      process.stdout.write(`  ${s.meta.id.padEnd(32)} ${s.meta.level.padEnd(6)} ${s.meta.title}${gate}\n`);
    }
  }
  return 0;
}
