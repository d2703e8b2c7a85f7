import { parseArgs } from 'node:util';
import { prepareRuntime } from '../environment/prepare.ts';
import { lambdaRefusal, WITHIN_LIMITS_ID } from '../suite/package-refusal.ts';
import { reportError } from './common.ts';

export const buildHelp = `bootspec build <runtime>... [--force]

Builds runtimes (their runtime.json "build" command) and checks their artifacts, without running
them. Builds are cached by sources and toolchain versions; --force rebuilds.
`;

export async function buildCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(buildHelp);
    return values.help ? 0 : 2;
  }
  let failed = 0;
  for (const dir of positionals) {
    const t0 = Date.now();
    try {
      const p = await prepareRuntime(dir, { forceBuild: values.force ?? false, onBuildOutput: (l) => process.stderr.write(`  build | ${l}\n`) });
      p.dispose();
      process.stderr.write(`bootspec: ${p.manifest.name}: ${p.build.built ? `built in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'up to date'}\n`);
    } catch (err) {
      const lambda = lambdaRefusal(err);
      if (lambda !== undefined) {
        // Over Lambda's layer limits: not a build failure but the runtime's verdict, which `bootspec run` gives it.
        process.stderr.write(`bootspec: ${dir}: Lambda would refuse this package (${lambda}); bootspec run judges it as ${WITHIN_LIMITS_ID}\n`);
        continue;
      }
      failed += 1;
      reportError(err);
    }
  }
  return failed ? 1 : 0;
}
