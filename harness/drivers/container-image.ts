/**
 * The images the container driver runs, built from docker/ with no registry access and reused:
 *   bootspec-lambda-base:<hash>  FROM scratch + the host's shell, tools and C library (about 1 s)
 *   bootspec-sandbox:<hash>      FROM that base (or --base-image) + the host's interpreters + Lambda's user
 * A tag is a hash of what goes in (docker/ files by content, host files by path, size, mtime and
 * mode, the host's library folder, the base image's id), so an unchanged host reuses its images
 * without assembling anything, and a changed one gets new images.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { dockerClient, firstLine } from './container-engine.ts';
import { Fingerprint } from './container-fingerprint.ts';
import { GLIBC_FAMILY, RootfsTree } from './container-rootfs.ts';

const DOCKER_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));
const BASE_REPO = 'bootspec-lambda-base';
const SANDBOX_REPO = 'bootspec-sandbox';
export const IMAGE_LABEL = 'bootspec.image';
const COMMAND_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

export interface SandboxImageOptions {
  /** A base image already in the local engine (e.g. public.ecr.aws/lambda/provided:al2023); default: bootspec's own. */
  baseImage?: string;
  onProgress?: (line: string) => void;
}

export interface SandboxImage {
  /** The tag to run. */
  image: string;
  /** The base it was built on. */
  base: string;
  /** Whether it was built now (false: reused). */
  built: boolean;
}

interface BaseContents {
  commands: string[];
  files: string[];
}

interface Interpreter {
  name: string;
  path: string;
  exclude?: string[];
}

/** The sandbox image for this host, built if its content hash is not in the engine yet. */
export async function ensureSandboxImage(options: SandboxImageOptions = {}): Promise<SandboxImage> {
  const say = options.onProgress ?? (() => undefined);
  const base = options.baseImage ?? (await ensureLambdaBase(say));
  const baseId = await imageId(base);
  if (!baseId) {
    throw new BootspecError(ErrorCodes.BUILD_FAILED, `the base image ${base} is not in the local Docker engine, and bootspec pulls nothing`, {
      hint: `on a machine with registry access: docker pull ${base} (or docker load -i <file> here); or leave out --base-image to use bootspec's base built from this host's files`,
    });
  }
  const dir = join(DOCKER_DIR, 'sandbox');
  const interpreters = (JSON.parse(readFileSync(join(dir, 'interpreters.json'), 'utf8')) as { interpreters: Interpreter[] }).interpreters;
  const fp = new Fingerprint().text(baseId).content(dir).listing(hostLibraryDir());
  for (const i of interpreters) fp.tree(i.path, excluding(i.exclude ?? []));
  const tag = `${SANDBOX_REPO}:${fp.digest()}`;
  if (await imageId(tag)) return { image: tag, base, built: false };

  say(`building ${tag} on ${base}`);
  await withContext('bootspec-sandbox-', async (context) => {
    // Real paths only, and never the host's glibc: this layer may go over another distribution.
    const tree = new RootfsTree(join(context, 'rootfs'), { mode: 'canonical', skipLibrary: (p) => GLIBC_FAMILY.test(p) });
    for (const i of interpreters) tree.add(i.path, excluding(i.exclude ?? []));
    const unresolved = [...new Set(tree.addLibraries())];
    for (const m of tree.missing) say(`sandbox image: ${m} is not on this host; left out`);
    // e.g. the JDK's libraries name libjvm.so, which the JVM loads itself from lib/server
    if (unresolved.length) say(`sandbox image: ldd did not resolve ${unresolved.join(', ')} (fine when the program loads it from its own folder)`);
    const libDirs = [...new Set(libraryDirs(tree.root))];
    if (libDirs.length) placeText(tree, '/etc/ld.so.conf.d/bootspec-host-libs.conf', `${libDirs.join('\n')}\n`);
    for (const f of ['Dockerfile', 'setup.sh']) copyFileSync(join(dir, f), join(context, f));
    await buildImage(context, tag, { BASE_IMAGE: base }, 'sandbox', say);
  });
  return { image: tag, base, built: true };
}

/** bootspec-lambda-base:<hash>, assembled from the host's files (docker/lambda-base/). */
export async function ensureLambdaBase(say: (line: string) => void = () => undefined): Promise<string> {
  const dir = join(DOCKER_DIR, 'lambda-base');
  const contents = JSON.parse(readFileSync(join(dir, 'contents.json'), 'utf8')) as BaseContents;
  const commands = contents.commands.map((name) => ({ name, path: COMMAND_DIRS.map((d) => join(d, name)).find((p) => lstatSync(p, { throwIfNoEntry: false })) }));
  const fp = new Fingerprint().content(dir).listing(hostLibraryDir());
  for (const c of commands) fp.tree(c.path ?? `missing:${c.name}`);
  for (const f of contents.files) fp.tree(f);
  const tag = `${BASE_REPO}:${fp.digest()}`;
  if (await imageId(tag)) return tag;

  say(`building ${tag} from this host's files`);
  await withContext('bootspec-base-', async (context) => {
    const tree = new RootfsTree(join(context, 'rootfs'), { mode: 'mirror' });
    for (const c of commands) {
      if (c.path) tree.add(c.path);
      else say(`lambda base: command ${c.name} is not on this host; left out`);
    }
    for (const f of contents.files) tree.add(f);
    tree.addGlibc();
    tree.addLibraries();
    for (const m of tree.missing) say(`lambda base: ${m} is not on this host; left out`);
    placeSkeleton(tree, join(dir, 'skeleton'), '');
    for (const d of ['/var/task', '/opt', '/var/runtime', '/var/lang/bin', '/proc', '/dev', '/sys', '/root', '/home/sbx_user1051']) tree.mkdir(d);
    tree.mkdir('/tmp', 0o1777);
    tree.symlink('/var/tmp', '/tmp');
    copyFileSync(join(dir, 'Dockerfile'), join(context, 'Dockerfile'));
    await buildImage(context, tag, {}, 'lambda-base', say);
  });
  return tag;
}

async function withContext(prefix: string, fn: (context: string) => Promise<void>): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), prefix));
  try {
    await fn(context);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** The folder of the host's libc.so.6 (e.g. /usr/lib/x86_64-linux-gnu): a library update shows there. */
function hostLibraryDir(): string {
  const r = spawnSync('ldd', ['/bin/sh'], { encoding: 'utf8' });
  const libc = /libc\.so\.6 => (\S+)/.exec(r.stdout ?? '')?.[1];
  return libc ? dirname(libc) : '/usr/lib';
}

function excluding(list: string[]): (rel: string) => boolean {
  return (rel) => list.some((e) => rel === e || rel.startsWith(`${e}/`));
}

function placeSkeleton(tree: RootfsTree, hostDir: string, imageDir: string): void {
  for (const e of readdirSync(hostDir, { withFileTypes: true })) {
    if (e.isDirectory()) placeSkeleton(tree, join(hostDir, e.name), `${imageDir}/${e.name}`);
    else tree.placeFile(join(hostDir, e.name), `${imageDir}/${e.name}`);
  }
}

function placeText(tree: RootfsTree, imagePath: string, text: string): void {
  const src = join(tree.root, '..', 'placed.txt');
  writeFileSync(src, text);
  tree.placeFile(src, imagePath);
  rmSync(src, { force: true });
}

/** Folders (as the image sees them) holding the shared libraries copied in, except interpreters' own. */
function libraryDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}/${e.name}`);
      else if (/\.so(\.|$)/.test(e.name) && /\/lib[^/]*(\/[^/]*-linux-gnu)?$/.test(rel) && !/\/(jvm|\.pyenv)\//.test(rel)) out.push(rel);
    }
  };
  walk(root, '');
  return out;
}

async function imageId(tag: string): Promise<string | undefined> {
  const docker = (await dockerClient()).container.dockerode;
  try {
    return ((await docker.getImage(tag).inspect()) as { Id: string }).Id;
  } catch {
    return undefined;
  }
}

interface BuildEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** docker build with no network and no pull; the build's own words on failure. */
async function buildImage(context: string, tag: string, buildargs: Record<string, string>, kind: string, say: (line: string) => void): Promise<void> {
  const docker = (await dockerClient()).container.dockerode;
  const t0 = Date.now();
  const tail: string[] = [];
  let failure: string | undefined;
  try {
    const stream = await docker.buildImage(
      { context, src: readdirSync(context) },
      { t: tag, buildargs, networkmode: 'none', labels: { [IMAGE_LABEL]: kind }, rm: true, forcerm: true },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (e: BuildEvent) => {
          if (e.error) failure = e.errorDetail?.message ?? e.error;
          for (const line of (e.stream ?? '').split('\n').filter((l) => l.trim())) {
            tail.push(line);
            if (tail.length > 20) tail.shift();
          }
        },
      );
    });
  } catch (err) {
    failure ??= firstLine(err);
  }
  if (failure) {
    throw new BootspecError(ErrorCodes.BUILD_FAILED, `docker build of ${tag} failed: ${failure}\n${tail.map((l) => `  build | ${l}`).join('\n')}`, {
      hint: `check that the files docker/${kind}/ names exist on this host, and that the engine has disk space (docker system df)`,
    });
  }
  say(`built ${tag} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
