import { BusNames, RpcMethod } from './subjects';

describe('BusNames: sender-guaranteed names', () => {
  const n = new BusNames('shekara');

  it('names the sender in the inbox subject and reads it back only for a real other agency', () => {
    expect(n.inboxFrom('interior', 'border')).toBe('shekara.inbox.interior.from.border');
    expect(n.inboxFromStream('interior')).toEqual({ name: 'SHEKARA_INBOX_INTERIOR', subjects: ['shekara.inbox.interior.from.*'] });
    expect(n.inboxSender('shekara.inbox.interior.from.border', 'interior')).toBe('border');
    expect(n.inboxSender('shekara.inbox.interior.from.interior', 'interior')).toBeUndefined();
    expect(n.inboxSender('shekara.inbox.interior.from.police', 'interior')).toBeUndefined();
    expect(n.inboxSender('shekara.inbox.border.from.customs', 'interior')).toBeUndefined();
  });

  it('routes RPCs by target, caller and method, and refuses anything else', () => {
    const s = n.rpcFrom('supervisor', 'scheduler', RpcMethod.MarkEscalated);
    expect(s).toBe('shekara.rpc.supervisor.from.scheduler.escalations.mark');
    expect(n.rpcRoute(s, 'supervisor')).toEqual({ caller: 'scheduler', method: RpcMethod.MarkEscalated });
    expect(n.rpcRoute(s, 'border')).toBeUndefined();
    expect(n.rpcRoute('shekara.rpc.supervisor.from.scheduler.drop.tables', 'supervisor')).toBeUndefined();
    expect(n.rpcRoute('shekara.rpc.supervisor.from.scheduler', 'supervisor')).toBeUndefined();
    expect(n.rpcRoute('shekara.rpc.supervisor.from..notify', 'supervisor')).toBeUndefined();
    expect(n.rpcHandlerSubject('border')).toBe('shekara.rpc.border.from.*.>');
  });

  it('keeps each agency on its own audit and dead-letter names', () => {
    expect(n.auditSubjects('customs')).toBe('shekara.audit.customs.>');
    expect(n.auditSender(n.auditBatchSubject('customs'))).toBe('customs');
    expect(n.auditSender('shekara.audit.mallory.batch')).toBeUndefined();
    expect(n.ownDeadLetterStream('border')).toEqual({ name: 'SHEKARA_DLQ_BORDER', subjects: ['shekara.dlq.border'] });
  });
});

describe('BusNames.auditSubjectInfo', () => {
  const names = new BusNames('shk');

  it('names the agency and the form of each audit subject', () => {
    expect(names.auditSubjectInfo(names.auditSignedSubject('border'))).toEqual({ agency: 'border', form: 'signed' });
    expect(names.auditSubjectInfo(names.auditBatchSubject('customs'))).toEqual({ agency: 'customs', form: 'batch' });
    expect(names.auditSubjectInfo(names.auditSubject('interior'))).toEqual({ agency: 'interior', form: 'single' });
  });

  it('knows no other subject: another prefix, an unknown agency or form, more tokens', () => {
    for (const subject of ['other.audit.border.signed', 'shk.audit.knb.signed', 'shk.audit.border.unsigned', 'shk.audit.border.signed.x', 'shk.audit', 'shk.inbox.border']) {
      expect(names.auditSubjectInfo(subject)).toBeUndefined();
    }
  });
});
