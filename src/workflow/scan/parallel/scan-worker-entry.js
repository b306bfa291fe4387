// A worker thread starts without the main thread's module hooks: register tsx's loader here, as
// bin/efs-encrypt.js does, so the worker runs the TypeScript sources however the bot was started.
import { register } from 'tsx/esm/api';

register();
await import('./scan-worker.ts');
