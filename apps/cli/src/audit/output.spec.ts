import type { Verdict } from '@shekara/policy';
import { csvField, csvHeader, csvLine, jsonlLine } from './output';

const periodic: Verdict = {
  obligation: 'DAILY', from: 'a', to: 'b', period: '2024-03-01', due: new Date('2024-03-01T04:00:00Z'), verdict: 'LATE', message: 'm1', lateBySeconds: 5,
};
const perReport: Verdict = { obligation: 'URGENT_CONFIRMATION', from: 'a', ref: 'u,1', due: new Date('2024-03-01T07:00:00Z'), verdict: 'UNCONFIRMED' };

describe('verdict output', () => {
  it('writes JSON lines with the documented keys in order, absent ones left out', () => {
    expect(jsonlLine(periodic)).toBe(
      '{"obligation":"DAILY","from":"a","to":"b","period":"2024-03-01","due":"2024-03-01T04:00:00.000Z","verdict":"LATE","message":"m1","late_by_s":5}\n',
    );
    expect(jsonlLine(perReport)).toBe('{"obligation":"URGENT_CONFIRMATION","from":"a","ref":"u,1","due":"2024-03-01T07:00:00.000Z","verdict":"UNCONFIRMED"}\n');
  });

  it('writes CSV with a header and empty cells for absent fields', () => {
    expect(csvHeader()).toBe('obligation,from,to,period,ref,due,verdict,message,late_by_s\n');
    expect(csvLine(periodic)).toBe('DAILY,a,b,2024-03-01,,2024-03-01T04:00:00.000Z,LATE,m1,5\n');
    expect(csvLine(perReport)).toBe('URGENT_CONFIRMATION,a,,,"u,1",2024-03-01T07:00:00.000Z,UNCONFIRMED,,\n');
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
  ])('quotes %j as %j', (value, quoted) => {
    expect(csvField(value)).toBe(quoted);
  });
});
