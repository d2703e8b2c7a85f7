/** A runtime folder -> RuntimeManifest (docs/probe-contract.md#manifest): runtime.json, or a bare folder with a bootstrap. */
import { existsSync, readFileSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { isLayerArn, resolveManifestLayer } from '../layers/manifest-layers.ts';
import { assertExecutable } from './bootstrap.ts';
import { isMissing } from './confined-fs.ts';
import { RESERVED_ENV_VARS } from './env.ts';
import { MAX_USER_ENV_BYTES } from './limits.ts';
import { checkManifestShape, parseManifestJson, type RawManifest } from './manifest-schema.ts';
import type { LoadRuntimeOptions, ManifestFile, RuntimeManifest, RuntimePeek } from './types.ts';

export const MANIFEST_FILE = 'runtime.json';
const DEFAULT_HANDLER = 'handler';

export async function loadRuntime(dir: string, opts: LoadRuntimeOptions = {}): Promise<RuntimeManifest> {
  const abs = path.resolve(dir);
  await checkFolder(abs, dir);
  const manifest = readManifestFile(abs);
  if (manifest === undefined) return bareRuntime(abs, opts);
  const { file, text } = manifest;
  const raw = checkManifestShape(parseManifestJson(text, file), file);
  checkEnv(raw.env ?? {}, file);
  const at = (p: string): string => path.resolve(abs, p);
  return {
    name: raw.name,
    description: raw.description ?? '',
    probe: 1,
    dir: abs,
    build: raw.build,
    function: at(raw.function),
    // An entry may be a layer version ARN from the layer store (bootspec layer publish).
    layers: await Promise.all((raw.layers ?? []).map((l, i) => (isLayerArn(l) ? resolveManifestLayer(l, `layers[${i}]`, file) : at(l)))),
    handler: opts.handler ?? raw.handler ?? DEFAULT_HANDLER,
    env: { ...raw.env },
    features: [...(raw.features ?? [])],
    expectations: raw.expectations === undefined ? undefined : at(raw.expectations),
    bare: false,
    conformance: raw.conformance ?? true,
  };
}

/** The one place bootspec reads a runtime.json: its text as on disk, or undefined when there is none. */
export function readManifestFile(dir: string): ManifestFile | undefined {
  const file = path.join(path.resolve(dir), MANIFEST_FILE);
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * A folder's runtime.json read without validating, for listing runtimes before any is loaded;
 * undefined when the folder holds neither a runtime.json nor a bootstrap. A runtime.json that
 * cannot be read or parsed peeks as a plain conformance runtime: loading it says what is wrong.
 */
export function peekRuntime(dir: string): RuntimePeek | undefined {
  const abs = path.resolve(dir);
  let doc: unknown;
  try {
    const manifest = readManifestFile(abs);
    if (manifest === undefined) {
      if (!existsSync(path.join(abs, 'bootstrap'))) return undefined;
      return { kind: 'bare', name: bareName(abs), conformance: true, expectations: undefined };
    }
    doc = parseManifestJson(manifest.text, manifest.file);
  } catch {
    doc = undefined;
  }
  const fields = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  return {
    kind: 'manifest',
    name: typeof fields.name === 'string' ? fields.name : bareName(abs),
    conformance: fields.conformance !== false,
    expectations: typeof fields.expectations === 'string' ? path.resolve(abs, fields.expectations) : undefined,
  };
}

/**
 * The manifest names build outputs that need not exist when it is loaded; this checks they do now.
 * Throws RUNTIME_FOLDER_INVALID naming the field and, when there is a build, saying to run it.
 */
export async function checkArtifacts(m: RuntimeManifest): Promise<void> {
  const fields: Array<[string, string]> = [['function', m.function], ...m.layers.map((l, i): [string, string] => [`layers[${i}]`, l])];
  for (const [field, p] of fields) {
    const st = await statOrUndefined(p);
    if (st?.isDirectory() || st?.isFile()) continue;
    const shown = path.relative(m.dir, p) || '.';
    const why = st === undefined ? 'does not exist' : 'is neither a folder nor a file';
    const fix =
      m.build !== undefined
        ? `run the build first: (cd ${m.dir} && ${m.build}); if it ran, check that it writes ${shown}`
        : `create ${shown}, or fix "${field}" in ${MANIFEST_FILE}`;
    throw new BootspecError(ErrorCodes.RUNTIME_FOLDER_INVALID, `${m.name}: "${field}" names ${p}, which ${why}`, { hint: fix });
  }
}

async function checkFolder(abs: string, given: string): Promise<void> {
  const st = await statOrUndefined(abs);
  if (st?.isDirectory()) return;
  throw new BootspecError(
    ErrorCodes.RUNTIME_FOLDER_INVALID,
    `runtime folder ${JSON.stringify(given)} ${st === undefined ? 'does not exist' : 'is not a folder'} (${abs})`,
    { hint: `pass a folder that holds a ${MANIFEST_FILE} (docs/probe-contract.md#manifest) or an executable bootstrap` },
  );
}

/** docs/probe-contract.md#manifest: a folder with only an executable bootstrap is a runtime too, handler from the command line. */
async function bareRuntime(abs: string, opts: LoadRuntimeOptions): Promise<RuntimeManifest> {
  const bootstrap = path.join(abs, 'bootstrap');
  const st = await statOrUndefined(bootstrap);
  if (st === undefined || st.isDirectory()) {
    throw new BootspecError(ErrorCodes.MANIFEST_NOT_FOUND, `${abs} has no ${MANIFEST_FILE} and no bootstrap`, {
      hint: `add a ${MANIFEST_FILE} (docs/probe-contract.md#manifest), or pass a folder whose top level holds an executable bootstrap`,
    });
  }
  assertExecutable(bootstrap, st);
  return {
    name: bareName(abs),
    description: `bare bootstrap folder ${abs}`,
    probe: 1,
    dir: abs,
    build: undefined,
    function: abs,
    layers: [],
    handler: opts.handler ?? DEFAULT_HANDLER,
    env: {},
    features: [],
    expectations: undefined,
    bare: true,
    conformance: true,
  };
}

/** The folder's name made to fit `[a-z0-9.-]+`. */
export function bareName(abs: string): string {
  const name = path
    .basename(abs)
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return name === '' ? 'runtime' : name;
}

function checkEnv(env: NonNullable<RawManifest['env']>, file: string): void {
  for (const name of Object.keys(env)) {
    if (RESERVED_ENV_VARS.has(name)) {
      throw new BootspecError(ErrorCodes.RESERVED_ENV_VAR, `${file}: "env.${name}" is reserved by Lambda and cannot be set`, {
        hint: `remove ${name} from "env"; bootspec sets it the way Lambda does (docs/requirements.md#environment)`,
      });
    }
    if (name.startsWith('_')) {
      throw new BootspecError(ErrorCodes.RESERVED_ENV_VAR, `${file}: "env.${name}" starts with "_", and Lambda drops such variables`, {
        hint: `rename it without the leading "_"; the runtime would never see ${name} on Lambda`,
      });
    }
  }
  const bytes = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > MAX_USER_ENV_BYTES) {
    throw new BootspecError(ErrorCodes.MANIFEST_INVALID, `${file}: "env" holds ${bytes} bytes of names and values; Lambda allows ${MAX_USER_ENV_BYTES}`, {
      hint: 'move large values into a file in the function, and point a variable at it',
    });
  }
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}
