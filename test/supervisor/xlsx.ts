import { strFromU8, unzipSync } from 'fflate';

/**
 * Reads the first sheet of an XLSX workbook back into rows of strings and numbers (shared and
 * inline strings, numbers), enough to check what the supervisor exports. Fails loudly on anything
 * that is not a workbook.
 */
export function readXlsx(bytes: Uint8Array): Array<Array<string | number | null>> {
  const files = unzipSync(bytes);
  const text = (name: string) => {
    const f = files[name];
    if (!f) throw new Error(`not a workbook: ${name} is missing`);
    return strFromU8(f);
  };
  if (!/<workbook[\s>]/.test(text('xl/workbook.xml'))) throw new Error('not a workbook: no <workbook>');
  const shared = files['xl/sharedStrings.xml'] ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => unescape([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''))) : [];
  const rows: Array<Array<string | number | null>> = [];
  for (const row of text('xl/worksheets/sheet1.xml').matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells: Array<string | number | null> = [];
    for (const c of row[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const col = columnIndex(c[1]);
      while (cells.length < col) cells.push(null);
      const type = /t="(\w+)"/.exec(c[2])?.[1];
      const body = c[3] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      if (type === 's') cells.push(shared[Number(v)]);
      else if (type === 'inlineStr') cells.push(unescape(/<t[^>]*>([\s\S]*?)<\/t>/.exec(body)?.[1] ?? ''));
      else if (type === 'str') cells.push(unescape(v ?? ''));
      else cells.push(v === undefined ? null : Number(v));
    }
    rows.push(cells);
  }
  // Trailing empty cells are not written: pad every row to the header's width.
  const width = Math.max(0, ...rows.map((r) => r.length));
  for (const r of rows) while (r.length < width) r.push(null);
  return rows;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}
