import { CreatePage } from '@/components/forms/editor-pages';

export default async function Page(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await props.searchParams;
  return <CreatePage plural="virtualservices" from={typeof q.from === 'string' ? q.from : undefined} namespace={typeof q.namespace === 'string' ? q.namespace : undefined} />;
}
