/**
 * The type of an attachment, told from its bytes (magic numbers), never from the name or the
 * client's Content-Type. The bank takes PDF, JPEG, PNG, TIFF and the office documents of today
 * (OOXML: docx, xlsx, pptx; OpenDocument: odt, ods, odp); anything else is refused — executables,
 * scripts, archives, the legacy OLE formats (.doc/.xls share their container with .msi installers).
 */
const starts = (b: Buffer, sig: number[] | string, at = 0): boolean => {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + bytes.length && b.subarray(at, at + bytes.length).equals(bytes);
};

const ODF = new Set([
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
]);

const OOXML: [string, string][] = [
  ['word/', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
];

/** The names of the entries of a ZIP archive, read from its central directory (undefined if it has none). */
export function zipEntryNames(b: Buffer): string[] | undefined {
  // End of central directory: signature PK\5\6, within the last 64 KiB + 22 bytes.
  const from = Math.max(0, b.length - 65_557);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < from || eocd + 22 > b.length) return undefined;
  const entries = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < entries; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return undefined;
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    names.push(b.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** The media type of an office document in a ZIP container, or undefined for any other ZIP. */
function officeType(b: Buffer): string | undefined {
  // OpenDocument: the first entry is "mimetype", stored uncompressed, its content the type.
  if (starts(b, 'mimetype', 30)) {
    const nameLen = b.readUInt16LE(26);
    const extraLen = b.readUInt16LE(28);
    const size = b.readUInt32LE(18);
    const type = b.subarray(30 + nameLen + extraLen, 30 + nameLen + extraLen + size).toString('latin1');
    return ODF.has(type) ? type : undefined;
  }
  const names = zipEntryNames(b);
  if (!names?.includes('[Content_Types].xml')) return undefined;
  for (const [dir, type] of OOXML) if (names.some((n) => n.startsWith(dir))) return type;
  return undefined;
}

/** The media type of these bytes if the bank takes them, else undefined. */
export function sniffAttachmentType(b: Buffer): string | undefined {
  if (starts(b, '%PDF-')) return 'application/pdf';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0x49, 0x49, 0x2a, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (starts(b, [0x50, 0x4b, 0x03, 0x04])) return officeType(b);
  return undefined;
}

/** The media types the bank takes (for messages and the console's file picker). */
export const BANK_ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff', ...OOXML.map(([, t]) => t), ...ODF];
