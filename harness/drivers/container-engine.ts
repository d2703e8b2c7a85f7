/**
 * The Docker engine, reached through testcontainers. Loaded lazily, so the process driver never pays
 * for it. Ryuk (testcontainers' reaper) is off: it is an image that would have to be pulled, and no
 * registry is assumed; bootspec removes its containers itself (container-cleanup.ts).
 */
import type { ContainerRuntimeClient } from 'testcontainers';
import { BootspecError, ErrorCodes } from '../errors.ts';

export const START_ENGINE_HINT =
  'start a Docker engine: bash scripts/setup-docker.sh (installs docker.io if missing, starts dockerd, waits for `docker info`), ' +
  'or point DOCKER_HOST at a running engine; --driver process needs no Docker';

let client: Promise<ContainerRuntimeClient> | undefined;

/** The engine's client, connected once per process; DOCKER_UNAVAILABLE with the fix when there is none. */
export function dockerClient(): Promise<ContainerRuntimeClient> {
  client ??= connect();
  return client;
}

async function connect(): Promise<ContainerRuntimeClient> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const c = await getContainerRuntimeClient();
    // getContainerRuntimeClient may answer from a cached strategy: make sure the engine is there now.
    await c.container.dockerode.ping();
    return c;
  } catch (err) {
    client = undefined;
    throw new BootspecError(ErrorCodes.DOCKER_UNAVAILABLE, `no Docker engine answers (${firstLine(err)})`, { hint: START_ENGINE_HINT, cause: err });
  }
}

/** The engine's short description for reports: version, storage driver, cgroup version. */
export async function engineDescription(): Promise<string> {
  const c = await dockerClient();
  const info = (await c.container.dockerode.info()) as { ServerVersion?: string; Driver?: string; CgroupVersion?: string };
  return `Docker ${info.ServerVersion ?? '?'} (${info.Driver ?? '?'}, cgroup v${info.CgroupVersion ?? '?'})`;
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.trim() || 'unknown error';
}

/** Docker's "not found" and "already being removed" answers, which a cleanup can ignore. */
export function isGoneError(err: unknown): boolean {
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return status === 404 || status === 409;
}
