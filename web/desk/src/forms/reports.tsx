/** Scheduled and advance reports (clauses 5.2–5.5) and the written confirmation of an urgent report. */
import { useRef } from 'react';
import { AttachmentsField, DateField, DateTimeField, ListField, NumberField, SelectField, StateField, TextField, fieldId, useFormCtx } from '@shared/form';
import { DOCUMENT_CHANGE_KIND, DOCUMENT_LOSS, DOCUMENT_TYPE, MATERIAL_KIND } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import { useSession } from '@shared/session';
import type { FormObject } from '@shared/form';
import { PersonList } from './person';
import { UrgentFields } from './urgent';

export function DailyForm() {
  const { t } = useI18n();
  const session = useSession();
  // A change row starts at the unit's own checkpoint.
  const checkpointId = session.me.unit.checkpointId;
  return (
    <>
      <div className="grid">
        <DateField path="daily.period" />
        <TextField path="daily.summary" required multiline rows={4} maxLength={8000} />
      </div>
      <ListField
        path="daily.changes"
        item="change"
        newItem={() => (checkpointId ? { checkpointId } : {})}
        render={(p) => (
          <>
            <TextField path={`${p}.checkpointId`} required maxLength={32} upper />
            <TextField path={`${p}.situation`} required multiline maxLength={4000} />
            <fieldset className="sub wide">
              <legend>{t('compose.counts')}</legend>
              <div className="grid">
                <NumberField path={`${p}.counts.personsCrossed`} />
                <NumberField path={`${p}.counts.vehiclesCrossed`} />
                <NumberField path={`${p}.counts.personsRefused`} />
                <NumberField path={`${p}.counts.personsDetained`} />
              </div>
            </fieldset>
          </>
        )}
      />
    </>
  );
}

export function MonthlyForm() {
  return (
    <div className="grid">
      <DateField path="monthly.period" type="month" required />
      <TextField path="monthly.borderSituation" required multiline rows={5} maxLength={20000} />
      <TextField path="monthly.ethnicConflictGroups" multiline maxLength={20000} />
      <TextField path="monthly.violatorTactics" multiline maxLength={20000} />
      <TextField path="monthly.crossBorderDamage" multiline maxLength={20000} />
      <TextField path="monthly.protectionMethodsAndDetentions" multiline maxLength={20000} />
      <AttachmentsField path="monthly.attachments" />
    </div>
  );
}

const SUBJECTS = ['documents', 'expulsion', 'adminDetainees'] as const;

export function AdvanceForm() {
  const { t } = useI18n();
  const form = useFormCtx();
  const subject = SUBJECTS.find((s) => form.get(`advance.${s}`) !== undefined) ?? '';
  const choose = (s: string) => {
    const cur: FormObject = { ...form.get<FormObject>('advance') };
    for (const k of SUBJECTS) if (k !== s) delete cur[k];
    if (s) cur[s] = cur[s] ?? (s === 'adminDetainees' ? { persons: [{}] } : {});
    form.set('advance', cur);
  };
  const subjectId = fieldId('advance.subject');
  return (
    <>
      <div className="grid">
        <DateTimeField path="advance.eventAt" required />
        <div className="field">
          <label htmlFor={subjectId}>
            {t('compose.subject')}
            <span className="req" aria-hidden="true">
              {' '}*
            </span>
          </label>
          <select id={subjectId} value={subject} aria-required onChange={(e) => choose(e.target.value)}>
            <option value="">{t('compose.none')}</option>
            {SUBJECTS.map((s) => (
              <option key={s} value={s}>
                {t(`subject.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {subject === 'documents' && <DocumentNoticeFields p="advance.documents" />}
      {subject === 'expulsion' && <ExpulsionFields p="advance.expulsion" />}
      {subject === 'adminDetainees' && <AdminDetaineesFields p="advance.adminDetainees" />}
      <div className="grid">
        <AttachmentsField path="advance.attachments" />
      </div>
    </>
  );
}

function DocumentNoticeFields({ p }: { p: string }) {
  return (
    <fieldset className="details">
      <legend>{useI18n().t('subject.documents')}</legend>
      <div className="grid">
        <TextField path={`${p}.description`} required multiline maxLength={4000} />
      </div>
      <ListField
        path={`${p}.changes`}
        item="change"
        render={(c) => (
          <>
            <SelectField path={`${c}.kind`} options={DOCUMENT_CHANGE_KIND} required />
            <SelectField path={`${c}.documentType`} options={DOCUMENT_TYPE} required />
            <StateField path={`${c}.issuingState`} required />
            <TextField path={`${c}.description`} required multiline maxLength={4000} />
          </>
        )}
      />
      <ListField
        path={`${p}.lostOrStolen`}
        item="document"
        max={1000}
        render={(c) => (
          <>
            <SelectField path={`${c}.documentType`} options={DOCUMENT_TYPE} required />
            <TextField path={`${c}.number`} required maxLength={32} upper />
            <StateField path={`${c}.issuingState`} required />
            <SelectField path={`${c}.loss`} options={DOCUMENT_LOSS} required />
            <TextField path={`${c}.holderName`} maxLength={300} />
          </>
        )}
      />
    </fieldset>
  );
}

function ExpulsionFields({ p }: { p: string }) {
  const { t } = useI18n();
  const form = useFormCtx();
  const id = fieldId(`${p}.citizenships`);
  const errs = form.errors[`${p}.citizenships`] ?? Object.entries(form.errors).find(([k]) => k.startsWith(`${p}.citizenships.`))?.[1];
  const list: string[] = form.get(`${p}.citizenships`) ?? [];
  return (
    <fieldset className="details">
      <legend>{t('subject.expulsion')}</legend>
      <div className="grid">
        <TextField path={`${p}.place`} required maxLength={500} />
        <TextField path={`${p}.checkpointId`} maxLength={32} upper />
        <NumberField path={`${p}.personsCount`} min={1} required />
        <div className="field">
          <label htmlFor={id}>
            {t('f.citizenships')}
            <span className="req" aria-hidden="true">
              {' '}*
            </span>
          </label>
          <input
            id={id}
            type="text"
            aria-required
            aria-invalid={errs ? true : undefined}
            aria-describedby={`${id}-hint${errs ? ` ${id}-err` : ''}`}
            defaultValue={list.join(', ')}
            onChange={(e) =>
              form.set(
                `${p}.citizenships`,
                e.target.value
                  .toUpperCase()
                  .split(/[\s,;]+/)
                  .filter(Boolean),
              )
            }
          />
          <span id={`${id}-hint`} className="hint">
            {t('compose.citizenshipsHint')}
          </span>
          {errs && (
            <span id={`${id}-err`} className="field-error">
              {errs.join('; ')}
            </span>
          )}
        </div>
        <TextField path={`${p}.measures`} multiline maxLength={4000} />
      </div>
    </fieldset>
  );
}

function AdminDetaineesFields({ p }: { p: string }) {
  return (
    <fieldset className="details">
      <legend>{useI18n().t('subject.adminDetainees')}</legend>
      <div className="grid">
        <TextField path={`${p}.checkpointId`} required maxLength={32} upper />
        <TextField path={`${p}.codeArticle`} required maxLength={200} />
        <TextField path={`${p}.circumstances`} required multiline maxLength={4000} />
      </div>
      <PersonList path={`${p}.persons`} min={1} />
    </fieldset>
  );
}

export function SemiannualForm() {
  const { t } = useI18n();
  const form = useFormCtx();
  const period: string = form.get('semiannual.period') ?? '';
  const [year, half] = period.split('-');
  const yearId = fieldId('semiannual.period');
  const errs = form.errors['semiannual.period'];
  // Years offered around the period the form started at (the node's current half-year), not the browser's clock.
  const thisYear = useRef(Number(period.slice(0, 4)) || new Date().getFullYear()).current;
  return (
    <>
      <fieldset className="grid inline-group">
        <legend>
          {t('f.period')}
          <span className="req" aria-hidden="true">
            {' '}*
          </span>
        </legend>
        <div className="field short">
          <label htmlFor={yearId}>{t('compose.year')}</label>
          <select id={yearId} value={year ?? ''} aria-invalid={errs ? true : undefined} onChange={(e) => form.set('semiannual.period', `${e.target.value}-${half || 'H1'}`)}>
            {[thisYear - 1, thisYear, thisYear + 1].map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        <div className="field short">
          <label htmlFor={`${yearId}-half`}>{t('compose.halfYear')}</label>
          <select id={`${yearId}-half`} value={half ?? 'H1'} onChange={(e) => form.set('semiannual.period', `${year || thisYear}-${e.target.value}`)}>
            <option value="H1">H1 (I)</option>
            <option value="H2">H2 (II)</option>
          </select>
        </div>
        {errs && <span className="field-error">{errs.join('; ')}</span>}
      </fieldset>
      <ListField
        path="semiannual.materials"
        item="material"
        min={1}
        max={50}
        render={(m) => (
          <>
            <SelectField path={`${m}.kind`} options={MATERIAL_KIND} required />
            <TextField path={`${m}.title`} required maxLength={300} />
            <TextField path={`${m}.text`} required multiline rows={6} maxLength={100000} />
            <AttachmentsField path={`${m}.attachments`} />
          </>
        )}
      />
    </>
  );
}

export function ConfirmationForm() {
  return (
    <>
      <div className="grid">
        <TextField path="urgentConfirmation.text" required multiline rows={4} maxLength={8000} />
      </div>
      <UrgentFields prefix="urgentConfirmation.urgent" />
    </>
  );
}
