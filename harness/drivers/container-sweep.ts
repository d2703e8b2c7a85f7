/**
 * Detached sweeper: `node --import tsx container-sweep.ts <run-id>` removes one run's containers.
 * Spawned by a bootspec process that is exiting and cannot wait for Docker itself.
 */
import { removeContainers, RUN_LABEL } from './container-cleanup.ts';

const runId = process.argv[2];
if (runId) {
  try {
    await removeContainers({ [RUN_LABEL]: runId });
  } catch {
    // nothing to tell anyone: the next start's sweepStale retries
  }
}
