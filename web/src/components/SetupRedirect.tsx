import { Navigate, useLocation } from 'react-router';
import { useInstance } from '../instance';
import { useSession } from '../session';

/**
 * Until setup is done, takes a signed-in admin to the setup page (and back where they were going
 * afterwards): nothing can be registered before it, and links would name the wrong address.
 */
export function SetupRedirect() {
  const { user } = useSession();
  const { instance } = useInstance();
  const { pathname, search } = useLocation();
  if (user?.role !== 'admin' || !instance || instance.setupDone || pathname === '/setup' || pathname === '/login') return null;
  return <Navigate to={`/setup?next=${encodeURIComponent(pathname + search)}`} replace />;
}
