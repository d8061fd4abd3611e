/**
 * Data bank contributions of a half-year against clause 5.5 (GET /api/bank/contributions): per
 * agency the records created (by kind), revised and withdrawn, the semi-annual verdicts each with
 * what its report carried, and every version, from the versions the nodes signed to the ledger.
 */
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '@shared/api';
import { ErrorBox, Loading, Page, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { useSv } from '../session';
import { Time, UnitName, VerdictBadge, shortId, today } from '../common';

interface Contributions {
  period: string;
  asOf: string;
  agencies: {
    agency: string;
    records: number;
    materials: number;
    specimens: number;
    travelDocuments: number;
    revisions: number;
    withdrawals: number;
    reports: string[];
    semiannual: { from: string; to?: string; verdict: string; due: string; message: string | null; contributed: number }[];
  }[];
  items: { recordId: string; agency: string; contributor: string; at: string; kind: string; action: string; report: string | null; summary: string }[];
}

const HALF_YEAR = /^\d{4}-H[12]$/;

/** The current half-year in the capital's zone. */
export function currentHalf(): string {
  const d = today();
  return `${d.slice(0, 4)}-H${Number(d.slice(5, 7)) <= 6 ? 1 : 2}`;
}

function ReportLink({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <Link to={`/messages/${encodeURIComponent(id)}`} title={t('sv.verdicts.timelineOf', { id })}>
      <code>{shortId(id)}</code>
      <span className="visually-hidden"> — {t('sv.tl.title')}</span>
    </Link>
  );
}

export function Bank() {
  const { t } = useI18n();
  const { zoneOf } = useSv();
  const { search, navigate } = useLocation();
  const asked = search.get('period') ?? currentHalf();
  const [period, setPeriod] = useState(asked);
  const [error, setError] = useState<string | null>(null);
  const valid = HALF_YEAR.test(asked);
  const data = useAsync((signal) => (valid ? api<Contributions>(`/api/bank/contributions?period=${encodeURIComponent(asked)}`, { signal }) : Promise.resolve(null)), [asked, valid]);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const p = period.trim().toUpperCase();
    if (!HALF_YEAR.test(p)) return setError(t('sv.bank.badPeriod'));
    setError(null);
    navigate(`/bank?period=${p}`);
  };
  return (
    <Page title={t('sv.bank.title')}>
      <p className="lead">{t('sv.bank.lead')}</p>
      <form className="filters card" onSubmit={submit} noValidate aria-label={t('sv.bank.title')}>
        <div className="field">
          <label htmlFor="bank-period">{t('sv.bank.period')}</label>
          <input id="bank-period" value={period} maxLength={7} aria-invalid={error ? true : undefined} aria-describedby={error ? 'bank-period-error' : 'bank-period-hint'} onChange={(e) => setPeriod(e.target.value)} />
          <div className="hint" id="bank-period-hint">
            {t('sv.bank.periodHint')}
          </div>
          {error && (
            <div className="field-error" id="bank-period-error">
              {error}
            </div>
          )}
        </div>
        <button type="submit">{t('sv.f.apply')}</button>
      </form>
      {!valid && <p className="field-error">{t('sv.bank.badPeriod')}</p>}
      {data.error && <ErrorBox error={data.error} retry={data.reload} />}
      {valid && !data.data && !data.error && <Loading />}
      {data.data && (
        <>
          <section className="card" aria-labelledby="bank-agencies-h">
            <h2 id="bank-agencies-h">{t('sv.bank.perAgency', { period: data.data.period })}</h2>
            <table className="bank-agencies">
              <caption className="visually-hidden">{t('sv.bank.perAgency', { period: data.data.period })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sv.f.agency')}</th>
                  <th scope="col">{t('sv.bank.records')}</th>
                  <th scope="col">{t('bank.kind.MATERIAL')}</th>
                  <th scope="col">{t('bank.kind.SPECIMEN')}</th>
                  <th scope="col">{t('bank.kind.TRAVEL_DOCUMENT')}</th>
                  <th scope="col">{t('sv.bank.revised')}</th>
                  <th scope="col">{t('sv.bank.withdrawn')}</th>
                  <th scope="col">{t('sv.bank.obligation')}</th>
                </tr>
              </thead>
              <tbody>
                {data.data.agencies.map((a) => (
                  <tr key={a.agency} data-agency={a.agency} data-records={a.records}>
                    <th scope="row">{t(`agency.${a.agency}`)}</th>
                    <td>{a.records}</td>
                    <td>{a.materials}</td>
                    <td>{a.specimens}</td>
                    <td>{a.travelDocuments}</td>
                    <td>{a.revisions}</td>
                    <td>{a.withdrawals}</td>
                    <td>
                      {a.semiannual.length === 0 ? (
                        '—'
                      ) : (
                        <ul className="plain compact">
                          {a.semiannual.map((v) => (
                            <li key={`${v.from}|${v.to}`} data-verdict={v.verdict} data-contributed={v.contributed}>
                              <UnitName id={v.from} inline /> → {v.to ? <UnitName id={v.to} inline /> : '—'}: <VerdictBadge verdict={v.verdict} />{' '}
                              {v.message ? (
                                <>
                                  <ReportLink id={v.message} /> · {t('sv.bank.carried', { n: v.contributed })}
                                </>
                              ) : (
                                t('sv.bank.noReport')
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="bank-items-h">
            <h2 id="bank-items-h">{t('sv.bank.versions')}</h2>
            {data.data.items.length === 0 ? (
              <p className="empty">{t('sv.bank.none')}</p>
            ) : (
              <table className="bank-items">
                <caption className="visually-hidden">{t('sv.bank.versions')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('sv.bank.when')}</th>
                    <th scope="col">{t('sv.bank.contributor')}</th>
                    <th scope="col">{t('bank.kind')}</th>
                    <th scope="col">{t('sv.bank.what')}</th>
                    <th scope="col">{t('sv.bank.report')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.items.map((i) => (
                    <tr key={`${i.recordId}|${i.at}|${i.action}`} data-record={i.recordId}>
                      <td>
                        <Time at={i.at} zone={zoneOf(i.contributor)} compact />
                      </td>
                      <td>
                        <UnitName id={i.contributor} />
                      </td>
                      <td>
                        {t(`bank.kind.${i.kind}`)} ({t(`bank.action.${i.action}`)})
                      </td>
                      <td>{i.summary || '—'}</td>
                      <td>{i.report ? <ReportLink id={i.report} /> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
