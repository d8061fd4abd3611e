/** Files for the data bank's attachment tests: a real PDF with text (pdftotext reads it) of any size, and PNG bytes. */
import { randomBytes } from 'node:crypto';

/**
 * A PDF whose one page says `text`, padded to exactly `size` bytes by a stream object nobody
 * references (random bytes: incompressible), with a correct cross-reference table.
 */
export function pdf(text: string, size?: number): Buffer {
  const content = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const build = (padding: number): Buffer => {
    const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    const offsets: number[] = [];
    let at = parts[0].length;
    const push = (b: Buffer) => {
      parts.push(b);
      at += b.length;
    };
    objects.forEach((o, i) => {
      offsets.push(at);
      push(Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, 'latin1'));
    });
    if (padding > 0) {
      offsets.push(at);
      push(Buffer.from(`6 0 obj\n<< /Length ${padding} >>\nstream\n`, 'latin1'));
      push(randomBytes(padding));
      push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
    }
    const xref = at;
    const n = offsets.length + 1;
    push(Buffer.from(`xref\n0 ${n}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size ${n} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
    return Buffer.concat(parts);
  };
  if (size === undefined) return build(0);
  // The padding's own length digits change the size: settle it in two passes.
  let padding = size - build(1).length;
  let out = build(padding);
  padding += size - out.length;
  out = build(padding);
  if (out.length !== size) throw new Error(`pdf: ${out.length} bytes, not ${size}`);
  return out;
}

/** A PNG signature and a header chunk: enough for the sniffing (the bank does not decode images). */
export const png = (): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), randomBytes(300_000)]);

