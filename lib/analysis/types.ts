/**
 * Types of gatescope's configuration analysis (istioctl-analyze-like).
 */

export type Level = 'Error' | 'Warning' | 'Info';

/** A Kubernetes object as read from the API or a YAML file (only what the analyzers read is typed). */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** What analysis reads: every object of the cluster (or of a set of files) at one moment. */
export interface Snapshot {
  objects: readonly KubeObject[];
}

export interface ResourceRef {
  kind: string;
  /** Empty when the object has no namespace (a YAML file without `metadata.namespace`). */
  namespace: string;
  name: string;
}

export interface Finding {
  /** `IST0101` (Istio's codes, istio/istio messages.yaml) or `GSC0001` (gatescope's own). */
  code: string;
  level: Level;
  /** `Kind namespace/name`, or `Kind name` when the object has no namespace (istioctl's origin). */
  origin: string;
  message: string;
  /** Field path of the offending value in the origin object: `spec.http[0].route[1].destination.subset`. */
  path?: string;
  documentationUrl: string;
  /** A suggested change, in words. */
  fix?: string;
  /** The analyzer that produced it (`virtualservice.GatewayAnalyzer`). */
  analyzer: string;
  resource: ResourceRef;
  /**
   * Set only with `AnalyzeOptions.includeSuppressed`: the origin object suppresses this code
   * (`galley.istio.io/analyze-suppress`), with gatescope's reason when one was kept.
   */
  suppressed?: { by: string; reason?: string };
}

export interface AnalyzeOptions {
  /** Run only these analyzers (by name, e.g. `gateway.SecretAnalyzer`) or codes (`IST0101`, `GSC0003`). */
  analyzers?: readonly string[];
  /** The current time (certificate validity); defaults to none: time-dependent checks are skipped. */
  now?: Date | number;
  /** Warn about certificates that expire within this many days (default 30). */
  certificateExpiryDays?: number;
  /** Istio's root namespace (mesh-wide policies), default `istio-system`. */
  rootNamespace?: string;
  /**
   * Namespaces known to exist (exportTo checks). Defaults to the Namespace objects of the
   * snapshot; when there are none, namespace-existence checks are skipped.
   */
  namespaces?: readonly string[];
  /**
   * Findings on objects that suppress their code (`galley.istio.io/analyze-suppress`, as
   * istioctl honours it) are left out; with this set they are returned, marked `suppressed`.
   */
  includeSuppressed?: boolean;
}

/** Everything an analyzer gets: the indexed snapshot, the options, and a way to report. */
export interface AnalyzerContext {
  readonly options: AnalyzeOptions;
  /** Objects of a kind (`Gateway` = networking.istio.io; `KubernetesGateway` = gateway.networking.k8s.io), input order. */
  list(kind: string): readonly KubeObject[];
  /** The object of a kind by namespace and name. */
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
  report(code: string, origin: KubeObject, args: readonly unknown[], extra?: { path?: string; fix?: string }): void;
}

export interface Analyzer {
  /** Istio's registered name where it exists (`gateway.SecretAnalyzer`), `gatescope.*` for ours. */
  name: string;
  description: string;
  /** Codes it can report. */
  codes: readonly string[];
  analyze(ctx: AnalyzerContext): void;
}
