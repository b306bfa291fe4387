// The CLI as bin/efs-encrypt.js ran it before dist/ existed (and still does when dist/ is stale):
// the TypeScript sources through tsx's loader. bench/startup.bench.ts compares the two.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
