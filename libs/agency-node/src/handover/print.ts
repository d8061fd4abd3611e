/**
 * The printable act (the form both officers sign): the act, its items with their fate, and each
 * step with its signing unit, key id and the SHA-256 fingerprint of the signing key, so a paper copy
 * can be tied to the signed envelopes the nodes hold.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import { SignedEnvelopeSchema } from '@shekara/contracts';
import type { HandoverAct } from './act';

export interface StepSignature {
  keyId: string;
  fingerprint: string;
}

/** SHA-256 over the key's SubjectPublicKeyInfo (DER), hex in groups of four. */
export function keyFingerprint(key: KeyObject): string {
  const hex = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  return hex.match(/.{4}/g)!.join(' ');
}

/** The key id and key fingerprint of each stored signed envelope. */
export function signaturesOf(signed: Map<string, Buffer>, publicKey: (keyId: string) => KeyObject | undefined): Map<string, StepSignature> {
  const out = new Map<string, StepSignature>();
  for (const [id, bytes] of signed) {
    const s = fromBinary(SignedEnvelopeSchema, bytes);
    const key = publicKey(s.keyId);
    out.set(id, { keyId: s.keyId, fingerprint: key ? keyFingerprint(key) : 'unknown key' });
  }
  return out;
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATE_RU: Record<string, string> = { PROPOSED: 'ожидает приёма', ACCEPTED: 'принят', PARTLY_ACCEPTED: 'принят частично', DISPUTED: 'оспорен', WITHDRAWN: 'отозван' };
const ITEM_STATUS_RU: Record<string, string> = { PENDING: 'ожидает', ACCEPTED: 'принято', REFUSED: 'не принято', RETURNED: 'осталось у передающей стороны' };

function describe(kind: string, v: Record<string, any>): string {
  switch (kind) {
    case 'person':
      return `${v.surname} ${v.givenNames}${v.patronymic ? ' ' + v.patronymic : ''}, ${v.dateOfBirth}, ${v.citizenship}${v.travelDocument ? `, ${v.travelDocument.number}` : ''}`;
    case 'goods':
      return `${v.description}: ${v.quantity} ${v.measure}${v.packaging ? `, ${v.packaging}` : ''}${v.seals?.length ? `, пломбы ${v.seals.join(', ')}` : ''}${v.contraband ? ' (контрабанда)' : ''}`;
    case 'vehicle':
      return `${v.make}, ${v.registration}${v.vin ? `, VIN ${v.vin}` : ''}`;
    case 'document':
      return `${v.type} ${v.number}${v.issuingState ? ` (${v.issuingState})` : ''}${v.description ? `: ${v.description}` : ''}`;
    default:
      return `${v.description}${v.serialNumber ? `, № ${v.serialNumber}` : ''}${v.rounds ? `, ${v.rounds} патр.` : ''}`;
  }
}

/** The act as an HTML page for printing (Russian, as the form is signed). */
export function printAct(act: HandoverAct, signatures: Map<string, StepSignature>, unitName: (id: string) => string): string {
  const rows = act.items
    .map((i, n) => `<tr><td>${n + 1}</td><td>${esc(i.itemId)}</td><td>${esc(describe(i.kind, i.value))}</td><td>${esc(ITEM_STATUS_RU[i.status])}${i.reason ? `: ${esc(i.reason)}` : ''}</td></tr>`)
    .join('\n');
  const steps = act.history
    .map((h) => {
      const s = signatures.get(h.messageId);
      return `<tr><td>${esc(h.at.toISOString())}</td><td>${esc(STATE_RU[h.step])}${h.effective ? '' : ' (не действует)'}</td><td>${esc(unitName(h.unit))}</td><td>${esc(h.officer)}</td><td><code>${esc(h.messageId)}</code></td><td><code>${esc(s?.keyId)}</code><br><code>${esc(s?.fingerprint)}</code></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Акт приёма-передачи ${esc(act.id)}</title>
<style>body{font-family:serif;margin:2em}table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #000;padding:4px;vertical-align:top}code{font-size:85%}.sign{display:flex;gap:4em;margin-top:3em}.sign div{flex:1;border-top:1px solid #000;padding-top:4px}</style>
</head><body>
<h1>Акт приёма-передачи</h1>
<p>№ <code>${esc(act.id)}</code> — ${esc(STATE_RU[act.state])}</p>
<p>Передающее подразделение: <b>${esc(unitName(act.handingUnit))}</b> (${esc(act.handingUnit)})<br>
Принимающее подразделение: <b>${esc(unitName(act.receivingUnit))}</b> (${esc(act.receivingUnit)})<br>
Основание: ${esc(act.legalGround)}<br>
Пункт пропуска: ${esc(act.checkpointId)}; время передачи: ${esc(act.handedAt.toISOString())}</p>
<table><thead><tr><th>№</th><th>Позиция</th><th>Описание</th><th>Отметка о приёме</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Подписанные шаги</h2>
<table><thead><tr><th>Время (UTC)</th><th>Шаг</th><th>Подразделение</th><th>Должностное лицо</th><th>Сообщение</th><th>Ключ подписи и его отпечаток (SHA-256)</th></tr></thead><tbody>
${steps}
</tbody></table>
<div class="sign"><div>Сдал: ${esc(act.officer)}</div><div>Принял: ${esc(act.history.find((h) => h.effective && h.step !== 'PROPOSED' && h.step !== 'WITHDRAWN')?.officer ?? '')}</div></div>
</body></html>`;
}
