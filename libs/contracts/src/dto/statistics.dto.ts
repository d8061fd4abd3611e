/** DTOs of shekara/v1/statistics.proto (clause 9.3: monthly statistics and their reconciliation). */
import type { DiscrepancyExplanationJson, MonthlyStatisticsJson, StatisticsFigureJson, StatisticsIndicatorJson } from '../gen/shekara/v1/statistics_pb';
import { StatisticsIndicatorSchema } from '../gen/shekara/v1/statistics_pb';
import { MONTH_RE } from '../formats';
import { UnitId } from './common.dto';
import { NestedList, ProtoEnum, Rule, Text, UInt, type DtoObject } from './decorators';

/** The indicators counted per counterpart unit. */
const PER_COUNTERPART = ['STATISTICS_INDICATOR_PERSONS_HANDED_OVER', 'STATISTICS_INDICATOR_PERSONS_RECEIVED'];

const needsCounterpart = (o: DtoObject) => PER_COUNTERPART.includes(o.indicator);

export class StatisticsFigureDto implements StatisticsFigureJson {
  @ProtoEnum(StatisticsIndicatorSchema)
  indicator!: StatisticsIndicatorJson;

  @Rule('counterpartOnlyPerCounterpart', (v, o) => !v || needsCounterpart(o), 'COUNTERPART_ONLY_PER_COUNTERPART')
  @UnitId({ requiredWhen: needsCounterpart, code: 'COUNTERPART_REQUIRED' })
  counterpartUnit?: string;

  @UInt({ max: 1_000_000 })
  value?: number;
}

export class DiscrepancyExplanationDto implements DiscrepancyExplanationJson {
  @Rule('explainsPerCounterpart', (v) => PER_COUNTERPART.includes(v as string), 'INDICATOR_PER_COUNTERPART')
  @ProtoEnum(StatisticsIndicatorSchema)
  indicator!: StatisticsIndicatorJson;

  @UnitId()
  counterpartUnit!: string;

  @Text({ max: 2000 })
  text!: string;
}

function distinctFigures(list: unknown): boolean {
  if (!Array.isArray(list)) return true;
  const keys = list.map((f) => (f && typeof f === 'object' ? `${(f as DtoObject).indicator}|${(f as DtoObject).counterpartUnit ?? ''}` : ''));
  return new Set(keys).size === keys.length;
}

export class MonthlyStatisticsDto implements MonthlyStatisticsJson {
  @Text({ max: 7, pattern: MONTH_RE, format: 'MONTH', example: '2026-02' })
  period!: string;

  @Rule('distinctFigures', distinctFigures, 'DISTINCT_FIGURES')
  @NestedList(() => StatisticsFigureDto, { min: 1, max: 100 })
  figures!: StatisticsFigureDto[];

  @NestedList(() => DiscrepancyExplanationDto, { min: 0, max: 100 })
  explanations?: DiscrepancyExplanationDto[];

  @Text({ presence: 'optional', max: 4000 })
  note?: string;
}
