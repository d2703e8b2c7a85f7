/** The figures of Lambda's sandbox that the container driver copies (docs/requirements.md#sandbox). */
import { BootspecError, ErrorCodes } from '../errors.ts';
import { MAX_MEMORY_MB, MIN_MEMORY_MB } from '../environment/limits.ts';

/** Lambda's function user: `id` in a function prints uid=993(sbx_user1051) gid=990. */
export const SANDBOX_USER = { name: 'sbx_user1051', uid: 993, gid: 990 } as const;

/** Ephemeral storage (/tmp), 512–10,240 MB in 1 MB steps; 512 MB unless configured. */
export const DEFAULT_EPHEMERAL_MB = 512;
export const MIN_EPHEMERAL_MB = 512;
export const MAX_EPHEMERAL_MB = 10_240;

/** 1,769 MB of memory buys one full vCPU; CPU is proportional below and above that. */
export const MB_PER_VCPU = 1769;

/**
 * How CPU follows memory:
 *   share  a weight proportional to memory (1,769 MB weighs as one full CPU against the other
 *          sandboxes); no hard cap, so CPU-bound timing matches the process driver (the default);
 *   quota  a hard cap of memory / 1,769 vCPU, as Lambda enforces it: 7 % of a CPU at 128 MB, so a
 *          JVM's re-init no longer fits in a 2 s timeout, as it would not on a 128 MB Lambda.
 */
export type CpuModel = 'share' | 'quota';
export const CPU_MODELS: readonly CpuModel[] = ['share', 'quota'];

/** Docker's weight of one full CPU (cpu.shares). */
const SHARES_PER_CPU = 1024;

/** File descriptors and processes/threads per environment (docs/requirements.md#sandbox, old quotas page). */
export const NOFILE_LIMIT = 1024;
export const NPROC_LIMIT = 1024;

export interface SandboxLimits {
  memoryBytes: number;
  /** CPU quota in billionths of a CPU (Docker's NanoCpus); 0 = no cap (model `share`). */
  nanoCpus: number;
  /** CPU weight against other containers (Docker's CpuShares); 0 = the default weight (model `quota`). */
  cpuShares: number;
  ephemeralBytes: number;
  nofile: number;
  nproc: number;
}

export function sandboxLimits(memoryMb: number, ephemeralMb: number = DEFAULT_EPHEMERAL_MB, cpu: CpuModel = 'share'): SandboxLimits {
  checkMemory(memoryMb);
  checkEphemeral(ephemeralMb);
  const vcpus = memoryMb / MB_PER_VCPU;
  return {
    memoryBytes: memoryMb * 1024 * 1024,
    nanoCpus: cpu === 'quota' ? Math.round(vcpus * 1e9) : 0,
    // Docker's smallest weight is 2
    cpuShares: cpu === 'share' ? Math.max(2, Math.round(vcpus * SHARES_PER_CPU)) : 0,
    ephemeralBytes: ephemeralMb * 1024 * 1024,
    nofile: NOFILE_LIMIT,
    nproc: NPROC_LIMIT,
  };
}

function checkMemory(mb: number): void {
  if (!Number.isInteger(mb) || mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
    throw new BootspecError(ErrorCodes.USAGE, `memory must be a whole number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}, got ${mb}`, {
      hint: 'Lambda memory is set in 1 MB steps within that range',
    });
  }
}

export function checkEphemeral(mb: number): void {
  if (!Number.isInteger(mb) || mb < MIN_EPHEMERAL_MB || mb > MAX_EPHEMERAL_MB) {
    throw new BootspecError(ErrorCodes.USAGE, `ephemeral storage must be a whole number of MB from ${MIN_EPHEMERAL_MB} to ${MAX_EPHEMERAL_MB}, got ${mb}`, {
      hint: `Lambda's /tmp is 512–10,240 MB; leave it out for the default ${DEFAULT_EPHEMERAL_MB} MB`,
    });
  }
}
