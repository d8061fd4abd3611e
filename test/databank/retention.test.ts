/**
 * The review date and the retention job, on the injected clock: a record leaves search (and the
 * document check) on its review date; the retention job deletes it, with all its versions, once the
 * grace period after that date is over, and records each deletion in the audit log; a record not
 * yet due stays.
 */
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BankRecordContentSchema, BankRecordVersionSchema, BankVersionAction, Classification, DocumentType, TravelDocumentStatus } from '@shekara/contracts';
import { DataBankRetention, DataBankStore, agencyNodeDataSource, documentKey, versionRow } from '@shekara/agency-node';
import type { AgencyNodeConfig } from '@shekara/agency-node';
import { ManualClock } from '@shekara/common';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import { PG_URL } from '../support/harness';

jest.setTimeout(60_000);

const CREATED = new Date('2017-01-10T06:00:00Z');
const doc = (recordId: string, number: string, version: number, reviewOn: string) =>
  versionRow(
    create(BankRecordVersionSchema, {
      recordId,
      version,
      ownerAgency: 'border',
      contributorUnit: 'border.l1.KZ',
      createdAt: timestampFromDate(CREATED),
      action: version === 1 ? BankVersionAction.CREATE : BankVersionAction.REVISE,
      content: create(BankRecordContentSchema, {
        body: { case: 'travelDocument', value: { number, issuingState: 'KGZ', documentType: DocumentType.PASSPORT, status: TravelDocumentStatus.LOST, reportedOn: '2017-01-09' } },
        classification: Classification.UNCLASSIFIED,
        reviewOn,
      }),
    }),
    new Uint8Array([1]),
  );

describe('review date and retention of the data bank', () => {
  const url = withDatabase(PG_URL, `shekara_retention_${process.pid}_${Date.now()}`);
  const ds = agencyNodeDataSource(url);
  const store = new DataBankStore(ds);
  const clock = new ManualClock('2027-01-09T12:00:00Z');
  const retention = new DataBankRetention(store, clock, { bank: { retentionGraceDays: 365, retentionMs: 0 } } as AgencyNodeConfig);
  const due = '01900000-0000-7000-8000-000000000001';
  const later = '01900000-0000-7000-8000-000000000002';
  const filter = { classifications: ['UNCLASSIFIED'], limit: 10, offset: 0 };

  beforeAll(async () => {
    await ensureDatabase(url);
    await ds.initialize();
    await ds.runMigrations();
    // Review date 10 years on (the default), two versions; and one due 20 years on.
    await store.writeVersions([doc(due, 'AC1234567', 1, ''), doc(due, 'AC1234567', 2, ''), doc(later, 'AC7654321', 1, '2037-01-10')], clock.now(), '[]', '[]', false);
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(url);
  });

  it('defaults the review date to 10 years and takes the record out of search on that day', async () => {
    expect((await store.record(due))?.review_on).toBe('2027-01-10');
    expect(await store.documents(documentKey('KGZ', 'AC1234567'), '2027-01-09')).toHaveLength(1);
    expect(await store.documents(documentKey('KGZ', 'AC1234567'), '2027-01-10')).toHaveLength(0);
    expect((await store.list({ ...filter, today: '2027-01-10' })).rows.map((r) => r.record_id)).toEqual([later]);
  });

  it('keeps the record through the grace period, then deletes it with its versions, audited', async () => {
    clock.set('2028-01-09T12:00:00Z');
    expect(await retention.run()).toBe(0);
    clock.set('2028-01-11T00:30:00Z');
    expect(await retention.run()).toBe(1);
    expect(await store.record(due)).toBeUndefined();
    expect(await store.versions(due)).toHaveLength(0);
    expect(await store.record(later)).toBeDefined();
    const audit = await ds.query(`SELECT actor, action, message_id, details FROM audit_log WHERE action = 'bank-deleted'`);
    expect(audit).toEqual([{ actor: 'retention', action: 'bank-deleted', message_id: due, details: { ownerAgency: 'border', reviewOn: '2027-01-10', versions: 2 } }]);
    expect(await retention.run()).toBe(0);
  });
});
