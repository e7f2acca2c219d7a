/** The append-only diagnostics collector each RPC call gets. */
import type { AttributePath, Diagnostics } from './types';

export interface CollectedDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  path?: AttributePath;
}

export class DiagnosticsCollector implements Diagnostics {
  readonly items: CollectedDiagnostic[] = [];

  error(summary: string, detail: string, path?: AttributePath): void {
    this.items.push({ severity: 'error', summary, detail, path });
  }

  warning(summary: string, detail: string, path?: AttributePath): void {
    this.items.push({ severity: 'warning', summary, detail, path });
  }

  hasErrors(): boolean {
    return this.items.some((item) => item.severity === 'error');
  }

  /** A view that prefixes every path, for handing a nested part of the config to a validator. */
  under(prefix: AttributePath): Diagnostics {
    return {
      error: (summary, detail, path) => this.error(summary, detail, [...prefix, ...(path ?? [])]),
      warning: (summary, detail, path) => this.warning(summary, detail, [...prefix, ...(path ?? [])]),
      hasErrors: () => this.hasErrors(),
    };
  }
}
