import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BankLanguage, BankRecordContentSchema, BankRecordVersionSchema, BankVersionAction, Classification, MaterialKind, SignedBankVersionSchema } from '@shekara/contracts';
import { Directory, buildDirectory, generateKeys, parseAgencyKeys } from '@shekara/directory';
import { UnitSigner } from '@shekara/security';
import { signBankVersion, verifyBankVersion, versionRow } from './bank-version';

const BORDER = 'border.l4.CP-CN-A-01';
const { directory: data, privateKeys } = generateKeys(buildDirectory(), { from: new Date('2026-01-01T00:00:00Z') });
const directory = Directory.fromJSON(data);
const borderKeys = parseAgencyKeys({ format: 'shekara-keys/1', ...privateKeys.find((s) => s.agency === 'border')! }, 'border', directory);
const signer = new UnitSigner([...borderKeys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })));

const version = (o: { owner?: string; contributor?: string; n?: number; action?: BankVersionAction; title?: string } = {}) =>
  create(BankRecordVersionSchema, {
    recordId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    version: o.n ?? 1,
    ownerAgency: o.owner ?? 'border',
    contributorUnit: o.contributor ?? BORDER,
    createdAt: timestampFromDate(new Date('2026-07-10T00:00:00Z')),
    action: o.action ?? BankVersionAction.CREATE,
    content: create(BankRecordContentSchema, {
      body: { case: 'material', value: { kind: MaterialKind.REVIEW, title: o.title ?? 'Review', body: 'Text', language: BankLanguage.EN } },
      classification: Classification.UNCLASSIFIED,
    }),
  });

const check = (bytes: Uint8Array) => verifyBankVersion(directory, fromBinary(SignedBankVersionSchema, bytes));

describe('signed bank versions', () => {
  it('verifies a version signed by its contributor, of the owning agency', () => {
    const r = check(signBankVersion(signer, version()));
    expect(r).toMatchObject({ ok: true, version: { contributorUnit: BORDER } });
  });

  it('refuses a version whose bytes were changed after signing', () => {
    const signed = fromBinary(SignedBankVersionSchema, signBankVersion(signer, version()));
    const changed = toBinary(BankRecordVersionSchema, version({ title: 'Changed' }));
    const r = check(toBinary(SignedBankVersionSchema, { ...signed, version: changed }));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/bad signature/) });
  });

  it('refuses a unit signing for another agency or as another contributor', () => {
    expect(check(signBankVersion(signer, version({ owner: 'interior' })))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a unit of the owning agency interior/) });
    // Signed by the border unit, naming another border unit as contributor.
    const other = directory.units({ agency: 'border', level: 1 })[0].id;
    const bytes = toBinary(BankRecordVersionSchema, version({ contributor: other }));
    const sig = signer.sign(BORDER, Buffer.concat([Buffer.from('shekara/bank-version/v1\u0000', 'ascii'), bytes]));
    expect(check(toBinary(SignedBankVersionSchema, create(SignedBankVersionSchema, { version: bytes, keyId: sig.keyId, signature: sig.signature })))).toMatchObject({ ok: false, reason: expect.stringMatching(/signed by .* but names contributor/) });
  });

  it('refuses a signature without the context (an envelope signature passed off as a version)', () => {
    const bytes = toBinary(BankRecordVersionSchema, version());
    const sig = signer.sign(BORDER, bytes);
    expect(check(toBinary(SignedBankVersionSchema, create(SignedBankVersionSchema, { version: bytes, keyId: sig.keyId, signature: sig.signature }))).ok).toBe(false);
  });

  it('refuses a version 1 that is not a creation, and a later one that is', () => {
    expect(check(signBankVersion(signer, version({ action: BankVersionAction.REVISE }))).ok).toBe(false);
    expect(check(signBankVersion(signer, version({ n: 2 }))).ok).toBe(false);
    expect(check(signBankVersion(signer, version({ n: 2, action: BankVersionAction.WITHDRAW }))).ok).toBe(true);
  });

  it('derives the search row: a withdrawal is WITHDRAWN, the review date defaults to 10 years', () => {
    const row = versionRow(version({ n: 3, action: BankVersionAction.WITHDRAW }), new Uint8Array([1]));
    expect(row).toMatchObject({ status: 'WITHDRAWN', action: 'WITHDRAW', kind: 'MATERIAL', language: 'en', review_on: '2036-07-10', classification: 'UNCLASSIFIED' });
  });
});
