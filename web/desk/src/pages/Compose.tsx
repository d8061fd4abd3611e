import { useEffect, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, MouseEvent, ReactNode } from 'react';
import { ApiError, api } from '@shared/api';
import { ErrorBox, Loading, Page, useAsync } from '@shared/components';
import { ErrorSummary, FormProvider, SelectField, DateTimeField, fieldId, prune, useForm, useFormCtx } from '@shared/form';
import { CLASSIFICATION, URGENT_TOPIC, classificationName, topicCase, topicFromSlug, topicSlug } from '@shared/enums';
import { fieldErrorText } from '@shared/field-errors';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { DESK_DRAFT_PREFIX, useSession } from '@shared/session';
import { formatInstant } from '@shared/time';
import type { ComposePeriods, Due, MessageView } from '@shared/types';
import type { FormObject } from '@shared/form';
import type { Translate } from '@shared/i18n';
import { AdvanceForm, ConfirmationForm, DailyForm, MonthlyForm, SemiannualForm } from '../forms/reports';
import { UrgentFields } from '../forms/urgent';

export const COMPOSE_KINDS = ['urgent', 'daily', 'monthly', 'advance', 'semiannual'] as const;
const KIND_OF: Record<string, string> = { urgent: 'URGENT', daily: 'DAILY', monthly: 'MONTHLY', advance: 'ADVANCE', semiannual: 'SEMIANNUAL', confirmation: 'URGENT_CONFIRMATION' };

/** Chooser: every kind of clause 5 and every urgent topic, one click to its form. */
export function ComposeIndex() {
  const { t, e } = useI18n();
  return (
    <Page title={t('compose.title')}>
      <p>{t('compose.choose')}</p>
      <section aria-labelledby="urgent-topics">
        <h2 id="urgent-topics">{t('compose.urgentTopics')}</h2>
        <ul className="tiles">
          {URGENT_TOPIC.map((topic) => (
            <li key={topic}>
              <Link to={`/compose/urgent?topic=${topicSlug(topic)}`} className="tile urgent">
                {e(topic)}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="scheduled">
        <h2 id="scheduled">{t('compose.scheduled')}</h2>
        <ul className="tiles">
          {COMPOSE_KINDS.filter((k) => k !== 'urgent').map((k) => (
            <li key={k}>
              <Link to={`/compose/${k}`} className="tile">
                <strong>{t(`kind.${KIND_OF[k]}`)}</strong>
                <span className="muted">{t(`kindHint.${KIND_OF[k]}`)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}

/** `now` (the node's clock when known, else the browser's) to the minute, as an ISO instant. */
function nowMinute(now?: string): string {
  const d = now ? new Date(now) : new Date();
  d.setSeconds(0, 0);
  return d.toISOString().replace('.000Z', 'Z');
}

/** The body a new report of `kind` starts from (a SendMessageRequestJson being edited); periods as the node computed them. */
function defaults(kind: string, periods: ComposePeriods | null, topic?: string, checkpointId?: string | null): FormObject {
  switch (kind) {
    case 'urgent': {
      const urgent: FormObject = { topic, occurredAt: nowMinute(periods?.now), ...(checkpointId ? { checkpointId } : {}) };
      if (topic) urgent[topicCase(topic)] = topic === 'URGENT_TOPIC_DETAINED_MIGRANTS' || topic === 'URGENT_TOPIC_WANTED_PERSONS' ? { persons: [{}] } : topic === 'URGENT_TOPIC_FORGED_DOCUMENTS' ? { documents: [{}] } : {};
      return { reportedAt: nowMinute(periods?.now), urgent };
    }
    case 'daily':
      return { daily: { period: periods?.daily.period } };
    case 'monthly':
      return { monthly: { period: periods?.monthly.period } };
    case 'advance':
      return { advance: {} };
    case 'semiannual':
      return { semiannual: { period: periods?.semiannual.period, materials: [{}] } };
  }
  return {};
}

/** What the officer should know about the period filled in: its window is ahead, or closed (late but owed). */
function periodNote(kind: string, periods: ComposePeriods, t: Translate): string | undefined {
  const zone = periods.zone;
  if (kind === 'daily') {
    const d = periods.daily;
    if (d.state === 'before') return t('compose.dailyAhead', { day: d.period, opens: formatInstant(d.opensAt, zone) });
    if (d.state === 'closed') return t('compose.dailyLate', { day: d.period, closed: formatInstant(d.closesAt, zone) });
  }
  if (kind === 'monthly' && periods.monthly.state === 'closed') return t('compose.monthlyLate', { month: periods.monthly.period, closed: formatInstant(periods.monthly.closesAt, zone) });
  return undefined;
}

/** /compose/:kind — loads what the form starts from (a scheduler draft, the urgent report to confirm) and renders it. */
export function Compose({ kind }: { kind: string }) {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const draftId = search.get('draft');
  const urgentId = search.get('urgent');
  const topic = topicFromSlug(search.get('topic'));
  const base = { senderUnit: session.me.unit.id, recipientUnits: session.counterparts.map((u) => u.id), classification: 'CLASSIFICATION_FOR_OFFICIAL_USE' };
  const start = useAsync<{ body: FormObject; note?: string; original?: MessageView }>(
    async (signal) => {
      // Periods and "now" as the node judges them (policy, windows, the unit's zone, the node's clock).
      const periods = await api<ComposePeriods>('/api/due/periods', { signal });
      if (kind === 'confirmation') {
        if (!urgentId) throw new Error('?urgent=<id> is required');
        const original = await api<MessageView>(`/api/messages/${encodeURIComponent(urgentId)}`, { signal });
        const oral = formatInstant(original.reportedAt ?? original.createdAt, session.zone);
        return {
          original,
          note: t('compose.confirmPrefilled'),
          body: {
            ...base,
            recipientUnits: original.recipientUnits,
            classification: classificationName(original.classification),
            correlationId: original.id,
            reportedAt: nowMinute(periods.now),
            urgentConfirmation: { urgentMessageId: original.id, text: `${t('compose.confirmOf', { at: oral })}. ${original.summary}`, urgent: original.payload?.urgent ?? {} },
          },
        };
      }
      if (draftId) {
        const due = await api<Due>('/api/due', { signal }).catch(() => null);
        const draft = due?.drafts.find((d) => d.id === draftId);
        if (draft) {
          // A scheduler draft keeps its period; say so when it is not the one owed now.
          const current = kind === 'daily' || kind === 'monthly' || kind === 'semiannual' ? periods[kind].period : null;
          const aside = current && draft.period && draft.period !== current ? t('compose.draftOtherPeriod', { period: draft.period, current }) : periodNote(kind, periods, t);
          return { body: { ...base, ...draft.body, senderUnit: base.senderUnit }, note: [t('compose.draftLoaded'), aside].filter(Boolean).join(' ') };
        }
      }
      const notes = [draftId ? t('compose.draftMissing') : undefined, periodNote(kind, periods, t)].filter(Boolean);
      return { body: { ...base, ...defaults(kind, periods, topic, session.me.unit.checkpointId) }, note: notes.join(' ') || undefined };
    },
    [kind, draftId, urgentId, topic],
  );
  const title = t(`kind.${KIND_OF[kind] ?? 'URGENT'}`);
  if (!KIND_OF[kind]) return <Page title={t('app.notFound')}>{null}</Page>;
  return (
    <Page title={title}>
      {start.error && <ErrorBox error={start.error} retry={start.reload} />}
      {!start.data && !start.error && <Loading />}
      {start.data && (
        <ComposeForm key={`${kind}|${draftId}|${urgentId}|${topic}`} kind={kind} initial={start.data.body} note={start.data.note} original={start.data.original} />
      )}
    </Page>
  );
}

/** Where the browser keeps the unsent form of a kind for a unit (localStorage), until it is sent or discarded. */
const draftKey = (unitId: string, kind: string) => `${DESK_DRAFT_PREFIX}${unitId}.${kind}`;
interface SavedDraft {
  savedAt: string;
  body: FormObject;
}

function readDraft(key: string): SavedDraft | null {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as SavedDraft | null;
    return saved && typeof saved.savedAt === 'string' && saved.body && typeof saved.body === 'object' ? saved : null;
  } catch {
    return null;
  }
}

/** The period fields of a body ("daily.period", …): kept at today's obligation when a saved draft is restored. */
const PERIOD_PATH: Record<string, string> = { daily: 'daily', monthly: 'monthly', semiannual: 'semiannual' };

function ComposeForm({ kind, initial, note, original }: { kind: string; initial: FormObject; note?: string; original?: MessageView }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const { navigate } = useLocation();
  const form = useForm(() => initial, session.zone);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // A confirmation belongs to one urgent report: it is not kept as a draft of its kind.
  const key = kind === 'confirmation' ? null : draftKey(session.me.unit.id, kind);
  const initialJson = useRef(JSON.stringify(initial)).current;
  const dirty = JSON.stringify(form.value) !== initialJson;
  const [offer, setOffer] = useState<SavedDraft | null>(() => {
    const saved = key ? readDraft(key) : null;
    return saved && JSON.stringify(saved.body) !== initialJson ? saved : null;
  });
  const [restoredNote, setRestoredNote] = useState<string | null>(null);
  // Every change is kept in the browser; editing without restoring the offered draft replaces it.
  useEffect(() => {
    if (!key || !dirty) return;
    setOffer(null);
    try {
      localStorage.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), body: form.value } satisfies SavedDraft));
    } catch {
      /* storage full or disabled: the form still works, only unkept */
    }
  }, [key, dirty, form.value]);
  const forget = () => {
    if (key) localStorage.removeItem(key);
  };
  const restore = () => {
    if (!offer) return;
    const body: FormObject = { ...offer.body, senderUnit: session.me.unit.id };
    const section = PERIOD_PATH[kind];
    const now = section ? (initial[section] as FormObject | undefined)?.period : undefined;
    const was = section ? (body[section] as FormObject | undefined)?.period : undefined;
    if (section && now && was !== now) {
      body[section] = { ...(body[section] as FormObject), period: now };
      setRestoredNote(t('compose.localDraftPeriod', { was: String(was ?? '—'), now: String(now) }));
    }
    setOffer(null);
    form.setValue(body);
  };
  const discardOffer = () => {
    forget();
    setOffer(null);
  };
  // Enter in a one-line field does not send the form (textareas keep their new lines, buttons their Enter).
  const keepEnter = (ev: KeyboardEvent<HTMLFormElement>) => {
    const target = ev.target as HTMLElement;
    if (ev.key === 'Enter' && target.tagName === 'INPUT' && !['submit', 'button', 'reset', 'file'].includes((target as HTMLInputElement).type)) ev.preventDefault();
  };
  const cancel = (ev: MouseEvent<HTMLAnchorElement>) => {
    if (!dirty) return;
    if (!window.confirm(t('compose.cancelConfirm'))) {
      ev.preventDefault();
      return;
    }
    forget();
  };
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setFailure(null);
    const missing = form.missing(t('compose.required'), (n, max) => t('form.tooLong', { n, max }));
    if (!form.ctx.get<string[]>('recipientUnits')?.length) missing.recipientUnits = [t('compose.required')];
    if (Object.keys(missing).length) {
      form.setErrors(missing);
      return;
    }
    setBusy(true);
    try {
      const view = await api<MessageView>('/api/messages', { method: 'POST', body: prune(form.value) });
      forget();
      navigate(`/messages/${view.id}?sent=1`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.errors.length) form.setErrors(e.byField((err) => fieldErrorText(err, lang, session.zone)));
      else if (e instanceof ApiError && e.status === 413) setFailure(t('compose.tooLarge'));
      else if (e instanceof ApiError && e.status === 403) setFailure(t('compose.forbidden', { message: e.message }));
      else setFailure(t('app.error', { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  let body: ReactNode;
  switch (kind) {
    case 'urgent':
      body = <UrgentFields prefix="urgent" />;
      break;
    case 'confirmation':
      body = <ConfirmationForm />;
      break;
    case 'daily':
      body = <DailyForm />;
      break;
    case 'monthly':
      body = <MonthlyForm />;
      break;
    case 'advance':
      body = <AdvanceForm />;
      break;
    case 'semiannual':
      body = <SemiannualForm />;
      break;
  }
  return (
    <FormProvider ctx={form.ctx}>
      <form className="compose" onSubmit={submit} onKeyDown={keepEnter} noValidate aria-describedby={note ? 'compose-note' : undefined}>
        {note && (
          <p id="compose-note" className="note" role="status">
            {note}
          </p>
        )}
        {offer && (
          <div className="note local-draft" role="status">
            <p>{t('compose.localDraft', { at: formatInstant(offer.savedAt, session.zone) })}</p>
            <button type="button" className="small" onClick={restore}>
              {t('compose.localDraftRestore')}
            </button>{' '}
            <button type="button" className="secondary small" onClick={discardOffer}>
              {t('compose.localDraftDiscard')}
            </button>
          </div>
        )}
        {restoredNote && (
          <p className="note" role="status">
            {restoredNote}
          </p>
        )}
        {original && (
          <p className="note">
            {t('compose.confirmOf', { at: formatInstant(original.reportedAt ?? original.createdAt, session.zone) })}: <Link to={`/messages/${original.id}`}>{original.summary}</Link>
          </p>
        )}
        <ErrorSummary errors={form.errors} isRendered={form.isRendered} title={t('compose.errors', { n: Object.keys(form.errors).length })} />
        {failure && (
          <p role="alert" className="error-box">
            {failure}
          </p>
        )}
        <CommonFields urgent={kind === 'urgent'} />
        {body}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('compose.sending') : t('compose.send')}
          </button>
          <Link to="/compose" className="button secondary" onClick={cancel}>
            {t('compose.cancel')}
          </Link>
        </div>
        {key && <p className="hint">{t('compose.draftLocalHint')}</p>}
      </form>
    </FormProvider>
  );
}

/** Recipients among one's interaction groups, the marking, and (urgent) the time of the oral report. */
function CommonFields({ urgent }: { urgent: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  const form = useFormCtx();
  const chosen: string[] = form.get('recipientUnits') ?? [];
  const errs = form.errors.recipientUnits ?? form.errors.senderUnit;
  const toggle = (id: string, on: boolean) => form.set('recipientUnits', on ? [...chosen, id] : chosen.filter((x) => x !== id));
  const id = fieldId('recipientUnits');
  return (
    <fieldset className="details">
      <legend>{t('compose.common')}</legend>
      <div className="grid">
        <fieldset className="field recipients" id={id} aria-describedby={`${id}-hint${errs ? ` ${id}-err` : ''}`}>
          <legend>
            {t('compose.recipients')}
            <span className="req" aria-hidden="true">
              {' '}*
            </span>
          </legend>
          <span id={`${id}-hint`} className="hint">
            {t('compose.recipientsHint')}
          </span>
          {session.me.groups.map((g) => (
            <div key={g.id} className="group">
              {g.members
                .filter((u) => u.id !== session.me.unit.id)
                .map((u) => (
                  <div className="check" key={u.id}>
                    <input type="checkbox" id={`rcpt-${u.id}`} checked={chosen.includes(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} />
                    <label htmlFor={`rcpt-${u.id}`}>
                      {session.unitName(u.id)} <span className="muted">({u.id})</span>
                    </label>
                  </div>
                ))}
            </div>
          ))}
          {errs && (
            <span id={`${id}-err`} className="field-error">
              {errs.join('; ')}
            </span>
          )}
        </fieldset>
        <SelectField path="classification" options={CLASSIFICATION} required label={t('compose.classification')} />
        {urgent && <DateTimeField path="reportedAt" label={t('compose.reportedAt')} />}
      </div>
    </fieldset>
  );
}
