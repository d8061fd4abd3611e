import { statSync } from 'node:fs';
import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { loadSignedDirectory } from './keys';
import type { SignedDirectory } from './signed';

/**
 * A Directory that can be replaced while it is in use: `directory` is handed to every service once
 * (a stand-in that forwards each call to the current version), `replace()` swaps the version behind
 * it. A call sees one version from start to end (each call is forwarded whole).
 */
export class LiveDirectory {
  private currentDirectory: Directory;
  /** Methods bound to the current version, made once per version (lookups are on hot paths). */
  private bound = new Map<PropertyKey, unknown>();
  readonly directory: Directory;

  constructor(initial: Directory) {
    this.currentDirectory = initial;
    const live = this;
    this.directory = new Proxy(initial, {
      get(_target, property) {
        const cached = live.bound.get(property);
        if (cached !== undefined) return cached;
        const current = live.currentDirectory;
        const value = Reflect.get(current, property, current) as unknown;
        if (typeof value !== 'function') return value;
        const method = (value as (...a: unknown[]) => unknown).bind(current);
        live.bound.set(property, method);
        return method;
      },
      getPrototypeOf: () => Directory.prototype,
    });
  }

  get current(): Directory {
    return this.currentDirectory;
  }

  replace(next: Directory): void {
    this.currentDirectory = next;
    this.bound = new Map();
  }
}

export type ReloadOutcome =
  | { kind: 'unchanged' }
  | { kind: 'loaded'; version: number; previous: number }
  | { kind: 'refused'; code: DirectoryErrorCode; reason: string };

/**
 * Reloads a signed directory file when it changes (size, modification time or inode): a newer
 * version that verifies with the authority key replaces the live one; an unsigned, badly signed,
 * invalid or not newer one is refused and the current version is kept. The caller polls `check()`
 * (a timer) and reports the outcome (log, metrics).
 */
export class DirectoryReloader {
  private seen: string;
  private held: SignedDirectory;

  constructor(
    private readonly path: string,
    private readonly authorityPublicKey: string,
    initial: SignedDirectory,
    private readonly apply: (next: SignedDirectory) => void,
  ) {
    this.held = initial;
    this.seen = this.stamp();
  }

  get version(): number {
    return this.held.version;
  }

  check(): ReloadOutcome {
    const stamp = this.stamp();
    if (stamp === this.seen) return { kind: 'unchanged' };
    this.seen = stamp;
    let next: SignedDirectory;
    try {
      next = loadSignedDirectory(this.path, this.authorityPublicKey);
      if (next.version <= this.held.version) {
        throw new DirectoryError(DirectoryErrorCode.STALE_VERSION, `${this.path}: version ${next.version}, holding version ${this.held.version}`);
      }
      this.apply(next);
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      return { kind: 'refused', code: e.code, reason: e.message };
    }
    const previous = this.held.version;
    this.held = next;
    return { kind: 'loaded', version: next.version, previous };
  }

  private stamp(): string {
    try {
      const s = statSync(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  }
}
