import { readFileSync } from 'node:fs';
import { reportError } from './cli/common.ts';
import { benchCommand, benchHelp } from './cli/bench.ts';
import { buildCommand, buildHelp } from './cli/build.ts';
import { fidelityCommand, fidelityHelp } from './cli/fidelity.ts';
import { invokeCommand, invokeHelp } from './cli/invoke.ts';
import { layerCommand, layerHelp } from './cli/layer.ts';
import { listCommand, listHelp } from './cli/list.ts';
import { nightlyCommand, nightlyHelp } from './cli/nightly.ts';
import { reportCommand, reportHelp } from './cli/report.ts';
import { runCommand, runHelp } from './cli/run.ts';
import { serveCommand, serveHelp } from './cli/serve.ts';

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  run: { run: runCommand, help: runHelp },
  list: { run: listCommand, help: listHelp },
  invoke: { run: invokeCommand, help: invokeHelp },
  serve: { run: serveCommand, help: serveHelp },
  bench: { run: benchCommand, help: benchHelp },
  build: { run: buildCommand, help: buildHelp },
  report: { run: reportCommand, help: reportHelp },
  nightly: { run: nightlyCommand, help: nightlyHelp },
  fidelity: { run: fidelityCommand, help: fidelityHelp },
  layer: { run: layerCommand, help: layerHelp },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const topHelp = `bootspec ${version()}: conformance suite and benchmark harness for AWS Lambda custom runtimes

Usage: bootspec <command> [options]   (bootspec <command> --help for details)

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.help.split('\n')[2]}`)
  .join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`bootspec: unknown command "${name}"\n\n${topHelp}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // parseArgs throws TypeErrors with code ERR_PARSE_ARGS_* for unknown or malformed flags
    const code = (err as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`bootspec: ${(err as Error).message}\n  fix: see bootspec ${process.argv[2]} --help\n`);
      process.exitCode = 2;
      return;
    }
    process.exitCode = reportError(err);
  },
);
