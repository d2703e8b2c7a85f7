/** The function environment: what a function sees (files, bootstrap, environment variables, limits). */
export { assembleFiles } from './assemble.ts';
export { BOOTSTRAP_NOT_FOUND_MESSAGE, findBootstrap } from './bootstrap.ts';
export {
  buildEnvironment,
  checkFunctionConfig,
  defaultFunctionConfig,
  newLogStreamName,
  PLACEHOLDER_CREDENTIALS,
  RESERVED_ENV_VARS,
} from './env.ts';
export {
  MAX_LAYERS,
  MAX_MEMORY_MB,
  MAX_TIMEOUT_S,
  MAX_UNZIPPED_BYTES,
  MAX_USER_ENV_BYTES,
  MIN_MEMORY_MB,
  UnzippedBudget,
} from './limits.ts';
export { checkArtifacts, loadRuntime, MANIFEST_FILE, peekRuntime, readManifestFile } from './manifest.ts';
export type * from './types.ts';
export { extractZip } from './zip.ts';
