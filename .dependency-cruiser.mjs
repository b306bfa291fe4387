// The layer table of ../shared/DESIGN.md ("Inside src/, one folder per part") as rules that `npm run lint`
// checks on every import, type-only imports included. A part may import only what its row allows; the
// rows are listed here in the table's order. `depcruise --output-type text src blocks bench` shows the graph.

/** Paths of each part, as regular expressions over paths relative to the project root. */
const part = {
  domain: '^src/domain/',
  aws: '^src/aws/',
  store: '^src/store/',
  workflow: '^src/workflow/',
  slack: '^src/slack/',
  cli: '^src/cli/',
  sandbox: '^src/sandbox/',
  lambda: '^src/lambda/',
  estate: '^src/estate/',
  capture: '^src/capture/',
  config: '^src/config\\.ts$',
  blocks: '^blocks/',
  bench: '^bench/',
  test: '^test/',
};

/** One rule per row: `from` may import nothing of ours outside `allowed` (and itself). */
function mayImportOnly(name, allowed, comment) {
  const others = Object.entries(part)
    .filter(([other]) => other !== name && !allowed.includes(other))
    .map(([, path]) => path);
  return {
    name: `${name}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
    comment,
    severity: 'error',
    from: { path: part[name] },
    to: { path: others },
  };
}

export default {
  forbidden: [
    mayImportOnly('domain', [], 'Domain: types and rules with no I/O; it imports nothing of ours.'),
    mayImportOnly('aws', ['domain'], 'One adapter per AWS service; it knows the domain, not who calls it.'),
    mayImportOnly(
      'store',
      ['domain'],
      'The DynamoDB repository; it implements the workflows\u2019 ports structurally.',
    ),
    mayImportOnly(
      'workflow',
      ['domain', 'aws', 'store'],
      'Use cases; they talk to aws and store through the ports they own (DESIGN.md), never to Slack.',
    ),
    mayImportOnly(
      'slack',
      ['domain', 'workflow', 'blocks', 'config'],
      'Listeners stay thin: no AWS, no store.',
    ),
    mayImportOnly(
      'cli',
      ['domain', 'aws', 'store', 'workflow', 'slack', 'sandbox', 'estate', 'capture', 'config', 'blocks'],
      'The command line and the composition root: everything but the tests.',
    ),
    mayImportOnly(
      'sandbox',
      ['domain', 'aws', 'store', 'workflow', 'slack', 'estate', 'capture', 'config', 'blocks'],
      'The browser sandbox (a local Slack-like page): a composition root with the rights of the CLI, which starts it.',
    ),
    mayImportOnly(
      'lambda',
      ['domain', 'aws', 'store', 'workflow', 'slack', 'cli', 'estate', 'capture', 'config', 'blocks'],
      'The Lambda entry points: a composition root like the CLI, which it reuses.',
    ),
    mayImportOnly('capture', ['domain', 'aws', 'estate'], 'Reads real accounts into an estate file.'),
    mayImportOnly(
      'config',
      ['domain'],
      'Settings, parsed once with zod; the domain gives it its value types.',
    ),
    mayImportOnly('blocks', ['domain'], 'Block Kit builders: pure functions from domain values to blocks.'),
    mayImportOnly(
      'bench',
      ['domain', 'aws', 'store', 'workflow', 'slack', 'cli', 'estate', 'capture', 'config', 'blocks'],
      'Benchmarks time the program; they never borrow from the tests.',
    ),
    {
      name: 'estate-imports-domain-types-only',
      comment:
        'The local AWS estate is a test double: it may share the domain\u2019s types, but no code of ours, so ' +
        'it can never depend on what it is testing.',
      severity: 'error',
      from: { path: part.estate },
      to: {
        path: Object.entries(part)
          .filter(([name]) => name !== 'estate')
          .map(([, path]) => path),
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'estate-imports-only-domain',
      comment: 'Even as types, the estate knows nothing but the domain.',
      severity: 'error',
      from: { path: part.estate },
      to: {
        path: Object.entries(part)
          .filter(([name]) => !['estate', 'domain'].includes(name))
          .map(([, path]) => path),
      },
    },
    {
      name: 'through-the-index',
      comment:
        'A folder with an index.ts is entered through it: what it does not export is its own business ' +
        '(the phases of src/workflow, the store, the estate, capture).',
      severity: 'error',
      from: { path: '^(src/(?:workflow/[^/]+|store|estate|capture))/' },
      to: {
        path: '^src/(?:workflow/[^/]+|store|estate|capture)/',
        pathNot: ['^$1/', '/index\\.ts$'],
      },
    },
    {
      name: 'outside-through-the-index',
      comment: 'The same rule for importers outside src/workflow, src/store, src/estate and src/capture.',
      severity: 'error',
      from: { pathNot: '^src/(?:workflow|store|estate|capture)/|^test/|^bench/' },
      to: {
        path: '^src/(?:workflow/[^/]+|store|estate|capture)/',
        pathNot: '/index\\.ts$',
      },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one; split what they share into a third.',
      severity: 'error',
      from: {},
      // Type-only cycles (two domain modules naming each other's types) cost nothing at run time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dependency',
      comment: 'What the program needs at run time is a dependency, not a devDependency.',
      severity: 'error',
      from: { path: '^(src|blocks|bin)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-undeclared-dependency',
      comment: 'Import only packages package.json declares (a transitive one can vanish in any update).',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Subpath imports (#blocks/*) resolve through package.json "imports".
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    exclude: { path: '^dist/' },
  },
};
