import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFidelity } from '../fidelity/run.ts';
import { renderTable } from '../fidelity/table.ts';
import { intFlag } from './common.ts';

export const fidelityHelp = `bootspec fidelity [options]

Measures the mock Runtime API against the AWS Runtime Interface Emulator (RAPID): the corpus in
harness/fidelity/corpus/ and generated conversations go to both, side by side; prints the divergence
table, the divergence count and the share of the corpus that agrees. Exit 1 on an unlisted divergence.
Needs the emulator: bash scripts/bench-install-rie.sh

  --fuzz-seconds N   generate conversations for N seconds after the corpus (default 20)
  --seed S           fuzzer seed (default: the day, so a CI day replays)
  --only RE          corpus conversations whose id matches RE
  --save-found       add shrunk fuzz reproducers to harness/fidelity/corpus/fuzz-found.json
  --json F           write the results document (bootspec.fidelity.v1) to F
`;

export async function fidelityCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      'fuzz-seconds': { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      'save-found': { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(fidelityHelp);
    return 0;
  }
  const fuzzSeconds = intFlag('fuzz-seconds', values['fuzz-seconds'], 0, 86_400) ?? 20;
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1) ?? Math.floor(Date.now() / 86_400_000);
  const report = await runFidelity({
    fuzzSeconds,
    seed,
    saveFound: values['save-found'],
    ...(values.only ? { only: new RegExp(values.only) } : {}),
    onResult: (r) => process.stderr.write(`${r.agrees ? '=' : r.explained ? '~' : '!'} ${r.conversation}\n`),
  });
  process.stdout.write(renderTable(report));
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.divergences.unlisted > 0 ? 1 : 0;
}
