// Point labels in exports: the description in the asked language, the unit in the header.
import { describe, expect, it } from 'vitest';
import { pointDescription, pointHeader } from '../../../src/web/export/point-label.js';

const temperature = { name: 'temperature', unit: '°C', description: { zh: '温度', en: 'Temperature' } };

describe('export point labels', () => {
  it('describe a point in the language asked for', () => {
    expect(pointDescription(temperature, 'zh')).toBe('温度');
    expect(pointDescription(temperature, 'en')).toBe('Temperature');
    expect(pointDescription({ ...temperature, description: null }, 'zh')).toBeNull();
  });

  it('head a column with description, name and unit, leaving out what is missing', () => {
    expect(pointHeader(temperature, 'zh')).toBe('温度 temperature (°C)');
    expect(pointHeader({ ...temperature, unit: null }, 'en')).toBe('temperature');
    expect(pointHeader({ name: 'flow_rate', unit: 'm³/h', description: { zh: '流量', en: 'Flow rate' } }, 'en')).toBe(
      'flow_rate (m³/h)',
    );
    expect(pointHeader({ name: 'status', unit: null, description: null }, 'en')).toBe('status');
    expect(pointHeader({ name: 'rpm', unit: 'rpm', description: { zh: 'rpm', en: 'rpm' } }, 'zh')).toBe('rpm (rpm)');
  });
});
