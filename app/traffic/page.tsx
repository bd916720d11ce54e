import { TrafficView } from '@/components/traffic/traffic-view';

export default function TrafficPage() {
  return <TrafficView />;
}
