/**
 * The Unified Data Bank at the desk (libs/agency-node/src/databank, docs/databank.md): search and
 * filters, a record with its versions, add or revise own agency's records (a travel document or a
 * material), and the "check document" box of the home page.
 */
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api, ApiError, downloadFile, query } from '@shared/api';
import { ErrorBox, Loading, Page, Time, useAsync } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { Link, useLocation } from '@shared/router';
import { useSession } from '@shared/session';

interface BankRecord {
  id: string;
  ownerAgency: string;
  version: number;
  kind: 'MATERIAL' | 'SPECIMEN' | 'TRAVEL_DOCUMENT';
  status: string;
  classification: string;
  contributorUnit: string;
  updatedAt: string;
  reviewOn: string;
  title: string;
  topics: string[];
  content: Record<string, any>;
}
/** A file of a record, as the signed version names it (sha256, size, type sniffed by the node, name). */
interface AttachmentRef {
  sha256: string;
  size: number;
  mediaType: string;
  filename: string;
}
interface BankVersion {
  version: number;
  action: string;
  contributorUnit: string;
  createdAt: string;
  sourceMessageId: string | null;
}
interface CheckAnswer {
  hit: boolean;
  records: (Partial<BankRecord> & { exact: boolean; redacted: boolean })[];
}

/** Field errors of an ApiError in the user's language (the bank's own are [en, ru]; the contract's English). */
function fieldErrors(e: unknown, lang: string): Record<string, string> | null {
  if (!(e instanceof ApiError) || !e.errors.length) return null;
  return Object.fromEntries(e.errors.map((f) => [f.field.split('.').pop() ?? f.field, (lang === 'ru' ? f.messages[1] : undefined) ?? f.messages[0]]));
}

function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <div className="field-error" id={`${id}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

/** "Check a document": number and issuing state → hit or no hit (misreadings O/0, I/1, B/8, S/5 tolerated). */
export function CheckDocument() {
  const { t, lang } = useI18n();
  const [number, setNumber] = useState('');
  const [state, setState] = useState('');
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | null>(null);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setErrors({});
    setFailure(null);
    try {
      setAnswer(await api<CheckAnswer>('/api/bank/check', { method: 'POST', body: { number, issuingState: state.trim().toUpperCase() } }));
    } catch (e) {
      setAnswer(null);
      const f = fieldErrors(e, lang);
      if (f) setErrors(f);
      else setFailure(e as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="checkdoc-h">
      <h2 id="checkdoc-h">{t('bank.check')}</h2>
      <form onSubmit={submit} noValidate aria-label={t('bank.check')}>
        <Field id="checkdoc-number" label={t('bank.number')} error={errors.number}>
          <input id="checkdoc-number" value={number} maxLength={32} required aria-invalid={errors.number ? true : undefined} aria-describedby={errors.number ? 'checkdoc-number-error' : undefined} onChange={(e) => setNumber(e.target.value)} />
        </Field>
        <Field id="checkdoc-state" label={t('bank.state')} error={errors.issuingState}>
          <input id="checkdoc-state" value={state} maxLength={3} required aria-invalid={errors.issuingState ? true : undefined} aria-describedby={errors.issuingState ? 'checkdoc-state-error' : undefined} onChange={(e) => setState(e.target.value)} />
        </Field>
        <button type="submit">{t('bank.checkButton')}</button>
      </form>
      {failure && <ErrorBox error={failure} />}
      {answer && (
        <div role="status" aria-live="polite" data-hit={answer.hit}>
          <p>
            <strong>{answer.hit ? t('bank.hit') : t('bank.noHit')}</strong>
          </p>
          <ul>
            {answer.records.map((r) => (
              <li key={r.id}>
                {r.redacted ? (
                  t('bank.redacted', { agency: r.ownerAgency ?? '' })
                ) : (
                  <Link to={`/bank/records/${r.id}`}>{r.title}</Link>
                )}{' '}
                · {String(r.content?.travelDocument?.status ?? '').replace('TRAVEL_DOCUMENT_STATUS_', '')} · {r.ownerAgency}
                {!r.exact && ` · ${t('bank.similar')}`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

const KINDS = ['MATERIAL', 'SPECIMEN', 'TRAVEL_DOCUMENT'];

/** Search (full text) or list (no words) with filters. */
export function BankSearch() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [asked, setAsked] = useState({ q: '', kind: '' });
  const found = useAsync(
    (signal) =>
      asked.q.trim()
        ? api<{ items: (BankRecord & { snippet: { text: string; hit: boolean }[] })[]; total: number }>(`/api/bank/search${query({ q: asked.q, kind: asked.kind || undefined })}`, { signal })
        : api<{ items: (BankRecord & { snippet?: { text: string; hit: boolean }[] })[]; total: number }>(`/api/bank/records${query({ kind: asked.kind || undefined })}`, { signal }),
    [asked.q, asked.kind],
  );
  return (
    <Page title={t('bank.title')} actions={<Link to="/bank/new">{t('bank.add')}</Link>}>
      <CheckDocument />
      <form
        role="search"
        aria-label={t('bank.search')}
        onSubmit={(ev) => {
          ev.preventDefault();
          setAsked({ q, kind });
        }}
      >
        <Field id="bank-q" label={t('bank.search')}>
          <input id="bank-q" type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <Field id="bank-kind" label={t('bank.kind')}>
          <select id="bank-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('bank.anyKind')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`bank.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">{t('bank.find')}</button>
      </form>
      {found.error && <ErrorBox error={found.error} retry={found.reload} />}
      {!found.data && !found.error && <Loading />}
      {found.data && (
        <section aria-labelledby="bank-results-h" aria-live="polite">
          <h2 id="bank-results-h">{t('bank.results', { n: String(found.data.total) })}</h2>
          <ul className="bank-results">
            {found.data.items.map((r) => (
              <li key={r.id} data-record={r.id}>
                <Link to={`/bank/records/${r.id}`}>{r.title}</Link> <span className="muted">· {t(`bank.kind.${r.kind}`)} · {r.ownerAgency} · {r.classification}</span>
                {r.snippet && (
                  <p className="snippet">
                    {r.snippet.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                  </p>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </Page>
  );
}

/** A record with its versions; the owner agency may revise or withdraw it. */
export function BankRecordPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { navigate } = useLocation();
  const rec = useAsync((signal) => api<BankRecord & { versions: BankVersion[]; attachments: (AttachmentRef & { available: boolean })[] }>(`/api/bank/records/${encodeURIComponent(id)}`, { signal }), [id]);
  const [failure, setFailure] = useState<Error | null>(null);
  if (rec.error) return <Page title={t('bank.record')}>{<ErrorBox error={rec.error} retry={rec.reload} />}</Page>;
  if (!rec.data) return <Loading />;
  const r = rec.data;
  const own = r.ownerAgency === me.user.unitId.split('.')[0] && r.status === 'ACTIVE';
  const withdraw = () => api(`/api/bank/records/${encodeURIComponent(id)}/withdraw`, { method: 'POST' }).then(rec.reload, (e: Error) => setFailure(e));
  const body = r.content.material ?? r.content.specimen ?? r.content.travelDocument ?? {};
  return (
    <Page title={r.title}>
      <p className="muted">
        {t(`bank.kind.${r.kind}`)} · {r.ownerAgency} · {r.classification} · {t('bank.status')}: {r.status} · {t('bank.reviewOn')}: {r.reviewOn}
      </p>
      <dl className="bank-fields">
        {Object.entries(body).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{Array.isArray(v) ? v.join(', ') : String(v)}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('bank.attachments')}</h2>
      {r.attachments.length ? (
        <ul className="bank-attachments">
          {r.attachments.map((a) => (
            <li key={a.sha256} data-sha256={a.sha256}>
              {a.available ? (
                <button type="button" onClick={() => void downloadFile(`/api/bank/records/${encodeURIComponent(id)}/attachments/${a.sha256}`, a.filename).catch((e: Error) => setFailure(e))}>
                  {t('bank.download', { name: a.filename })}
                </button>
              ) : (
                <span>
                  {a.filename} ({t('bank.notArrived')})
                </span>
              )}{' '}
              <span className="muted">
                · {fileSize(a.size)} · {a.mediaType}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('bank.noFiles')}</p>
      )}
      <h2>{t('bank.versions')}</h2>
      <ol className="bank-versions">
        {r.versions.map((v) => (
          <li key={v.version} data-version={v.version}>
            {v.version}. {t(`bank.action.${v.action}`)} · <code>{v.contributorUnit}</code> · <Time at={v.createdAt} />
            {v.sourceMessageId && (
              <>
                {' · '}
                <Link to={`/messages/${v.sourceMessageId}`}>{t('bank.fromReport')}</Link>
              </>
            )}
          </li>
        ))}
      </ol>
      {own && (
        <p className="actions">
          <button type="button" onClick={() => navigate(`/bank/records/${id}/revise`)}>
            {t('bank.revise')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => void withdraw()}>
            {t('bank.withdraw')}
          </button>
        </p>
      )}
      {failure && <ErrorBox error={failure} />}
    </Page>
  );
}

/** A size for people: bytes, KiB or MiB. */
function fileSize(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

type Draft = Record<string, string>;

const EMPTY: Draft = { kind: 'TRAVEL_DOCUMENT', classification: 'CLASSIFICATION_FOR_OFFICIAL_USE', number: '', issuingState: '', documentType: 'DOCUMENT_TYPE_PASSPORT', status: 'TRAVEL_DOCUMENT_STATUS_LOST', reportedOn: '', title: '', summary: '', body: '', language: 'BANK_LANGUAGE_RU', topics: '', materialKind: 'MATERIAL_KIND_REVIEW' };

function draftOf(r: BankRecord): Draft {
  const d = r.content.travelDocument;
  const m = r.content.material;
  return d
    ? { ...EMPTY, kind: 'TRAVEL_DOCUMENT', classification: `CLASSIFICATION_${r.classification}`, number: d.number, issuingState: d.issuingState, documentType: d.documentType, status: d.status, reportedOn: d.reportedOn }
    : { ...EMPTY, kind: 'MATERIAL', classification: `CLASSIFICATION_${r.classification}`, title: m?.title ?? '', summary: m?.summary ?? '', body: m?.body ?? '', language: m?.language ?? 'BANK_LANGUAGE_RU', topics: (m?.topics ?? []).join(', '), materialKind: m?.kind ?? 'MATERIAL_KIND_REVIEW' };
}

function contentOf(d: Draft, files: AttachmentRef[]): unknown {
  const base = { classification: d.classification, ...(files.length && { attachments: files }) };
  if (d.kind === 'TRAVEL_DOCUMENT') return { ...base, travelDocument: { number: d.number, issuingState: d.issuingState.trim().toUpperCase(), documentType: d.documentType, status: d.status, reportedOn: d.reportedOn } };
  const topics = d.topics.split(',').map((x) => x.trim()).filter(Boolean);
  return { ...base, material: { kind: d.materialKind, title: d.title, ...(d.summary.trim() && { summary: d.summary }), body: d.body, language: d.language, ...(topics.length && { topics }) } };
}

/** Add a record of the user's agency, or revise one (`id`): a travel document or a material. */
export function BankEdit({ id }: { id?: string }) {
  const existing = useAsync((signal) => (id ? api<BankRecord>(`/api/bank/records/${encodeURIComponent(id)}`, { signal }) : Promise.resolve(null)), [id]);
  if (existing.error) return <ErrorBox error={existing.error} />;
  if (id && !existing.data) return <Loading />;
  return <BankForm id={id} initial={existing.data ? draftOf(existing.data) : EMPTY} initialFiles={(existing.data?.content.attachments as AttachmentRef[] | undefined) ?? []} />;
}

function BankForm({ id, initial, initialFiles }: { id?: string; initial: Draft; initialFiles: AttachmentRef[] }) {
  const { t, lang } = useI18n();
  const { navigate } = useLocation();
  const [d, setD] = useState<Draft>(initial);
  const [files, setFiles] = useState<AttachmentRef[]>(initialFiles);
  const [uploading, setUploading] = useState(false);
  const [fileFailure, setFileFailure] = useState<Error | null>(null);
  /** Each file chosen goes to the node at once (the type is told from its bytes there); the record names what was taken. */
  const attach = async (list: FileList | null) => {
    setFileFailure(null);
    setUploading(true);
    try {
      for (const f of Array.from(list ?? [])) {
        const ref = await api<AttachmentRef>(`/api/bank/attachments${query({ filename: f.name })}`, { method: 'POST', raw: f });
        setFiles((now) => (now.some((x) => x.sha256 === ref.sha256) ? now : [...now, ref]));
      }
    } catch (e) {
      setFileFailure(e as Error);
    } finally {
      setUploading(false);
    }
  };
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error | null>(null);
  const set = (k: string) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setErrors({});
    setFailure(null);
    try {
      const saved = await api<BankRecord>(id ? `/api/bank/records/${encodeURIComponent(id)}` : '/api/bank/records', { method: id ? 'PUT' : 'POST', body: contentOf(d, files) });
      navigate(`/bank/records/${saved.id}`);
    } catch (e) {
      const f = fieldErrors(e, lang);
      if (f) setErrors(f);
      else setFailure(e as Error);
    }
  };
  const text = (k: string, label: string, max: number, type = 'text') => (
    <Field id={`bank-${k}`} label={label} error={errors[k]}>
      <input id={`bank-${k}`} type={type} value={d[k]} maxLength={max} aria-invalid={errors[k] ? true : undefined} aria-describedby={errors[k] ? `bank-${k}-error` : undefined} onChange={set(k)} />
    </Field>
  );
  const choice = (k: string, label: string, options: string[]) => (
    <Field id={`bank-${k}`} label={label} error={errors[k]}>
      <select id={`bank-${k}`} value={d[k]} onChange={set(k)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`bank.opt.${o}`)}
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <Page title={id ? t('bank.revise') : t('bank.add')} narrow>
      <form onSubmit={submit} noValidate aria-label={id ? t('bank.revise') : t('bank.add')}>
        {!id && choice('kind', t('bank.kind'), ['TRAVEL_DOCUMENT', 'MATERIAL'])}
        {choice('classification', t('bank.classification'), ['CLASSIFICATION_UNCLASSIFIED', 'CLASSIFICATION_FOR_OFFICIAL_USE', 'CLASSIFICATION_CONFIDENTIAL'])}
        {d.kind === 'TRAVEL_DOCUMENT' ? (
          <>
            {text('number', t('bank.number'), 32)}
            {text('issuingState', t('bank.state'), 3)}
            {choice('documentType', t('bank.documentType'), ['DOCUMENT_TYPE_PASSPORT', 'DOCUMENT_TYPE_NATIONAL_ID_CARD', 'DOCUMENT_TYPE_RESIDENCE_PERMIT', 'DOCUMENT_TYPE_VISA', 'DOCUMENT_TYPE_OTHER'])}
            {choice('status', t('bank.status'), ['TRAVEL_DOCUMENT_STATUS_LOST', 'TRAVEL_DOCUMENT_STATUS_STOLEN_BLANK', 'TRAVEL_DOCUMENT_STATUS_STOLEN_FROM_HOLDER', 'TRAVEL_DOCUMENT_STATUS_REVOKED', 'TRAVEL_DOCUMENT_STATUS_INVALIDATED'])}
            {text('reportedOn', t('bank.reportedOn'), 10, 'date')}
          </>
        ) : (
          <>
            {choice('materialKind', t('bank.materialKind'), ['MATERIAL_KIND_REVIEW', 'MATERIAL_KIND_RECOMMENDATION', 'MATERIAL_KIND_TRAINING_MATERIAL'])}
            {text('title', t('bank.titleField'), 300)}
            {text('summary', t('bank.summary'), 2000)}
            <Field id="bank-body" label={t('bank.body')} error={errors.body}>
              <textarea id="bank-body" value={d.body} maxLength={100000} rows={8} aria-invalid={errors.body ? true : undefined} aria-describedby={errors.body ? 'bank-body-error' : undefined} onChange={set('body')} />
            </Field>
            {choice('language', t('bank.language'), ['BANK_LANGUAGE_RU', 'BANK_LANGUAGE_KK', 'BANK_LANGUAGE_EN'])}
            {text('topics', t('bank.topics'), 500)}
          </>
        )}
        <Field id="bank-files" label={t('bank.attach')}>
          <input
            id="bank-files"
            type="file"
            multiple
            accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx,.pptx,.odt,.ods,.odp"
            disabled={uploading}
            aria-describedby={fileFailure ? 'bank-files-error' : undefined}
            onChange={(e) => {
              void attach(e.target.files);
              e.target.value = '';
            }}
          />
        </Field>
        {uploading && <p role="status">{t('bank.uploading')}</p>}
        {fileFailure && (
          <div className="field-error" id="bank-files-error" role="alert">
            {fileFailure.message}
          </div>
        )}
        {files.length > 0 && (
          <ul className="bank-attachments" aria-label={t('bank.attachments')}>
            {files.map((f) => (
              <li key={f.sha256} data-sha256={f.sha256}>
                {f.filename} <span className="muted">· {fileSize(f.size)} · {f.mediaType}</span>{' '}
                <button type="button" className="secondary" onClick={() => setFiles(files.filter((x) => x.sha256 !== f.sha256))}>
                  {t('bank.removeFile', { name: f.filename })}
                </button>
              </li>
            ))}
          </ul>
        )}
        <button type="submit" disabled={uploading}>
          {t('bank.save')}
        </button>
      </form>
      {failure && <ErrorBox error={failure} />}
    </Page>
  );
}
