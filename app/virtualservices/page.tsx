import { ResourceList } from '@/components/resources/resource-list';

export default function Page() {
  return <ResourceList plural="virtualservices" />;
}
