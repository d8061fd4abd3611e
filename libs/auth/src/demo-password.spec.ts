import { checkPassword } from '@shekara/security';
import { demoPasswordHash } from './auth.service';
import { DEMO_PASSWORD } from './users.sql';

describe('demoPasswordHash', () => {
  it('hashes the demo password once per process (argon2id), a hash that checks it and no other password', async () => {
    const first = demoPasswordHash();
    expect(demoPasswordHash()).toBe(first);
    const hash = await first;
    expect(await demoPasswordHash()).toBe(hash);
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await checkPassword(hash, DEMO_PASSWORD)).toBe(true);
    expect(await checkPassword(hash, 'shekara-demo2')).toBe(false);
  });
});
