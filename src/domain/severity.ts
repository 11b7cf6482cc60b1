// Alarm severities, most urgent first (docs/EVENTS.md, "Alarms"): a rule's, and a
// notifier's minSeverity.
export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;

export type Severity = (typeof SEVERITIES)[number];
