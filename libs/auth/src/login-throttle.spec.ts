import { ManualClock } from '@shekara/common';
import { HashGate, LoginThrottle } from './login-throttle';
import { publicSecretProblem } from './auth.options';

describe('LoginThrottle', () => {
  const settings = { userFailures: 3, addressFailures: 5, addressPerMinute: 10, windowS: 60, lockS: 120 };

  it('locks a user name after its failures within the window, for lockS', () => {
    const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));
    const t = new LoginThrottle(clock, settings);
    for (let i = 0; i < 3; i++) {
      expect(t.admit('a', `10.0.0.${i}`)).toBe(0);
      t.failed('a', `10.0.0.${i}`);
    }
    expect(t.admit('a', '10.0.0.9')).toBe(120);
    expect(t.admit('b', '10.0.0.9')).toBe(0);
    clock.advance(119_000);
    expect(t.admit('a', '10.0.0.9')).toBe(1);
    clock.advance(1_000);
    expect(t.admit('a', '10.0.0.9')).toBe(0);
  });

  it('forgets failures older than the window, and a success clears the user name', () => {
    const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));
    const t = new LoginThrottle(clock, settings);
    t.failed('a', 'x');
    t.failed('a', 'y');
    clock.advance(61_000);
    t.failed('a', 'z');
    expect(t.admit('a', 'w')).toBe(0);
    t.failed('a', 'z');
    t.succeeded('a');
    t.failed('a', 'z');
    expect(t.admit('a', 'w')).toBe(0);
  });

  it('locks an address after failures over many names, and limits its attempts per minute', () => {
    const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));
    const t = new LoginThrottle(clock, settings);
    for (let i = 0; i < 5; i++) t.failed(`u${i}`, 'ip');
    expect(t.admit('new', 'ip')).toBe(120);
    const u = new LoginThrottle(clock, settings);
    for (let i = 0; i < 10; i++) expect(u.admit(`u${i}`, 'ip2')).toBe(0);
    expect(u.admit('u', 'ip2')).toBe(60);
    clock.advance(60_000);
    expect(u.admit('u', 'ip2')).toBe(0);
  });
});

describe('HashGate', () => {
  it('runs at most `concurrency` at once, queues `queue` more and refuses the rest', async () => {
    const gate = new HashGate(2, 3);
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const work = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        release.push(() => {
          running--;
          resolve('done');
        });
      });
    const results = Array.from({ length: 8 }, () => gate.run(work));
    const refused = await Promise.all(results.slice(5));
    expect(refused).toEqual([undefined, undefined, undefined]);
    while (release.length || running) {
      await new Promise((r) => setImmediate(r));
      release.shift()?.();
    }
    expect(await Promise.all(results.slice(0, 5))).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(most).toBe(2);
  });
});

describe('publicSecretProblem', () => {
  it('refuses short secrets and the defaults published in the repository', () => {
    expect(publicSecretProblem('short')).toMatch(/32 characters/);
    expect(publicSecretProblem('change-me-interior-0123456789abcdef0123')).toMatch(/published/);
    expect(publicSecretProblem('q3v9ZkT1yN4x8Wb2Lm7Rc5Hp0Jd6Fs3Ga1Ue8Yo4Ki')).toBeUndefined();
  });
});
