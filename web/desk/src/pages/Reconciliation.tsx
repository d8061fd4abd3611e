/**
 * Monthly statistics reconciliation of clause 9.3 at the duty desk (docs/handover.md, "Console"):
 * for a month, each pair this unit is one side of, with the handing unit's figure, the receiving
 * unit's, the persons accepted in handover acts, the status and the explanations (GET
 * /api/statistics/reconciliation); and the unit's own figures for the month, sent signed (POST
 * /api/statistics): a later report corrects the earlier one, an explanation resolves what differs.
 */
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, api, query, useLiveEvents } from '@shared/api';
import { ErrorBox, Loading, Page } from '@shared/components';
import { fieldErrorText } from '@shared/field-errors';
import { useI18n } from '@shared/i18n';
import { useLocation } from '@shared/router';
import { useSession } from '@shared/session';
import { localDay } from '@shared/time';
import { useAsync } from '@shared/components';

/** GET /api/statistics/reconciliation (libs/agency-node/src/statistics/reconcile.ts PairReconciliation). */
interface Pair {
  period: string;
  handingUnit: string;
  receivingUnit: string;
  handedOver?: number;
  received?: number;
  acts: number;
  status: 'AGREED' | 'DISCREPANCY' | 'EXPLAINED' | 'AWAITING';
  explanations: { unit: string; text: string }[];
}

const HANDED = 'STATISTICS_INDICATOR_PERSONS_HANDED_OVER';
const RECEIVED = 'STATISTICS_INDICATOR_PERSONS_RECEIVED';
/** The indicators a unit gives once (no counterpart). */
const OWN = ['STATISTICS_INDICATOR_PERSONS_DETAINED', 'STATISTICS_INDICATOR_REFUSED_ENTRY', 'STATISTICS_INDICATOR_FORGED_DOCUMENTS', 'STATISTICS_INDICATOR_CONTRABAND_CASES', 'STATISTICS_INDICATOR_SEIZURES'] as const;

export function ReconciliationPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search, navigate } = useLocation();
  const period = search.get('period') ?? localDay(new Date(), session.zone).slice(0, 7);
  const [typed, setTyped] = useState(period);
  useEffect(() => setTyped(period), [period]);
  const pairs = useAsync((signal) => api<Pair[]>(`/api/statistics/reconciliation${query({ period })}`, { signal }), [period]);
  useLiveEvents(() => pairs.reload());
  return (
    <Page title={t('rec.title')}>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/reconciliation${query({ period: typed })}`);
        }}
      >
        <div className="field short">
          <label htmlFor="rec-period">{t('rec.period')}</label>
          <input id="rec-period" type="month" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit">{t('rec.show')}</button>
        </div>
      </form>
      <section className="card" aria-labelledby="rec-pairs-h">
        <h2 id="rec-pairs-h">
          {t('rec.pairs')} · {period}
        </h2>
        {pairs.error ? (
          <ErrorBox error={pairs.error} retry={pairs.reload} />
        ) : !pairs.data ? (
          <Loading />
        ) : !pairs.data.length ? (
          <p className="empty">{t('rec.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="pairs">
              <thead>
                <tr>
                  <th scope="col">{t('ho.handing')}</th>
                  <th scope="col">{t('ho.receiving')}</th>
                  <th scope="col">{t('rec.handedOver')}</th>
                  <th scope="col">{t('rec.received')}</th>
                  <th scope="col">{t('rec.acts')}</th>
                  <th scope="col">{t('rec.status')}</th>
                  <th scope="col">{t('rec.explanations')}</th>
                </tr>
              </thead>
              <tbody>
                {pairs.data.map((p) => (
                  <tr key={`${p.handingUnit} ${p.receivingUnit}`} data-pair={`${p.handingUnit}>${p.receivingUnit}`} data-status={p.status}>
                    <th scope="row">{session.unitName(p.handingUnit)}</th>
                    <td>{session.unitName(p.receivingUnit)}</td>
                    <td>{p.handedOver ?? <span className="muted">{t('rec.none')}</span>}</td>
                    <td>{p.received ?? <span className="muted">{t('rec.none')}</span>}</td>
                    <td>{p.acts}</td>
                    <td>
                      <span className={`badge rec-${p.status.toLowerCase()}`}>{t(`rec.st.${p.status}`)}</span>
                    </td>
                    <td>
                      {p.explanations.map((x, i) => (
                        <div key={i}>
                          <span className="muted">{session.unitName(x.unit)}:</span> <span className="pre">{x.text}</span>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {session.me.user.role === 'duty-officer' && pairs.data && <SendFigures key={period} period={period} pairs={pairs.data} onSent={pairs.reload} />}
    </Page>
  );
}

interface Row {
  unit: string;
  handed: string;
  received: string;
  explainHanded: string;
  explainReceived: string;
}

/** The unit's figures for the month, prefilled from what the reconciliation holds of its side. */
function SendFigures({ period, pairs, onSent }: { period: string; pairs: Pair[]; onSent(): void }) {
  const { t, e, lang } = useI18n();
  const session = useSession();
  const me = session.me.unit.id;
  const [rows, setRows] = useState<Row[]>(() => {
    const units = [...new Set(pairs.map((p) => (p.handingUnit === me ? p.receivingUnit : p.handingUnit)))];
    return units.map((u) => ({
      unit: u,
      handed: String(pairs.find((p) => p.handingUnit === me && p.receivingUnit === u)?.handedOver ?? ''),
      received: String(pairs.find((p) => p.receivingUnit === me && p.handingUnit === u)?.received ?? ''),
      explainHanded: '',
      explainReceived: '',
    }));
  });
  const [own, setOwn] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [sent, setSent] = useState(false);
  const others = session.counterparts.filter((u) => u.agency !== session.me.unit.agency && !rows.some((r) => r.unit === u.id));
  const set = (i: number, k: keyof Row, v: string) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setFailure(null);
    setFields({});
    setSent(false);
    if (!rows.length) {
      setFailure(t('rec.noCounterpart'));
      return;
    }
    const figures = [
      ...OWN.filter((k) => own[k]?.trim()).map((indicator) => ({ indicator, value: num(own[indicator]) })),
      ...rows.flatMap((r) => [
        ...(r.handed.trim() ? [{ indicator: HANDED, counterpartUnit: r.unit, value: num(r.handed) }] : []),
        ...(r.received.trim() ? [{ indicator: RECEIVED, counterpartUnit: r.unit, value: num(r.received) }] : []),
      ]),
    ];
    const explanations = rows.flatMap((r) => [
      ...(r.explainHanded.trim() ? [{ indicator: HANDED, counterpartUnit: r.unit, text: r.explainHanded.trim() }] : []),
      ...(r.explainReceived.trim() ? [{ indicator: RECEIVED, counterpartUnit: r.unit, text: r.explainReceived.trim() }] : []),
    ]);
    setBusy(true);
    try {
      await api('/api/statistics', { method: 'POST', body: { recipientUnits: rows.map((r) => r.unit), period, figures, ...(explanations.length ? { explanations } : {}), ...(note.trim() ? { note: note.trim() } : {}) } });
      setSent(true);
      onSent();
    } catch (err) {
      if (err instanceof ApiError) {
        setFailure(err.message);
        setFields(err.byField((x) => fieldErrorText(x, lang, session.zone)));
      } else setFailure(t('app.error', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  const fieldErrs = Object.entries(fields);
  return (
    <section className="card" aria-labelledby="rec-send-h">
      <h2 id="rec-send-h">{t('rec.send')}</h2>
      {sent && (
        <p className="note ok" role="status">
          {t('rec.sent')}
        </p>
      )}
      {failure && (
        <div className="error-box" role="alert" data-testid="server-error">
          <p>{failure}</p>
          {fieldErrs.length > 0 && (
            <ul>
              {fieldErrs.map(([k, v]) => (
                <li key={k} data-field={k}>
                  {k === 'period' ? t('rec.period') : k}: {v.join('; ')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        {rows.map((r, i) => (
          <fieldset key={r.unit} className="item" data-counterpart={r.unit}>
            <legend>
              {t('rec.counterpart')}: {session.unitName(r.unit)}
            </legend>
            <div className="grid">
              <Num id={`rec-h-${i}`} label={t('rec.handedTo', { unit: session.unitName(r.unit) })} value={r.handed} onChange={(v) => set(i, 'handed', v)} />
              <Num id={`rec-r-${i}`} label={t('rec.receivedFrom', { unit: session.unitName(r.unit) })} value={r.received} onChange={(v) => set(i, 'received', v)} />
              <Text id={`rec-xh-${i}`} label={t('rec.explainHanded', { unit: session.unitName(r.unit) })} value={r.explainHanded} onChange={(v) => set(i, 'explainHanded', v)} />
              <Text id={`rec-xr-${i}`} label={t('rec.explainReceived', { unit: session.unitName(r.unit) })} value={r.explainReceived} onChange={(v) => set(i, 'explainReceived', v)} />
            </div>
          </fieldset>
        ))}
        {others.length > 0 && (
          <div className="field">
            <label htmlFor="rec-add">{t('rec.addCounterpart')}</label>
            <select
              id="rec-add"
              value={adding}
              onChange={(ev) => {
                setAdding('');
                if (ev.target.value) setRows([...rows, { unit: ev.target.value, handed: '', received: '', explainHanded: '', explainReceived: '' }]);
              }}
            >
              <option value="">{t('compose.none')}</option>
              {others.map((u) => (
                <option key={u.id} value={u.id}>
                  {session.unitName(u.id)}
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset className="item">
          <legend>{t('rec.other')}</legend>
          <div className="grid">
            {OWN.map((k) => (
              <Num key={k} id={`rec-own-${k}`} label={e(k)} value={own[k] ?? ''} onChange={(v) => setOwn({ ...own, [k]: v })} />
            ))}
          </div>
        </fieldset>
        <Text id="rec-note" label={t('rec.note')} value={note} onChange={setNote} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('rec.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Num({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(v: string): void }) {
  return (
    <div className="field short">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" inputMode="numeric" min={0} step={1} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function Text({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(v: string): void }) {
  return (
    <div className="field wide">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={2} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
