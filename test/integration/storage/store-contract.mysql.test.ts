// The history store contract against the real MariaDB on 127.0.0.1:3306, a fresh database
// per test. No MariaDB fails every test here: the store must be tested, never skipped.
import type { RowDataPacket } from 'mysql2/promise';
import { tempMysql } from './mysql-fixture.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('mysql', async () => {
  const temp = await tempMysql();
  const { host, port, database } = temp.storage;
  return {
    storage: temp.storage,
    where: `mysql://${host}:${port}/${database}`,
    async rawQuery(sql) {
      // The binary protocol: mysql2's text-protocol float parser rounds some doubles.
      const [rows] = await temp.sql.execute<RowDataPacket[]>(sql);
      return rows.map((row) => ({ ...row }));
    },
    cleanup: () => temp.cleanup(),
  };
});
