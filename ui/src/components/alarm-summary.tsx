// The dashboard's alarm counts: active and unacknowledged alarms per severity, from the
// open alarms every page shares (lib/alarms.ts), linking to the alarm page.
import { SEVERITY_ORDER, useOpenAlarms } from '../lib/alarms.js';
import { t } from '../lib/i18n.js';
import { Section } from './bits.js';

export function AlarmSummary() {
  const alarms = useOpenAlarms();
  const count = (severity: string, which: 'active' | 'unacked') =>
    alarms.filter((a) => a.severity === severity && (which === 'active' ? a.clearedAt === null : a.ackedAt === null))
      .length;
  return (
    <Section title={t('alarms.title')} id="alarm-summary" actions={<a href="/alarms">{t('alarms.viewAll')}</a>}>
      {alarms.length === 0 ? (
        <p class="muted">{t('alarms.noneOpen')}</p>
      ) : (
        <dl class="alarm-counts">
          {SEVERITY_ORDER.map((severity) => {
            const active = count(severity, 'active');
            const unacked = count(severity, 'unacked');
            return (
              <div
                key={severity}
                class={`alarm-count${active > 0 ? ` in-alarm sev-${severity}` : ''}`}
                data-severity={severity}
              >
                <dt>
                  <span class={`badge sev-badge sev-${severity}`}>{t(`alarms.severity.${severity}`)}</span>
                </dt>
                <dd>
                  <a href={`/alarms?severity=${severity}`}>
                    <span class="alarm-count-active" data-testid={`alarms-active-${severity}`}>
                      {t('alarms.activeCount', { n: active })}
                    </span>{' '}
                    <span class="muted" data-testid={`alarms-unacked-${severity}`}>
                      {t('alarms.unackedCount', { n: unacked })}
                    </span>
                  </a>
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </Section>
  );
}
