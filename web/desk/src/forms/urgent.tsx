/** Urgent reports (clause 5.1): the common part and one component per topic. */
import type { ComponentType } from 'react';
import { CheckboxField, DateTimeField, ListField, NumberField, SelectField, StateField, TextField, useFormCtx } from '@shared/form';
import { CROSSING_DIRECTION, DOCUMENT_TYPE, FORGERY_KIND, MOVEMENT, NEIGHBOUR_ACTION_KIND, OFFENCE_STAGE, SMUGGLED_GOODS, URGENT_TOPIC, VALUABLES_KIND, VISA_ACQUISITION, WANTED_INVOLVEMENT, topicCase } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import type { UrgentTopicJson } from '@shared/contract';
import type { FormObject } from '@shared/form';
import { PersonFields, PersonList } from './person';

type Topic = ComponentType<{ p: string }>;

export function CrisisPreconditionsFields({ p }: { p: string }) {
  return (
    <>
      <StateField path={`${p}.neighbourState`} required />
      <TextField path={`${p}.area`} required maxLength={200} />
      <TextField path={`${p}.description`} required multiline maxLength={4000} />
      <TextField path={`${p}.expectedImpact`} multiline maxLength={2000} />
    </>
  );
}

export function NeighbourStateActionsFields({ p }: { p: string }) {
  return (
    <>
      <StateField path={`${p}.neighbourState`} required />
      <SelectField path={`${p}.kind`} options={NEIGHBOUR_ACTION_KIND} required />
      <TextField path={`${p}.description`} required multiline maxLength={4000} />
      <TextField path={`${p}.requiredResponse`} multiline maxLength={2000} />
    </>
  );
}

export function SmugglingFields({ p }: { p: string }) {
  return (
    <>
      <SelectField path={`${p}.goodsCategory`} options={SMUGGLED_GOODS} required />
      <SelectField path={`${p}.stage`} options={OFFENCE_STAGE} required />
      <TextField path={`${p}.quantity`} maxLength={200} />
      <TextField path={`${p}.borderSection`} maxLength={200} />
      <TextField path={`${p}.description`} required multiline maxLength={2000} />
      <TextField path={`${p}.channel`} multiline maxLength={4000} />
      <PersonList path={`${p}.suspects`} />
    </>
  );
}

export function WantedPersonsFields({ p }: { p: string }) {
  return (
    <>
      <SelectField path={`${p}.involvement`} options={WANTED_INVOLVEMENT} required />
      <TextField path={`${p}.wantedBy`} maxLength={500} />
      <TextField path={`${p}.expectedLocation`} maxLength={500} />
      <TextField path={`${p}.description`} multiline maxLength={4000} />
      <PersonList path={`${p}.persons`} min={1} />
    </>
  );
}

/** Clause 5.1, detained illegal migrants: identity, state of departure, route and declared purpose,
 *  checkpoint, alone or in a group, how visas/invitations were obtained, methods, measures taken. */
export function DetainedMigrantsFields({ p }: { p: string }) {
  const form = useFormCtx();
  const group = form.get(`${p}.movement`) === 'MOVEMENT_GROUP';
  const other = form.get(`${p}.visaAcquisition`) === 'VISA_ACQUISITION_OTHER';
  return (
    <>
      <PersonList path={`${p}.persons`} min={1} max={100} />
      <StateField path={`${p}.departureState`} required />
      <TextField path={`${p}.checkpointId`} maxLength={32} upper />
      <TextField path={`${p}.route`} required multiline rows={2} maxLength={2000} />
      <TextField path={`${p}.declaredPurpose`} required maxLength={500} />
      <SelectField path={`${p}.movement`} options={MOVEMENT} required />
      {group && <NumberField path={`${p}.groupSize`} min={2} required />}
      <SelectField path={`${p}.visaAcquisition`} options={VISA_ACQUISITION} required />
      <TextField path={`${p}.visaAcquisitionDetails`} multiline rows={2} maxLength={2000} required={other} />
      <TextField path={`${p}.methods`} multiline maxLength={4000} />
      <TextField path={`${p}.measuresTaken`} required multiline maxLength={4000} />
    </>
  );
}

export function ForgedDocumentsFields({ p }: { p: string }) {
  const { t } = useI18n();
  const form = useFormCtx();
  return (
    <>
      <ListField
        path={`${p}.documents`}
        item="document"
        min={1}
        max={50}
        render={(d) => {
          const holder = form.get(`${d}.holder`) !== undefined;
          return (
            <>
              <SelectField path={`${d}.documentType`} options={DOCUMENT_TYPE} required />
              <TextField path={`${d}.number`} required maxLength={32} upper />
              <StateField path={`${d}.issuingState`} required />
              <SelectField path={`${d}.kind`} options={FORGERY_KIND} required />
              <TextField path={`${d}.description`} multiline maxLength={2000} />
              <div className="field check wide">
                <input id={`${d}-holder`} type="checkbox" checked={holder} onChange={(e) => form.set(`${d}.holder`, e.target.checked ? {} : undefined)} />
                <label htmlFor={`${d}-holder`}>{t('compose.holder')}</label>
              </div>
              {holder && (
                <fieldset className="sub wide">
                  <legend>{t('f.holder')}</legend>
                  <div className="grid">
                    <PersonFields prefix={`${d}.holder`} />
                  </div>
                </fieldset>
              )}
            </>
          );
        }}
      />
      <TextField path={`${p}.circumstances`} multiline maxLength={4000} />
    </>
  );
}

export function IllegalCrossingFields({ p }: { p: string }) {
  return (
    <>
      <TextField path={`${p}.location`} required maxLength={500} />
      <SelectField path={`${p}.direction`} options={CROSSING_DIRECTION} required />
      <NumberField path={`${p}.personsCount`} min={1} required />
      <CheckboxField path={`${p}.detained`} />
      <TextField path={`${p}.circumstances`} multiline maxLength={4000} />
      <PersonList path={`${p}.persons`} />
    </>
  );
}

export function ValuablesTraffickingFields({ p }: { p: string }) {
  return (
    <>
      <SelectField path={`${p}.kind`} options={VALUABLES_KIND} required />
      <SelectField path={`${p}.stage`} options={OFFENCE_STAGE} required />
      <TextField path={`${p}.estimatedValue`} maxLength={200} />
      <TextField path={`${p}.borderSection`} maxLength={200} />
      <TextField path={`${p}.description`} required multiline maxLength={2000} />
      <TextField path={`${p}.channel`} multiline maxLength={4000} />
    </>
  );
}

export const TOPIC_FORMS: Record<string, Topic> = {
  crisisPreconditions: CrisisPreconditionsFields,
  neighbourStateActions: NeighbourStateActionsFields,
  smuggling: SmugglingFields,
  wantedPersons: WantedPersonsFields,
  detainedMigrants: DetainedMigrantsFields,
  forgedDocuments: ForgedDocumentsFields,
  illegalCrossing: IllegalCrossingFields,
  valuablesTrafficking: ValuablesTraffickingFields,
};

/** shekara.v1.Urgent at prefix: topic, summary, checkpoint, time, and the topic's details. */
export function UrgentFields({ prefix }: { prefix: string }) {
  const { t, e } = useI18n();
  const form = useFormCtx();
  const topic = form.get<UrgentTopicJson>(`${prefix}.topic`);
  const kase = topic ? topicCase(topic) : undefined;
  const Details = kase ? TOPIC_FORMS[kase] : undefined;
  const changeTopic = (next: string) => {
    const cur: FormObject = { ...form.get<FormObject>(prefix) };
    for (const k of Object.keys(TOPIC_FORMS)) if (k !== topicCase(next)) delete cur[k];
    if (next) cur[topicCase(next)] = cur[topicCase(next)] ?? (next === 'URGENT_TOPIC_DETAINED_MIGRANTS' || next === 'URGENT_TOPIC_WANTED_PERSONS' ? { persons: [{}] } : next === 'URGENT_TOPIC_FORGED_DOCUMENTS' ? { documents: [{}] } : {});
    if (next) cur.topic = next;
    else delete cur.topic;
    form.set(prefix, cur);
  };
  return (
    <>
      <div className="grid">
        <SelectField path={`${prefix}.topic`} options={URGENT_TOPIC} required onChangeValue={changeTopic} />
        <DateTimeField path={`${prefix}.occurredAt`} required />
        <TextField path={`${prefix}.checkpointId`} maxLength={32} upper />
        <TextField path={`${prefix}.summary`} required multiline rows={3} maxLength={4000} />
      </div>
      {Details && kase && (
        <fieldset className="details">
          <legend>
            {t('compose.details')}: {e(topic)}
          </legend>
          <div className="grid">
            <Details p={`${prefix}.${kase}`} />
          </div>
        </fieldset>
      )}
    </>
  );
}
