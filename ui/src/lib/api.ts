// fetch() for the JSON API: same-origin cookies, JSON bodies, and the catalogue's errors as
// ApiError (code + HTTP status). A 401 tells the app to show the login page.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from a Retry-After header (login lockout), if any. */
    readonly retryAfter: number | null = null,
    /** The whole error body (a refused config edit carries its `issues`). */
    readonly body: unknown = undefined,
    /** The error's details (an import's bad rows), if any. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the API answers 401 (the session expired or never existed). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/x?a=1` with empty values left out. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function api<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (options.body !== undefined) {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(apiUrl(path, options.query), init);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: string[] } } | undefined)?.error;
    if (response.status === 401 && path !== '/api/login') unauthorizedListeners.forEach((l) => l());
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_' + response.status,
      error?.message ?? response.statusText,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      body,
      Array.isArray(error?.details) ? error.details.map(String) : [],
    );
  }
  return body as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, query ? { query } : {});
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body === undefined ? {} : { body });
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, { body });
export const remove = (path: string) => api<void>('DELETE', path);

/** Path segment for a device ID (IDs are untrusted text: spaces, slashes, anything printable). */
export const deviceIdPath = (id: string) => encodeURIComponent(id);
