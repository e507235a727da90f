import { takeEarlyAnswer } from './early-main-image';
import type {
  ApiToken,
  CataloguePage,
  Collection,
  EvidenceSummary,
  EvidenceView,
  Exhibition,
  ExhibitionInput,
  ExhibitionSummary,
  ExhibitionUpdate,
  Home,
  HomeSettings,
  FixityReport,
  FixityRun,
  JobStatus,
  JobsPage,
  LangMap,
  MyRegistrations,
  RegistrantRole,
  RegistrationStatus,
  RegistryHealth,
  RegistrationSummary,
  Role,
  ScanResult,
  UploadItem,
  UploadUsage,
  User,
  Visibility,
  Vocabulary,
  Timeline,
  BrowsePlaces,
  WorkDetail,
  RelatedWorks,
  WorkEvent,
  WorkFingerprint,
  IssuedCopy,
  WorkMetadata,
  WorkVersion,
  InstanceIdentity,
  InstanceSettings,
  InstitutionName,
  SearchSuggestion,
} from './types';

/** The server's `{ error: { code, message } }`, with the HTTP status. */
export class ApiError extends Error {
  /** The message key and parameters the interface translates (server-errors.ts); absent for network failures. */
  readonly key: string | null;
  readonly params: Readonly<Record<string, string | number>> | null;
  readonly details: unknown;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    said: { key?: string | null; params?: Readonly<Record<string, string | number>> | null; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.key = said.key ?? null;
    this.params = said.params ?? null;
    this.details = said.details;
  }
}

/** The server rejects state-changing browser requests without this header (CSRF defence). */
export const CSRF_HEADERS = { 'x-wenyuan-csrf': '1' } as const;

/** Turns an error body (or its absence) into an ApiError. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; key?: unknown; params?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    const params = error.params && typeof error.params === 'object' ? (error.params as Record<string, string | number>) : null;
    return new ApiError(status, typeof error.code === 'string' ? error.code : 'error', error.message, {
      key: typeof error.key === 'string' ? error.key : null,
      params,
      details: error.details,
    });
  }
  return new ApiError(status, status === 0 ? 'network' : 'http_' + status, status === 0 ? 'network error' : `HTTP ${status}`);
}

/** A JSON request; a FormData body is sent as multipart (the browser sets its boundary). */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') Object.assign(headers, CSRF_HEADERS);
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  let status: number;
  let text: string;
  try {
    const early = method === 'GET' ? takeEarlyAnswer('/api' + path) : null;
    if (early) ({ status, text } = await early);
    else {
      const response = await fetch('/api' + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined ? { body: form ? body : JSON.stringify(body) } : {}),
      });
      status = response.status;
      text = await response.text();
    }
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (status < 200 || status > 299) throw errorFromBody(status, parsed);
  return parsed as T;
}

/** GET of a plain-text resource (the log key, a checkpoint). */
async function getText(path: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch('/api' + path, { headers: { accept: 'text/plain, application/json' }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  const text = await response.text();
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    throw errorFromBody(response.status, parsed);
  }
  return text;
}

/** The ApiError of a failed response whose body, if any, is the server's JSON error. */
async function failure(response: Response): Promise<ApiError> {
  let parsed: unknown = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  return errorFromBody(response.status, parsed);
}

/** GET of a file's raw bytes (a receipt to verify exactly as the server sent it). */
async function getBytes(path: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch('/api' + path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!response.ok) throw await failure(response);
  return new Uint8Array(await response.arrayBuffer());
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
const del = <T>(path: string) => request<T>('DELETE', path);
const enc = encodeURIComponent;

/** Files as the multipart `file` fields the upload routes read. */
function filesForm(files: File[]): FormData {
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  return form;
}

export interface WorkPatch {
  expectedVersion: number;
  metadata?: WorkMetadata;
  visibility?: Visibility;
  collectionId?: string | null;
  note?: string;
}

/** POST /api/collections; PATCH takes any subset. `parentId: null` is the top level, `description: null` clears it. */
export interface CollectionInput {
  name: LangMap;
  description?: LangMap | null;
  parentId?: string | null;
  visibility?: Visibility;
  /** Creators may file their own works into it (admins and curators always may). */
  openToContributions?: boolean;
}

/** Typed calls to every endpoint the web UI uses. */
export const api = {
  me: () => get<{ user: User | null }>('/auth/me'),
  login: (username: string, password: string) => post<{ user: User }>('/auth/login', { username, password }),
  logout: () => post<{ ok: true }>('/auth/logout'),
  changePassword: (current: string, next: string) => post<{ ok: true }>('/auth/password', { current, next }),
  tokens: () => get<{ items: ApiToken[] }>('/auth/tokens'),
  uploadUsage: () => get<UploadUsage>('/uploads/usage'),
  createToken: (name: string) => post<{ id: string; token: string }>('/auth/tokens', { name }),
  revokeToken: (id: string) => del<{ ok: true }>(`/auth/tokens/${enc(id)}`),

  users: () => get<{ items: User[] }>('/users'),
  createUser: (input: { username: string; password: string; role: Role; displayName?: string }) => post<User>('/users', input),
  updateUser: (id: string, changes: { role?: Role; disabled?: boolean; displayName?: string }) => patch<User>(`/users/${enc(id)}`, changes),

  /** `query` is the catalogue's URL query string, passed through as is. */
  catalogue: (query: string) => get<CataloguePage>('/works' + (query ? '?' + query : '')),
  /** Search-as-you-type: titles, creators and places starting with what was typed. */
  suggest: (q: string, limit = 8) => get<{ items: SearchSuggestion[] }>(`/search/suggest?q=${enc(q)}&limit=${limit}`),
  vocabulary: () => get<Vocabulary>('/vocabulary'),
  /** Counts for browsing by time and by place (each reader's own: private works only for those who may see them). */
  timeline: () => get<Timeline>('/browse/timeline'),
  places: () => get<BrowsePlaces>('/browse/places'),
  collections: () => get<{ items: Collection[] }>('/collections'),
  createCollection: (input: CollectionInput) => post<Collection>('/collections', input),
  updateCollection: (id: string, changes: Partial<CollectionInput>) => patch<Collection>(`/collections/${enc(id)}`, changes),

  /** The home page; another `seed` gives another discovery row. */
  home: (seed?: string) => get<Home>('/showcase/home' + (seed ? `?seed=${enc(seed)}` : '')),
  homeSettings: () => get<HomeSettings>('/showcase/home/settings'),
  saveHomeSettings: (settings: HomeSettings) => put<HomeSettings>('/showcase/home/settings', settings),

  work: (id: string) => get<WorkDetail>(`/works/${enc(id)}`),
  related: (id: string) => get<RelatedWorks>(`/works/${enc(id)}/related`),
  updateWork: (id: string, changes: WorkPatch) => patch<WorkDetail>(`/works/${enc(id)}`, changes),
  versions: (id: string) => get<{ items: WorkVersion[] }>(`/works/${enc(id)}/versions`),
  restore: (id: string, version: number, expectedVersion: number) => post<WorkDetail>(`/works/${enc(id)}/restore`, { version, expectedVersion }),
  events: (id: string) => get<{ items: WorkEvent[] }>(`/works/${enc(id)}/events`),

  /** Registers the work's file in the transparency log; waits a few seconds for the receipt. */
  register: (workId: string, role: RegistrantRole, again = false) => post<RegistrationStatus>(`/works/${enc(workId)}/registrations`, { role, wait: true, again }),
  myRegistrations: (workId: string) => get<MyRegistrations>(`/works/${enc(workId)}/registrations/mine`),
  registryHealth: () => get<RegistryHealth>('/registry/health'),
  registrations: (workId: string) => get<{ items: RegistrationSummary[] }>(`/works/${enc(workId)}/registrations`),
  registration: (id: string) => get<RegistrationStatus>(`/registry/registrations/${enc(id)}`),
  receiptBytes: (id: string) => getBytes(`/registry/registrations/${enc(id)}/receipt.json`),
  /** The log's verifier key (a C2SP vkey), to pin. */
  registryKey: async () => (await getText('/registry/key')).trim(),

  /** Checks suspect images against the archive (the server takes up to 50 per request). */
  scan: (files: File[]) => post<{ items: ScanResult[] }>('/scans', filesForm(files)),
  /** Scans one suspect image again and saves the result as a registered evidence report. */
  createEvidence: (file: File) => post<EvidenceView>('/evidence', filesForm([file])),
  evidenceList: () => get<{ items: EvidenceSummary[] }>('/evidence'),
  evidence: (id: string) => get<EvidenceView>(`/evidence/${enc(id)}`),
  fingerprint: (workId: string) => get<WorkFingerprint>(`/works/${enc(workId)}/fingerprint`),
  copies: (workId: string) => get<{ copies: IssuedCopy[] }>(`/works/${enc(workId)}/watermarked-copies`),

  jobs: (status: JobStatus | '', page: number) => get<JobsPage>(`/admin/jobs?page=${page}${status ? '&status=' + status : ''}`),
  retryJob: (id: number) => post<{ ok: true }>(`/admin/jobs/${id}/retry`),
  fixityRuns: () => get<{ items: FixityRun[] }>('/admin/fixity'),
  runFixity: () => post<{ queued: boolean }>('/admin/fixity'),
  fixityReport: (id: string) => get<FixityReport>(`/admin/fixity/${encodeURIComponent(id)}`),

  /** Who runs this archive (public); the settings and their changes are for admins. */
  instance: () => get<InstanceIdentity>('/instance'),
  instanceSettings: () => get<InstanceSettings>('/instance/settings'),
  updateInstance: (changes: { name?: InstitutionName; publicUrl?: string; registryOrigin?: string; theme?: Partial<InstanceIdentity['theme']> }) => put<InstanceSettings>('/instance', changes),
  uploadLogo: (file: File) => put<InstanceSettings>('/instance/logo', filesForm([file])),
  removeLogo: () => del<InstanceSettings>('/instance/logo'),

  /** Online exhibitions: published ones for everyone, drafts too for staff. */
  exhibitions: () => get<{ items: ExhibitionSummary[] }>('/exhibitions'),
  exhibition: (slug: string) => get<Exhibition>(`/exhibitions/${enc(slug)}`),
  createExhibition: (input: ExhibitionInput) => post<Exhibition>('/exhibitions', input),
  /** The whole exhibition again with the version it was read at (409 `showcase.exhibition_changed` when stale). */
  updateExhibition: (id: string, input: ExhibitionUpdate) => put<Exhibition>(`/exhibitions/${enc(id)}`, input),
  deleteExhibition: (id: string) => del<unknown>(`/exhibitions/${enc(id)}`),
};

/** Where a registration's receipt file is downloaded from. */
export const receiptUrl = (registrationId: string) => `/api/registry/registrations/${enc(registrationId)}/receipt.json`;
/** The printable certificate page of a registration. */
export const certificatePath = (registrationId: string) => `/registry/certificates/${enc(registrationId)}`;
/** The public verify page, loading a registration's receipt. */
export const verifyPath = (registrationId: string) => `/verify?registration=${enc(registrationId)}`;

/** The thumbnail of one file of a work. */
export const thumbnailUrl = (workId: string, sha256: string) => `/api/works/${enc(workId)}/files/${enc(sha256)}/thumbnail`;
/** The page of an evidence report. */
export const evidencePath = (id: string) => `/evidence/${enc(id)}`;
/** Downloads of an evidence report: its registered JSON bundle, its receipt and the suspect image. */
export const evidenceFileUrl = (id: string, file: 'bundle.json' | 'receipt.json' | 'suspect') => `/api/evidence/${enc(id)}/${file}`;

/** The file name a Content-Disposition header gives (RFC 6266: `filename*` first), else null. */
export function dispositionFileName(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // fall back to the plain name
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/i.exec(header)?.[1] ?? null;
}

/**
 * Asks for a JPEG of the work's image carrying an invisible watermark that names this copy and the
 * signed-in user as its recipient; resolves with its bytes, file name and serial.
 */
export function fetchWatermarkedCopy(workId: string, reference: string): Promise<MarkedCopy> {
  return fetchMarkedCopy(`/api/works/${enc(workId)}/watermarked-copies`, reference ? { reference } : {}, workId);
}

/** For those who manage the work: a marked copy naming a licensee (who needs no account here). */
export function fetchLicensedCopy(workId: string, licensee: string, reference: string): Promise<MarkedCopy> {
  return fetchMarkedCopy(`/api/works/${enc(workId)}/licensed-copies`, reference ? { licensee, reference } : { licensee }, workId);
}

export interface MarkedCopy { blob: Blob; fileName: string; serial: string | null }

async function fetchMarkedCopy(url: string, body: Record<string, string>, workId: string): Promise<MarkedCopy> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { ...CSRF_HEADERS, 'content-type': 'application/json', accept: 'image/jpeg, application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  return { blob, fileName: dispositionFileName(response.headers.get('content-disposition')) ?? `wenyuan-${workId}.jpg`, serial: response.headers.get('x-wenyuan-copy-serial') };
}

export interface UploadOptions {
  /** New works get these; files added to an existing work (`workId`) keep the work's own. */
  visibility: Visibility;
  collectionId: string;
  /** Attach the file to this work instead of making a new one. */
  workId?: string;
  onProgress: (loaded: number, total: number) => void;
}

/**
 * Uploads one file with XMLHttpRequest (fetch has no upload progress). Fields go before the file,
 * as the server reads the multipart stream in order. Resolves with the file's own result.
 */
export function uploadFile(file: File, options: UploadOptions): { promise: Promise<UploadItem>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadItem>((resolve, reject) => {
    const form = new FormData();
    if (!options.workId) {
      form.append('visibility', options.visibility);
      if (options.collectionId) form.append('collectionId', options.collectionId);
    }
    form.append('file', file, file.name);
    xhr.open('POST', options.workId ? `/api/works/${encodeURIComponent(options.workId)}/files` : '/api/uploads');
    xhr.withCredentials = true;
    xhr.setRequestHeader('x-wenyuan-csrf', '1');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      const item = (body as { items?: UploadItem[] } | null)?.items?.[0];
      if (xhr.status >= 200 && xhr.status < 300 && item) resolve(item);
      else reject(errorFromBody(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload cancelled'));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
