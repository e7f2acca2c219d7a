/**
 * Summarises `node --cpu-prof` profiles of the provider by module: self time per source file or
 * npm package, read from the `// path` comments esbuild writes before each module of an
 * unminified bundle. The profiles themselves are never committed; this table goes in the results.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Start line (0-based) of each module in the bundle, sorted. */
function moduleStarts(bundlePath: string): Array<{ line: number; module: string }> {
  const starts: Array<{ line: number; module: string }> = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const match = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(text);
      if (match) starts.push({ line, module: groupOf(match[1]!) });
    });
  return starts;
}

/** npm packages as one group (scoped ones by scope/name), our own files one by one. */
function groupOf(path: string): string {
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return pkg ? pkg[1]! : path;
}

function moduleAt(starts: Array<{ line: number; module: string }>, line: number): string {
  let low = 0;
  let high = starts.length - 1;
  let found = '(bundle prelude)';
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (starts[mid]!.line <= line) {
      found = starts[mid]!.module;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

interface ProfileRow {
  module: string;
  selfMs: number;
  share: number;
}

/** Self time per module over every `.cpuprofile` in `dir`, largest first; `(idle)` left out. */
export function summariseProfiles(dir: string, bundlePath: string): { rows: ProfileRow[]; busyMs: number; profiles: number } {
  const starts = moduleStarts(bundlePath);
  const totals = new Map<string, number>();
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const parentOf = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const groupById = new Map<number, string>();
    // Node built-ins and native code are charged to the bundle module that called them (e.g. the
    // http module's time to axios), so the table says which of our dependencies costs what.
    const groupOfNode = (node: ProfileNode): string => {
      const known = groupById.get(node.id);
      if (known !== undefined) return known;
      const { url, functionName, lineNumber } = node.callFrame;
      let group: string;
      if (url.includes('terraform-provider-protector')) group = moduleAt(starts, lineNumber);
      else if (url === '' && functionName.startsWith('(')) group = functionName;
      else {
        const parent = parentOf.get(node.id);
        const parentGroup = parent === undefined ? '(root)' : groupOfNode(byId.get(parent)!);
        group = parentGroup.startsWith('(') ? 'node: built-ins (no bundle caller)' : parentGroup;
      }
      groupById.set(node.id, group);
      return group;
    };
    for (const node of profile.nodes) groupOfNode(node);
    profile.samples.forEach((id, index) => {
      const group = groupById.get(id) ?? '(unknown)';
      totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
    });
  }
  totals.delete('(idle)');
  const busyMs = [...totals.values()].reduce((a, b) => a + b, 0);
  const rows = [...totals.entries()].map(([module, selfMs]) => ({ module, selfMs, share: busyMs > 0 ? selfMs / busyMs : 0 })).sort((a, b) => b.selfMs - a.selfMs);
  return { rows, busyMs, profiles: files.length };
}

export function profileMarkdown(summary: ReturnType<typeof summariseProfiles>, top = 15): string {
  const lines = [
    `${summary.profiles} provider processes, ${summary.busyMs.toFixed(0)} ms of samples (idle excluded; on a loaded machine this includes time waiting for a CPU), ` +
      'self time by module, with Node built-ins and native code charged to the module that called them:',
    '',
    '| module | self ms | share |',
    '|---|---:|---:|',
  ];
  for (const row of summary.rows.slice(0, top)) lines.push(`| ${row.module} | ${row.selfMs.toFixed(0)} | ${(row.share * 100).toFixed(1)}% |`);
  return lines.join('\n');
}
