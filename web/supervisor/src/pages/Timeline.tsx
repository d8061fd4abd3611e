/** One message as the ledger knows it: its data, every event in order, confirmations, escalation, verdicts. */
import { api } from '@shared/api';
import { ErrorBox, Loading, Page, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { useSv } from '../session';
import { Time, UnitName, VerdictBadge, duration, shortId } from '../common';
import type { Timeline } from '../types';

export function TimelinePage({ id }: { id: string }) {
  const { t } = useI18n();
  const { zoneOf } = useSv();
  const { data, error, reload } = useAsync((signal) => api<Timeline>(`/api/messages/${encodeURIComponent(id)}/timeline`, { signal }), [id]);
  const m = data?.message;
  const zone = zoneOf(m?.from);
  const title = m ? `${t(`kind.${m.kind}`)} — ${t('sv.tl.title').toLowerCase()}` : t('sv.tl.title');
  return (
    <Page title={title}>
      <p className="muted small-text">{t('sv.zoneNote')}</p>
      {error ? (
        <ErrorBox error={error} retry={(error as { status?: number }).status === 404 ? undefined : reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          {m ? (
            <section aria-labelledby="tl-msg">
              <h2 id="tl-msg">{t('sv.tl.message')}</h2>
              <dl className="meta">
                <div>
                  <dt>{t('sv.tl.summary')}</dt>
                  <dd>{m.summary || '—'}</dd>
                </div>
                <div>
                  <dt>{t('sv.tl.kind')}</dt>
                  <dd>
                    <span className={`kind-tag ${m.kind === 'URGENT' ? 'kind-urgent' : ''}`}>{t(`kind.${m.kind}`)}</span>
                  </dd>
                </div>
                <div>
                  <dt>{t('sv.tl.from')}</dt>
                  <dd>
                    <UnitName id={m.from} />
                  </dd>
                </div>
                <div>
                  <dt>{t('sv.tl.to')}</dt>
                  <dd>
                    <ul className="plain compact">
                      {m.to.map((u) => (
                        <li key={u}>
                          <UnitName id={u} />
                        </li>
                      ))}
                    </ul>
                  </dd>
                </div>
                {m.reported_at && (
                  <div>
                    <dt>{t('sv.tl.reportedAt')}</dt>
                    <dd>
                      <Time at={m.reported_at} zone={zone} />
                    </dd>
                  </div>
                )}
                <div>
                  <dt>{t('sv.tl.sentAt')}</dt>
                  <dd>
                    <Time at={m.sent_at} zone={zone} />
                  </dd>
                </div>
                {m.period && (
                  <div>
                    <dt>{t('sv.tl.period')}</dt>
                    <dd>{m.period}</dd>
                  </div>
                )}
                {m.event_at && (
                  <div>
                    <dt>{t('sv.tl.eventAt')}</dt>
                    <dd>
                      <Time at={m.event_at} zone={zone} />
                    </dd>
                  </div>
                )}
                {m.confirms && (
                  <div>
                    <dt>{t('sv.tl.confirms')}</dt>
                    <dd>
                      <Link to={`/messages/${encodeURIComponent(m.confirms)}`}>
                        <code>{m.confirms}</code>
                      </Link>
                    </dd>
                  </div>
                )}
                <div>
                  <dt>{t('msg.id')}</dt>
                  <dd>
                    <code>{m.id}</code>
                  </dd>
                </div>
              </dl>
            </section>
          ) : (
            <p className="note">{t('sv.tl.unknown')}</p>
          )}
          <div className="cols">
            <section className="card" aria-labelledby="tl-verdicts">
              <h2 id="tl-verdicts">{t('sv.tl.verdicts')}</h2>
              {data.verdicts.length === 0 ? (
                <p className="muted">{t('sv.tl.noVerdicts')}</p>
              ) : (
                <ul className="plain">
                  {data.verdicts.map((v, i) => (
                    <li key={i} data-verdict={v.verdict}>
                      <VerdictBadge verdict={v.verdict} /> {t(`obligation.${v.obligation}`)}
                      {v.to && (
                        <>
                          {' → '}
                          <UnitName id={v.to} />
                        </>
                      )}
                      <div className="small-text">
                        {t('sv.verdicts.due')}: <Time at={v.due} zone={zone} />
                        {v.late_by_s !== undefined && v.late_by_s > 0 && <span className="late"> (+{duration(v.late_by_s, t)})</span>}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {m?.kind === 'URGENT' && (
              <section className="card" aria-labelledby="tl-conf">
                <h2 id="tl-conf">{t('sv.tl.confirmations')}</h2>
                {data.confirmations.length === 0 ? (
                  <p className="muted">{t('sv.tl.noConfirmations')}</p>
                ) : (
                  <ul className="plain">
                    {data.confirmations.map((c) => (
                      <li key={c.id}>
                        <Link to={`/messages/${encodeURIComponent(c.id)}`}>
                          <code>{shortId(c.id)}</code>
                        </Link>{' '}
                        — <Time at={c.sent_at} zone={zone} />
                      </li>
                    ))}
                  </ul>
                )}
                <h3>{t('sv.tl.escalation')}</h3>
                <p>{data.escalated_at ? <>{t('sv.overdue.escalated')}: <Time at={data.escalated_at} zone={zone} /></> : t('sv.tl.notEscalated')}</p>
              </section>
            )}
          </div>
          <section aria-labelledby="tl-events">
            <h2 id="tl-events">{t('sv.tl.events')}</h2>
            {data.facts.length === 0 ? (
              <p className="muted">{t('sv.tl.noEvents')}</p>
            ) : (
              <ol className="timeline">
                {data.facts.map((f) => (
                  <li key={`${f.fact}|${f.unit ?? ''}`} data-action={f.fact}>
                    <strong>{t(`fact.${f.fact}`)}</strong>
                    {f.unit && (
                      <>
                        {' '}
                        <UnitName id={f.unit} inline />
                      </>
                    )}{' '}
                    — <Time at={f.at} zone={zone} seconds />
                    <div className="small-text muted">
                      {f.actor}
                      {' · '}
                      {t('sv.tl.observedBy', { nodes: f.observed_by.map((o) => `${t(`node.${o.node}`)} (${t(`action.${o.action}`)})`).join(', ') })}
                      {f.reason && <> · {t('sv.tl.reason', { reason: f.reason })}</>}
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
