// Starts a fake master and one simulated DTU connected to it, and tears both down.
import { SimulatedDtu, type SimulatedDtuOptions } from '../../../src/simulator/index.js';
import { profile, transparentLink } from '../../unit/simulator/config-fixtures.js';
import { FakeMaster, type MasterConnection } from './fake-master.js';

export interface Rig {
  readonly master: FakeMaster;
  readonly dtu: SimulatedDtu;
  readonly conn: MasterConnection;
  close(): Promise<void>;
}

export async function rig(options: Partial<SimulatedDtuOptions> = {}): Promise<Rig> {
  const master = await FakeMaster.start();
  const dtu = new SimulatedDtu({
    id: 'DTU01001',
    target: master.target,
    link: transparentLink(),
    profile: profile(),
    heartbeatIntervalMs: 0,
    ...options,
  });
  await dtu.start();
  const conn = await master.connection();
  return {
    master,
    dtu,
    conn,
    async close() {
      await dtu.stop();
      await master.close();
    },
  };
}
