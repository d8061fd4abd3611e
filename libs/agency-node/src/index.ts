/**
 * @shekara/agency-node — the agency node: one binary, three configurations. Everything an agency's
 * node does is here and the same for interior, border and customs; `apps/<agency>` only names its
 * agency (`runAgencyNode`), which selects its units, keys, database and bus subjects. Map of where a
 * report goes through: README.md beside this folder.
 */
export * from './core/config';
export * from './bootstrap';
export * from './demo-users';
export * from './core/errors';
export * from './entities';
export { agencyNodeDataSource, AGENCY_NODE_MIGRATIONS } from './data-source';
export { AGENCY_NODE_APP_PRIVILEGES } from './store/privileges';
export type { LiveEvent } from './core';
export { AuthService } from '@shekara/auth';
// What the tests and the bench build reports and check statements with (the node's own code).
export { envelopeFromRequest, messageColumns, messageRow } from './envelopes';
// The bus-side checks, pure (the conformance vectors are judged with them).
export { InboxChecks } from './incoming/inbox-checks';
export { MESSAGE_ROW_TYPES, RECORD_RECEIPTS } from './store';
export { TransparencyService } from './transparency';
export { WitnessService } from './transparency';
export { logOrigin, logUnit, witnessName } from './core';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER } from './integration';
// The data bank's store and what builds its rows and queries (relevance test, bench).
export { DataBankStore } from './store';
export { DataBankRetention, documentKey, signBankVersion, versionRow, tsQueries } from './databank';
