import { StreamableFile } from '@nestjs/common';
import { keyColumns } from '../export/export';
import type { ListingResult } from '../queries/listing';
import { SupervisorError, SupervisorErrorCode } from '../errors';
import { respond } from './respond';

type Row = { name: string };
const result: ListingResult<Row> = {
  meta: { range: { from: '2024-04-01', to: '2024-04-30' } },
  listing: { name: 'things', sheet: 'things', columns: keyColumns<Row>(['name']), rows: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
  json: (r) => r,
};

describe('respond', () => {
  it('refuses an XLSX export of more rows than the limit, naming both counts', async () => {
    const refused = await respond(result, 'xlsx', { xlsxMaxRows: 2 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SupervisorError);
    expect((refused as SupervisorError).code).toBe(SupervisorErrorCode.ExportTooLarge);
    expect((refused as SupervisorError).status).toBe(400);
    expect((refused as SupervisorError).message).toBe(
      'The selection is too large for a spreadsheet. An XLSX export holds at most 2 rows; this selection has 3. Narrow the range or the filters, or export CSV.',
    );
  });

  it('exports up to the limit as XLSX, any number as CSV, and pages JSON whatever the limit', async () => {
    expect(await respond(result, 'xlsx', { xlsxMaxRows: 3 })).toBeInstanceOf(StreamableFile);
    expect(await respond(result, 'csv', { xlsxMaxRows: 1 })).toBeInstanceOf(StreamableFile);
    expect(await respond(result, 'json', { xlsxMaxRows: 1 }, { page: 2, pageSize: 2 })).toMatchObject({ total: 3, page: 2, items: [{ name: 'c' }] });
  });
});
