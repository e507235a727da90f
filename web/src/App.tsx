import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { I18nProvider } from './i18n';
import { InstanceProvider } from './instance';
import { routes } from './routes';
import { SessionProvider } from './session';

const router = createBrowserRouter(routes);

/** The whole web UI: language, session and the instance's identity around the routes (the site map is in routes.tsx). */
export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <InstanceProvider>
          <RouterProvider router={router} />
        </InstanceProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
