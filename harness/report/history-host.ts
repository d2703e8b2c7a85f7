/**
 * What machine a run was made on, recorded in every results document so that history can tell
 * whether two runs' figures are comparable (same host fingerprint) before calling a change a regression.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { readManifestFile } from '../environment/manifest.ts';

export interface HostFingerprint {
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  memoryMb: number;
  node: string;
  /** sha256 (12 hex) of the fields above: equal fingerprints mean comparable machines. */
  fingerprint: string;
}

function osName(): string {
  const file = '/etc/os-release';
  if (!existsSync(file)) return `${os.type()} ${os.release()}`;
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync(file, 'utf8'));
  return pretty?.[1] ?? os.type();
}

export function describeHost(): HostFingerprint {
  const cpus = os.cpus();
  const fields = {
    os: osName(),
    kernel: os.release(),
    arch: process.arch,
    cpuModel: (cpus[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    cpus: cpus.length,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 12);
  return { ...fields, fingerprint };
}

/** runtime.json exactly as it was on disk when the run was written, or null for a bare bootstrap folder. */
export function manifestAsRun(dir: string): { manifest: unknown; manifestSha256: string } | { manifest: null; manifestSha256: null } {
  const file = readManifestFile(dir);
  if (file === undefined) return { manifest: null, manifestSha256: null };
  const { text } = file;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text) as unknown;
  } catch {
    manifest = text;
  }
  return { manifest, manifestSha256: createHash('sha256').update(text).digest('hex') };
}
