/**
 * A process that opens the embedded store on a data directory and holds it, for tests that need
 * a second real process on the same store. Run: `node --import tsx test/harness/store-holder.ts DIR`.
 * Prints `{"pid", "role", "servedBy", "endpoint"}` once open, then obeys lines on stdin:
 * `create <fs-id>` (prints `created <migration id>`), `close` (closes the store and exits).
 */
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/index.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: store-holder.ts DATA_DIR');
const store = await openStore({ dataDir });
const say = (line: string) => process.stdout.write(`${line}\n`);
say(JSON.stringify({ pid: process.pid, ...store.embedded, endpoint: store.endpoint }));

for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'create' && arg) {
    const m = await store.migrations.createMigration({
      accountId: '123456789012',
      region: 'eu-west-1',
      fileSystemId: arg,
      actor: 'holder',
    });
    say(`created ${m.id}`);
  } else if (command === 'close') {
    await store.close();
    say('closed');
    process.exit(0);
  }
}
