/**
 * Every product limit is defined in one place (src/api/rules.ts), and the provider and the
 * constructs import it. The test reads the code of src/ and constructs/ (comments and prose in
 * strings do not count) for anything that spells one of the limits: a number of days, hours or
 * minutes named as such (`MAX_DRAIN_TIMEOUT_HOURS = 24`, `24 * HOUR_MS`, `hours(24)`), a constant
 * product in milliseconds or seconds (`10 * 60 * 1000`, `600_000`), or a duration string (`'10m'`),
 * and fails when a limit is spelled in more than one file, listing where.
 */
import * as ts from 'typescript';
import { parse, sourceFiles } from '../../helpers/source-graph';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

interface Limit {
  name: string;
  ms: number;
  /** The count in its natural unit, and how code names that unit. */
  count: number;
  unit: RegExp;
  /** The count is distinctive enough to count without a unit name next to it. */
  countAlone: boolean;
}

const LIMITS: readonly Limit[] = [
  { name: 'the longest rotation period, 365 days', ms: 365 * DAY_MS, count: 365, unit: /day/i, countAlone: true },
  { name: 'the longest recommended rotation period, 182 days', ms: 182 * DAY_MS, count: 182, unit: /day/i, countAlone: true },
  { name: 'the longest drain timeout, 24 hours', ms: 24 * HOUR_MS, count: 24, unit: /hour/i, countAlone: false },
  { name: 'the 10 minutes of the default drain timeout and the longest request timeout', ms: 10 * MINUTE_MS, count: 10, unit: /minute/i, countAlone: false },
];

/**
 * Values that equal a limit but are something else. Matched against the name of the constant or
 * property being defined (or the file, for the API client).
 */
const NOT_LIMITS: ReadonlyArray<{ why: string; name?: RegExp; file?: string }> = [
  { why: 'a day in milliseconds, a unit conversion', name: /^(d|DAY\w*)$/i },
  { why: 'the token API idempotency window (24 hours), part of the API contract', name: /IDEMPOTENCY/ },
  { why: "the provider's throw-away TLS certificate lives a year", name: /^notAfter$/ },
  { why: "the API client's sanity bounds on its programmatic options, not a product setting", file: 'src/api/client.ts' },
];

interface Spelling {
  file: string;
  line: number;
  text: string;
  /** The constant or property it defines, if any. */
  definedName: string;
  matches(limit: Limit): boolean;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

function spellings(file: string): Spelling[] {
  const source = parse(file);
  const found: Spelling[] = [];
  const add = (node: ts.Node, matches: (limit: Limit) => boolean) =>
    found.push({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      text: node.getText(source),
      definedName: definedName(node),
      matches,
    });

  const visit = (node: ts.Node): void => {
    if (isProduct(node) && !isProduct(node.parent)) {
      const leaves = productLeaves(node);
      const numbers = leaves.filter(ts.isNumericLiteral).map((leaf) => Number(leaf.text.replace(/_/g, '')));
      if (numbers.length === leaves.length) {
        const product = numbers.reduce((a, b) => a * b, 1);
        add(node, (limit) => product === limit.ms || product === limit.ms / 1000);
      } else {
        // `24 * HOUR_MS`: a count times a named unit.
        const unitNames = leaves.filter((leaf) => !ts.isNumericLiteral(leaf)).map((leaf) => leaf.getText(source));
        add(node, (limit) => numbers.includes(limit.count) && unitNames.some((unitName) => limit.unit.test(unitName)));
      }
      return;
    }
    if (ts.isNumericLiteral(node)) {
      const value = Number(node.text.replace(/_/g, ''));
      const context = `${definedName(node)} ${calleeName(node)}`;
      add(node, (limit) => value === limit.ms || value === limit.ms / 1000 || (value === limit.count && (limit.countAlone || limit.unit.test(context))));
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const duration = /^(\d+)(ms|s|m|h|d)$/.exec(node.text);
      if (duration) add(node, (limit) => Number(duration[1]) * DURATION_UNITS_MS[duration[2]]! === limit.ms);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((spelling) => !NOT_LIMITS.some((other) => (other.name?.test(spelling.definedName) ?? false) || other.file === spelling.file));
}

function isProduct(node: ts.Node): node is ts.BinaryExpression {
  return ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AsteriskToken;
}

function productLeaves(node: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(node)) return productLeaves(node.expression);
  return isProduct(node) ? [...productLeaves(node.left), ...productLeaves(node.right)] : [node];
}

/** The name of the constant or property whose value contains `node`; the unit of a unit table entry. */
function definedName(node: ts.Node): string {
  // `['d', 86_400]`: an entry of a unit table.
  const parent = node.parent;
  if (parent && ts.isArrayLiteralExpression(parent)) {
    const key = parent.elements.find((element) => ts.isStringLiteral(element) && element.text in DURATION_UNITS_MS);
    if (key && ts.isStringLiteral(key)) return key.text;
  }
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if ((ts.isVariableDeclaration(current) || ts.isPropertyDeclaration(current) || ts.isPropertyAssignment(current)) && current.name) {
      return current.name.getText();
    }
    if (ts.isStatement(current)) break;
  }
  return '';
}

/** `hours(24)` -> `hours`. */
function calleeName(node: ts.Node): string {
  const parent = node.parent;
  return parent && ts.isCallExpression(parent) ? parent.expression.getText() : '';
}

describe('each product limit is defined in one file', () => {
  const all = sourceFiles(['src', 'constructs']).flatMap(spellings);

  test.each(LIMITS.map((limit) => [limit.name, limit] as const))('%s', (_name, limit) => {
    const where = all.filter((spelling) => spelling.matches(limit));
    expect(where.length).toBeGreaterThan(0);
    const files = [...new Set(where.map((spelling) => spelling.file))];
    if (files.length > 1) {
      // Fails with the list: every place that spells the limit.
      expect(where.map((spelling) => `${spelling.file}:${spelling.line}: ${spelling.text}`)).toEqual([]);
    }
  });
});
