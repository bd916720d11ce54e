/** Every analyzer, in the order they run. */
import type { Analyzer } from '../types';
import { caCertificateAnalyzer } from './ca-certificates';
import { certificateAnalyzer } from './certificates';
import { conflictingGatewayAnalyzer } from './conflicting-gateway';
import { conflictingMeshGatewayHostsAnalyzer } from './conflicting-mesh-gateway-hosts';
import { destinationHostAnalyzer } from './destination-hosts';
import { exportToNamespaceAnalyzer } from './export-to-namespace';
import { secretAnalyzer } from './gateway-secret';
import { ingressCompetitionAnalyzer } from './ingress-competition';
import { ingressGatewayPortAnalyzer } from './ingress-gateway-port';
import { tlsModeConflictAnalyzer } from './mtls-conflict';
import { portNameAnalyzer } from './port-name';
import { regexAnalyzer } from './regex';
import { routeWeightsAnalyzer } from './route-weights';
import { subsetSelectPodAnalyzer } from './subset-select-pods';
import { unreachableRouteAnalyzer } from './unreachable-routes';
import { routeMatchGatewayAnalyzer, virtualServiceGatewayAnalyzer } from './virtual-service-gateways';
import { virtualServiceSubsetAnalyzer } from './virtual-service-subsets';

export const analyzers: readonly Analyzer[] = [
  // Istio's analyzers (istioctl analyze), ported
  ingressGatewayPortAnalyzer,
  secretAnalyzer,
  conflictingGatewayAnalyzer,
  portNameAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  virtualServiceSubsetAnalyzer,
  virtualServiceGatewayAnalyzer,
  destinationHostAnalyzer,
  caCertificateAnalyzer,
  subsetSelectPodAnalyzer,
  unreachableRouteAnalyzer,
  // gatescope's own
  routeMatchGatewayAnalyzer,
  routeWeightsAnalyzer,
  regexAnalyzer,
  ingressCompetitionAnalyzer,
  certificateAnalyzer,
  tlsModeConflictAnalyzer,
  exportToNamespaceAnalyzer,
];
