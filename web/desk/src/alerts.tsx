/**
 * Alerts of the duty desk: the tab title carries the number of notifications not yet acknowledged,
 * and an urgent report arriving (URGENT_RECEIVED, live) raises a desktop notification (Notification
 * API, once the officer consented) and, if the officer turned it on, a short sound.
 */
import { useEffect, useRef, useState } from 'react';
import { api, query, useLiveEvents } from '@shared/api';
import { setTitleCount } from '@shared/components';
import { useI18n } from '@shared/i18n';
import { notificationText } from '@shared/notifications';
import { useSession } from '@shared/session';
import type { NotificationPage } from '@shared/types';

const SOUND_KEY = 'shekara.desk.sound';

export function soundOn(): boolean {
  return localStorage.getItem(SOUND_KEY) === 'on';
}
export function setSound(on: boolean): void {
  localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
}

/** Two short tones (Web Audio: no file to load). */
function beep(): void {
  try {
    const ctx = new AudioContext();
    [0, 0.25].forEach((start) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + 0.15);
    });
    setTimeout(() => void ctx.close(), 1000);
  } catch {
    /* no audio */
  }
}

/** Keeps the tab title's badge and alerts on urgent reports arriving; the open count for the bar. */
export function useDeskAlerts(): number {
  const { t, has } = useI18n();
  const session = useSession();
  const [open, setOpen] = useState(0);
  const seen = useRef<Set<string> | null>(null);
  const ctx = useRef({ t, has, session });
  ctx.current = { t, has, session };

  const refresh = () =>
    api<NotificationPage>(`/api/notifications${query({ open: true, pageSize: 50 })}`).then(
      (p) => {
        setOpen(p.unacknowledged);
        const first = seen.current === null;
        const known = (seen.current ??= new Set());
        for (const n of p.items) {
          if (known.has(n.id)) continue;
          known.add(n.id);
          // Only what arrives while the desk is open alerts; what was there at sign-in shows in the list.
          if (first || n.code !== 'URGENT_RECEIVED') continue;
          const { t: tr, has: h, session: s } = ctx.current;
          const body = notificationText(n, { t: tr, has: h, zone: s.zone, unitName: s.unitName });
          if ('Notification' in window && Notification.permission === 'granted') {
            const shown = new Notification(tr('notif.alertTitle'), { body, tag: n.id });
            shown.onclick = () => {
              window.focus();
              if (n.messageId) window.location.assign(`/messages/${n.messageId}`);
            };
          }
          if (soundOn()) beep();
        }
      },
      () => undefined,
    );

  useEffect(() => {
    void refresh();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useLiveEvents((e) => e.type === 'notification' && void refresh());
  useEffect(() => setTitleCount(open), [open]);
  useEffect(() => () => setTitleCount(0), []);
  return open;
}

/** The officer's alert settings: desktop notifications (asks the browser's consent) and the sound. */
export function AlertSettings() {
  const { t } = useI18n();
  const supported = 'Notification' in window;
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(supported ? Notification.permission : 'unsupported');
  const [sound, setSoundState] = useState(soundOn);
  return (
    <div className="alert-settings">
      <p>
        {t('notif.desktop')}:{' '}
        {permission === 'granted' ? (
          <strong>{t('notif.desktopOn')}</strong>
        ) : permission === 'denied' ? (
          <span className="muted">{t('notif.desktopDenied')}</span>
        ) : permission === 'unsupported' ? (
          <span className="muted">{t('notif.desktopUnsupported')}</span>
        ) : (
          <button type="button" className="small" onClick={() => void Notification.requestPermission().then(setPermission)}>
            {t('notif.desktopEnable')}
          </button>
        )}
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={sound}
          onChange={(e) => {
            setSound(e.target.checked);
            setSoundState(e.target.checked);
          }}
        />{' '}
        {t('notif.sound')}
      </label>
    </div>
  );
}
