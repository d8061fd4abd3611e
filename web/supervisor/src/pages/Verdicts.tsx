/** The verdict listing: every obligation of the range judged, filtered on the server, paged, exportable. */
import { api, query } from '@shared/api';
import { useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { useSv } from '../session';
import { ListingPage, Time, UnitName, VerdictBadge, dmy, duration, rowsOf, useFilters, shortId } from '../common';
import type { VerdictListing } from '../types';

const PAGE = 50;

export function Verdicts() {
  const { t } = useI18n();
  const { zoneOf } = useSv();
  const { filters, params } = useFilters();
  const p = params({ obligation: filters.obligation, verdict: filters.verdict, period: filters.period });
  const list = useAsync((signal) => api<VerdictListing>(`/api/verdicts${p}&page=${filters.page}&pageSize=${PAGE}`, { signal }), [p, filters.page]);
  return (
    <ListingPage
      name="verdicts"
      fields={['range', 'agency', 'level', 'region', 'unit', 'obligation', 'verdict', 'period']}
      path="/api/verdicts"
      params={p}
      journal={query({ from: filters.from, to: filters.to })}
      list={list}
      before={(data) => data.rejected?.length > 0 && <p className="note">{t('sv.verdicts.rejected', { n: data.rejected.length })}</p>}
    >
      {(data) => (
        <table className="verdicts">
          <caption>{t('sv.verdicts.caption', { from: dmy(data.range!.from), to: dmy(data.range!.to), ...rowsOf(data.page, data.pageSize, data.total, data.items.length) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sv.f.obligation')}</th>
              <th scope="col">{t('sv.verdicts.owes')}</th>
              <th scope="col">{t('sv.verdicts.to')}</th>
              <th scope="col">{t('sv.verdicts.periodRef')}</th>
              <th scope="col">{t('sv.verdicts.due')}</th>
              <th scope="col">{t('sv.verdicts.verdict')}</th>
              <th scope="col">{t('sv.verdicts.message')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((v, i) => {
              const zone = zoneOf(v.from);
              return (
                <tr key={`${i}|${v.obligation}|${v.from}|${v.to}|${v.period}|${v.ref}`} data-ref={v.ref} data-verdict={v.verdict}>
                  <td>
                    <span className={`kind-tag ${v.obligation === 'URGENT_CONFIRMATION' ? 'kind-urgent' : ''}`}>{t(`obligation.${v.obligation}`)}</span>
                  </td>
                  <td>
                    <UnitName id={v.from} />
                  </td>
                  <td>{v.to ? <UnitName id={v.to} /> : '—'}</td>
                  <td>
                    {v.period && <div>{v.period}</div>}
                    {v.obligation === 'SEMIANNUAL' && v.period && (
                      <div>
                        <Link to={`/bank?period=${encodeURIComponent(v.period)}`}>{t('sv.verdicts.contributions')}</Link>
                      </div>
                    )}
                    {v.ref && (
                      <Link to={`/messages/${encodeURIComponent(v.ref)}`} title={t('sv.verdicts.timelineOf', { id: v.ref })}>
                        {t('sv.verdicts.openReport')} <code>{shortId(v.ref)}</code>
                        <span className="visually-hidden"> — {t('sv.tl.title')}</span>
                      </Link>
                    )}
                  </td>
                  <td>
                    <Time at={v.due} zone={zone} />
                  </td>
                  <td>
                    <VerdictBadge verdict={v.verdict} />
                    {v.late_by_s !== undefined && v.late_by_s > 0 && <div className="late small-text">+{duration(v.late_by_s, t)}</div>}
                  </td>
                  <td>
                    {v.message ? (
                      <Link to={`/messages/${encodeURIComponent(v.message)}`} title={t('sv.verdicts.timelineOf', { id: v.message })}>
                        <code>{shortId(v.message)}</code>
                        <span className="visually-hidden"> — {t('sv.tl.title')}</span>
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </ListingPage>
  );
}
