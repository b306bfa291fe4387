#!/usr/bin/env node
// `npm run build` (and `prepare`, which `npm ci` runs): compiles the CLI and the scan worker thread
// into dist/ with esbuild, so a command starts without compiling TypeScript (bin/efs-encrypt.js
// runs dist/ only while its stamp matches the sources). Code only some commands need is split into
// chunks that load on first use.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { STAMP_FILE, stampOf } from './dist-stamp.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Output name (in dist/) → source. A worker is started by the URL of its output name. */
export const ENTRIES = {
  cli: 'src/cli/main.ts',
  'scan-worker-entry': 'src/workflow/scan/parallel/scan-worker.ts',
};

/**
 * Dependencies stay in node_modules, loaded from there, except these. Measured: bundling the AWS
 * SDK made a 6 MB bundle that starts slower; dynalite (native LevelDB), pino (worker transports)
 * and Bolt are unsafe to bundle; CommonJS ones are loaded with require() (see dependenciesExternal).
 * zod is plain ES modules, loaded by every command (the configuration), and bundled it loads
 * about 30 ms of CPU faster than its hundred files from node_modules.
 */
const BUNDLED_PACKAGES = new Set(['zod']);

/**
 * AWS SDK clients bundled from their ES module build (`dist-es`), so that esbuild keeps only the
 * operations src/ calls. @aws-sdk/client-ec2 describes every EC2 operation (about 750) in one
 * 2 MB file: required whole it cost every scan about 300 ms of CPU at start and 60 MB of RSS
 * (measured, Node 20); bundled it keeps the dozen operations the bot sends, about 120 KB. The
 * client's own dependencies (@smithy/*, @aws-sdk/core, …) stay external, so middleware, errors and
 * configuration are the same module instances the other clients use.
 */
export const TREE_SHAKEN_PACKAGES = new Set(['@aws-sdk/client-ec2']);

/**
 * The SDK's generated schemas name their traits with computed keys (`{ [_xN]: "…" }`, `_xN` a
 * string constant of the same file). esbuild cannot tell such an object literal is free of side
 * effects, so it keeps every schema of the file; written as the string literal they stand for,
 * the schemas nothing refers to are dropped. Only keys whose constant is a plain string literal
 * are rewritten, which is the same object.
 */
function literalSchemaKeys(source) {
  const constants = new Map();
  for (const m of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) constants.set(m[1], m[2]);
  return source.replace(/\[(_\w+)\]:/g, (key, name) =>
    constants.has(name) ? `${constants.get(name)}:` : key,
  );
}

/**
 * An esbuild plugin that bundles the named AWS SDK clients (every `@aws-sdk/client-*` when
 * `packages` is 'all') from their ES module build, with literalSchemaKeys applied to their schemas.
 */
export function treeShakenSdkClients(packages = TREE_SHAKEN_PACKAGES) {
  return {
    name: 'tree-shaken-sdk-clients',
    setup(b) {
      const require = createRequire(join(ROOT, 'package.json'));
      b.onResolve({ filter: /^@aws-sdk\/client-[a-z0-9-]+$/ }, (args) => {
        if (packages !== 'all' && !packages.has(args.path)) return undefined;
        const dir = dirname(require.resolve(`${args.path}/package.json`));
        const entry = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).module;
        if (!entry) throw new Error(`${args.path} has no ES module build ("module" in its package.json)`);
        return { path: join(dir, entry) };
      });
      b.onLoad({ filter: /[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, (args) => ({
        contents: literalSchemaKeys(readFileSync(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

/**
 * Packages whose ES module entry only re-exports their CommonJS one (commander's esm.mjs): required
 * directly, the same module instance the wrapper would have given, without the wrapper's parse of
 * it (commander, which every command loads: about 6 ms of CPU).
 */
const REQUIRED_PACKAGES = new Set(['commander']);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Whether Node loads `specifier`, imported from this project, as CommonJS: what `import` resolves
 * to is a .cjs file, or a .js file whose package.json does not say `"type": "module"`.
 */
function loadsAsCommonJs(specifier) {
  let url;
  try {
    url = import.meta.resolve(specifier);
  } catch {
    return false;
  }
  if (!url.startsWith('file:')) return false;
  const file = fileURLToPath(url);
  if (extname(file) === '.cjs') return true;
  if (extname(file) !== '.js') return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type !== 'module';
  }
  return true;
}

/**
 * The name every chunk gives a require() of its own (the banner below); a CommonJS dependency is
 * loaded through it.
 */
const REQUIRE = '__efsEncryptRequire';
const REQUIRE_BANNER = `import { createRequire as __efsEncryptCreateRequire } from 'node:module';\nconst ${REQUIRE} = __efsEncryptCreateRequire(import.meta.url);`;

const dependenciesExternal = {
  name: 'dependencies-external',
  setup(b) {
    const commonJs = new Map();
    // Bare specifiers only: relative paths and the package's own `#blocks/*` imports are bundled.
    b.onResolve({ filter: /^[^./#]/ }, (args) => {
      if (BUNDLED_PACKAGES.has(packageName(args.path))) return undefined;
      // A split chunk made for an `import()` of a CommonJS module would export only its default,
      // so `import()` of a package stays a real one (import it from a small module of ours instead).
      if (args.kind === 'dynamic-import') return { path: args.path, external: true };
      if (!commonJs.has(args.path))
        commonJs.set(args.path, REQUIRED_PACKAGES.has(packageName(args.path)) || loadsAsCommonJs(args.path));
      // A CommonJS dependency `import`ed costs Node a parse of its source (and of every module it
      // re-exports) to find its export names before it runs; require() skips that (measured: the
      // store's SDK client, dynalite and pino load in about 100 ms less CPU). The module in the
      // bundle that stands for it requires it when first imported, as the import did.
      return commonJs.get(args.path)
        ? { path: args.path, namespace: 'required' }
        : { path: args.path, external: true };
    });
    b.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({
      contents: `module.exports = ${REQUIRE}(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Files a module finds beside itself (`new URL('./x', import.meta.url)`) are copied beside the
 * chunks (every chunk is at the top of dist/, so the same relative URL finds them there). A
 * template literal's fixed prefix names a directory, copied whole.
 */
const ASSET_URL = /new URL\(\s*(['"`])(\.\/[^'"`$]*)/g;

export async function buildDist({ root = ROOT, outdir = join(root, 'dist') } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([out, src]) => [out, join(root, src)])),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    plugins: [treeShakenSdkClients(), dependenciesExternal],
    banner: { js: REQUIRE_BANNER },
    // Two modules' classes of one name would otherwise be renamed in the bundle; error names show.
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  // Our files only: not bundled packages, nor the modules standing for required ones (`required:<name>`).
  const sources = Object.keys(result.metafile.inputs).filter(
    (p) => !p.includes('node_modules/') && !p.startsWith('required:'),
  );
  const assets = copyAssets(root, outdir, sources);
  const stamped = [
    ...sources,
    ...assets,
    ...[...BUNDLED_PACKAGES, ...TREE_SHAKEN_PACKAGES].map((name) => `node_modules/${name}/package.json`),
    'package.json',
    relative(root, fileURLToPath(import.meta.url)),
  ];
  // Written last: a build that failed half-way leaves no stamp, so dist/ is never run.
  writeFileSync(join(outdir, STAMP_FILE), `${JSON.stringify(stampOf(root, stamped), null, 1)}\n`);
  return { outdir, sources: sources.length, assets };
}

function copyAssets(root, outdir, sources) {
  const copied = new Map();
  const outputs = new Set(Object.keys(ENTRIES).map((e) => `./${e}.js`));
  for (const src of sources) {
    for (const [, , ref] of readFileSync(join(root, src), 'utf8').matchAll(ASSET_URL)) {
      if (outputs.has(ref)) continue;
      const from = join(root, dirname(src), ref);
      const to = join(outdir, ref);
      const previous = copied.get(to);
      if (previous && previous !== from)
        throw new Error(`${src}: ${ref} is also ${relative(root, previous)}; dist/ can hold only one`);
      if (!existsSync(from)) throw new Error(`${src}: ${ref} (${relative(root, from)}) does not exist`);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, { recursive: true });
      copied.set(to, from);
    }
  }
  return [...copied.values()].flatMap((from) => listFiles(root, from));
}

/** The files of a copied asset (a file, or every file under a directory), relative to root. */
function listFiles(root, path) {
  if (!statSync(path).isDirectory()) return [relative(root, path)];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath ?? d.path, d.name)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const built = await buildDist();
  console.log(
    `efs-encrypt: built ${relative(process.cwd(), built.outdir) || '.'}/ from ${built.sources} sources in ${Date.now() - started} ms`,
  );
}
