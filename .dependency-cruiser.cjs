/**
 * The repository's dependency rules, checked by scripts/architecture.spec.ts (through
 * scripts/architecture.mjs, which runs dependency-cruiser's API over apps, libs, bench, scripts,
 * test and web). Paths are relative to the cruised root, so the same rules apply to the fixture
 * trees under test/fixtures/architecture.
 *
 * The libraries' names come from the tree itself: `libs/<name>/src/index.ts` is a library's root,
 * imported as `@shekara/<name>` (tsconfig.json paths).
 */
const LIB_INTERNAL = '^libs/([^/]+)/src/(?!index\\.ts$)';
/** What web/ may take from the server tree: the generated contract's types and the list of agencies. */
const CONTRACT_GEN = '^libs/contracts/src/gen/';
const CONTRACT_AGENCIES = '^libs/contracts/src/agencies\\.ts$';
// The field-error codes with their English and Russian templates (pure data, no imports): the server
// and the consoles render the same codes from it (docs/desk.md).
const CONTRACT_FIELD_MESSAGES = '^libs/contracts/src/field-messages\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-app',
      comment: 'An application imports no other application: shared code belongs in a library.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'app-imports-non-lib',
      comment: 'An application depends on libraries only (and packages), never on bench, scripts, test or web.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^(bench|scripts|test|web)/' },
    },
    {
      name: 'lib-imports-app',
      comment: 'Dependencies go apps -> libs, never back; a library depends on nothing outside libs/.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|bench|scripts|test|web)/' },
    },
    {
      name: 'leaf-lib-imports-internal',
      comment: 'libs/policy and libs/contracts are leaves: they import nothing of this repository outside themselves.',
      severity: 'error',
      from: { path: '^libs/(policy|contracts)/' },
      to: { path: '^(apps|libs|bench|scripts|test|web)/', pathNot: '^libs/$1/' },
    },
    {
      name: 'lib-deep-import',
      comment: 'A library is imported through its root only (@shekara/<lib>), never by a path into its src/ (web/ has its own rules below).',
      severity: 'error',
      from: { pathNot: ['^libs/([^/]+)/', '^web/'] },
      to: { path: LIB_INTERNAL },
    },
    {
      name: 'lib-deep-import-across-libs',
      comment: 'A library uses another library through its root only (@shekara/<lib>).',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: LIB_INTERNAL, pathNot: '^libs/$1/' },
    },
    {
      name: 'lib-folder-cycle',
      comment: 'No cycle between two folders of one library: folders are layers, one depends on the other.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^libs/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'web-imports-server',
      comment: 'The web consoles import no server code: only the generated contract types, the agencies and the field-error messages (pure data).',
      severity: 'error',
      from: { path: '^web/' },
      to: {
        path: '^(apps|libs|bench|scripts|test)/',
        pathNot: [CONTRACT_GEN, CONTRACT_AGENCIES, CONTRACT_FIELD_MESSAGES],
      },
    },
    {
      name: 'web-imports-contract-values',
      comment: 'From the generated contract web/ takes types only (no protobuf runtime in the bundle).',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: CONTRACT_GEN, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-contract-outside-shared',
      comment: 'web/shared/contract.ts is the one place the consoles take the contract from.',
      severity: 'error',
      from: { path: '^web/', pathNot: '^web/shared/contract\\.ts$' },
      to: { path: '^libs/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo or a missing package is an error).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)node_modules/', '^dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
