import { EditPage } from '@/components/forms/editor-pages';

export default async function Page(props: { params: Promise<{ namespace: string; name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { namespace, name } = await props.params;
  const q = await props.searchParams;
  return <EditPage plural="gateways" namespace={decodeURIComponent(namespace)} name={decodeURIComponent(name)} created={q.created === '1'} />;
}
