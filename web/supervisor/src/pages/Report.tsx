/**
 * The printable compliance report of a period: totals, by agency, by verdict, the weekly trend, the
 * worst units and what is overdue now. Printing (or the browser's "Save as PDF") drops the console's
 * chrome through the print stylesheet.
 */
import { api, query } from '@shared/api';
import { ErrorBox, Loading, Page, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { formatInstant } from '@shared/time';
import { CAPITAL_ZONE, useSv } from '../session';
import { FilterBar, Time, UnitName, dmy, duration, regionName, useFilters } from '../common';
import { RateCells, RateChart, RateHeads, Totals, num, sumSeries } from '../charts';
import type { Line } from '../charts';
import { AGENCIES, VERDICTS } from '../types';
import type { Listing, OverdueRow, RateRow, SeriesPoint } from '../types';

const WORST = 20;
const OVERDUE = 30;
const PERIODIC = ['DAILY', 'MONTHLY', 'SEMIANNUAL'] as const;

export function Report() {
  const { t, lang } = useI18n();
  const { me, zoneOf, unitName } = useSv();
  const { filters, params } = useFilters();
  const p = params();
  // The trend's step: days for a month or less, weeks up to half a year, months beyond.
  const days = (Date.parse(filters.to) - Date.parse(filters.from)) / 86_400_000 + 1;
  const bucket = days <= 31 ? 'day' : days <= 186 ? 'week' : 'month';
  const data = useAsync(
    async (signal) => {
      const series = (extra: string, bucket: string) => api<Listing<SeriesPoint>>(`/api/rates/series${p}&bucket=${bucket}${extra}`, { signal });
      const split = !filters.agency && !filters.unit;
      const overdue = (obligation: string, pageSize: number) =>
        api<Listing<OverdueRow>>(`/api/overdue${query({ agency: filters.agency, level: filters.level, region: filters.region, unit: filters.unit, obligation, pageSize })}`, { signal });
      const [monthly, weekly, agencies, worst, urgent, missing] = await Promise.all([
        series('', 'month'),
        series('', bucket),
        split ? Promise.all(AGENCIES.map((a) => Promise.all([series(`&agency=${a}`, 'month'), series(`&agency=${a}`, bucket)]))) : Promise.resolve(null),
        api<Listing<RateRow>>(`/api/rates${p}&pageSize=${WORST}`, { signal }),
        overdue('URGENT_CONFIRMATION', OVERDUE),
        Promise.all(PERIODIC.map((o) => overdue(o, 1).then((r) => r.total))),
      ]);
      return { monthly, weekly, agencies, worst, urgent, missing, generatedAt: new Date() };
    },
    [p, bucket],
  );
  const scope = [
    filters.agency && t(`agency.${filters.agency}`),
    filters.level && `${t('sv.f.level')} ${filters.level}`,
    filters.region && regionName(filters.region, lang),
    filters.unit && unitName(filters.unit),
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <Page
      title={t('sv.report.title')}
      actions={
        <button type="button" className="no-print" onClick={() => window.print()} disabled={!data.data}>
          {t('sv.report.print')}
        </button>
      }
    >
      <p className="lead no-print">{t('sv.report.lead')}</p>
      <FilterBar fields={['range', 'agency', 'level', 'region', 'unit']} />
      {data.error ? (
        <ErrorBox error={data.error} retry={data.reload} />
      ) : !data.data ? (
        <Loading />
      ) : (
        <article className="report" aria-labelledby="report-h">
          <header className="report-head">
            <h2 id="report-h">{t('sv.report.heading')}</h2>
            <p>
              <strong>{t('sv.report.period', { from: dmy(data.data.monthly.range!.from), to: dmy(data.data.monthly.range!.to) })}</strong>
            </p>
            <p>{t('sv.report.scope', { scope: scope || t('sv.report.scopeAll') })}</p>
            <p className="muted">{t('sv.report.generated', { at: formatInstant(data.data.generatedAt, CAPITAL_ZONE), user: me.user.username })}</p>
          </header>

          <section aria-labelledby="r-totals">
            <h3 id="r-totals">{t('sv.report.totals')}</h3>
            <Totals sum={sumSeries(data.data.monthly.items)} overdue={data.data.urgent.total + data.data.missing.reduce((a, b) => a + b, 0)} />
          </section>

          {data.data.agencies && (
            <section aria-labelledby="r-agency">
              <h3 id="r-agency">{t('sv.report.byAgency')}</h3>
              <table className="report-table">
                <thead>
                  <tr>
                    <th scope="col">{t('sv.f.agency')}</th>
                    <RateHeads onTime />
                  </tr>
                </thead>
                <tbody>
                  {AGENCIES.map((a, i) => {
                    const s = sumSeries(data.data!.agencies![i][0].items);
                    return (
                      <tr key={a}>
                        <th scope="row">{t(`agency.${a}`)}</th>
                        <RateCells s={s} onTime />
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          )}

          <section aria-labelledby="r-counts">
            <h3 id="r-counts">{t('sv.report.verdictCounts')}</h3>
            <CountTable head={t('sv.verdicts.verdict')} rows={VERDICTS.map((v) => [v, t(`verdict.${v}`), sumSeries(data.data!.monthly.items).counts[v]])} />
          </section>

          <section aria-labelledby="r-trend" className="avoid-break">
            <h3 id="r-trend">{t('sv.report.trend', { bucket: t(`sv.bucket.${bucket}`) })}</h3>
            <RateChart
              compact
              title={t('sv.trend.chart', { from: dmy(data.data.weekly.range!.from), to: dmy(data.data.weekly.range!.to), bucket: t(`sv.bucket.${bucket}`) })}
              lines={[
                { key: 'all', label: t('sv.trend.all'), points: data.data.weekly.items },
                ...(data.data.agencies ? AGENCIES.map((a, i): Line => ({ key: a, label: t(`agency.${a}`), points: data.data!.agencies![i][1].items })) : []),
              ]}
            />
          </section>

          <section aria-labelledby="r-worst">
            <h3 id="r-worst">{t('sv.report.worst', { n: Math.min(WORST, data.data.worst.total) })}</h3>
            {data.data.worst.items.length === 0 ? (
              <p className="muted">{t('sv.rates.empty')}</p>
            ) : (
              <table className="report-table">
                <thead>
                  <tr>
                    <th scope="col">{t('sv.heat.unit')}</th>
                    <RateHeads />
                  </tr>
                </thead>
                <tbody>
                  {data.data.worst.items.map((r) => (
                    <tr key={r.unit}>
                      <th scope="row"><UnitName id={r.unit} /></th>
                      <RateCells s={{ ...r, onTime: r.on_time }} />
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="r-overdue">
            <h3 id="r-overdue">{t('sv.report.overdue')}</h3>
            {data.data.urgent.total > data.data.urgent.items.length && <p className="muted">{t('sv.report.shown', { n: data.data.urgent.items.length, total: data.data.urgent.total })}</p>}
            {data.data.urgent.items.length === 0 ? (
              <p className="muted">{t('sv.overdue.empty')}</p>
            ) : (
              <table className="report-table">
                <thead>
                  <tr>
                    <th scope="col">{t('sv.tl.summary')}</th>
                    <th scope="col">{t('sv.verdicts.owes')}</th>
                    <th scope="col">{t('sv.overdue.due')}</th>
                    <th scope="col">{t('sv.overdue.by')}</th>
                    <th scope="col">{t('sv.overdue.escalation')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.urgent.items.map((r) => (
                    <tr key={r.ref}>
                      <td>{r.summary || r.ref}</td>
                      <th scope="row"><UnitName id={r.from} /></th>
                      <td><Time at={r.due} zone={zoneOf(r.from)} /></td>
                      <td>{duration(r.overdue_s, t)}</td>
                      <td>{r.escalated_at ? <Time at={r.escalated_at} zone={zoneOf(r.from)} compact /> : t('sv.overdue.notEscalated')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3 id="r-missing">{t('sv.report.missing')}</h3>
            <CountTable labelledBy="r-missing" head={t('sv.f.obligation')} rows={PERIODIC.map((o, i) => [o, t(`obligation.${o}`), data.data!.missing[i]])} />
          </section>
          <p className="signature">{t('sv.report.signature')}</p>
          <p className="muted small-text no-print">{t('sv.zoneNote')}</p>
        </article>
      )}
    </Page>
  );
}

/** Two columns: what, and how many. */
function CountTable({ head, rows, labelledBy }: { head: string; rows: [key: string, label: string, n: number][]; labelledBy?: string }) {
  const { t, lang } = useI18n();
  return (
    <table className="report-table narrow-table" aria-labelledby={labelledBy}>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col" className="num">{t('sv.report.count')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, label, n]) => (
          <tr key={key}>
            <th scope="row">{label}</th>
            <td className="num">{num(n, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
