import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from './components/Loading';
import { RequireRole } from './components/RequireRole';
import { SiteLayout } from './components/SiteLayout';
import { initialLang } from './i18n';
import { currentLang, loadLazyMessages } from './locales/runtime';
import { CataloguePage } from './pages/CataloguePage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RouteErrorPage } from './pages/RouteErrorPage';
import type { Role } from './types';

/** Any signed-in user. */
const SIGNED_IN: readonly Role[] = [];
/** People who add works and look for copies of them. */
const CONTRIBUTORS: readonly Role[] = ['admin', 'curator', 'creator'];
/** People who run the archive. */
const STAFF: readonly Role[] = ['admin', 'curator'];
/** People who set up the instance. */
const ADMINS: readonly Role[] = ['admin'];
/** People who review what is published. */
const REVIEWERS: readonly Role[] = ['admin', 'curator', 'reviewer'];

/**
 * A page that is downloaded when first visited, so that the public never loads what only signed-in
 * people use; when it is the first page opened, the header shows above "loading" until it arrives.
 */
const onDemand = (load: () => Promise<ComponentType>): Pick<RouteObject, 'HydrateFallback' | 'lazy'> => ({
  HydrateFallback: Loading,
  // With the reader's lazy namespaces (fetched in parallel, once), so the page never shows a key.
  lazy: { Component: () => Promise.all([load(), loadLazyMessages(currentLang() ?? initialLang())]).then(([component]) => component) },
});

/**
 * The site map. People and tests bookmark these URLs, so a path here is never renamed or dropped
 * without a redirect. The server answers index.html for every path outside /api, and the last
 * route shows "not found" for anything else.
 */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <SiteLayout />,
    // Only when the layout itself fails; a failing page keeps the header and footer (below).
    errorElement: <RouteErrorPage />,
    children: [
      {
        errorElement: <RouteErrorPage />,
        children: [
          // Public: the home page, the catalogue (its filters and page live in the query string; it was
          // at / until the home page came — HomePage sends old /?q=… links there), works, checking receipts.
          { index: true, element: <HomePage /> },
          { path: 'works', element: <CataloguePage /> },
          // The work page carries the viewer, the annotation layer and the staff panels: loaded when visited.
          { path: 'works/:id', ...onDemand(() => import('./pages/WorkPage').then((m) => m.WorkPage)) },
          // Checking receipts and signing in are rarely the first page: loaded when visited, so the
          // home page and the catalogue do not carry their code (and the QR encoder) to every visitor.
          { path: 'verify', ...onDemand(() => import('./pages/VerifyPage').then((m) => m.VerifyPage)) },
          // What a licence certificate's QR code opens: public, so anyone shown the certificate can check it.
          { path: 'verify/grant/:id', ...onDemand(() => import('./pages/GrantStatusPage').then((m) => m.GrantStatusPage)) },
          { path: 'registry/certificates/:id', ...onDemand(() => import('./pages/CertificatePage').then((m) => m.CertificatePage)) },
          { path: 'login', ...onDemand(() => import('./pages/LoginPage').then((m) => m.LoginPage)) },
          // Online exhibitions: loaded when visited (the reader brings the Markdown renderer and the deep-zoom pane).
          { path: 'exhibitions', ...onDemand(() => import('./pages/exhibitions/ExhibitionListPage').then((m) => m.ExhibitionListPage)) },
          { path: 'exhibitions/:slug', ...onDemand(() => import('./pages/exhibitions/ExhibitionPage').then((m) => m.ExhibitionPage)) },
          // Browsing by time and by place: loaded when visited (the map brings Leaflet and its outlines).
          { path: 'browse/time', ...onDemand(() => import('./pages/BrowseTimelinePage').then((m) => m.BrowseTimelinePage)) },
          { path: 'browse/map', ...onDemand(() => import('./pages/BrowseMapPage').then((m) => m.BrowseMapPage)) },
          // Recommendations (personal with consent, the same for everyone otherwise): loaded when visited.
          { path: 'privacy', ...onDemand(() => import('./pages/PrivacyNoticePage').then((m) => m.PrivacyNoticePage)) },
          { path: 'for-you', ...onDemand(() => import('./pages/ForYouPage').then((m) => m.ForYouPage)) },

          {
            element: <RequireRole roles={SIGNED_IN} />,
            children: [
              { path: 'account', ...onDemand(() => import('./pages/AccountPage').then((m) => m.AccountPage)) },
              // Licensing: ordering a licence, the orders (placed and, for right holders, to decide), licences held.
              { path: 'works/:id/license', ...onDemand(() => import('./pages/LicenseOrderPage').then((m) => m.LicenseOrderPage)) },
              { path: 'orders', ...onDemand(() => import('./pages/OrdersPage').then((m) => m.OrdersPage)) },
              { path: 'grants', ...onDemand(() => import('./pages/GrantsPage').then((m) => m.GrantsPage)) },
              { path: 'grants/:id', ...onDemand(() => import('./pages/GrantPage').then((m) => m.GrantPage)) },
              // Royalty statements: a party's linked account sees its own; staff see every party, the trial balance and settlements.
              { path: 'ledger', ...onDemand(() => import('./pages/LedgerPage').then((m) => m.LedgerPage)) },
              // Review: one's submissions (and appeals) and notifications.
              { path: 'submissions', ...onDemand(() => import('./pages/review/MySubmissionsPage').then((m) => m.MySubmissionsPage)) },
              { path: 'notifications', ...onDemand(() => import('./pages/review/NotificationsPage').then((m) => m.NotificationsPage)) },
            ],
          },
          {
            // The review queue, its workload figures and (admins) its settings.
            element: <RequireRole roles={REVIEWERS} />,
            children: [
              { path: 'review', ...onDemand(() => import('./pages/review/ReviewQueuePage').then((m) => m.ReviewQueuePage)) },
              { path: 'review/items/:id', ...onDemand(() => import('./pages/review/ReviewItemPage').then((m) => m.ReviewItemPage)) },
              { path: 'review/workload', ...onDemand(() => import('./pages/review/ReviewWorkloadPage').then((m) => m.ReviewWorkloadPage)) },
            ],
          },
          {
            element: <RequireRole roles={CONTRIBUTORS} />,
            children: [
              { path: 'upload', ...onDemand(() => import('./pages/UploadPage').then((m) => m.UploadPage)) },
              { path: 'scan', ...onDemand(() => import('./pages/ScanPage').then((m) => m.ScanPage)) },
              // A work's licensing terms (public licence, offers, heritage elements, royalty split), for those who manage it.
              { path: 'works/:id/terms', ...onDemand(() => import('./pages/TermsEditorPage').then((m) => m.TermsEditorPage)) },
              {
                path: 'evidence',
                children: [
                  { index: true, ...onDemand(() => import('./pages/EvidenceListPage').then((m) => m.EvidenceListPage)) },
                  { path: ':id', ...onDemand(() => import('./pages/EvidencePage').then((m) => m.EvidencePage)) },
                ],
              },
            ],
          },
          {
            // First-run setup (admins are taken here until it is done), then the institution's settings.
            element: <RequireRole roles={ADMINS} />,
            children: [
              { path: 'setup', ...onDemand(() => import('./pages/SetupPage').then((m) => m.SetupPage)) },
              { path: 'admin/audit', ...onDemand(() => import('./pages/AuditPage').then((m) => m.AuditPage)) },
              { path: 'review/settings', ...onDemand(() => import('./pages/review/ReviewSettingsPage').then((m) => m.ReviewSettingsPage)) },
              { path: 'admin/privacy', ...onDemand(() => import('./pages/PrivacyAdminPage').then((m) => m.PrivacyAdminPage)) },
            ],
          },
          {
            element: <RequireRole roles={STAFF} />,
            children: [
              { path: 'collections', ...onDemand(() => import('./pages/CollectionsPage').then((m) => m.CollectionsPage)) },
              { path: 'home/edit', ...onDemand(() => import('./pages/HomeEditorPage').then((m) => m.HomeEditorPage)) },
              { path: 'exhibitions/new', ...onDemand(() => import('./pages/exhibitions/ExhibitionEditPage').then((m) => m.ExhibitionEditPage)) },
              { path: 'exhibitions/:slug/edit', ...onDemand(() => import('./pages/exhibitions/ExhibitionEditPage').then((m) => m.ExhibitionEditPage)) },
              { path: 'admin', ...onDemand(() => import('./pages/AdminPage').then((m) => m.AdminPage)) },
              { path: 'recommendations/curate', ...onDemand(() => import('./pages/RecommendCuratePage').then((m) => m.RecommendCuratePage)) },
              { path: 'collections/:id/terms', ...onDemand(() => import('./pages/TermsEditorPage').then((m) => m.TermsEditorPage)) },
              { path: 'heritage', ...onDemand(() => import('./pages/HeritagePage').then((m) => m.HeritagePage)) },
              // Cross-border transfers: rules and labels, the export form, risk assessments, the decision log.
              { path: 'admin/transfers', ...onDemand(() => import('./pages/TransfersPage').then((m) => m.TransfersPage)) },
              { path: 'admin/transfers/export', ...onDemand(() => import('./pages/TransferExportPage').then((m) => m.TransferExportPage)) },
              { path: 'admin/transfers/assessments', ...onDemand(() => import('./pages/TransferAssessmentsPage').then((m) => m.TransferAssessmentsPage)) },
              { path: 'admin/transfers/log', ...onDemand(() => import('./pages/TransferLogPage').then((m) => m.TransferLogPage)) },
            ],
          },

          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
