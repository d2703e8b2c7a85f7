/** The control plane as `bootspec serve` starts it: flags, store, work folder. */
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Driver } from '../drivers/types.ts';
import { LayerStore } from '../layers/store.ts';
import { parseAccounts } from './caller.ts';
import { ControlPlane } from './control-plane.ts';

export const CONTROL_PLANE_FLAGS = {
  accounts: { type: 'string' },
  'layer-store': { type: 'string' },
} as const;

export const CONTROL_PLANE_FLAGS_HELP = `  --accounts K=A,...    control plane: access key id K acts as account A (12 digits, optionally
                        :o-<org id>); other keys act as 123456789012. Signatures are not checked
  --layer-store DIR     control plane: the layer store (default $BOOTSPEC_LAYER_STORE, else
                        \${XDG_CACHE_HOME:-~/.cache}/bootspec/layers)
`;

export function startControlPlane(
  driver: Driver,
  flags: { accounts?: string | undefined; 'layer-store'?: string | undefined; quiet?: boolean | undefined; concurrency?: number },
): ControlPlane {
  const accounts = parseAccounts(flags.accounts);
  const store = flags['layer-store'] === undefined ? new LayerStore() : new LayerStore(flags['layer-store']);
  // Made on first use (the first function's code): a serve that is killed outright leaves nothing behind.
  const workDir = path.join(tmpdir(), `bootspec-control-plane-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Ctrl-C ends bootspec from the reaper's signal handler (drivers/reaper.ts), before close() runs.
  process.once('exit', () => rmSync(workDir, { recursive: true, force: true }));
  return new ControlPlane({
    store,
    driver,
    accounts,
    workDir,
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.quiet ? {} : { onLog: (name, l) => process.stdout.write(`${name} | ${l.text}\n`) }),
  });
}
