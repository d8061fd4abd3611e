import { Controller, Get, Inject, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { Clock } from '@shekara/common';
import { bi } from '@shekara/server';
import { BankContributionsQuery } from '../queries/bank-contributions.query';
import { HeatmapQuery } from '../queries/heatmap.query';
import { JournalQuery } from '../queries/journal.query';
import { OverdueQuery } from '../queries/overdue.query';
import { DiscrepanciesQuery, addMonths } from '../queries/discrepancies.query';
import { localDate, monthOf } from '@shekara/policy';
import { SupervisorError, SupervisorErrorCode } from '../errors';
import { RatesQuery } from '../queries/rates.query';
import { SeriesQuery } from '../queries/series.query';
import { TimelineQuery } from '../queries/timeline.query';
import { UnitsQuery } from '../queries/units.query';
import { VerdictsQuery } from '../queries/verdicts.query';
import { Scope } from '../verdicts/scope';
import type { UnitInfo } from '../verdicts/units';
import type { SupervisorConfig } from '../config';
import { CAPITAL_ZONE, SUPERVISOR_CONFIG, UNIT_INFOS } from '../tokens';
import { BankContributionsQueryDto, DiscrepanciesQueryDto, HeatmapQueryDto, JournalQueryDto, OverdueQueryDto, PagedQuery, SeriesQueryDto, UnitsQueryDto, VerdictsQueryDto } from './query.dto';
import { queryRange, respond } from './respond';
import { streamResponse } from './stream';
import { rangeName } from '../queries/listing';

const EXPORTS = ['application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/** The supervisors' API over the ledger: supervisors and administrators only. */
@ApiTags('ledger')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@Controller('api')
export class LedgerController {
  constructor(
    private readonly clock: Clock,
    @Inject(CAPITAL_ZONE) private readonly zone: string,
    private readonly verdictsQuery: VerdictsQuery,
    private readonly ratesQuery: RatesQuery,
    private readonly seriesQuery: SeriesQuery,
    private readonly overdueQuery: OverdueQuery,
    private readonly heatmapQuery: HeatmapQuery,
    private readonly timelineQuery: TimelineQuery,
    private readonly journalQuery: JournalQuery,
    private readonly unitsQuery: UnitsQuery,
    private readonly bankQuery: BankContributionsQuery,
    private readonly discrepanciesQuery: DiscrepanciesQuery,
    @Inject(SUPERVISOR_CONFIG) private readonly config: SupervisorConfig,
    @Inject(UNIT_INFOS) private readonly unitInfos: ReadonlyMap<string, UnitInfo>,
  ) {}

  /** What the caller may see: their agency's exchanges (supervisor) or everything (admin). */
  private scope(req: AuthedRequest): Scope {
    return Scope.of(req.user, this.unitInfos);
  }

  @Get('verdicts')
  @ApiProduces(...EXPORTS)
  @ApiOperation({
    summary: 'Verdicts of a range (same engine and records as `shekara audit`), filtered by the owing unit, obligation, verdict, period',
    description: 'JSON: { range, asOf, policy, rejected, total, page, pageSize, items }. format=csv|xlsx: the whole filtered listing.',
  })
  async verdicts(@Req() req: AuthedRequest, @Query() q: VerdictsQueryDto, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | StreamableFile> {
    const range = queryRange(q, this.clock.now(), this.zone);
    const result = await this.verdictsQuery.run(range, { agency: q.agency, unit: q.unit, level: q.level, region: q.region, obligation: q.obligation, verdict: q.verdict, period: q.period }, this.scope(req), q.lang);
    return respond(result, q.format, this.config.exports, q, res);
  }

  @Get('rates')
  @ApiProduces(...EXPORTS)
  @ApiOperation({ summary: 'Per-unit on-time rate (on-time verdicts / judged verdicts) over a range, with the count of each verdict; worst first' })
  async rates(@Req() req: AuthedRequest, @Query() q: PagedQuery, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | StreamableFile> {
    const range = queryRange(q, this.clock.now(), this.zone);
    return respond(await this.ratesQuery.run(range, { agency: q.agency, unit: q.unit, level: q.level, region: q.region }, this.scope(req), q.lang), q.format, this.config.exports, q, res);
  }

  @Get('rates/series')
  @ApiProduces(...EXPORTS)
  @ApiOperation({ summary: 'On-time rate per day, week or month of a range, for a unit, an agency or the filtered units (charts)' })
  async series(@Req() req: AuthedRequest, @Query() q: SeriesQueryDto, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | StreamableFile> {
    const range = queryRange(q, this.clock.now(), this.zone);
    return respond(await this.seriesQuery.run(range, { agency: q.agency, unit: q.unit, level: q.level, region: q.region }, q.bucket, this.scope(req)), q.format, this.config.exports, undefined, res);
  }

  @Get('overdue')
  @ApiProduces(...EXPORTS)
  @ApiOperation({ summary: 'Now: urgent reports UNCONFIRMED past their deadline (with escalation state) and MISSING periodic reports, due in the last lookbackDays' })
  async overdue(@Req() req: AuthedRequest, @Query() q: OverdueQueryDto, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | StreamableFile> {
    return respond(await this.overdueQuery.run({ agency: q.agency, unit: q.unit, level: q.level, region: q.region, obligation: q.obligation }, q.lookbackDays, this.scope(req), q.lang), q.format, this.config.exports, q, res);
  }

  @Get('discrepancies')
  @ApiProduces(...EXPORTS)
  @ApiOperation({
    summary: 'Clause 9.3: counterpart figures reconciled per month and pair of units from the signed STATISTICS reports and handover acts; by default the unreconciled discrepancies',
    description: 'Filters: from/to months (YYYY-MM, at most 24), agency/unit/level/region (either side of the pair), status. format=csv|xlsx: the whole filtered listing.',
  })
  async discrepancies(@Req() req: AuthedRequest, @Query() q: DiscrepanciesQueryDto): Promise<Record<string, unknown> | StreamableFile> {
    const to = q.to ?? monthOf(localDate(this.clock.now(), this.zone));
    const from = q.from ?? addMonths(to, -11);
    if (from > to) throw new SupervisorError(SupervisorErrorCode.InvalidQuery, undefined, [{ field: 'from', messages: ['from must not be after to'], code: 'FROM_AFTER_TO', params: { to } }]);
    if (from < addMonths(to, -23)) throw new SupervisorError(SupervisorErrorCode.RangeTooLong, bi(`At most 24 months; the first allowed for ${to} is ${addMonths(to, -23)}.`, `Не более 24 месяцев; для ${to} первый допустимый — ${addMonths(to, -23)}.`));
    const status = q.status === 'all' ? undefined : (q.status ?? 'DISCREPANCY');
    return respond(await this.discrepanciesQuery.run(from, to, { agency: q.agency, unit: q.unit, level: q.level, region: q.region }, status, this.scope(req), q.lang), q.format, this.config.exports, q);
  }

  @Get('heatmap')
  @ApiProduces(...EXPORTS)
  @ApiOperation({ summary: 'Units × days: each unit’s daily verdict per day (worst over its counterparts), one letter per day; units with most breach days first; breaches=true: only those; group=region|level|agency: also the groups, worst first' })
  async heatmap(@Req() req: AuthedRequest, @Query() q: HeatmapQueryDto, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | StreamableFile> {
    const range = queryRange(q, this.clock.now(), this.zone);
    return respond(await this.heatmapQuery.run(range, { agency: q.agency, unit: q.unit, level: q.level, region: q.region }, this.scope(req), { breachesOnly: q.breaches === 'true', group: q.group, lang: q.lang }), q.format, this.config.exports, q, res);
  }

  @Get('messages/:id/timeline')
  @ApiOperation({ summary: 'One message: what the ledger knows of it, every event in order, confirmations, escalation, the verdicts naming it' })
  timeline(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.timelineQuery.run(id.slice(0, 200), this.scope(req));
  }

  @Get('journal')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'The messages the verdicts of a range rest on, as a `shekara audit` JSONL journal (for cross-checking)',
    description: 'Streamed as the ledger is read (a cursor, a batch at a time): the download starts at once and the console shows its progress; a client that goes away stops the reading and closes the query.',
  })
  async journal(@Req() req: AuthedRequest, @Query() q: JournalQueryDto, @Res() res: Response): Promise<void> {
    const range = queryRange(q, this.clock.now(), this.zone);
    const abort = new AbortController();
    await streamResponse(
      res,
      abort,
      { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': `attachment; filename="${rangeName('journal', range)}.jsonl"`, 'Cache-Control': 'no-store' },
      this.journalQuery.stream(range, this.scope(req), abort.signal),
    );
  }

  @Get('bank/contributions')
  @ApiOperation({
    summary: 'Data bank contributions of a half-year per agency against the clause 5.5 obligation: records by kind, the reports that carried them, the semi-annual verdicts each with what its report contributed',
  })
  bankContributions(@Req() req: AuthedRequest, @Query() q: BankContributionsQueryDto) {
    return this.bankQuery.run(q.period, this.scope(req));
  }

  @Get('directory/units')
  @ApiProduces(...EXPORTS)
  @ApiOperation({ summary: 'Units of the directory (for the filters)' })
  async units(@Query() q: UnitsQueryDto, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | StreamableFile> {
    return respond(this.unitsQuery.run({ agency: q.agency, level: q.level, region: q.region }), q.format, this.config.exports, q, res);
  }
}
