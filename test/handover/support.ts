/** Bodies of handover acts for the tests: a border section hands detainees and seized goods to the migration post. */
export const BORDER = 'border.l4.CP-CN-A-01';
export const INTERIOR = 'interior.l4.CP-CN-A-01';
export const CUSTOMS = 'customs.l4.CP-CN-A-01';

export function proposal(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    receivingUnit: INTERIOR,
    legalGround: 'Art. 510 of the Code of Administrative Offences; protocol of detention 17',
    checkpointId: 'CP-CN-A-01',
    officer: 'Capt. A. Serikbayev',
    items: [
      { itemId: 'P1', person: { surname: 'WANG', givenNames: 'LEI', dateOfBirth: '1990-04-17', citizenship: 'CHN', sex: 'SEX_MALE', travelDocument: { type: 'DOCUMENT_TYPE_PASSPORT', number: 'E12345678', issuingState: 'CHN' } } },
      { itemId: 'G1', goods: { description: 'Cigarettes "Hongtashan"', quantity: '12.5', measure: 'kg', packaging: '3 cardboard boxes', seals: ['KZ-0001', 'KZ-0002'], contraband: true } },
      { itemId: 'V1', vehicle: { make: 'Toyota Hilux', registration: '123ABC02', vin: 'JTFSX23P100123456' } },
      { itemId: 'D1', document: { type: 'DOCUMENT_TYPE_VISA', number: 'V0099', issuingState: 'KAZ', description: 'forged visa sticker' } },
      { itemId: 'W1', weapon: { description: 'Hunting knife', serialNumber: '', rounds: 0 } },
    ],
    ...over,
  };
}
