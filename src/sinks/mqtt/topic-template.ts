// Topic templates of the MQTT sink: `{prefix}/{device}/{point}` filled in per message.
// Values come from untrusted places (registration IDs, point names), so every value is made
// one safe topic level: `/` would add levels, `+` and `#` are wildcards a broker refuses in
// a published topic, and NUL is forbidden by the protocol.

export const TOPIC_VARIABLES = ['prefix', 'device', 'name', 'profile', 'point'] as const;
export type TopicVariable = (typeof TOPIC_VARIABLES)[number];
export type TopicValues = Partial<Record<TopicVariable, string>>;

const PLACEHOLDER = /\{([a-z]+)\}/g;

/** One topic level made of `value`: the characters MQTT gives a meaning replaced by `_`. */
export function topicLevel(value: string): string {
  const level = value.replace(/[/+#]/g, '_').replaceAll('\0', '_');
  return level === '' ? '_' : level;
}

/** The template with each `{variable}` replaced; `{prefix}` is taken as written (it may hold levels). */
export function fillTopic(template: string, values: TopicValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as TopicVariable];
    if (value === undefined) return whole;
    return name === 'prefix' ? value : topicLevel(value);
  });
}

/**
 * The subscription filter of a request topic template and the level its `{device}` is at,
 * or null when `{device}` is not a whole level of its own.
 */
export function requestFilter(template: string, prefix: string): { filter: string; deviceLevel: number } | null {
  const levels = fillTopic(template, { prefix }).split('/');
  const deviceLevel = levels.indexOf('{device}');
  if (deviceLevel < 0 || levels.some((l, i) => i !== deviceLevel && /[{}+#]/.test(l))) return null;
  levels[deviceLevel] = '+';
  return { filter: levels.join('/'), deviceLevel };
}
