/**
 * Directory CLI (development and operations):
 *   directory ensure <dir>                     seed <dir>/public/directory.json (signed, version 1), the authority's
 *                                              key pair and <dir>/keys/<agency>/keys.json if absent, else validate them
 *   directory check <directory.json>           validate a directory file and print its counts
 *   directory unit <directory.json> <unitId>   print a unit, its groups and counterparts
 * Exit code 0 on success, 1 on a DirectoryError (its message on stderr), 2 on bad usage.
 */
import { LEVELS, DirectoryError, ensureDirectoryFiles, loadDirectory, type Directory } from '@shekara/directory';

const USAGE = 'usage: directory ensure <dir> | check <directory.json> | unit <directory.json> <unitId>';

function counts(directory: Directory): string {
  const perLevel = LEVELS.map((level) => `l${level}=${directory.units({ level }).length}`).join(' ');
  return `units: ${directory.units().length} (${perLevel}); groups: ${directory.groups().length}`;
}

function main(args: string[]): number {
  const [command, path, unitId] = args;
  if (command === 'ensure' && path) {
    // The edge of a script: the one place here that reads the real clock (the version's issue time).
    const files = ensureDirectoryFiles(path, { issuedAt: new Date() });
    console.log(`directory: ${files.directoryPath}`);
    console.log(`authority public key: ${files.authorityPublicKeyPath} (private: ${files.authorityKeyPath})`);
    for (const [agency, keyPath] of Object.entries(files.keyPaths)) console.log(`keys (${agency}): ${keyPath}`);
    console.log(counts(loadDirectory(files.directoryPath)));
    return 0;
  }
  if (command === 'check' && path) {
    console.log(counts(loadDirectory(path)));
    return 0;
  }
  if (command === 'unit' && path && unitId) {
    const directory = loadDirectory(path);
    console.log(JSON.stringify(directory.unit(unitId), null, 2));
    console.log(`groups: ${directory.groupsOf(unitId).map((g) => g.id).join(', ') || 'none'}`);
    console.log(`counterparts: ${directory.counterparts(unitId).map((u) => u.id).join(', ') || 'none'}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof DirectoryError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
}
