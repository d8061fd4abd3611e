import { validateBankContent } from './validation';
import { isKnownState } from './states';

const doc = (over: Record<string, unknown> = {}) => ({
  travelDocument: { number: 'N 123-4567', issuingState: 'KAZ', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_LOST', reportedOn: '2026-11-02', ...over },
  classification: 'CLASSIFICATION_FOR_OFFICIAL_USE',
});

describe('bank record content at the edge', () => {
  it('accepts an SLTD-shaped document, a material and a specimen', () => {
    expect(validateBankContent(doc())).toMatchObject({ ok: true });
    expect(validateBankContent({ material: { kind: 'MATERIAL_KIND_REVIEW', title: 'Шолу', body: 'Қазақ тіліндегі мәтін', language: 'BANK_LANGUAGE_KK', topics: ['құжаттар'] }, classification: 'CLASSIFICATION_UNCLASSIFIED' })).toMatchObject({ ok: true });
    expect(validateBankContent({ specimen: { issuingState: 'UZB', documentType: 'DOCUMENT_TYPE_PASSPORT', title: 'Passport 2011', features: 'UV fibres', language: 'BANK_LANGUAGE_EN' }, classification: 'CLASSIFICATION_CONFIDENTIAL' })).toMatchObject({ ok: true });
  });

  it.each([
    ['a Cyrillic letter', { number: 'N12З4567' }, 'travelDocument.number'],
    ['the MRZ filler', { number: 'N1234567<<' }, 'travelDocument.number'],
    ['only dashes', { number: '---' }, 'travelDocument.number'],
    ['an unknown state', { issuingState: 'ZZZ' }, 'travelDocument.issuingState'],
    ['a lower-case state', { issuingState: 'kaz' }, 'travelDocument.issuingState'],
    ['a day that does not exist', { reportedOn: '2026-02-30' }, 'travelDocument.reportedOn'],
  ])('refuses %s', (_what, over, field) => {
    const r = validateBankContent(doc(over));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });

  it('refuses no body or two bodies', () => {
    expect(validateBankContent({ classification: 'CLASSIFICATION_UNCLASSIFIED' }).ok).toBe(false);
    expect(validateBankContent({ ...doc(), material: { kind: 'MATERIAL_KIND_REVIEW', title: 't', body: 'b', language: 'BANK_LANGUAGE_EN' } }).ok).toBe(false);
  });

  it('knows ISO 3166-1 and ICAO 9303 codes only', () => {
    expect(['KAZ', 'CHN', 'UZB', 'XXA', 'DEU'].every(isKnownState)).toBe(true);
    expect(['ZZZ', 'SUN', 'kaz', 'KZ'].some(isKnownState)).toBe(false);
  });
});

describe('attachments named by a record', () => {
  const ref = (over: Record<string, unknown> = {}) => ({ sha256: 'ab'.repeat(32), size: 26214400, mediaType: 'application/pdf', filename: 'паспорт.pdf', ...over });
  const material = (attachments: unknown[]) => ({
    material: { kind: 'MATERIAL_KIND_REVIEW', title: 'Specimen', body: 'See the file.', language: 'BANK_LANGUAGE_EN' },
    classification: 'CLASSIFICATION_UNCLASSIFIED',
    attachments,
  });

  it('accepts files named by hash, size, type and name', () => {
    const r = validateBankContent(material([ref()]));
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(r.value.attachments[0]).toMatchObject({ sha256: 'ab'.repeat(32), size: 26214400 });
  });

  it.each([
    ['an upper-case hash', { sha256: 'AB'.repeat(32) }, 'attachments.0.sha256'],
    ['a short hash', { sha256: 'ab' }, 'attachments.0.sha256'],
    ['a file over 25 MiB', { size: 26214401 }, 'attachments.0.size'],
    ['an empty file', { size: 0 }, 'attachments.0.size'],
    ['a name with a directory', { filename: '../etc/passwd' }, 'attachments.0.filename'],
  ])('refuses %s', (_what, over, field) => {
    const r = validateBankContent(material([ref(over)]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });

  it('refuses more than 20 files', () => {
    expect(validateBankContent(material(Array.from({ length: 21 }, (_, i) => ref({ sha256: i.toString(16).padStart(64, '0') })))).ok).toBe(false);
  });
});
