/**
 * The databases the tests release (TestDatabase.release) are dropped at the end of the Jest run:
 * global-setup.ts names the file the workers list them in (they inherit the variable), and
 * global-teardown.ts drops them. Jest loads those two without the project's module mapping, so
 * this file imports no `@shekara/*` package.
 */
export const DEFERRED_DROPS = 'SHEKARA_TEST_DEFERRED_DROPS';

/** One line of that file: the server (as its administrator), the database and its two roles. */
export interface DeferredDrop {
  adminUrl: string;
  database: string;
  roles: string[];
}
