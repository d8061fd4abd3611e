/** Compliance at a glance: totals, the units × days heat map of daily information, the worst on-time rates. */
import { api, query } from '@shared/api';
import { ErrorBox, Loading, Page, Pager, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { ExportButtons, FilterBar, UnitName, dmy, hrefWith, regionName, rowsOf, useFilters } from '../common';
import type { Filters } from '../common';
import { RatesTable, sumSeries, Totals } from '../charts';
import type { HeatmapGroup, HeatmapListing, Listing, OverdueRow, RateRow, SeriesPoint } from '../types';

const HEAT_PAGE = 25;

/** Cell code (the API's legend letter) → verdict name, symbol, and whether the cell is a breach worth drilling into. */
export const CELL: Record<string, { verdict: string | null; symbol: string; breach: boolean }> = {
  O: { verdict: 'ON_TIME', symbol: '✓', breach: false },
  P: { verdict: 'PENDING', symbol: '…', breach: false },
  E: { verdict: 'EARLY', symbol: '↑', breach: true },
  L: { verdict: 'LATE', symbol: '!', breach: true },
  M: { verdict: 'MISSING', symbol: '✗', breach: true },
  '-': { verdict: null, symbol: '', breach: false },
};

/** The heat map's view from the URL: only units with breaches (default) and the grouping. */
function useHeatView(): { breaches: string; group?: string } {
  const { search } = useLocation();
  return { breaches: search.get('breaches') ?? 'true', group: search.get('group') || undefined };
}

export function Overview() {
  const { t } = useI18n();
  const { filters, params } = useFilters();
  const view = useHeatView();
  const heatView = () => ({ breaches: view.breaches, group: view.group });
  const { search, path, navigate } = useLocation();
  // Paging keeps the heat map's view (breaches, group) in the URL.
  const toPage = (page: number) => {
    const next = new URLSearchParams(search);
    next.set('page', String(page));
    navigate(`${path}?${next.toString()}`);
  };
  return (
    <Page title={t('sv.heat.title')}>
      <p className="lead">{t('sv.heat.lead')}</p>
      <FilterBar fields={['range', 'agency', 'level', 'region', 'unit']} />
      <Summary filters={filters} params={params()} />
      <section aria-labelledby="heat-h" className="card">
        <div className="section-head">
          <h2 id="heat-h">{t('obligation.DAILY')}</h2>
          <ExportButtons path="/api/heatmap" params={params(heatView())} />
        </div>
        <HeatControls />
        <Heatmap filters={filters} params={params(heatView())} onPage={toPage} />
      </section>
      <section aria-labelledby="worst-h" className="card">
        <div className="section-head">
          <h2 id="worst-h">{t('sv.rates.title')}</h2>
          <Link to={hrefWith('/trends', filters)}>{t('sv.trend.title')} →</Link>
        </div>
        <p className="muted small-text">{t('sv.rates.lead')}</p>
        <WorstRates filters={filters} params={params()} />
      </section>
    </Page>
  );
}

function Summary({ filters, params }: { filters: Filters; params: string }) {
  const { t } = useI18n();
  const series = useAsync((signal) => api<Listing<SeriesPoint>>(`/api/rates/series${params}&bucket=month`, { signal }), [params]);
  const overdue = useAsync(
    (signal) => api<Listing<OverdueRow>>(`/api/overdue${query({ agency: filters.agency, level: filters.level, region: filters.region, unit: filters.unit, pageSize: 1 })}`, { signal }),
    [filters.agency, filters.level, filters.region, filters.unit],
  );
  if (series.error) return <ErrorBox error={series.error} retry={series.reload} />;
  if (!series.data) return <Loading />;
  return <Totals sum={sumSeries(series.data.items)} overdue={overdue.data?.total} overdueHref={hrefWith('/overdue', filters)} />;
}

function Heatmap({ filters, params, onPage }: { filters: Filters; params: string; onPage(p: number): void }) {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useAsync((signal) => api<HeatmapListing>(`/api/heatmap${params}&page=${filters.page}&pageSize=${HEAT_PAGE}`, { signal }), [params, filters.page]);
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!data) return <Loading />;
  const weekday = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' });
  const dayLabel = (d: string) => weekday.format(new Date(`${d}T12:00:00Z`));
  const r = rowsOf(data.page, data.pageSize, data.total, data.items.length);
  return (
    <div aria-busy={loading}>
      <HeatLegend />
      <p className="muted small-text" data-testid="heat-attention">
        {t('sv.heat.attention', { breaching: data.breaching, units: data.units })}
      </p>
      {data.groups && <HeatGroups data={data} />}
      <p className="muted small-text">{t('sv.heat.drill')}</p>
      {data.items.length === 0 ? (
        <p className="empty">{t('sv.heat.empty')}</p>
      ) : (
        <div className="table-wrap heat-wrap" tabIndex={0} role="region" aria-labelledby="heat-caption">
          <table className="heatmap">
            <caption id="heat-caption">{t('sv.heat.caption', { from: dmy(data.range!.from), to: dmy(data.range!.to), ...r })}</caption>
            <thead>
              <tr>
                <th scope="col" className="heat-unit">
                  {t('sv.heat.unit')}
                </th>
                {data.days.map((d) => (
                  <th scope="col" key={d} className="heat-day">
                    <abbr title={dmy(d)}>{d.slice(8)}</abbr>
                    <span className="wd">{dayLabel(d)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <tr key={row.unit} data-unit={row.unit}>
                  <th scope="row" className="heat-unit">
                    <UnitName id={row.unit} link={hrefWith('/verdicts', filters, { unit: row.unit, agency: undefined, level: undefined, region: undefined })} />
                  </th>
                  {[...row.cells].map((c, i) => {
                    const cell = CELL[c] ?? CELL['-'];
                    const day = data.days[i];
                    const label = cell.verdict ? t(`verdict.${cell.verdict}`) : t('sv.heat.none');
                    const title = `${dmy(day)}: ${label}`;
                    return (
                      <td key={day} className={`hc hc-${c === '-' ? 'none' : c}`} title={title} data-day={day} data-code={c}>
                        {cell.breach ? (
                          <Link to={`/verdicts${query({ from: day, to: day, unit: row.unit, obligation: 'DAILY' })}`} className="hc-link">
                            <span aria-hidden="true">{cell.symbol}</span>
                            <span className="visually-hidden">{title}</span>
                          </Link>
                        ) : (
                          <>
                            <span aria-hidden="true">{cell.symbol}</span>
                            <span className="visually-hidden">{label}</span>
                          </>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={onPage} />
    </div>
  );
}

/** Only units with breaches (on by default: what needs attention), and grouping by region, level or agency. */
function HeatControls() {
  const { t } = useI18n();
  const { search, path, navigate } = useLocation();
  const view = useHeatView();
  const go = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(search);
    if (v === undefined) next.delete(k);
    else next.set(k, v);
    next.delete('page');
    const q = next.toString();
    navigate(path + (q ? `?${q}` : ''));
  };
  return (
    <div className="heat-controls no-print">
      <label>
        <input type="checkbox" checked={view.breaches === 'true'} onChange={(e) => go('breaches', e.target.checked ? 'true' : 'false')} /> {t('sv.heat.breachesOnly')}
      </label>
      <label htmlFor="heat-group">{t('sv.heat.groupBy')}</label>
      <select id="heat-group" value={view.group ?? ''} onChange={(e) => go('group', e.target.value || undefined)}>
        <option value="">{t('sv.heat.noGroup')}</option>
        {['region', 'level', 'agency'].map((g) => (
          <option key={g} value={g}>
            {t(`sv.heat.group.${g}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The groups of the heat map, worst first; a group's name filters the page to it. */
function HeatGroups({ data }: { data: HeatmapListing }) {
  const { t, lang } = useI18n();
  const { filters } = useFilters();
  const by = data.group!;
  const name = (g: HeatmapGroup) =>
    by === 'region' ? (g.key ? regionName(g.key, lang) : t('sv.heat.noRegion')) : by === 'level' ? t('sv.f.levelN', { n: g.key ?? '', name: t(`sv.level.${g.key}`) }) : t(`agency.${g.key}`);
  return (
    <div className="table-wrap heat-wrap" tabIndex={0} role="region" aria-labelledby="heat-groups-caption">
      <table className="heatmap heat-groups">
        <caption id="heat-groups-caption">{t('sv.heat.groupCaption', { from: dmy(data.range!.from), to: dmy(data.range!.to) })}</caption>
        <thead>
          <tr>
            <th scope="col" className="heat-unit">
              {t('sv.heat.groupCol')}
            </th>
            <th scope="col">{t('sv.heat.breachingUnits')}</th>
            {data.days.map((d) => (
              <th scope="col" key={d} className="heat-day">
                <abbr title={dmy(d)}>{d.slice(8)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.groups!.map((g) => (
            <tr key={g.key ?? '-'} data-group={g.key ?? ''}>
              <th scope="row" className="heat-unit">
                {g.key === null ? name(g) : <Link to={hrefWith('/', filters, { [by]: g.key })}>{name(g)}</Link>}
              </th>
              <td>
                {g.breaching_units} / {g.units}
              </td>
              {[...g.cells].map((c, i) => {
                const cell = CELL[c] ?? CELL['-'];
                const label = cell.verdict ? t(`verdict.${cell.verdict}`) : t('sv.heat.none');
                return (
                  <td key={data.days[i]} className={`hc hc-${c === '-' ? 'none' : c}`} title={`${dmy(data.days[i])}: ${label}`} data-code={c}>
                    <span aria-hidden="true">{cell.symbol}</span>
                    <span className="visually-hidden">{label}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HeatLegend() {
  const { t } = useI18n();
  return (
    <div className="heat-legend">
      <span className="legend-title">{t('sv.heat.legend')}:</span>
      <ul>
        {['O', 'P', 'E', 'L', 'M', '-'].map((c) => (
          <li key={c}>
            <span className={`hc-swatch hc-${c === '-' ? 'none' : c}`} aria-hidden="true">
              {CELL[c].symbol}
            </span>
            {CELL[c].verdict ? t(`verdict.${CELL[c].verdict}`) : t('sv.heat.none')}
          </li>
        ))}
      </ul>
    </div>
  );
}

function WorstRates({ filters, params }: { filters: Filters; params: string }) {
  const { t } = useI18n();
  const { data, error, reload } = useAsync((signal) => api<Listing<RateRow>>(`/api/rates${params}&pageSize=10`, { signal }), [params]);
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!data) return <Loading />;
  if (!data.items.length) return <p className="empty">{t('sv.rates.empty')}</p>;
  const r = rowsOf(1, 10, data.total, data.items.length);
  return <RatesTable rows={data.items} filters={filters} caption={t('sv.rates.caption', { from: dmy(data.range!.from), to: dmy(data.range!.to), ...r })} />;
}
