// What every registry store must do, on SQLite and MariaDB alike: the registry fields round
// trip, a pre-registered device is filled in by its first registration (the writer keeps the
// operator's fields), a bulk save is all or nothing, and only a history-less device is deleted.
import { expect, it } from 'vitest';
import { EMPTY_REGISTRY_FIELDS, type RegistryEntry } from '../../../src/domain/registry.js';
import type { HistoryStore, RegistryStore } from '../../../src/storage/index.js';
import { online, T0 } from './history-fixture.js';

export interface RegistryFixture {
  readonly store: RegistryStore;
  readonly history: HistoryStore;
}

function entry(registrationId: string, fields: Partial<RegistryEntry> = {}): RegistryEntry {
  return { ...EMPTY_REGISTRY_FIELDS, registrationId, updatedAt: T0, ...fields };
}

export function declareRegistryStoreContract(open: () => Promise<RegistryFixture>): void {
  it('keeps every registry field of a pre-registered device', async () => {
    const { store, history } = await open();
    const full = entry('DTU-1', {
      name: 'Boiler 1',
      description: 'north wing',
      location: 'Hall 3, cabinet 2',
      latitude: 31.2304,
      longitude: 121.4737,
      tags: ['boiler', '锅炉'],
      group: 'heating',
      profileOverride: 'th-sensor',
      enabled: false,
      notes: 'line 1\nline 2',
    });
    await store.save(full);
    await store.save(entry('DTU-2'));
    expect(await store.entries()).toEqual([full, entry('DTU-2')]);
    const row = await history.reader.device('DTU-1');
    expect(row).toMatchObject({ name: 'Boiler 1', firstSeen: 0, lastSeen: 0, status: 'offline', lastIp: '' });
  });

  it("fills in a pre-registered device at its first registration and keeps the operator's fields", async () => {
    const { store, history } = await open();
    await store.save(entry('DTU-7', { name: 'Pump 7', group: 'pumps', enabled: true }));
    history.writer.deviceOnline(online('DTU-7', T0 + 5000, { name: 'from points.yml' }));
    await history.writer.flush();
    expect(await history.reader.device('DTU-7')).toMatchObject({
      name: 'Pump 7',
      firstSeen: T0 + 5000,
      lastSeen: T0 + 5000,
      status: 'online',
      lastIp: '198.51.100.7',
    });
    history.writer.deviceOnline(online('DTU-7', T0 + 9000));
    await history.writer.flush();
    expect((await history.reader.device('DTU-7'))?.firstSeen).toBe(T0 + 5000);
    await store.save(entry('DTU-7', { name: 'Pump 7b', group: 'pumps' }));
    expect(await history.reader.device('DTU-7')).toMatchObject({
      name: 'Pump 7b',
      status: 'online',
      lastSeen: T0 + 9000,
    });
    expect((await store.entries()).find((e) => e.registrationId === 'DTU-7')?.group).toBe('pumps');
  });

  it('saves a batch whole or not at all, across its multi-row statements', async () => {
    const { store } = await open();
    await store.save(entry('KEEP', { name: 'old' }));
    const many = Array.from({ length: 450 }, (_, i) => entry(`NEW-${String(i).padStart(3, '0')}`, { tags: [`t${i}`] }));
    const bad = entry(null as unknown as string);
    await expect(store.saveAll([...many, entry('KEEP', { name: 'new' }), bad])).rejects.toThrow();
    expect(await store.entries()).toEqual([entry('KEEP', { name: 'old' })]);
    await store.saveAll([...many, entry('KEEP', { name: 'new' })]);
    const saved = await store.entries();
    expect(saved).toHaveLength(451);
    expect(saved[0]).toEqual(entry('KEEP', { name: 'new' }));
    expect(saved[450]).toEqual(many[449]);
  });

  it('deletes only a device nothing refers to', async () => {
    const { store, history } = await open();
    await store.saveAll([entry('NEVER'), entry('CONNECTED')]);
    history.writer.connection({
      registrationId: 'CONNECTED',
      event: 'connect',
      ip: '198.51.100.7',
      port: 40123,
      listener: 'main',
      details: null,
      at: T0,
    });
    await history.writer.flush();
    expect(await store.remove('CONNECTED')).toBe('has_history');
    expect(await store.remove('NEVER')).toBe('removed');
    expect(await store.remove('NEVER')).toBe('absent');
    expect((await store.entries()).map((e) => e.registrationId)).toEqual(['CONNECTED']);
  });
}
