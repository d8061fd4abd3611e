import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable } from './database';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['server shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['starting up', new Error('the database system is starting up')],
    ['no connection slot left (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['no slot left, as a message only', new Error('remaining connection slots are reserved for non-replication superuser connections')],
    ['wrapped by TypeORM', new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code: '08006' }))],
    ['a transaction whose connection TypeORM released after a connection error', new QueryRunnerProviderAlreadyReleasedError()],
    ['the COMMIT of such a transaction', new QueryRunnerAlreadyReleasedError()],
    ['a cause chain', new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) })],
  ])('%s: unavailable', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key value'), { code: '23505' }))],
    ['a syntax error', new QueryFailedError('SELEC', [], Object.assign(new Error('syntax error'), { code: '42601' }))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
  ])('%s: not unavailable', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
