import { FindingsTable } from '@/components/validation/findings-table';

export default function ValidationPage() {
  return <FindingsTable />;
}
