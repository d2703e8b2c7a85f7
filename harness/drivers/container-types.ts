/** Public shapes of the container driver. */
import type { CpuModel } from './container-limits.ts';
import type { SandboxExecResult, SandboxUser as User } from './types.ts';

/** Who a command in the sandbox runs as: the function's user (sbx_user1051) or root. */
export type SandboxUser = User;

export type ContainerExecResult = SandboxExecResult;

/**
 * A prepared container run, handed from the CLI to the suite's workers (serialisable): the image is
 * built and the run's labels chosen, so a worker only starts containers.
 */
export interface ContainerTarget {
  /** The sandbox image (bootspec-sandbox:<hash>). */
  image: string;
  /** The base image it was built on (bootspec-lambda-base:<hash> or --base-image). */
  base: string;
  /** Labels every container of this run carries. */
  runId: string;
  owner: string;
  /** /tmp size in MB (Lambda's ephemeral storage, 512 by default). */
  ephemeralStorageMb: number;
  /** How CPU follows memory: a weight (default) or Lambda's hard cap. */
  cpu: CpuModel;
  /** Host CPUs the sandboxes run on (Docker's CpusetCpus, e.g. "1"); any when unset. `bench` pins with it. */
  cpuset?: string;
}

export interface ContainerDriverPrepareOptions {
  /** A base image already in the local engine, e.g. public.ecr.aws/lambda/provided:al2023. */
  baseImage?: string;
  ephemeralStorageMb?: number;
  cpu?: CpuModel;
  /** Host CPUs the sandboxes run on (Docker's CpusetCpus); any when unset. */
  cpuset?: string;
  /** Image build progress, one line at a time. */
  onProgress?: (line: string) => void;
}
