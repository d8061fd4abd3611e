import { connectionBroken } from './key-lookup-pool';

describe('connectionBroken', () => {
  it("keeps the connection after a statement's own error", () => {
    expect(connectionBroken({ code: '23502', severity: 'ERROR', message: 'null value in column "v"' })).toBe(false);
    expect(connectionBroken({ code: '40P01', severity: 'ERROR', message: 'deadlock detected' })).toBe(false);
    expect(connectionBroken({ code: '57014', severity: 'ERROR', message: 'canceling statement due to statement timeout' })).toBe(false);
  });

  it('discards it after the session ended, a connection exception or any error without a SQLSTATE', () => {
    expect(connectionBroken({ code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' })).toBe(true);
    expect(connectionBroken({ code: '57P02', severity: 'ERROR' })).toBe(true);
    expect(connectionBroken({ code: '08006', severity: 'ERROR' })).toBe(true);
    expect(connectionBroken({ code: 'XX000', severity: 'PANIC' })).toBe(true);
    expect(connectionBroken(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(connectionBroken(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(connectionBroken(undefined)).toBe(true);
  });
});
