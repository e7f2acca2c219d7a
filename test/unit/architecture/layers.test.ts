/**
 * Imports flow one way. Each rule names the folders (or files) it applies to and the ones they
 * must not import; a failure lists every offending import as `from:line -> to`. The rules on
 * src/provider/host/ apply once that folder exists.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { importEdges, parse, sourceFiles, type ImportEdge } from '../../helpers/source-graph';

interface LayerRule {
  name: string;
  /** Path prefixes (folders end with `/`) whose files the rule restricts. */
  from: readonly string[];
  /** Path prefixes those files must not import. */
  mustNotImport: readonly string[];
  /** Files below `mustNotImport` that stay allowed. */
  except?: readonly string[];
}

/** The provider's stage 1 (see docs/design/provider-layers.md): what runs before the handshake line. */
const STAGE_1 = [
  'src/provider/main.ts',
  'src/provider/embedded-stage.ts',
  'src/provider/host/handshake.ts',
  'src/provider/host/plugin-listener.ts',
  'src/provider/host/self-signed-cert.ts',
  'src/provider/host/parent-watch.ts',
  'src/provider/host/hclog-logger.ts',
];

/** The provider's layers above its plugin host: the protocol adapter, the framework, the resources and the API. */
const ABOVE_THE_HOST = [
  'src/provider/tfplugin6/',
  'src/provider/framework/',
  'src/provider/resources/',
  'src/provider/rotation/',
  'src/provider/codec/',
  'src/provider/provider-config.ts',
  'src/api/',
];

const RULES: readonly LayerRule[] = [
  {
    name: 'src/ and constructs/ do not import the build and codegen scripts',
    from: ['src/', 'constructs/'],
    mustNotImport: ['scripts/'],
  },
  {
    name: 'the resource framework imports neither the API nor the resources',
    from: ['src/provider/framework/'],
    mustNotImport: ['src/api/', 'src/provider/resources/', 'src/provider/rotation/'],
  },
  {
    name: 'the cty codec does not import the resource framework',
    from: ['src/provider/codec/'],
    mustNotImport: ['src/provider/framework/'],
  },
  {
    // The installer lays the provider out for Terraform at synth time; everything else in
    // src/provider/ is the provider's own business (shared rules live in src/api/).
    name: 'constructs/ reaches src/provider/ only through its installer',
    from: ['constructs/'],
    mustNotImport: ['src/provider/'],
    except: ['src/provider/install.ts'],
  },
  {
    name: 'the plugin host (handshake, TLS, gRPC, logging) imports no layer above it',
    from: ['src/provider/host/'],
    mustNotImport: ABOVE_THE_HOST,
  },
  {
    name: "stage 1 (up to the handshake line) imports nothing of stage 2 but the `require('./serve')` that loads it",
    from: STAGE_1,
    mustNotImport: [
      'src/provider/host/grpc-host.ts',
      'src/provider/host/grpc-server.ts',
      'src/provider/host/proto-codecs.ts',
      'src/provider/host/proto-descriptors.ts',
      ...ABOVE_THE_HOST,
      'src/provider/provider-deps.ts',
    ],
  },
];

function violations(edges: readonly ImportEdge[], rule: LayerRule): string[] {
  const under = (file: string, prefixes: readonly string[]) => prefixes.some((prefix) => file === prefix || file.startsWith(prefix));
  return edges
    .filter((edge) => under(edge.from, rule.from) && under(edge.to, rule.mustNotImport) && !(rule.except ?? []).includes(edge.to))
    .map((edge) => `${edge.from}:${edge.line} -> ${edge.to}`);
}

describe('imports flow one way', () => {
  const edges = importEdges(sourceFiles(['src', 'constructs']));

  test('the import graph covers src/ and constructs/', () => {
    expect(edges.some((edge) => edge.from.startsWith('src/provider/'))).toBe(true);
    expect(edges.some((edge) => edge.from.startsWith('constructs/'))).toBe(true);
  });

  test.each(RULES.map((rule) => [rule.name, rule] as const))('%s', (_name, rule) => {
    expect(violations(edges, rule)).toEqual([]);
  });
});

test('stage 1 loads no package, only Node built-ins (packages load with stage 2, after the handshake line)', () => {
  const packages = STAGE_1.flatMap((file) =>
    parse(file)
      .statements.filter(ts.isImportDeclaration)
      .filter((declaration) => !declaration.importClause?.isTypeOnly)
      .map((declaration) => (declaration.moduleSpecifier as ts.StringLiteral).text)
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
      .map((specifier) => `${file} -> ${specifier}`),
  );
  expect(packages).toEqual([]);
});

describe('the import reader', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'protector-layers-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write('scripts/build.ts', 'export const build = 1;\n');
    write('src/a/index.ts', 'export const a = 1;\n');
    write(
      'src/b.ts',
      [
        "import { a } from './a';",
        "import type { a as A } from './a/index';",
        "export { build } from '../scripts/build';",
        "const lazy = require('../scripts/build') as typeof import('../scripts/build');",
        "const later = () => import('./a');",
        "import * as fs from 'node:fs';",
      ].join('\n'),
    );
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('finds static, type-only, re-exported, required, dynamic and typeof imports, and resolves folders', () => {
    const edges = importEdges(sourceFiles(['src'], root), root);
    expect(edges.map((edge) => `${edge.from}:${edge.line} -> ${edge.to}`)).toEqual([
      'src/b.ts:1 -> src/a/index.ts',
      'src/b.ts:2 -> src/a/index.ts',
      'src/b.ts:3 -> scripts/build.ts',
      'src/b.ts:4 -> scripts/build.ts',
      'src/b.ts:4 -> scripts/build.ts',
      'src/b.ts:5 -> src/a/index.ts',
    ]);
  });

  test('a rule reports each offending import with its line', () => {
    const edges = importEdges(sourceFiles(['src'], root), root);
    expect(violations(edges, RULES[0])).toEqual(['src/b.ts:3 -> scripts/build.ts', 'src/b.ts:4 -> scripts/build.ts', 'src/b.ts:4 -> scripts/build.ts']);
  });
});
