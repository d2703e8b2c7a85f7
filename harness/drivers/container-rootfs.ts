/**
 * Lays out a root filesystem for `docker build` from the host's own files, so no image is pulled:
 * files are hard-linked (copied across filesystems), symlinks recreated as they are, and every ELF
 * file brings the shared libraries `ldd` says it needs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

export type LinkMode =
  /** Recreate every symlink on a path's way (/lib -> usr/lib ...): the base image is a copy of the host's layout. */
  | 'mirror'
  /** Only real paths: a layer over somebody else's base must not replace its /lib or /bin. */
  | 'canonical';

export interface RootfsOptions {
  mode: LinkMode;
  /** Shared libraries never to add (e.g. glibc over another distribution's glibc). */
  skipLibrary?: (path: string) => boolean;
}

/** glibc's own libraries: a layer must not put the host's over a base's (mixed glibc versions crash). */
export const GLIBC_FAMILY = /\/(ld-linux[^/]*|lib(c|m|dl|rt|pthread|resolv|util|anl|mvec|nsl|BrokenLocale|thread_db|c_malloc_debug|nss_[a-z]+)\.so[^/]*)$/;

export class RootfsTree {
  readonly root: string;
  readonly #o: RootfsOptions;
  readonly #elf = new Set<string>();
  readonly #added = new Set<string>();
  /** Host paths asked for that do not exist. */
  readonly missing: string[] = [];

  constructor(root: string, options: RootfsOptions) {
    this.root = root;
    this.#o = options;
    mkdirSync(root, { recursive: true });
  }

  /** Adds a host file or folder tree; `exclude` gets paths relative to a folder being added. */
  add(hostPath: string, exclude: (relativePath: string) => boolean = () => false): void {
    if (!existsSync(hostPath)) {
      this.missing.push(hostPath);
      return;
    }
    // canonical: real folders, but the last component as it is (libfoo.so.1 -> libfoo.so.1.2.3 stays a link)
    const real = this.#o.mode === 'mirror' ? this.#mirrorChain(hostPath) : join(realpathSync(dirname(resolve(hostPath))), basename(hostPath));
    if (real) this.#addReal(real, real, exclude);
  }

  /** Writes our own file (a skeleton file), creating its folders. */
  placeFile(hostSource: string, imagePath: string): void {
    const dest = this.#dest(imagePath);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(hostSource, dest);
  }

  mkdir(imagePath: string, mode = 0o755): void {
    const dest = this.#dest(imagePath);
    mkdirSync(dest, { recursive: true });
    chmodSync(dest, mode); // not subject to the umask, unlike mkdir's mode (/tmp is 1777)
  }

  symlink(imagePath: string, target: string): void {
    const dest = this.#dest(imagePath);
    mkdirSync(dirname(dest), { recursive: true });
    if (!lexists(dest)) symlinkSync(target, dest);
  }

  /** Adds every file of glibc (found through `program`'s libc.so.6), dlopen()ed parts included. */
  addGlibc(program = '/bin/sh'): void {
    const r = spawnSync('ldd', [program], { encoding: 'utf8' });
    const libc = /libc\.so\.6 => (\S+)/.exec(r.stdout ?? '')?.[1];
    if (!libc) return;
    const dir = dirname(libc);
    for (const name of readdirSync(dir)) if (GLIBC_FAMILY.test(`/${name}`)) this.add(join(dir, name));
  }

  /** Adds the shared libraries of every ELF file added so far (ldd's transitive answer). */
  addLibraries(): string[] {
    const notFound: string[] = [];
    const files = [...this.#elf];
    for (let i = 0; i < files.length; i += 200) {
      const r = spawnSync('ldd', files.slice(i, i + 200), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      for (const line of `${r.stdout ?? ''}`.split('\n')) {
        const m = /^\s+(?:(\S+) => )?(\/\S+|not found)/.exec(line);
        if (!m) continue;
        if (m[2] === 'not found') notFound.push(m[1] ?? line.trim());
        else if (!this.#o.skipLibrary?.(m[2] as string)) this.add(m[2] as string);
      }
    }
    return notFound;
  }

  #dest(imagePath: string): string {
    return join(this.root, imagePath);
  }

  /** Walks `hostPath` component by component, recreating symlinks; returns the real path reached. */
  #mirrorChain(hostPath: string): string | undefined {
    let pending = resolve(hostPath).split('/').filter(Boolean);
    let current = '';
    for (let hops = 0; pending.length > 0; ) {
      const next = `${current}/${pending[0]}`;
      const st = lstatSync(next, { throwIfNoEntry: false });
      if (!st) return undefined;
      if (st.isSymbolicLink()) {
        if (++hops > 40) return undefined;
        const target = readlinkSync(next);
        this.symlink(next, target);
        pending = [...resolve(dirname(next), target).split('/').filter(Boolean), ...pending.slice(1)];
        current = '';
        continue;
      }
      if (pending.length > 1) mkdirSync(this.#dest(next), { recursive: true, mode: 0o755 });
      current = next;
      pending = pending.slice(1);
    }
    return current;
  }

  #addReal(path: string, top: string, exclude: (rel: string) => boolean): void {
    if (this.#added.has(path)) return;
    const rel = relative(top, path);
    if (rel !== '' && exclude(rel)) return;
    this.#added.add(path);
    const st = lstatSync(path);
    const dest = this.#dest(path);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(path);
      this.symlink(path, target);
      // A link that leaves the tree (Debian's JDK: conf -> /etc/java-17-openjdk) brings its target.
      const abs = resolve(dirname(path), target);
      if (!abs.startsWith(`${top}/`) && existsSync(abs)) this.add(abs);
      return;
    }
    if (st.isDirectory()) {
      mkdirSync(dest, { recursive: true, mode: st.mode & 0o7777 });
      for (const name of readdirSync(path)) this.#addReal(join(path, name), top, exclude);
      return;
    }
    if (!st.isFile()) return;
    mkdirSync(dirname(dest), { recursive: true, mode: 0o755 });
    if (!lexists(dest)) {
      try {
        linkSync(path, dest);
      } catch {
        copyFileSync(path, dest);
      }
    }
    if ((st.mode & 0o111 || /\.so(\.|$)/.test(path)) && isElf(path)) this.#elf.add(path);
  }
}

function lexists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

function isElf(path: string): boolean {
  const buf = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    return readSync(fd, buf, 0, 4, 0) === 4 && buf.readUInt32BE(0) === 0x7f454c46;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
