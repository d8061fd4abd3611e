/** Travel-document numbers: as printed, and folded for the usual misreadings (O/0, I/1, B/8, S/5...). */

/** Upper case, without spaces, dashes, dots and slashes. */
export function documentNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s\-‐‑–—./]/g, '');
}

const MISREAD: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', B: '8', S: '5', Z: '2', G: '6' };

/** The number with every letter that OCR or a clerk confuses with a digit replaced by that digit. */
export function foldMisreadings(number: string): string {
  let out = '';
  for (const ch of documentNumber(number)) out += MISREAD[ch] ?? ch;
  return out;
}
