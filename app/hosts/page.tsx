import { HostMapView } from '@/components/hosts/host-map-view';

export default function HostsPage() {
  return <HostMapView />;
}
