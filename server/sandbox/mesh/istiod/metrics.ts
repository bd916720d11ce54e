/**
 * A few of istiod's Prometheus metrics (names and labels as pilot exports them on :15014/metrics):
 * `pilot_xds` (connected proxies), `pilot_xds_pushes{type}`, `pilot_total_xds_rejects{type}`,
 * `pilot_xds_<type>_reject`, `pilot_push_triggers{type}`, `pilot_total_xds_internal_errors`.
 */

const HELP: Record<string, [string, 'counter' | 'gauge']> = {
  pilot_xds: ['Number of endpoints connected to this pilot using XDS.', 'gauge'],
  pilot_xds_pushes: ['Pilot build and send errors for lds, rds, cds and eds.', 'counter'],
  pilot_total_xds_rejects: ['Total number of XDS responses from pilot rejected by proxy.', 'counter'],
  pilot_push_triggers: ['Total number of times a push was triggered, labeled by reason for the push.', 'counter'],
  pilot_total_xds_internal_errors: ['Total number of internal XDS errors in pilot.', 'counter'],
  pilot_xds_cds_reject: ['Pilot rejected CDS.', 'gauge'],
  pilot_xds_eds_reject: ['Pilot rejected EDS.', 'gauge'],
  pilot_xds_lds_reject: ['Pilot rejected LDS.', 'gauge'],
  pilot_xds_rds_reject: ['Pilot rejected RDS', 'gauge'],
  pilot_xds_sds_reject: ['Pilot rejected SDS.', 'gauge'],
};

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export class IstiodMetrics {
  private readonly values = new Map<string, Map<string, number>>();

  private series(name: string): Map<string, number> {
    let m = this.values.get(name);
    if (!m) this.values.set(name, (m = new Map()));
    return m;
  }

  inc(name: string, labels: Labels, by = 1): void {
    const m = this.series(name);
    const k = labelText(labels);
    m.set(k, (m.get(k) ?? 0) + by);
  }

  set(name: string, labels: Labels, value: number): void {
    this.series(name).set(labelText(labels), value);
  }

  get(name: string, labels: Labels = {}): number {
    return this.values.get(name)?.get(labelText(labels)) ?? 0;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    for (const name of [...this.values.keys()].sort()) {
      const [help, type] = HELP[name] ?? ['', 'counter'];
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of [...this.values.get(name)!].sort()) out.push(`${name}${labels} ${v}`);
    }
    return out.join('\n') + (out.length ? '\n' : '');
  }
}
