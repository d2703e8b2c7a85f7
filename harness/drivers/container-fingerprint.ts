/**
 * The content hash that names an image: cheap enough to compute on every start (stat, no reading of
 * large files), so an unchanged host reuses its images without assembling anything.
 */
import { createHash, type Hash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export class Fingerprint {
  readonly #h: Hash = createHash('sha256');

  /** Mixes in a string (an image id, a name). */
  text(value: string): this {
    this.#h.update(`T ${value}\n`);
    return this;
  }

  /** Mixes in a small file or folder by content (our Dockerfiles, scripts, lists). */
  content(path: string): this {
    this.#walk(path, path, () => false, true);
    return this;
  }

  /** Mixes in a host file or tree by path, type, mode, size, mtime and link target. */
  tree(path: string, exclude: (relativePath: string) => boolean = () => false): this {
    this.#walk(path, path, exclude, false);
    return this;
  }

  /** Mixes in the entries directly inside a folder (a library folder: 1,000 entries, a few ms). */
  listing(dir: string): this {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return this.text(`missing ${dir}`);
    }
    for (const name of names) this.#entry(join(dir, name), join(dir, name), false);
    return this;
  }

  /** The first 16 hex digits of the hash: a Docker tag. */
  digest(): string {
    return this.#h.digest('hex').slice(0, 16);
  }

  #walk(path: string, top: string, exclude: (rel: string) => boolean, byContent: boolean): void {
    const rel = relative(top, path);
    if (rel !== '' && exclude(rel)) return;
    // our own files are named relative to their folder, so a moved checkout keeps its tags
    const st = this.#entry(path, byContent ? `./${rel}` : path, byContent);
    if (st?.isDirectory()) for (const name of readdirSync(path).sort()) this.#walk(join(path, name), top, exclude, byContent);
  }

  #entry(path: string, name: string, byContent: boolean): ReturnType<typeof lstatSync> | undefined {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) this.#h.update(`- ${name}\n`);
    else if (st.isSymbolicLink()) this.#h.update(`L ${name} ${readlinkSync(path)}\n`);
    else if (st.isDirectory()) this.#h.update(`D ${name} ${st.mode}\n`);
    else if (byContent) this.#h.update(`F ${name} ${st.mode} `).update(readFileSync(path)).update('\n');
    else this.#h.update(`F ${name} ${st.mode} ${st.size} ${st.mtimeMs}\n`);
    return st;
  }
}
