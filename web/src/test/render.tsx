import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';

/// Renders a page at a path, with a fresh query cache (returned as `queryClient`) and routes for
/// where it may navigate. `strict` renders under StrictMode at the root, as the app does, so
/// effects run twice on mounting (a StrictMode lower in the tree does not do that).
export function renderAt(
  path: string,
  routePattern: string,
  element: ReactElement,
  extra: Record<string, ReactElement> = {},
  { strict = false }: { strict?: boolean } = {},
) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const result = render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={routePattern} element={element} />
          {Object.entries(extra).map(([p, el]) => (
            <Route key={p} path={p} element={el} />
          ))}
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
    { reactStrictMode: strict },
  );
  return { ...result, queryClient: client };
}
