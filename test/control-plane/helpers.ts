/** `bootspec serve` as the AWS clients see it, and the node-plain runtime packaged as a layer. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { makeZip } from '../environment/helpers.ts';
import { BIN, ROOT } from '../e2e/cli.ts';

export const ALICE = { accessKeyId: 'AKIDALICE', account: '111111111111' };
export const BOB = { accessKeyId: 'AKIDBOB', account: '222222222222' };
export const CAROL = { accessKeyId: 'AKIDCAROL', account: '333333333333' };
export const ACCOUNTS = [ALICE, BOB, CAROL].map((a) => `${a.accessKeyId}=${a.account}`).join(',');

export interface ServedControlPlane {
  endpoint: string;
  dir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `bootspec serve` (control plane only, a fresh layer store) and waits until it listens. */
export async function serveControlPlane(extra: string[] = []): Promise<ServedControlPlane> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bootspec-cp-test-'));
  const args = [BIN, 'serve', '--port', '0', '--layer-store', path.join(dir, 'store'), '--accounts', ACCOUNTS, ...extra];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`bootspec serve did not print its address within 60 s: ${err}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /control plane on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`bootspec serve exited (${code}): ${err}`)));
  });
  return {
    endpoint,
    dir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const NODE_PLAIN = path.join(ROOT, 'runtimes-under-test', 'node-plain');

/** node-plain's runtime as a layer: /opt/bootstrap and /opt/runtime.js. */
export async function runtimeLayerZip(dir: string): Promise<Buffer> {
  const file = await makeZip(path.join(dir, 'node-plain-layer.zip'), [
    { name: 'bootstrap', data: await readFile(path.join(NODE_PLAIN, 'bootstrap'), 'utf8'), mode: 0o755 },
    { name: 'runtime.js', data: await readFile(path.join(NODE_PLAIN, 'runtime.js'), 'utf8') },
  ]);
  return readFile(file);
}

/** The probe function alone (no bootstrap): its runtime must come from a layer. */
export async function probeFunctionZip(dir: string, extra: Array<{ name: string; data: string }> = []): Promise<Buffer> {
  const file = await makeZip(path.join(dir, `probe-${extra.length}.zip`), [
    { name: 'probe.js', data: await readFile(path.join(NODE_PLAIN, 'probe.js'), 'utf8') },
    ...extra,
  ]);
  return readFile(file);
}
