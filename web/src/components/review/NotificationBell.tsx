import { useEffect, useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useI18n } from '../../i18n';
import { reviewApi } from '../../review-api';

/** The header's link to one's notifications, with how many are unread (asked again on every page change). */
export function NotificationBell({ userId }: { userId: string }) {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    reviewApi.notifications().then(
      (list) => live && setUnread(list.unread),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [userId, pathname]);
  return (
    <NavLink to="/notifications" end data-testid="nav-notifications" data-unread={unread}>
      {t('nav.notifications', { count: unread })}
    </NavLink>
  );
}
