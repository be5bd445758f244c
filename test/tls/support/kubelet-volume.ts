import { mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A directory laid out the way the kubelet projects a Secret volume: files in
 * a timestamped directory `..<time>`, a `..data` symlink to it, and each
 * visible file a symlink through `..data`. An update writes a new timestamped
 * directory, renames a new symlink over `..data` (one atomic step), and then
 * removes the old directory.
 */
export class KubeletSecretVolume {
  private generation = 0;

  constructor(readonly dir: string) {}

  /** Path of a visible file, such as `tls.crt`. */
  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Replaces the volume's content with `files` in one atomic swap of `..data`. */
  async update(files: Readonly<Record<string, string>>): Promise<void> {
    this.generation += 1;
    const stamp = `..2025_01_01_00_00_00.${String(this.generation).padStart(9, '0')}`;
    await mkdir(path.join(this.dir, stamp), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      await writeFile(path.join(this.dir, stamp, name), content);
    }

    const data = path.join(this.dir, '..data');
    const previous = await readlink(data).catch(() => undefined);
    await symlink(stamp, path.join(this.dir, '..data_tmp'));
    await rename(path.join(this.dir, '..data_tmp'), data);

    for (const name of Object.keys(files)) {
      await symlink(path.join('..data', name), this.file(name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') {
          throw error;
        }
      });
    }
    if (previous !== undefined) {
      await rm(path.join(this.dir, previous), { recursive: true, force: true });
    }
  }

  /** Overwrites a file inside the current timestamped directory in place, as a non-atomic writer would. */
  async overwriteInPlace(name: string, content: string): Promise<void> {
    const current = await readlink(path.join(this.dir, '..data'));
    await writeFile(path.join(this.dir, current, name), content);
  }
}
