/**
 * What a SEMIANNUAL or ADVANCE report adds to the data bank when it is sent (clauses 5.4, 5.5):
 * each material of a semi-annual report becomes a material; each lost or stolen document of an
 * advance notice a travel document, each change of documents a specimen. The records' ids follow
 * from the report's id and the item's place in it, so adding them again (a retry) adds nothing.
 * Pure: no clock, no database.
 */
import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  BankLanguage,
  BankRecordContentSchema,
  DocumentChangeKind,
  DocumentLoss,
  TravelDocumentStatus,
} from '@shekara/contracts';
import type { BankRecordContent, Envelope } from '@shekara/contracts';

/** Kazakh letters that Russian has not; then Cyrillic at all; else English. */
export function guessLanguage(text: string): BankLanguage {
  if (/[әғқңөұүһі]/iu.test(text)) return BankLanguage.KK;
  if (/[а-яё]/iu.test(text)) return BankLanguage.RU;
  return BankLanguage.EN;
}

/** A UUIDv7-shaped record id: the report's timestamp bits, then a hash of the report id and the item's place. */
export function recordIdFor(messageId: string, item: string): string {
  const h = createHash('sha256').update(`${messageId}\n${item}`).digest('hex');
  const variant = ((parseInt(h[3], 16) & 3) | 8).toString(16);
  return `${messageId.slice(0, 13)}-7${h.slice(0, 3)}-${variant}${h.slice(4, 7)}-${h.slice(7, 19)}`;
}

const CHANGE: Record<number, string> = {
  [DocumentChangeKind.NEW_SAMPLE]: 'New sample',
  [DocumentChangeKind.PROCESSING_CHANGE]: 'Change of processing',
  [DocumentChangeKind.NEW_STAMP]: 'New stamp',
  [DocumentChangeKind.SECURITY_FEATURE]: 'New security feature',
};

/** The bank records a report carries, each with its id; `reportedOn` is the sending unit's local date. */
export function bankItemsOf(env: Envelope, reportedOn: string): { recordId: string; content: BankRecordContent }[] {
  const out: { recordId: string; content: BankRecordContent }[] = [];
  const classification = env.classification;
  const p = env.payload;
  if (p.case === 'semiannual') {
    p.value.materials.forEach((m, i) =>
      out.push({
        recordId: recordIdFor(env.messageId, `material.${i}`),
        content: create(BankRecordContentSchema, {
          body: { case: 'material', value: { kind: m.kind, title: m.title, body: m.text, language: guessLanguage(`${m.title} ${m.text}`), topics: [p.value.period] } },
          classification,
        }),
      }),
    );
  } else if (p.case === 'advance' && p.value.subject.case === 'documents') {
    const notice = p.value.subject.value;
    notice.lostOrStolen.forEach((d, i) =>
      out.push({
        recordId: recordIdFor(env.messageId, `lost.${i}`),
        content: create(BankRecordContentSchema, {
          body: {
            case: 'travelDocument',
            value: {
              number: d.number,
              issuingState: d.issuingState,
              documentType: d.documentType,
              status: d.loss === DocumentLoss.STOLEN ? TravelDocumentStatus.STOLEN_FROM_HOLDER : TravelDocumentStatus.LOST,
              reportedOn,
            },
          },
          classification,
        }),
      }),
    );
    notice.changes.forEach((c, i) =>
      out.push({
        recordId: recordIdFor(env.messageId, `change.${i}`),
        content: create(BankRecordContentSchema, {
          body: {
            case: 'specimen',
            value: { issuingState: c.issuingState, documentType: c.documentType, title: `${CHANGE[c.kind] ?? 'Change'}: ${c.issuingState}`, features: c.description, language: guessLanguage(c.description) },
          },
          classification,
        }),
      }),
    );
  }
  return out;
}
