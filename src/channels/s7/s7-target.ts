// An s7 channel's tags as check-config lists them: a summary beside the channel, then one
// line per tag with its address, type, scaling, unit and whether it can be written by name.
import type { S7ChannelConfig } from '../../domain/channels.js';

export function s7Feeds(config: S7ChannelConfig): string {
  const n = config.tags.length;
  return `device ${config.device}, ${n} tag${n === 1 ? '' : 's'} read every ${config.everyMs} ms`;
}

export function s7TagLines(config: S7ChannelConfig): string[] {
  return config.tags.map((t) => {
    const unit = t.unit ? ` ${t.unit}` : '';
    const scaled = t.scale !== 1 || t.offset !== 0 ? ` ×${t.scale}${t.offset ? ` +${t.offset}` : ''}` : '';
    return `    ${t.name}: ${t.addressText} ${t.type}${scaled}${unit}${t.writable ? ' (writable)' : ''}`;
  });
}
