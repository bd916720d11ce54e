import { SignInForm } from '@/components/auth/sign-in-form';

export const metadata = { title: 'Sign in · gatescope' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ expired?: string }> }) {
  const q = await searchParams;
  return <SignInForm expired={q.expired === '1'} />;
}
