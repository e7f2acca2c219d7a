/** Renders `status --check` findings: one line each as text, a JSON document, or Markdown for an issue or chat. */
import type { Finding } from './check';

export interface CheckReport {
  ok: boolean;
  checkedAt: string;
  dueWithin: string;
  configurations: number;
  findings: Finding[];
}

export function formatCheckText(report: CheckReport): string {
  if (report.ok) return `status check: OK (${report.configurations} configuration${report.configurations === 1 ? '' : 's'}, nothing due within ${report.dueWithin})\n`;
  return report.findings.map((finding) => `${finding.kind}: ${finding.message}\n`).join('');
}

export function formatCheckJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function formatCheckMarkdown(report: CheckReport): string {
  const lines = ['<!-- protector-status-check -->', '## Token status check', ''];
  if (report.ok) {
    lines.push(`OK: ${report.configurations} configuration(s), nothing due within ${report.dueWithin} (checked ${report.checkedAt}).`);
  } else {
    lines.push(
      `**${report.findings.length} finding(s)** (checked ${report.checkedAt}, due within ${report.dueWithin})`,
      '',
      '| Finding | Configuration | What to do |',
      '|---|---|---|',
    );
    for (const finding of report.findings) lines.push(`| ${finding.kind} | \`${finding.configurationId}\` | ${cell(finding.message)} |`);
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}
