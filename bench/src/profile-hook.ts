/**
 * Preloaded into the node processes by the benchmark (`node -r .../profile-hook.js`): starts the
 * V8 CPU profiler when the file `<BENCH_PROFILE_OUT>.start` appears and writes the profile to
 * BENCH_PROFILE_OUT when `<BENCH_PROFILE_OUT>.stop` appears. (Signals are not used: Nest's
 * shutdown hooks listen to SIGUSR2.) Costs one existsSync per 250 ms otherwise.
 */
import { Session } from 'node:inspector';
import { existsSync, writeFileSync } from 'node:fs';

const out = process.env.BENCH_PROFILE_OUT;
if (out) {
  let session: Session | undefined;
  let done = false;
  const timer = setInterval(() => {
    if (done) return;
    if (!session && existsSync(`${out}.start`)) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () => session!.post('Profiler.setSamplingInterval', { interval: 500 }, () => session!.post('Profiler.start')));
    } else if (session && existsSync(`${out}.stop`)) {
      done = true;
      session.post('Profiler.stop', (err, res) => {
        if (!err) writeFileSync(out, JSON.stringify(res.profile));
        session!.disconnect();
        clearInterval(timer);
      });
    }
  }, 250);
  timer.unref();
}
