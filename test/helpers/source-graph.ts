/**
 * Reads the repository's TypeScript sources the way the architecture tests need them: the files
 * of some folders, and every relative module reference of a file (static and type imports,
 * re-exports, `require()`, `import()` and `typeof import()`) resolved to a repository-relative path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ImportEdge {
  /** Repository-relative, with forward slashes, e.g. `src/provider/codec/cty-json.ts`. */
  from: string;
  to: string;
  line: number;
}

/** Every `.ts` file below `dirs` (repository-relative), skipping generated bindings and dependencies. */
export function sourceFiles(dirs: readonly string[], root: string = REPO_ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.gen' || entry.name === 'cdktf.out') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(toRepoPath(root, full));
    }
  };
  for (const dir of dirs) walk(path.join(root, dir));
  return files.sort();
}

/** The relative module references of `files`, each resolved to the file it names. */
export function importEdges(files: readonly string[], root: string = REPO_ROOT): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const source = parse(file, root);
    for (const reference of moduleReferences(source)) {
      if (!reference.specifier.startsWith('.')) continue;
      const target = resolveRelative(root, file, reference.specifier);
      edges.push({ from: file, to: target, line: source.getLineAndCharacterOfPosition(reference.position).line + 1 });
    }
  }
  return edges;
}

export function parse(file: string, root: string = REPO_ROOT): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function moduleReferences(source: ts.SourceFile): Array<{ specifier: string; position: number }> {
  const found: Array<{ specifier: string; position: number }> = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, position: node.getStart(source) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callsRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (callsRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `./x` from `src/a/b.ts` -> `src/a/x.ts`, `src/a/x/index.ts`, or `src/a/x` itself (`./x.json`). */
function resolveRelative(root: string, from: string, specifier: string): string {
  const base = path.join(root, path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.d.ts`, path.join(base, 'index.ts')];
  const found = candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  return toRepoPath(root, found ?? base);
}

function toRepoPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
