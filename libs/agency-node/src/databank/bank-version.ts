/**
 * A bank version as every node stores it: the BankRecordVersion bytes and the contributing unit's
 * Ed25519 signature over them (SignedBankVersion), and what search reads of it (the record row).
 * Pure functions: no clock, no database.
 */
import { fromBinary, toBinary, toJson, create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  BankLanguage,
  BankRecordContentSchema,
  BankRecordVersionSchema,
  BankVersionAction,
  Classification,
  SignedBankVersionSchema,
  validateBankVersion,
} from '@shekara/contracts';
import type { BankRecordContent, BankRecordVersion, SignedBankVersion } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { verifySignature } from '@shekara/security';
import type { UnitSigner } from '@shekara/security';
import { documentKey } from './document-key';

const CONTEXT = Buffer.from('shekara/bank-version/v1\u0000', 'ascii');

/** What the contributing unit signs: a fixed context (so no other signature passes as a version's), then the version's bytes. */
export function bankSigningInput(version: Uint8Array): Uint8Array {
  return Buffer.concat([CONTEXT, version]);
}

/** Serializes and signs a version as its contributing unit: the SignedBankVersion bytes. */
export function signBankVersion(signer: UnitSigner, version: BankRecordVersion): Uint8Array {
  const bytes = toBinary(BankRecordVersionSchema, version);
  const sig = signer.sign(version.contributorUnit, bankSigningInput(bytes));
  return toBinary(SignedBankVersionSchema, create(SignedBankVersionSchema, { version: bytes, keyId: sig.keyId, signature: sig.signature }));
}

export type BankVersionCheck = { ok: true; version: BankRecordVersion } | { ok: false; reason: string };

/**
 * Verifies a signed version wherever it comes from: the signature with the directory's key, the
 * key valid when the version says it was made, the signer the contributing unit, the contributor
 * a unit of the owning agency, and the version valid by the contract's DTOs.
 */
export function verifyBankVersion(directory: Directory, signed: SignedBankVersion): BankVersionCheck {
  const sig = verifySignature(
    (keyId) => {
      const publicKey = directory.publicKey(keyId);
      return publicKey ? { publicKey, unitId: directory.keyOwner(keyId) } : undefined;
    },
    signed.keyId,
    bankSigningInput(signed.version),
    signed.signature,
  );
  if (!sig.ok) return { ok: false, reason: `bank version: bad signature: ${sig.reason}` };
  let version: BankRecordVersion;
  try {
    version = fromBinary(BankRecordVersionSchema, signed.version);
  } catch (e) {
    return { ok: false, reason: `bank version: malformed (${(e as Error).message})` };
  }
  const errors = validateBankVersion(version);
  if (errors.length) return { ok: false, reason: `bank version: schema: ${errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')}`.slice(0, 1500) };
  if (sig.unitId !== version.contributorUnit) return { ok: false, reason: `bank version: signed by ${sig.unitId} but names contributor ${version.contributorUnit}` };
  const unit = directory.findUnit(version.contributorUnit);
  if (!unit) return { ok: false, reason: `bank version: unknown contributor unit ${version.contributorUnit}` };
  if (unit.agency !== version.ownerAgency) return { ok: false, reason: `bank version: ${version.contributorUnit} is not a unit of the owning agency ${version.ownerAgency}` };
  const key = directory.keyValidAt(signed.keyId, timestampDate(version.createdAt!));
  if (!key.ok) return { ok: false, reason: `bank version: ${key.refusal}: ${key.reason}` };
  if ((version.action === BankVersionAction.CREATE) !== (version.version === 1)) return { ok: false, reason: 'bank version: version 1 and only version 1 creates a record' };
  return { ok: true, version };
}

export type BankKind = 'MATERIAL' | 'SPECIMEN' | 'TRAVEL_DOCUMENT';
export type BankLang = 'ru' | 'kk' | 'en';

const LANG: Record<number, BankLang | undefined> = { [BankLanguage.RU]: 'ru', [BankLanguage.KK]: 'kk', [BankLanguage.EN]: 'en' };
const ACTION: Record<number, 'CREATE' | 'REVISE' | 'WITHDRAW'> = { [BankVersionAction.CREATE]: 'CREATE', [BankVersionAction.REVISE]: 'REVISE', [BankVersionAction.WITHDRAW]: 'WITHDRAW' };

/** A version as the store writes it (bank_versions, and bank_records when it is the latest). */
export interface BankVersionRow {
  record_id: string;
  version: number;
  owner_agency: string;
  contributor_unit: string;
  action: 'CREATE' | 'REVISE' | 'WITHDRAW';
  created_at: string;
  signed: string;
  content: unknown;
  source_message_id: string | null;
  kind: BankKind;
  status: 'ACTIVE' | 'WITHDRAWN';
  classification: string;
  review_on: string;
  title: string;
  topics: string[];
  language: BankLang | null;
  doc_state: string | null;
  doc_key: string | null;
  text: string;
}

/** Default review date: 10 years after the record was made, as in SLTD. */
export function defaultReviewOn(createdAt: Date): string {
  const d = new Date(createdAt);
  d.setUTCFullYear(d.getUTCFullYear() + 10);
  return d.toISOString().slice(0, 10);
}

/** The kind of a record's content. */
export function contentKind(c: BankRecordContent): BankKind {
  switch (c.body.case) {
    case 'material':
      return 'MATERIAL';
    case 'specimen':
      return 'SPECIMEN';
    case 'travelDocument':
      return 'TRAVEL_DOCUMENT';
    default:
      throw new Error('bank content without a body');
  }
}

/** What search reads of a version: kind, title, text, language, the document key. */
export function versionRow(version: BankRecordVersion, signed: Uint8Array): BankVersionRow {
  const c = version.content!;
  const createdAt = timestampDate(version.createdAt!);
  const base = {
    record_id: version.recordId,
    version: version.version,
    owner_agency: version.ownerAgency,
    contributor_unit: version.contributorUnit,
    action: ACTION[version.action],
    created_at: createdAt.toISOString(),
    signed: Buffer.from(signed).toString('base64'),
    content: toJson(BankRecordContentSchema, c),
    source_message_id: version.sourceMessageId || null,
    kind: contentKind(c),
    status: version.action === BankVersionAction.WITHDRAW ? ('WITHDRAWN' as const) : ('ACTIVE' as const),
    classification: Classification[c.classification],
    review_on: c.reviewOn || defaultReviewOn(createdAt),
  };
  const b = c.body;
  switch (b.case) {
    case 'material':
      return { ...base, title: b.value.title, topics: b.value.topics, language: LANG[b.value.language] ?? null, doc_state: null, doc_key: null, text: [b.value.summary, b.value.body].filter(Boolean).join('\n\n') };
    case 'specimen':
      return { ...base, title: b.value.title, topics: b.value.topics, language: LANG[b.value.language] ?? null, doc_state: b.value.issuingState, doc_key: null, text: [b.value.series, b.value.features].filter(Boolean).join('\n\n') };
    case 'travelDocument':
      return { ...base, title: `${b.value.issuingState} ${b.value.number}`, topics: [], language: null, doc_state: b.value.issuingState, doc_key: documentKey(b.value.issuingState, b.value.number), text: '' };
    default:
      throw new Error('bank content without a body');
  }
}
