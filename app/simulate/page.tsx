import { Suspense } from 'react';
import { Simulator } from '@/components/simulate/simulator';

export default function SimulatePage() {
  return (
    <Suspense>
      <Simulator />
    </Suspense>
  );
}
