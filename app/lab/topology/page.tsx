import { TopologyLab } from '@/components/lab/topology-lab';

/** A synthetic large request path, for the browser benchmarks (bench/topology-browser.bench.ts). */
export default function TopologyLabPage() {
  return <TopologyLab />;
}
