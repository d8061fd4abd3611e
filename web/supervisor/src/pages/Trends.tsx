/** On-time rates over time (chart) and per unit (paged table), with exports. */
import { api } from '@shared/api';
import { ErrorBox, Loading, Page, Pager, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { ExportButtons, FilterBar, dmy, rowsOf, useFilters } from '../common';
import { RateChart, RatesTable } from '../charts';
import type { Line } from '../charts';
import { AGENCIES } from '../types';
import type { Listing, RateRow, SeriesPoint } from '../types';

const PAGE = 50;

export function Trends() {
  const { t } = useI18n();
  const { filters, set, params } = useFilters();
  const p = params();
  const perAgency = !filters.agency && !filters.unit;
  const series = useAsync(async (signal) => {
    const get = (extra: string) => api<Listing<SeriesPoint>>(`/api/rates/series${p}&bucket=${filters.bucket}${extra}`, { signal });
    const all = await get('');
    const lines: Line[] = [{ key: 'all', label: t('sv.trend.all'), points: all.items }];
    if (perAgency) {
      const each = await Promise.all(AGENCIES.map((a) => get(`&agency=${a}`)));
      AGENCIES.forEach((a, i) => lines.push({ key: a, label: t(`agency.${a}`), points: each[i].items }));
    }
    return { range: all.range!, lines };
  }, [p, filters.bucket, perAgency, t]);
  const rates = useAsync((signal) => api<Listing<RateRow>>(`/api/rates${p}&page=${filters.page}&pageSize=${PAGE}`, { signal }), [p, filters.page]);
  return (
    <Page title={t('sv.trend.title')}>
      <p className="lead">{t('sv.trend.lead')}</p>
      <FilterBar fields={['range', 'agency', 'level', 'region', 'unit', 'bucket']} />
      <section className="card" aria-labelledby="chart-h">
        <div className="section-head">
          <h2 id="chart-h">{t('sv.trend.title')}</h2>
          <ExportButtons path="/api/rates/series" params={`${p}&bucket=${filters.bucket}`} />
        </div>
        {series.error ? (
          <ErrorBox error={series.error} retry={series.reload} />
        ) : !series.data ? (
          <Loading />
        ) : (
          <RateChart lines={series.data.lines} title={t('sv.trend.chart', { from: dmy(series.data.range.from), to: dmy(series.data.range.to), bucket: t(`sv.bucket.${filters.bucket}`) })} />
        )}
      </section>
      <section className="card" aria-labelledby="rates-h">
        <div className="section-head">
          <h2 id="rates-h">{t('sv.rates.title')}</h2>
          <ExportButtons path="/api/rates" params={p} />
        </div>
        <p className="muted small-text">{t('sv.rates.lead')}</p>
        {rates.error ? (
          <ErrorBox error={rates.error} retry={rates.reload} />
        ) : !rates.data ? (
          <Loading />
        ) : rates.data.items.length === 0 ? (
          <p className="empty">{t('sv.rates.empty')}</p>
        ) : (
          <>
            <RatesTable
              rows={rates.data.items}
              filters={filters}
              caption={t('sv.rates.caption', { from: dmy(rates.data.range!.from), to: dmy(rates.data.range!.to), ...rowsOf(rates.data.page, rates.data.pageSize, rates.data.total, rates.data.items.length) })}
            />
            <Pager page={rates.data.page} pageSize={rates.data.pageSize} total={rates.data.total} onPage={(page) => set({ page }, true)} />
          </>
        )}
      </section>
    </Page>
  );
}
