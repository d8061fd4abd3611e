import { strFromU8, unzipSync } from 'fflate';
import { csvField, exportListing, keyColumns, toCsv } from './export';
import type { Listing } from './export';

type Row = { name: string; n?: number; note?: string };
const listing: Listing<Row> = {
  name: 'things-2024',
  sheet: 'a sheet name that is longer than thirty-one characters',
  columns: keyColumns<Row>(['name', 'n', 'note']),
  rows: [
    { name: 'plain', n: 1 },
    { name: 'a, "quoted"\nline', n: -2.5, note: '=SUM(A1)' },
  ],
};

describe('CSV', () => {
  it('writes a header row and RFC 4180 fields', () => {
    expect(toCsv(listing)).toBe('name,n,note\nplain,1,\n"a, ""quoted""\nline",-2.5,\'=SUM(A1)\n');
  });

  it('defuses text a spreadsheet would run, but not numbers', () => {
    expect(csvField('+7 701')).toBe("'+7 701");
    expect(csvField('@x')).toBe("'@x");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField('2024-04-01T00:00:00.000Z')).toBe('2024-04-01T00:00:00.000Z');
  });
});

describe('XLSX', () => {
  it('is a real workbook with the header, strings and numbers', async () => {
    const file = await exportListing(listing, 'xlsx');
    expect(file.fileName).toBe('things-2024.xlsx');
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const parts = unzipSync(new Uint8Array(file.body));
    expect(Object.keys(parts)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']));
    expect(strFromU8(parts['xl/workbook.xml'])).toContain('name="a sheet name that is longer tha"');
    const sheet = strFromU8(parts['xl/worksheets/sheet1.xml']);
    expect(sheet).toContain('<v>-2.5</v>');
    const strings = strFromU8(parts['xl/sharedStrings.xml']);
    for (const s of ['name', 'plain', '=SUM(A1)']) expect(strings).toContain(s);
  });

  it('exports CSV as UTF-8 bytes', async () => {
    const file = await exportListing({ ...listing, rows: [{ name: 'Нур Жолы' }] }, 'csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.body.toString('utf8')).toBe('name,n,note\nНур Жолы,,\n');
  });
});
