/** Overdue now: unconfirmed urgent reports past their 2-hour deadline (with escalation) and missing periodic reports. */
import { api, query } from '@shared/api';
import { useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { CAPITAL_ZONE, useSv } from '../session';
import { ListingPage, Time, UnitName, VerdictBadge, duration, rowsOf, useFilters } from '../common';
import { formatInstant } from '@shared/time';
import type { Listing, OverdueRow } from '../types';

const PAGE = 50;

export function Overdue() {
  const { t } = useI18n();
  const { zoneOf } = useSv();
  const { filters } = useFilters();
  const p = query({ agency: filters.agency, level: filters.level, region: filters.region, unit: filters.unit, obligation: filters.obligation, lookbackDays: filters.lookbackDays });
  const list = useAsync((signal) => api<Listing<OverdueRow>>(`/api/overdue${p}${p ? '&' : '?'}page=${filters.page}&pageSize=${PAGE}`, { signal }), [p, filters.page]);
  return (
    <ListingPage name="overdue" fields={['lookbackDays', 'agency', 'level', 'region', 'unit', 'obligation']} path="/api/overdue" params={p} list={list}>
      {(data) => (
        <table className="overdue">
          <caption>{t('sv.overdue.caption', { at: formatInstant(data.asOf!, CAPITAL_ZONE), ...rowsOf(data.page, data.pageSize, data.total, data.items.length) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sv.overdue.what')}</th>
              <th scope="col">{t('sv.verdicts.owes')}</th>
              <th scope="col">{t('sv.verdicts.to')}</th>
              <th scope="col">{t('sv.overdue.due')}</th>
              <th scope="col">{t('sv.overdue.by')}</th>
              <th scope="col">{t('sv.verdicts.verdict')}</th>
              <th scope="col">{t('sv.overdue.escalation')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((r) => {
              const zone = zoneOf(r.from);
              const recipients = r.recipients ?? (r.to ? [r.to] : []);
              return (
                <tr key={`${r.obligation}|${r.from}|${r.to}|${r.period}|${r.ref}`} data-ref={r.ref ?? undefined} data-verdict={r.verdict}>
                  <td>
                    <span className={`kind-tag ${r.obligation === 'URGENT_CONFIRMATION' ? 'kind-urgent' : ''}`}>{t(`obligation.${r.obligation}`)}</span>
                    {r.period && <div className="muted">{r.period}</div>}
                    {r.ref && (
                      <div>
                        <Link to={`/messages/${encodeURIComponent(r.ref)}`}>{r.summary || r.ref}</Link>
                      </div>
                    )}
                  </td>
                  <td>
                    <UnitName id={r.from} />
                  </td>
                  <td>
                    <ul className="plain compact">
                      {recipients.map((u) => (
                        <li key={u}>
                          <UnitName id={u} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <Time at={r.due} zone={zone} />
                  </td>
                  <td className="late">{duration(r.overdue_s, t)}</td>
                  <td>
                    <VerdictBadge verdict={r.verdict} />
                  </td>
                  <td>
                    {r.obligation !== 'URGENT_CONFIRMATION' ? (
                      '—'
                    ) : r.escalated_at ? (
                      <>
                        <span className="badge escalated">{t('sv.overdue.escalated')}</span> <Time at={r.escalated_at} zone={zone} compact />
                      </>
                    ) : (
                      <span className="badge not-escalated">{t('sv.overdue.notEscalated')}</span>
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
