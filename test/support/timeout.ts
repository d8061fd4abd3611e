// The integration tests' default timeout. jest-circus takes testTimeout from the global config only,
// so a project's `testTimeout` in jest.config.js never reached them (they ran with Jest's 5 s).
jest.setTimeout(60_000);
