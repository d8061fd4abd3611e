/**
 * The key of a travel document for the document check: the issuing state and the number folded so
 * that the usual misreadings of a printed or scanned number meet — upper case, spaces and dashes
 * dropped, and O→0, I→1, B→8, S→5 (a letter read as the digit it looks like). The key is stored
 * with each record (bank_records.doc_key, indexed) and computed the same way from the question.
 * Folding may bring two different numbers together ("AB1" and "A81"): the check answers with the
 * records and says whether the number is exactly the one asked.
 */
const FOLD: Record<string, string> = { O: '0', I: '1', B: '8', S: '5' };

/** The folded number: what a misread number and the printed one have in common. */
export function foldDocumentNumber(number: string): string {
  return number
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[OIBS]/g, (c) => FOLD[c]);
}

/** The indexed key of a document: "<STATE>:<folded number>". */
export function documentKey(issuingState: string, number: string): string {
  return `${issuingState}:${foldDocumentNumber(number)}`;
}

/** The number as printed, without spaces and dashes, in upper case: equal means the same number exactly. */
export function plainDocumentNumber(number: string): string {
  return number.toUpperCase().replace(/[\s-]+/g, '');
}
