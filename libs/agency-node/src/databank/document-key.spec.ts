import { documentKey, foldDocumentNumber, plainDocumentNumber } from './document-key';

describe('document key', () => {
  it.each([
    ['N 1234567', 'N1234567'],
    ['n12-345-67', 'N1234567'],
    ['AO1234567', 'A01234567'],
    ['A01234567', 'A01234567'],
    ['I8S0', '1850'],
    ['1B5O', '1850'],
  ])('folds %s to %s', (input, folded) => expect(foldDocumentNumber(input)).toBe(folded));

  it('meets the misreadings of one number, not another number', () => {
    const printed = documentKey('KAZ', 'N05BS1I2');
    for (const misread of ['N0 5B S1 I2', 'NO585112', 'n-058-5-1-12', 'NO5B5I12']) expect(documentKey('KAZ', misread)).toBe(printed);
    expect(documentKey('KAZ', 'N05BS1I3')).not.toBe(printed);
    expect(documentKey('UZB', 'N05BS1I2')).not.toBe(printed);
  });

  it('keeps the exact number apart', () => {
    expect(plainDocumentNumber('n 12-34')).toBe('N1234');
    expect(plainDocumentNumber('NO1')).not.toBe(plainDocumentNumber('N01'));
  });
});
