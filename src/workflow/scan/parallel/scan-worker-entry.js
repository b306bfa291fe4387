// The scan worker when the CLI runs from the TypeScript sources (tests, or dist/ missing or stale).
// A worker thread starts without the main thread's module hooks: register tsx's loader here, as
// bin/efs-encrypt.js does then. When the CLI runs compiled, the worker started is
// dist/scan-worker-entry.js instead (bin/build-dist.js compiles scan-worker.ts under that name,
// beside the chunk that starts it), so it loads no loader and compiles nothing.
import { register } from 'tsx/esm/api';

register();
await import('./scan-worker.ts');
