/**
 * Handover acts of clause 9.6 at the duty desk (docs/handover.md, "Console"): the acts awaiting this
 * unit's acceptance with their live countdown to the deadline (policy data, sent by the node as
 * `acceptBy`), the acts this unit handed over, a new act (from a detention report with its persons
 * prefilled), one act with its items, its chain of custody and the steps the unit may take, and the
 * printable act the node renders.
 */
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError, api, getToken, useLiveEvents } from '@shared/api';
import { ErrorBox, Loading, Page, StatusBadge, Time, useAsync, useNow } from '@shared/components';
import { DOCUMENT_TYPE, classificationName } from '@shared/enums';
import { fieldErrorText } from '@shared/field-errors';
import { CheckboxField, DateTimeField, FormProvider, NumberField, SelectField, TextField, prune, useForm, useFormCtx } from '@shared/form';
import type { FormObject, FormValue } from '@shared/form';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { useSession } from '@shared/session';
import { formatSpan } from '@shared/time';
import type { MessageView } from '@shared/types';
import { PersonFields } from '../forms/person';

export type HandoverState = 'PROPOSED' | 'ACCEPTED' | 'PARTLY_ACCEPTED' | 'DISPUTED' | 'WITHDRAWN';
export const ITEM_KINDS = ['person', 'goods', 'vehicle', 'document', 'weapon'] as const;
type ItemKind = (typeof ITEM_KINDS)[number];

/** GET /api/handovers/:id (libs/agency-node/src/handover/handover.service.ts HandoverActView). */
export interface HandoverAct {
  id: string;
  handingUnit: string;
  receivingUnit: string;
  classification: string;
  state: HandoverState;
  legalGround: string;
  checkpointId: string;
  handedAt: string;
  officer: string;
  sourceMessageId?: string;
  notes?: string;
  items: { itemId: string; kind: ItemKind; value: Record<string, unknown>; status: 'PENDING' | 'ACCEPTED' | 'REFUSED' | 'RETURNED'; reason?: string }[];
  proposedAt: string;
  decidedAt?: string;
  history: { messageId: string; step: HandoverState; unit: string; officer: string; at: string; direction: 'IN' | 'OUT'; effective: boolean; note?: string; createdBy: string | null }[];
  deliveries: Record<string, string>;
  acceptBy: string;
}

/** A step's failure in the user's language: the server's coded message, its field errors by path. */
function useFailure() {
  const { lang, t } = useI18n();
  const session = useSession();
  const [failure, setFailure] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const fail = (e: unknown) => {
    if (e instanceof ApiError) {
      setFailure(e.message);
      setFields(e.byField((err) => fieldErrorText(err, lang, session.zone)));
    } else setFailure(t('app.error', { message: (e as Error).message }));
  };
  const clear = () => {
    setFailure(null);
    setFields({});
  };
  return { failure, fields, fail, clear };
}

function Failure({ text }: { text: string | null }) {
  return text ? (
    <p className="error-box" role="alert" data-testid="server-error">
      {text}
    </p>
  ) : null;
}

/** The live countdown to the acceptance deadline; "overdue by" once it has passed. */
export function Countdown({ act }: { act: HandoverAct }) {
  const { t } = useI18n();
  const now = useNow(1000);
  if (act.state !== 'PROPOSED') return <span className="muted">—</span>;
  const left = new Date(act.acceptBy).getTime() - now;
  return (
    <span className={`countdown ${left < 0 ? 'late' : left < 30 * 60_000 ? 'soon' : ''}`} role="timer" aria-live="off" data-testid="countdown">
      {left >= 0 ? t('ho.remaining', { span: formatSpan(left) }) : t('ho.overdueBy', { span: formatSpan(left) })}
    </span>
  );
}

function StateBadge({ state }: { state: HandoverState }) {
  const { t } = useI18n();
  return <span className={`badge ho-state ho-${state.toLowerCase()}`}>{t(`ho.stateName.${state}`)}</span>;
}

export function HandoversPage() {
  const { t } = useI18n();
  const session = useSession();
  const inbox = useAsync((signal) => api<HandoverAct[]>('/api/handovers?box=in', { signal }), []);
  const outbox = useAsync((signal) => api<HandoverAct[]>('/api/handovers?box=out', { signal }), []);
  useLiveEvents(() => {
    inbox.reload();
    outbox.reload();
  });
  const waiting = inbox.data?.filter((a) => a.state === 'PROPOSED') ?? [];
  const decided = inbox.data?.filter((a) => a.state !== 'PROPOSED') ?? [];
  return (
    <Page
      title={t('ho.title')}
      actions={
        session.me.user.role === 'duty-officer' && (
          <Link className="button" to="/handovers/new">
            {t('ho.new')}
          </Link>
        )
      }
    >
      <ActList id="ho-in-h" title={t('ho.inbox')} list={inbox} acts={waiting} box="in" deadline />
      <ActList id="ho-out-h" title={t('ho.outbox')} list={outbox} acts={outbox.data ?? []} box="out" deadline />
      <ActList id="ho-done-h" title={t('ho.inboxDecided')} list={inbox} acts={decided} box="in" />
    </Page>
  );
}

function ActList({ id, title, list, acts, box, deadline }: { id: string; title: string; list: { error?: Error; data?: unknown; reload(): void }; acts: HandoverAct[]; box: 'in' | 'out'; deadline?: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {list.error ? (
        <ErrorBox error={list.error} retry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : !acts.length ? (
        <p className="empty">{t('ho.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid={`acts-${id}`}>
            <thead>
              <tr>
                <th scope="col">{t('ho.act')}</th>
                <th scope="col">{box === 'in' ? t('ho.handing') : t('ho.receiving')}</th>
                <th scope="col">{t('ho.handedAt')}</th>
                <th scope="col">{t('ho.state')}</th>
                {deadline && <th scope="col">{t('ho.deadline')}</th>}
              </tr>
            </thead>
            <tbody>
              {acts.map((a) => (
                <tr key={a.id} data-act={a.id} data-state={a.state}>
                  <td>
                    <Link to={`/handovers/${a.id}`}>
                      {a.checkpointId} · {t('ho.itemsCount', { n: a.items.length })} ({[...new Set(a.items.map((i) => t(`ho.kind.${i.kind}`)))].join(', ')})
                    </Link>
                  </td>
                  <td>{session.unitName(box === 'in' ? a.handingUnit : a.receivingUnit)}</td>
                  <td>
                    <Time at={a.handedAt} />
                  </td>
                  <td>
                    <StateBadge state={a.state} />
                  </td>
                  {deadline && (
                    <td>
                      <Time at={a.acceptBy} />
                      <div>
                        <Countdown act={a} />
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The persons of a detention report (urgent: detained migrants, or border violators of an illegal crossing). */
export function detainedPersons(m: MessageView): FormObject[] {
  const urgent = (m.payload as { urgent?: Record<string, { persons?: FormObject[] } | undefined> } | null)?.urgent;
  return [...(urgent?.detainedMigrants?.persons ?? []), ...(urgent?.illegalCrossing?.persons ?? [])];
}

/** The item's kind: the case of its oneof that is set. */
function kindOf(item: FormObject | undefined): ItemKind {
  return ITEM_KINDS.find((k) => item?.[k] !== undefined) ?? 'person';
}

const PREFIX: Record<ItemKind, string> = { person: 'P', goods: 'G', vehicle: 'V', document: 'D', weapon: 'W' };

function nextItemId(items: FormObject[], kind: ItemKind): string {
  const used = new Set(items.map((i) => i.itemId));
  for (let n = 1; ; n++) if (!used.has(`${PREFIX[kind]}${n}`)) return `${PREFIX[kind]}${n}`;
}

function ItemFields({ p, kind }: { p: string; kind: ItemKind }) {
  switch (kind) {
    case 'person':
      return <PersonFields prefix={`${p}.person`} />;
    case 'goods':
      return (
        <>
          <TextField path={`${p}.goods.description`} required maxLength={2000} />
          <TextField path={`${p}.goods.quantity`} required maxLength={32} />
          <TextField path={`${p}.goods.measure`} required maxLength={32} />
          <TextField path={`${p}.goods.packaging`} maxLength={500} />
          <SealsField path={`${p}.goods.seals`} />
          <CheckboxField path={`${p}.goods.contraband`} />
        </>
      );
    case 'vehicle':
      return (
        <>
          <TextField path={`${p}.vehicle.make`} required maxLength={200} />
          <TextField path={`${p}.vehicle.registration`} maxLength={32} upper />
          <TextField path={`${p}.vehicle.vin`} maxLength={17} upper />
        </>
      );
    case 'document':
      return (
        <>
          <SelectField path={`${p}.document.type`} options={DOCUMENT_TYPE} required />
          <TextField path={`${p}.document.number`} required maxLength={32} upper />
          <TextField path={`${p}.document.issuingState`} maxLength={3} upper />
          <TextField path={`${p}.document.description`} maxLength={2000} />
        </>
      );
    case 'weapon':
      return (
        <>
          <TextField path={`${p}.weapon.description`} required maxLength={2000} />
          <TextField path={`${p}.weapon.serialNumber`} maxLength={64} />
          <NumberField path={`${p}.weapon.rounds`} min={0} />
        </>
      );
  }
}

/** Seal numbers typed as one comma-separated line, kept as the list the contract has. */
function SealsField({ path }: { path: string }) {
  const form = useFormCtx();
  const { f } = useI18n();
  const id = `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const errs = form.errors[path] ?? Object.entries(form.errors).find(([k]) => k.startsWith(`${path}.`))?.[1];
  const v = (form.get<string[]>(path) ?? []).join(', ');
  const [text, setText] = useState(v);
  return (
    <div className="field">
      <label htmlFor={id}>{f('seals')}</label>
      <input
        id={id}
        type="text"
        value={text}
        aria-invalid={errs ? true : undefined}
        aria-describedby={errs ? `${id}-err` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          form.set(
            path,
            e.target.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          );
        }}
      />
      {errs && (
        <span id={`${id}-err`} className="field-error">
          {errs.join('; ')}
        </span>
      )}
    </div>
  );
}

export function NewHandover() {
  const { t, lang } = useI18n();
  const session = useSession();
  const { search, navigate } = useLocation();
  const source = search.get('source');
  const form = useForm(() => ({ checkpointId: session.me.unit.checkpointId ?? '', items: [], ...(source ? { sourceMessageId: source } : {}) }), session.zone);
  const { failure, fail, clear } = useFailure();
  const [busy, setBusy] = useState(false);
  const [prefilled, setPrefilled] = useState(false);
  const report = useAsync(async (signal) => (source ? api<MessageView>(`/api/messages/${encodeURIComponent(source)}`, { signal }) : null), [source]);
  useEffect(() => {
    if (!report.data || prefilled) return;
    const persons = detainedPersons(report.data);
    const urgent = (report.data.payload as { urgent?: { checkpointId?: string; detainedMigrants?: { checkpointId?: string } } } | null)?.urgent;
    const checkpoint = urgent?.detainedMigrants?.checkpointId || urgent?.checkpointId;
    form.setValue((cur) => ({ ...cur, ...(checkpoint ? { checkpointId: checkpoint } : {}), items: persons.map((person, i) => ({ itemId: `P${i + 1}`, person })) }));
    setPrefilled(true);
  }, [report.data]); // eslint-disable-line react-hooks/exhaustive-deps
  // Units of another agency the unit may send to.
  const receivers = session.counterparts.filter((u) => u.agency !== session.me.unit.agency).map((u) => u.id);
  const items = (form.value.items as FormObject[] | undefined) ?? [];
  const setItems = (next: FormObject[]) => form.ctx.set('items', next);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    clear();
    const missing = form.missing(t('compose.required'), (n, max) => t('form.tooLong', { n, max }));
    if (Object.keys(missing).length) {
      form.setErrors(missing);
      return;
    }
    setBusy(true);
    try {
      const act = await api<HandoverAct>('/api/handovers', { method: 'POST', body: prune(form.value as FormValue) });
      navigate(`/handovers/${act.id}?sent=1`);
    } catch (e) {
      fail(e);
      if (e instanceof ApiError && e.errors.length) form.setErrors(e.byField((err) => fieldErrorText(err, lang, session.zone)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('ho.new')}>
      {source && report.data && (
        <p className="note" role="status">
          {t('ho.newFromNote', { id: source })}
        </p>
      )}
      {report.error && <ErrorBox error={report.error} />}
      <Failure text={failure} />
      <FormProvider ctx={form.ctx}>
        <form className="compose" onSubmit={submit} noValidate>
          <div className="grid">
            <SelectField path="receivingUnit" options={receivers} optionLabel={(u) => session.unitName(u)} required />
            <TextField path="legalGround" required multiline rows={2} maxLength={2000} />
            <TextField path="checkpointId" required maxLength={32} upper />
            <DateTimeField path="handedAt" hint={t('compose.zoneHint', { zone: session.zone })} />
            <TextField path="officer" maxLength={200} hint={session.me.user.username} />
            <TextField path="notes" multiline rows={2} maxLength={4000} />
          </div>
          <fieldset className="list" id="f-items" aria-describedby={form.errors.items ? 'f-items-err' : undefined}>
            <legend>{t('ho.items')}</legend>
            {form.errors.items && (
              <p id="f-items-err" className="field-error">
                {form.errors.items.join('; ')}
              </p>
            )}
            {items.map((item, i) => {
              const kind = kindOf(item);
              const kindId = `f-items-${i}-kind`;
              return (
                <fieldset key={i} className="item">
                  <legend>{t('ho.item', { n: i + 1 })}</legend>
                  <div className="grid">
                    <div className="field">
                      <label htmlFor={kindId}>{t('ho.kind')}</label>
                      <select
                        id={kindId}
                        value={kind}
                        onChange={(e) => {
                          const k = e.target.value as ItemKind;
                          const next = [...items];
                          next[i] = { itemId: nextItemId(items.filter((_, j) => j !== i), k), [k]: k === 'goods' ? { seals: [] } : {} };
                          setItems(next);
                        }}
                      >
                        {ITEM_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {t(`ho.kind.${k}`)}
                          </option>
                        ))}
                      </select>
                    </div>
                    <TextField path={`items.${i}.itemId`} required maxLength={32} upper />
                    <ItemFields p={`items.${i}`} kind={kind} />
                  </div>
                  <button type="button" className="secondary small" onClick={() => setItems(items.filter((_, j) => j !== i))}>
                    {t('ho.removeItem', { n: i + 1 })}
                  </button>
                </fieldset>
              );
            })}
            <button type="button" className="secondary small" onClick={() => setItems([...items, { itemId: nextItemId(items, 'person'), person: {} }])}>
              + {t('ho.addItem')}
            </button>
          </fieldset>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('ho.send')}
            </button>
          </div>
        </form>
      </FormProvider>
    </Page>
  );
}

/** One item as a line of text (its identity data, or description, quantity and measure, ...). */
export function itemText(kind: ItemKind, v: Record<string, unknown>, e: (x: string) => string): string {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
  switch (kind) {
    case 'person':
      return [s('surname'), s('givenNames'), s('patronymic')].filter(Boolean).join(' ') + (s('dateOfBirth') ? `, ${s('dateOfBirth')}` : '') + (s('citizenship') ? `, ${s('citizenship')}` : '');
    case 'goods':
      return [s('description'), `${s('quantity')} ${s('measure')}`.trim(), s('packaging'), ...(Array.isArray(v.seals) ? [(v.seals as string[]).join(', ')] : [])].filter(Boolean).join('; ');
    case 'vehicle':
      return [s('make'), s('registration'), s('vin')].filter(Boolean).join(', ');
    case 'document':
      return [e(s('type')), s('number'), s('issuingState'), s('description')].filter(Boolean).join(', ');
    case 'weapon':
      return [s('description'), s('serialNumber'), v.rounds ? String(v.rounds) : ''].filter(Boolean).join(', ');
  }
}

export function HandoverPage({ id }: { id: string }) {
  const { t, e } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const act = useAsync((signal) => api<HandoverAct>(`/api/handovers/${encodeURIComponent(id)}`, { signal }), [id]);
  useLiveEvents(() => act.reload());
  const a = act.data;
  const me = session.me.unit.id;
  const officer = session.me.user.role === 'duty-officer';
  return (
    <Page
      title={t('ho.act')}
      actions={
        <>
          <Link to="/handovers">← {t('nav.handovers')}</Link>{' '}
          {a && (
            <Link className="button secondary small" to={`/handovers/${a.id}/print`}>
              {t('ho.print')}
            </Link>
          )}
        </>
      }
    >
      {search.get('sent') && (
        <p className="note ok" role="status">
          {t('ho.done')}
        </p>
      )}
      {act.error && <ErrorBox error={act.error} retry={act.reload} />}
      {!a && !act.error && <Loading />}
      {a && (
        <>
          <p className="lead">
            <StateBadge state={a.state} /> {session.unitName(a.handingUnit)} → {session.unitName(a.receivingUnit)}
          </p>
          <dl className="meta">
            {(
              [
                [t('ho.handing'), `${session.unitName(a.handingUnit)} (${a.handingUnit})`],
                [t('ho.receiving'), `${session.unitName(a.receivingUnit)} (${a.receivingUnit})`],
                [t('f.legalGround'), a.legalGround],
                [t('f.checkpointId'), a.checkpointId],
                [t('ho.handedAt'), <Time at={a.handedAt} />],
                [t('f.officer'), a.officer],
                [
                  t('ho.deadline'),
                  <>
                    <Time at={a.acceptBy} /> <Countdown act={a} />
                  </>,
                ],
                ...(a.decidedAt ? [[t('ho.decidedAt'), <Time at={a.decidedAt} />] as [string, ReactNode]] : []),
                ...(a.sourceMessageId ? [[t('ho.source'), <Link to={`/messages/${a.sourceMessageId}`}>{a.sourceMessageId}</Link>] as [string, ReactNode]] : []),
                ...(a.notes ? [[t('f.notes'), a.notes] as [string, ReactNode]] : []),
                [t('msg.id'), <code>{a.id}</code>],
              ] as [string, ReactNode][]
            ).map(([k, v], i) => (
              <div key={i}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {officer && a.state === 'PROPOSED' && a.receivingUnit === me ? (
            <Decide act={a} onDone={act.reload} />
          ) : (
            <Items act={a} />
          )}
          {officer && a.state === 'PROPOSED' && a.handingUnit === me && <Withdraw act={a} onDone={act.reload} />}
          <section aria-labelledby="custody-h">
            <h2 id="custody-h">{t('ho.custody')}</h2>
            <ol className="timeline" data-testid="custody">
              {a.history.map((h) => (
                <li key={h.messageId} data-step={h.step} className={h.effective ? '' : 'muted'}>
                  <Time at={h.at} /> — <strong>{t(`ho.step.${h.step}`)}</strong> · {session.unitName(h.unit)} · {h.officer}
                  {!h.effective && <span className="badge"> {t('ho.superseded')}</span>}
                  {h.note && <div className="pre">{h.note}</div>}
                  {a.deliveries[h.messageId] && (
                    <div className="muted">
                      {t('ho.delivery')}: <StatusBadge status={a.deliveries[h.messageId]} />
                    </div>
                  )}
                  <div className="muted">
                    <code>{h.messageId}</code>
                  </div>
                </li>
              ))}
            </ol>
          </section>
          <p className="muted">{e(classificationName(a.classification))}</p>
        </>
      )}
    </Page>
  );
}

/** The head of an act's items table: id, kind, description, and the column `last`. */
function ItemsHead({ last }: { last: string }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        <th scope="col">{t('f.itemId')}</th>
        <th scope="col">{t('ho.kind')}</th>
        <th scope="col">{t('f.description')}</th>
        <th scope="col">{last}</th>
      </tr>
    </thead>
  );
}

/** An item's id, kind and description cells. */
function ItemCells({ item }: { item: HandoverAct['items'][number] }) {
  const { t, e } = useI18n();
  return (
    <>
      <th scope="row">{item.itemId}</th>
      <td>{t(`ho.kind.${item.kind}`)}</td>
      <td>{itemText(item.kind, item.value, e)}</td>
    </>
  );
}

function Items({ act }: { act: HandoverAct }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="items-h">
      <h2 id="items-h">{t('ho.items')}</h2>
      <div className="table-wrap">
        <table data-testid="items">
          <ItemsHead last={t('ho.fate')} />
          <tbody>
            {act.items.map((i) => (
              <tr key={i.itemId} data-item={i.itemId} data-status={i.status}>
                <ItemCells item={i} />
                <td>
                  <span className={`badge fate-${i.status.toLowerCase()}`}>{t(`ho.fate.${i.status}`)}</span>
                  {i.reason && <div className="pre">{i.reason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The receiving unit's decision: accept whole, accept in part (a reason per refused item), or dispute. */
function Decide({ act, onDone }: { act: HandoverAct; onDone(): void }) {
  const { t } = useI18n();
  const [refuse, setRefuse] = useState<Record<string, boolean>>({});
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [officer, setOfficer] = useState('');
  const [busy, setBusy] = useState(false);
  const { failure, fields, fail, clear } = useFailure();
  const refused = act.items.filter((i) => refuse[i.itemId]);
  const step = async (path: string, body: Record<string, unknown>) => {
    clear();
    setBusy(true);
    try {
      await api<HandoverAct>(`/api/handovers/${act.id}/${path}`, { method: 'POST', body: { ...(officer.trim() ? { officer: officer.trim() } : {}), ...body } });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const accept = (ev: FormEvent) => {
    ev.preventDefault();
    // The reasons go as typed: a missing one is the server's to refuse (its coded error shows by the item).
    if (refused.length) void step('accept-part', { refused: refused.map((i) => ({ itemId: i.itemId, ...(reasons[i.itemId]?.trim() ? { reason: reasons[i.itemId].trim() } : {}) })) });
    else void step('accept', {});
  };
  /** The server's errors on refused.<n>.* belong to the n-th refused item. */
  const errorsOf = (itemId: string): string[] | undefined => {
    const n = refused.findIndex((i) => i.itemId === itemId);
    if (n < 0) return undefined;
    const out = Object.entries(fields)
      .filter(([k]) => k.startsWith(`refused.${n}.`))
      .flatMap(([, v]) => v);
    return out.length ? out : undefined;
  };
  return (
    <section className="card" aria-labelledby="decide-h">
      <h2 id="decide-h">{t('ho.decide')}</h2>
      <p className="hint" id="decide-hint">
        {t('ho.decideHint')}
      </p>
      <Failure text={failure} />
      {fields.refused && (
        <p className="field-error" role="alert">
          {fields.refused.join('; ')}
        </p>
      )}
      <form onSubmit={accept} noValidate aria-describedby="decide-hint">
        <div className="table-wrap">
          <table data-testid="items">
            <ItemsHead last={t('ho.refuse')} />
            <tbody>
              {act.items.map((i) => {
                const errs = errorsOf(i.itemId);
                const rid = `reason-${i.itemId}`;
                return (
                  <tr key={i.itemId} data-item={i.itemId}>
                    <ItemCells item={i} />
                    <td>
                      <div className="field check">
                        <input id={`refuse-${i.itemId}`} type="checkbox" checked={!!refuse[i.itemId]} onChange={(ev) => setRefuse({ ...refuse, [i.itemId]: ev.target.checked })} />
                        <label htmlFor={`refuse-${i.itemId}`}>
                          {t('ho.refuse')} {i.itemId}
                        </label>
                      </div>
                      {refuse[i.itemId] && (
                        <div className="field">
                          <label htmlFor={rid}>{t('ho.refuseReason', { item: i.itemId })}</label>
                          <input
                            id={rid}
                            type="text"
                            value={reasons[i.itemId] ?? ''}
                            maxLength={2000}
                            aria-invalid={errs ? true : undefined}
                            aria-describedby={errs ? `${rid}-err` : undefined}
                            onChange={(ev) => setReasons({ ...reasons, [i.itemId]: ev.target.value })}
                          />
                          {errs && (
                            <span id={`${rid}-err`} className="field-error">
                              {errs.join('; ')}
                            </span>
                          )}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="field">
          <label htmlFor="step-officer">{t('ho.officerStep')}</label>
          <input id="step-officer" type="text" value={officer} maxLength={200} onChange={(ev) => setOfficer(ev.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {refused.length ? t('ho.acceptPart') : t('ho.accept')}
          </button>
        </div>
      </form>
      <ReasonForm id="dispute-reason" label={t('ho.disputeReason')} button={t('ho.dispute')} errors={fields.reason} busy={busy} onSubmit={(reason) => void step('dispute', reason ? { reason } : {})} />
    </section>
  );
}

function Withdraw({ act, onDone }: { act: HandoverAct; onDone(): void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const { failure, fields, fail, clear } = useFailure();
  const submit = async (reason: string) => {
    clear();
    setBusy(true);
    try {
      await api<HandoverAct>(`/api/handovers/${act.id}/withdraw`, { method: 'POST', body: reason ? { reason } : {} });
      onDone();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="withdraw-h">
      <h2 id="withdraw-h">{t('ho.withdraw')}</h2>
      <Failure text={failure} />
      <ReasonForm id="withdraw-reason" label={t('ho.withdrawReason')} button={t('ho.withdraw')} errors={fields.reason} busy={busy} onSubmit={(reason) => void submit(reason)} />
    </section>
  );
}

/** A step that takes a reason (dispute, withdrawal): the reason as typed goes to the node, which refuses a missing one. */
function ReasonForm({ id, label, button, errors, busy, onSubmit }: { id: string; label: string; button: string; errors?: string[]; busy: boolean; onSubmit(reason: string): void }) {
  const [reason, setReason] = useState('');
  return (
    <form
      onSubmit={(ev) => {
        ev.preventDefault();
        onSubmit(reason.trim());
      }}
      noValidate
    >
      <div className="field wide">
        <label htmlFor={id}>{label}</label>
        <textarea id={id} rows={2} value={reason} onChange={(ev) => setReason(ev.target.value)} aria-invalid={errors ? true : undefined} aria-describedby={errors ? `${id}-err` : undefined} />
        {errors && (
          <span id={`${id}-err`} className="field-error">
            {errors.join('; ')}
          </span>
        )}
      </div>
      <button type="submit" className="secondary" disabled={busy}>
        {button}
      </button>
    </form>
  );
}

/** The act as the node prints it (HTML with the signatures' fingerprints), fetched with the officer's token. */
export function HandoverPrintPage({ id }: { id: string }) {
  const { t } = useI18n();
  const html = useAsync(async (signal) => {
    const res = await fetch(`/api/handovers/${encodeURIComponent(id)}/print`, { signal, headers: { authorization: `Bearer ${getToken() ?? ''}`, 'accept-language': localStorage.getItem('shekara.lang') === 'en' ? 'en' : 'ru' } });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    return res.text();
  }, [id]);
  return (
    <Page title={t('ho.printTitle')} actions={<Link to={`/handovers/${id}`}>← {t('ho.act')}</Link>}>
      {html.error && <ErrorBox error={html.error} retry={html.reload} />}
      {!html.data && !html.error && <Loading />}
      {html.data && <iframe className="act-print" title={t('ho.printTitle')} srcDoc={html.data} sandbox="allow-modals allow-same-origin" data-testid="act-print" />}
    </Page>
  );
}
