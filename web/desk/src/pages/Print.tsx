/**
 * One message as printed: its classification marking at the top and the bottom of the page, the
 * header, the content, and the signature block (signing unit, key id, key fingerprint, time). The
 * print stylesheet (styles.css, @media print) leaves out the console around it.
 */
import { useEffect } from 'react';
import { api } from '@shared/api';
import { ErrorBox, Loading, useAsync } from '@shared/components';
import { classificationName } from '@shared/enums';
import { useI18n } from '@shared/i18n';
import { Link } from '@shared/router';
import { useSession } from '@shared/session';
import { formatInstant } from '@shared/time';
import type { MessageView } from '@shared/types';
import { PayloadOf } from '../payload';
import { summaryText } from '../summary';

export function PrintPage({ id }: { id: string }) {
  const { t, e, has } = useI18n();
  const session = useSession();
  const msg = useAsync((signal) => api<MessageView>(`/api/messages/${encodeURIComponent(id)}`, { signal }), [id]);
  const m = msg.data;
  useEffect(() => {
    document.body.classList.add('printing');
    return () => document.body.classList.remove('printing');
  }, []);
  if (msg.error) return <ErrorBox error={msg.error} retry={msg.reload} />;
  if (!m) return <Loading />;
  const marking = m.classification === 'UNCLASSIFIED' ? null : e(classificationName(m.classification));
  const at = (v: string | null | undefined) => (v ? formatInstant(v, session.zone) : '—');
  const unit = (u: string) => `${session.unitName(u)} (${u})`;
  return (
    <article className="print-view" aria-labelledby="print-h">
      <p className="no-print">
        <Link to={`/messages/${m.id}`}>← {t('msg.back')}</Link>{' '}
        <button type="button" onClick={() => window.print()}>
          {t('print.print')}
        </button>
      </p>
      {marking && (
        <p className="marking" data-testid="marking-top">
          {marking}
        </p>
      )}
      <h1 id="print-h">
        {t(`kind.${m.kind}`)}
        {m.period ? ` ${t('print.for')} ${m.period}` : ''}
      </h1>
      <p className="lead">{summaryText(m, t, has)}</p>
      <dl className="print-header">
        <dt>{t('msg.id')}</dt>
        <dd>
          <code>{m.id}</code>
        </dd>
        <dt>{t('msg.sender')}</dt>
        <dd>{unit(m.senderUnit)}</dd>
        <dt>{t('msg.recipients')}</dt>
        <dd>{m.recipientUnits.map(unit).join('; ')}</dd>
        <dt>{t('msg.classification')}</dt>
        <dd>{e(classificationName(m.classification))}</dd>
        <dt>{t('msg.createdAt')}</dt>
        <dd>{at(m.createdAt)}</dd>
        {m.reportedAt && (
          <>
            <dt>{t('msg.reportedAt')}</dt>
            <dd>{at(m.reportedAt)}</dd>
          </>
        )}
        {m.createdBy && (
          <>
            <dt>{t('msg.createdBy')}</dt>
            <dd>{m.createdBy}</dd>
          </>
        )}
      </dl>
      <section aria-labelledby="print-content-h">
        <h2 id="print-content-h">{t('msg.content')}</h2>
        {m.payload ? <PayloadOf payload={m.payload} /> : <p>—</p>}
      </section>
      {m.signature && (
        <section className="signature-block" aria-labelledby="sig-h" data-testid="signature-block">
          <h2 id="sig-h">{t('print.signature')}</h2>
          <dl>
            <dt>{t('print.signer')}</dt>
            <dd>{unit(m.signature.signerUnit)}</dd>
            <dt>{t('print.keyId')}</dt>
            <dd>
              <code>{m.signature.keyId}</code>
            </dd>
            <dt>{t('print.fingerprint')}</dt>
            <dd>
              <code>{m.signature.fingerprint ?? '—'}</code>
            </dd>
            <dt>{t('print.signedAt')}</dt>
            <dd>{at(m.signature.signedAt)}</dd>
          </dl>
          <p className="muted">{t('print.verified')}</p>
        </section>
      )}
      <p className="printed muted">{t('print.printedAt', { at: at(new Date().toISOString()), who: session.me.user.username })}</p>
      {marking && (
        <p className="marking" data-testid="marking-bottom">
          {marking}
        </p>
      )}
    </article>
  );
}
