import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from '@shared/api';
import { ErrorBox, Loading, Page, Time, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { useSession } from '@shared/session';

/** The answers of GET /api/messages/:id/matches and POST /api/persons/check (libs/agency-node/src/persons). */
interface NameFeature {
  query: string;
  candidate: string;
  how: string;
}
interface Explanation {
  surname: NameFeature;
  givenNames: NameFeature;
  patronymic?: NameFeature;
  dateOfBirth: { how: string; candidate?: string };
  document: { how: string; candidate?: string };
  citizenship: { how: string };
}
interface PersonRecord {
  id: string;
  surname: string;
  givenNames: string;
  patronymic?: string;
  dateOfBirth?: string;
  citizenship?: string;
}
interface PersonMatch {
  personId: string;
  score: number;
  match: boolean;
  role: string;
  person?: PersonRecord;
  explanation: Explanation;
  redacted: boolean;
  source: { messageId: string; kind: string; topic: string | null; direction: 'OUT' | 'IN'; agency: string; classification: string; date: string; summary?: string };
  decision?: { decision: 'CONFIRMED' | 'REJECTED'; decidedBy: string; decidedAt: string };
}
/** A document of the person that the data bank holds as lost, stolen or invalidated (the bank record is the source). */
interface BankDocumentMatch {
  document: { number: string; issuingState: string };
  record: { id: string; ownerAgency: string; title?: string; redacted: boolean; exact: boolean; content?: { travelDocument?: { status?: string } } };
}
interface MessagePersonMatches {
  person: PersonRecord & { role: string };
  matches: PersonMatch[];
  documents?: BankDocumentMatch[];
}

const personName = (p: { surname: string; givenNames: string; patronymic?: string }) => [p.surname, p.givenNames, p.patronymic].filter(Boolean).join(' ');

/** "Possible matches" of the persons a message names, on the message page. */
export function MatchesPanel({ id }: { id: string }) {
  const { t } = useI18n();
  const found = useAsync((signal) => api<MessagePersonMatches[]>(`/api/messages/${encodeURIComponent(id)}/matches`, { signal }), [id]);
  if (found.data && found.data.length === 0) return null;
  return (
    <section aria-labelledby="matches-h" className="matches">
      <h2 id="matches-h">{t('match.title')}</h2>
      {found.error && <ErrorBox error={found.error} retry={found.reload} />}
      {!found.data && !found.error && <Loading />}
      {found.data?.map((p) => (
        <div key={p.person.id} data-person={p.person.id}>
          <h3>
            {personName(p.person)}
            {p.person.dateOfBirth && `, ${p.person.dateOfBirth}`}
          </h3>
          {p.matches.length > 0 && <MatchList matches={p.matches} personId={p.person.id} onDecided={found.reload} />}
          {p.matches.length === 0 && !p.documents?.length && <p className="muted">{t('match.none')}</p>}
          {!!p.documents?.length && <BankDocuments documents={p.documents} />}
        </div>
      ))}
    </section>
  );
}

/** GET /api/messages/:id/hit-decisions: what other agencies' units decided about persons of this message. */
interface ReceivedHitDecision {
  id: string;
  senderUnit: string;
  agency: string;
  outcome: 'CONFIRMED' | 'REJECTED';
  personId: string;
  person: { surname?: string; givenNames?: string; patronymic?: string; dateOfBirth?: string; citizenship?: string; documentNumber?: string };
  score: number;
  note?: string;
  decidedBy: string;
  decidedAt: string;
}

/** Hit decisions received about this message's persons (the other agency confirmed or rejected a match with its record). */
export function ReceivedDecisionsPanel({ id }: { id: string }) {
  const { t, has } = useI18n();
  const got = useAsync((signal) => api<ReceivedHitDecision[]>(`/api/messages/${encodeURIComponent(id)}/hit-decisions`, { signal }), [id]);
  if (!got.error && (!got.data || got.data.length === 0)) return null;
  const agency = (a: string) => (has(`match.agency.${a}`) ? t(`match.agency.${a}`) : a);
  return (
    <section aria-labelledby="hit-decisions-h" className="matches">
      <h2 id="hit-decisions-h">{t('match.received')}</h2>
      <p className="muted">{t('match.receivedIntro')}</p>
      {got.error && <ErrorBox error={got.error} retry={got.reload} />}
      <ul className="match-list">
        {got.data?.map((d) => (
          <li key={d.id} data-hit-decision={d.outcome}>
            <p>
              <strong>{t(d.outcome === 'CONFIRMED' ? 'match.confirmed' : 'match.rejected')}</strong> · {t('match.from', { agency: agency(d.agency) })} · {d.decidedBy} · <Time at={d.decidedAt} />
            </p>
            <p>
              {t('match.ourPerson', { n: d.personId.slice(d.personId.lastIndexOf(':') + 1) })} ↔ {t('match.theirPerson')}:{' '}
              {personName({ surname: d.person.surname ?? '', givenNames: d.person.givenNames ?? '', patronymic: d.person.patronymic })}
              {d.person.dateOfBirth && `, ${d.person.dateOfBirth}`}
              {d.person.documentNumber && `, ${d.person.documentNumber}`} · {t('match.score', { score: d.score.toFixed(2) })}
            </p>
            {d.note && <p className="pre">{d.note}</p>}
            <p>
              <Link to={`/messages/${d.id}`}>{t('kind.HIT_DECISION')}</Link>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Confirm or reject a hit (duty officers); the decision of the unit, once taken. */
function Decide({ personId, c, onDecided }: { personId: string; c: PersonMatch; onDecided(): void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [error, setError] = useState<Error | null>(null);
  const [sent, setSent] = useState(0);
  const decide = (decision: 'CONFIRMED' | 'REJECTED') =>
    api<{ sentMessageIds: string[] }>('/api/matches/decide', { method: 'POST', body: { personId, candidateId: c.personId, decision } }).then((r) => {
      setSent(r.sentMessageIds.length);
      onDecided();
    }, (e: Error) => setError(e));
  return (
    <div className="actions" data-decision={c.decision?.decision ?? ''}>
      {c.decision && (
        <p role="status">
          <strong>{t(c.decision.decision === 'CONFIRMED' ? 'match.confirmed' : 'match.rejected')}</strong> · {c.decision.decidedBy}
          {/* A record of the pair came from another agency: the decision went to the unit that reported it. */}
          {sent > 0 && <> · {t('match.sentTo')}</>}
        </p>
      )}
      {me.user.role === 'duty-officer' && (
        <>
          {c.decision?.decision !== 'CONFIRMED' && (
            <button type="button" onClick={() => void decide('CONFIRMED')}>
              {t('match.confirm')}
            </button>
          )}{' '}
          {c.decision?.decision !== 'REJECTED' && (
            <button type="button" className="secondary" onClick={() => void decide('REJECTED')}>
              {t('match.reject')}
            </button>
          )}
        </>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

/** The person's documents found in the data bank as lost, stolen or invalidated, each linked to its bank record. */
function BankDocuments({ documents }: { documents: BankDocumentMatch[] }) {
  const { t, has } = useI18n();
  const label = (key: string, fallback: string) => (has(key) ? t(key) : fallback);
  return (
    <ul className="match-list" aria-label={t('match.bankDocuments')}>
      {documents.map((d) => {
        const status = d.record.content?.travelDocument?.status ?? '';
        return (
          <li key={`${d.record.id} ${d.document.number}`} data-bank-record={d.record.id} data-hit="true">
            <p>
              <strong>{t('match.bankDocument')}:</strong> {d.document.issuingState} {d.document.number} · {label(`bank.opt.${status}`, status)} ·{' '}
              {t('match.bankOwner', { agency: label(`match.agency.${d.record.ownerAgency}`, d.record.ownerAgency) })}
              {!d.record.exact && ` · ${t('bank.similar')}`}
            </p>
            <p>{d.record.redacted ? <span className="note">{t('bank.redacted', { agency: d.record.ownerAgency })}</span> : <Link to={`/bank/records/${d.record.id}`}>{d.record.title}</Link>}</p>
          </li>
        );
      })}
    </ul>
  );
}

function MatchList({ matches, personId, onDecided }: { matches: PersonMatch[]; personId?: string; onDecided?: () => void }) {
  const { t, has } = useI18n();
  const label = (key: string, fallback: string) => (has(key) ? t(key) : fallback);
  return (
    <ul className="match-list">
      {matches.map((c) => (
        <li key={c.personId} data-match={c.personId} data-hit={c.match}>
          <p>
            <strong>{c.match ? t('match.possible') : t('match.candidate')}:</strong> {label(`match.role.${c.role}`, c.role)} {c.source.date}
            {', '}
            {t('match.report', { agency: label(`match.agency.${c.source.agency}`, c.source.agency) })}{' '}
            {c.source.topic ? label(`enum.${c.source.topic}`, c.source.topic) : label(`kind.${c.source.kind}`, c.source.kind)}
            {' · '}
            {t('match.score', { score: c.score.toFixed(2) })}
          </p>
          {c.redacted ? (
            <p className="note">{t('match.redacted')}</p>
          ) : (
            <p>
              {c.person && (
                <>
                  {personName(c.person)}
                  {c.person.dateOfBirth && `, ${c.person.dateOfBirth}`}
                  {c.person.citizenship && `, ${c.person.citizenship}`}
                  {' — '}
                </>
              )}
              <Link to={`/messages/${c.source.messageId}`}>{c.source.summary}</Link>
            </p>
          )}
          <p className="muted">
            {t('f.surname')}: {label(`match.how.${c.explanation.surname.how}`, c.explanation.surname.how)}; {t('f.givenNames')}: {label(`match.how.${c.explanation.givenNames.how}`, c.explanation.givenNames.how)}
            {c.explanation.patronymic && `; ${t('f.patronymic')}: ${label(`match.how.${c.explanation.patronymic.how}`, c.explanation.patronymic.how)}`}; {t('f.dateOfBirth')}: {label(`match.how.${c.explanation.dateOfBirth.how}`, c.explanation.dateOfBirth.how)}; {t('match.document')}:{' '}
            {label(`match.how.${c.explanation.document.how}`, c.explanation.document.how)}
          </p>
          {personId && onDecided && <Decide personId={personId} c={c} onDecided={onDecided} />}
        </li>
      ))}
    </ul>
  );
}

const FIELDS = ['surname', 'givenNames', 'patronymic', 'dateOfBirth', 'citizenship', 'document', 'documentState'] as const;
type Field = (typeof FIELDS)[number];

/** "Check a person": names in any script, date of birth, citizenship, document; answered from everything the node holds. */
export function CheckPerson() {
  const { t, lang } = useI18n();
  const [values, setValues] = useState<Record<Field, string>>({ surname: '', givenNames: '', patronymic: '', dateOfBirth: '', citizenship: '', document: '', documentState: '' });
  const [result, setResult] = useState<{ candidates: PersonMatch[]; documents: BankDocumentMatch[] } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    const body: Record<string, unknown> = { surname: values.surname, givenNames: values.givenNames };
    if (values.patronymic.trim()) body.patronymic = values.patronymic;
    if (values.dateOfBirth) body.dateOfBirth = values.dateOfBirth;
    if (values.citizenship.trim()) body.citizenship = values.citizenship.trim().toUpperCase();
    if (values.document.trim()) body.documents = [{ number: values.document.trim(), ...(values.documentState.trim() && { issuingState: values.documentState.trim().toUpperCase() }) }];
    try {
      const r = await api<{ candidates: PersonMatch[]; documents?: BankDocumentMatch[] }>('/api/persons/check', { method: 'POST', body });
      setResult({ candidates: r.candidates, documents: r.documents ?? [] });
    } catch (e) {
      if (e instanceof ApiError && e.errors.length) {
        setResult(null);
        setErrors(Object.fromEntries(e.errors.map((f) => [f.field === 'documents' ? 'document' : f.field, f.messages[lang === 'ru' ? 1 : 0] ?? f.messages[0]])));
      } else setFailure(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const input = (f: Field, type = 'text') => (
    <div className="field" key={f}>
      <label htmlFor={`check-${f}`}>{t(f === 'document' ? 'match.documentNumber' : f === 'documentState' ? 'match.documentState' : `f.${f}`)}</label>
      <input
        id={`check-${f}`}
        name={f}
        type={type}
        value={values[f]}
        maxLength={f === 'citizenship' || f === 'documentState' ? 3 : f === 'document' ? 32 : 100}
        required={f === 'surname' || f === 'givenNames'}
        aria-invalid={errors[f] ? true : undefined}
        aria-describedby={errors[f] ? `check-${f}-error` : undefined}
        onChange={(e) => setValues({ ...values, [f]: e.target.value })}
      />
      {errors[f] && (
        <div className="field-error" id={`check-${f}-error`}>
          {errors[f]}
        </div>
      )}
    </div>
  );
  return (
    <Page title={t('match.checkTitle')}>
      <p className="lead">{t('match.checkIntro')}</p>
      <form onSubmit={submit} noValidate aria-label={t('match.checkTitle')}>
        {input('surname')}
        {input('givenNames')}
        {input('patronymic')}
        {input('dateOfBirth', 'date')}
        {input('citizenship')}
        {input('document')}
        {input('documentState')}
        {errors.body && <p className="field-error">{errors.body}</p>}
        <button type="submit" disabled={busy}>
          {t('match.check')}
        </button>
      </form>
      {failure && <ErrorBox error={failure} />}
      {result && (
        <section aria-labelledby="check-result-h" aria-live="polite">
          <h2 id="check-result-h">{t('match.results', { n: String(result.candidates.filter((c) => c.match).length + result.documents.length) })}</h2>
          {result.documents.length > 0 && <BankDocuments documents={result.documents} />}
          {result.candidates.length > 0 && <MatchList matches={result.candidates} />}
          {result.candidates.length === 0 && result.documents.length === 0 && <p className="muted">{t('match.none')}</p>}
        </section>
      )}
    </Page>
  );
}
