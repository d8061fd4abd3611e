import { BusNames } from './subjects';

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
