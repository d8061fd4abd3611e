import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AGENCIES, type AgencyCode } from '@shekara/contracts';
import { decodeRawPublicKey } from './crypto';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { KEYS_FORMAT, generateKeys, loadAgencyKeys, loadSignedDirectory, readJsonFile, requireEveryUnitKey } from './keys';
import { REFERENCE, type ReferenceData } from './reference';
import { buildDirectory } from './seed';
import { generateAuthorityKey, parseAuthorityKey, signDirectory, type AuthorityKey } from './signed';

/**
 * The files of a directory installation. Each agency's private keys are in a directory of their
 * own, so that exactly that directory is mounted into that agency's containers; the authority's
 * private key is the operator's and is mounted nowhere.
 */
export interface DirectoryFiles {
  /**
   * `<dir>/public/directory.json`: the signed, versioned public directory, for every service. Its
   * folder is what services mount (a mounted folder, not file: a new version is renamed into place).
   */
  directoryPath: string;
  /** `<dir>/public/directory-authority.pub`: base64 of the authority's raw public key, configured in every node. */
  authorityPublicKeyPath: string;
  /** `<dir>/authority/directory-authority.json` (0600, directory 0700): the operator's signing key. */
  authorityKeyPath: string;
  /** `<dir>/keys/<agency>/keys.json` (0600, directory 0700): each agency's private keys, for that agency's node only. */
  keyPaths: Record<AgencyCode, string>;
}

export function directoryFilePaths(dir: string): DirectoryFiles {
  const keyPaths = {} as Record<AgencyCode, string>;
  for (const agency of AGENCIES) keyPaths[agency] = join(dir, 'keys', agency, 'keys.json');
  return {
    directoryPath: join(dir, 'public', 'directory.json'),
    authorityPublicKeyPath: join(dir, 'public', 'directory-authority.pub'),
    authorityKeyPath: join(dir, 'authority', 'directory-authority.json'),
    keyPaths,
  };
}

/** The authority's public key (base64) from its .pub file. */
export function readAuthorityPublicKey(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new DirectoryError(DirectoryErrorCode.UNREADABLE_FILE, `${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!decodeRawPublicKey(text)) throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, `${path}: not base64 of a raw 32-byte Ed25519 public key`);
  return text;
}

export function loadAuthorityKey(path: string): AuthorityKey {
  return parseAuthorityKey(readJsonFile(path), path);
}

/**
 * Makes sure `<dir>` holds a signed directory, the authority's key pair and the three agencies' key
 * files.
 * - None of the files exists: seeds the directory from the reference, generates the keys, signs it
 *   as version 1 (issued at `issuedAt`) and writes everything.
 * - All exist: validates them (signature, schema, every key matches, every unit has its private
 *   key) and changes nothing. Existing keys are never regenerated.
 * - Some exist: DirectoryError(INCOMPLETE_FILES), since regenerating would orphan the existing keys.
 */
export function ensureDirectoryFiles(dir: string, options: { reference?: ReferenceData; issuedAt?: Date } = {}): DirectoryFiles {
  const files = directoryFilePaths(dir);
  const all = [files.directoryPath, files.authorityPublicKeyPath, files.authorityKeyPath, ...AGENCIES.map((a) => files.keyPaths[a])];
  const present = all.filter((p) => existsSync(p));

  if (present.length === all.length) {
    const authority = loadAuthorityKey(files.authorityKeyPath);
    const published = readAuthorityPublicKey(files.authorityPublicKeyPath);
    if (published !== authority.publicKey) {
      throw new DirectoryError(DirectoryErrorCode.KEY_MISMATCH, `${files.authorityPublicKeyPath} does not hold the public half of ${files.authorityKeyPath}`);
    }
    const { directory } = loadSignedDirectory(files.directoryPath, published);
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

  const { directory, privateKeys } = generateKeys(buildDirectory(options.reference ?? REFERENCE));
  const authority = generateAuthorityKey();
  // Private keys first, the directory last: a directory.json on disk means its keys were written.
  writeJsonAtomically(files.authorityKeyPath, authority.file, 0o600);
  writeTextAtomically(files.authorityPublicKeyPath, `${authority.key.publicKey}\n`, 0o644);
  for (const set of privateKeys) writeJsonAtomically(files.keyPaths[set.agency], { format: KEYS_FORMAT, ...set }, 0o600);
  writeJsonAtomically(files.directoryPath, signDirectory(directory, 1, options.issuedAt ?? new Date(0), authority.key), 0o644);
  return files;
}

/**
 * Writes JSON to a temporary file with the given mode, then renames it into place (readers see the
 * old file or the new one, never half of one). A private file's directory is made 0700.
 */
export function writeJsonAtomically(path: string, value: unknown, mode: number): void {
  writeTextAtomically(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}

export function writeTextAtomically(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: mode & 0o044 ? 0o755 : 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode, flag: 'wx' });
  chmodSync(tmp, mode); // exactly this mode, whatever the umask
  renameSync(tmp, path);
}
