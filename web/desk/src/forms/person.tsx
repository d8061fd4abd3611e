import { DateField, ListField, SelectField, StateField, TextField, useFormCtx } from '@shared/form';
import { DOCUMENT_TYPE, SEX } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import type { TravelDocumentJson } from '@shared/contract';

/** shekara.v1.Person: identity data (установочные данные) with an optional travel document. */
export function PersonFields({ prefix }: { prefix: string }) {
  const { t } = useI18n();
  const form = useFormCtx();
  const doc = form.get<TravelDocumentJson>(`${prefix}.travelDocument`);
  const hasDoc = !!(doc && (doc.type || doc.number || doc.issuingState));
  return (
    <>
      <TextField path={`${prefix}.surname`} required maxLength={100} upper />
      <TextField path={`${prefix}.givenNames`} required maxLength={100} upper />
      <TextField path={`${prefix}.patronymic`} maxLength={100} upper />
      <DateField path={`${prefix}.dateOfBirth`} required />
      <StateField path={`${prefix}.citizenship`} required />
      <SelectField path={`${prefix}.sex`} options={SEX} required />
      <fieldset className="sub">
        <legend>{t('compose.travelDocument')}</legend>
        <div className="grid">
          <SelectField path={`${prefix}.travelDocument.type`} options={DOCUMENT_TYPE} required={hasDoc} />
          <TextField path={`${prefix}.travelDocument.number`} maxLength={32} upper required={hasDoc} />
          <StateField path={`${prefix}.travelDocument.issuingState`} required={hasDoc} />
        </div>
      </fieldset>
    </>
  );
}

export function PersonList({ path, min = 0, max = 100, legend }: { path: string; min?: number; max?: number; legend?: string }) {
  return <ListField path={path} item="person" min={min} max={max} legend={legend} render={(p) => <PersonFields prefix={p} />} />;
}
