import { redactNotification } from './notification-redaction';

const urgent = {
  type: 'URGENT_RECEIVED',
  counterparts: ['border.kz.zhetysu.khorgos'],
  params: { senderUnit: 'border.kz.zhetysu.khorgos', classification: 'FOR_OFFICIAL_USE', summary: 'Задержан Иванов И.' },
  text: 'Поступило срочное донесение от border.kz.zhetysu.khorgos: «Задержан Иванов И.».',
  messageClassification: 'CONFIDENTIAL' as string | null,
};

const escalation = {
  type: 'ESCALATION',
  counterparts: ['customs.kz.zhetysu.khorgos'],
  params: { zone: 'Asia/Almaty', reportedAt: '2026-03-02T04:00:00.000Z', due: '2026-03-02T06:00:00.000Z', summary: 'Задержан Иванов И.' },
  text: 'Срочное сообщение от 2026-03-02 09:00 «Задержан Иванов И.» не подтверждено письменно в установленный срок (до 2026-03-02 11:00 местного времени). Направлено на контроль руководству.',
  messageClassification: 'CONFIDENTIAL' as string | null,
};

describe('redactNotification', () => {
  it('withholds the stored summary of a message above the clearance, in params and text, by the classification stored now', () => {
    const shown = redactNotification(urgent, { clearance: 'FOR_OFFICIAL_USE' });
    expect(shown.restricted).toBe(true);
    expect(JSON.stringify(shown)).not.toContain('Иванов');
    expect(shown.params.summary).toBeUndefined();
    expect(shown.params.classification).toBe('CONFIDENTIAL');
    expect(shown.text).toContain('border.kz.zhetysu.khorgos');
    expect('messageClassification' in shown).toBe(false);
  });

  it('rewrites an escalation from its params, in the zone, with no summary', () => {
    const shown = redactNotification(escalation, { clearance: 'UNCLASSIFIED' });
    expect(shown.text).not.toContain('Иванов');
    expect(shown.text).toContain('2026-03-02 09:00');
    expect(shown.text).toContain('2026-03-02 11:00');
    expect(shown.params).toEqual({ zone: 'Asia/Almaty', reportedAt: '2026-03-02T04:00:00.000Z', due: '2026-03-02T06:00:00.000Z', classification: 'CONFIDENTIAL' });
  });

  it('shows everything to a cleared user', () => {
    const shown = redactNotification(urgent, { clearance: 'CONFIDENTIAL' });
    expect(shown.restricted).toBeUndefined();
    expect(shown.params.summary).toBe('Задержан Иванов И.');
    expect(shown.text).toBe(urgent.text);
  });

  it('falls back to the classification the notification recorded when the message is not at this node', () => {
    const shown = redactNotification({ ...urgent, params: { ...urgent.params }, messageClassification: null }, { clearance: 'UNCLASSIFIED' });
    expect(shown.restricted).toBe(true);
    expect(shown.text).not.toContain('Иванов');
    expect(redactNotification({ ...urgent, messageClassification: null }, { clearance: 'FOR_OFFICIAL_USE' }).restricted).toBeUndefined();
  });

  it('leaves notifications naming no message alone', () => {
    const n = { type: 'WINDOW_OPEN', counterparts: [], params: { zone: 'Asia/Almaty' }, text: 'Открыто окно', messageClassification: null };
    expect(redactNotification(n, { clearance: 'UNCLASSIFIED' })).toEqual({ type: 'WINDOW_OPEN', counterparts: [], params: { zone: 'Asia/Almaty' }, text: 'Открыто окно' });
  });
});
