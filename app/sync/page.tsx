import { SyncPage } from '@/components/sync/sync-page';

export default function Page() {
  return <SyncPage />;
}
