import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCIES, type AgencyCode } from '@shekara/contracts';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { KEYS_FORMAT, generateKeys, loadAgencyKeys, loadDirectory, requireEveryUnitKey } from './keys';
import { REFERENCE, type ReferenceData } from './reference';
import { buildDirectory } from './seed';

export interface DirectoryFiles {
  /** `<dir>/directory.json`: the public directory, for every node. */
  directoryPath: string;
  /** `<dir>/keys/<agency>.json` (mode 0600): each agency's private keys, for that agency's node only. */
  keyPaths: Record<AgencyCode, string>;
}

export function directoryFilePaths(dir: string): DirectoryFiles {
  const keyPaths = {} as Record<AgencyCode, string>;
  for (const agency of AGENCIES) keyPaths[agency] = join(dir, 'keys', `${agency}.json`);
  return { directoryPath: join(dir, 'directory.json'), keyPaths };
}

/**
 * Makes sure `<dir>` holds a directory and the three agencies' key files.
 * - None of the files exists: seeds the directory from the reference, generates keys, writes them.
 * - All exist: validates them (directory schema, every key matches, every unit has its private key)
 *   and changes nothing. Existing keys are never regenerated.
 * - Some exist: DirectoryError(INCOMPLETE_FILES), since regenerating would orphan the existing keys.
 */
export function ensureDirectoryFiles(dir: string, reference: ReferenceData = REFERENCE): DirectoryFiles {
  const files = directoryFilePaths(dir);
  const all = [files.directoryPath, ...AGENCIES.map((a) => files.keyPaths[a])];
  const present = all.filter((p) => existsSync(p));

  if (present.length === all.length) {
    const directory = loadDirectory(files.directoryPath);
    for (const agency of AGENCIES) {
      requireEveryUnitKey(loadAgencyKeys(files.keyPaths[agency], agency, directory), agency, directory, files.keyPaths[agency]);
    }
    return files;
  }
  if (present.length > 0) {
    const missing = all.filter((p) => !present.includes(p));
    throw new DirectoryError(
      DirectoryErrorCode.INCOMPLETE_FILES,
      `${dir}: present ${present.join(', ')}; missing ${missing.join(', ')}. Restore the missing files, ` +
        'or remove all of them to seed a new directory with new keys',
    );
  }

  const { directory, privateKeys } = generateKeys(buildDirectory(reference));
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  // Keys first, the directory last: a directory.json on disk means its keys were written.
  for (const set of privateKeys) writeAtomically(files.keyPaths[set.agency], { format: KEYS_FORMAT, ...set }, 0o600);
  writeAtomically(files.directoryPath, directory, 0o644);
  return files;
}

/** Writes JSON to a temporary file with the given mode, then renames it into place. */
function writeAtomically(path: string, value: unknown, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode, flag: 'wx' });
  chmodSync(tmp, mode); // exactly this mode, whatever the umask
  renameSync(tmp, path);
}
