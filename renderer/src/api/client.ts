// The typed API client, derived from the contract: each call's URL, method and types come from
// `api[name]` in common/api/contract.ts, so no endpoint is spelled out twice.
import { api, fillPath, toQueryString, type EndpointName, type InputOf, type OutputOf } from '../../../common/api/contract';

/** An error the API answered with (`{"error":{"code","message"}}`), or a transport failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

function urlOf<K extends EndpointName>(name: K, input: InputOf<K>): { url: string; body: Record<string, unknown> } {
  const e = api[name];
  const { path, rest } = fillPath(e.path, (input ?? {}) as Record<string, unknown>);
  if (e.method === 'GET' || e.raw) return { url: path + toQueryString(rest), body: {} };
  return { url: path, body: rest };
}

async function errorFrom(res: Response, name: string): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText || 'error'} from ${api[name as EndpointName]?.path ?? name}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.message) {
      code = body.error.code ?? code;
      message = body.error.message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message, name);
}

/** Calls one API method. GET inputs go in the query string, others in a JSON body. */
export async function call<K extends EndpointName>(name: K, input: InputOf<K>, signal?: AbortSignal): Promise<OutputOf<K>> {
  const e = api[name];
  const { url, body } = urlOf(name, input);
  let res: Response;
  try {
    res = await fetch(url, {
      method: e.method,
      credentials: 'same-origin',
      signal,
      headers: e.method === 'GET' ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: e.method === 'GET' ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'unreachable', 'Loupe is not reachable — is `loupe serve` still running?', name);
  }
  if (!res.ok) throw await errorFrom(res, name);
  return (await res.json()) as OutputOf<K>;
}

/** Sends a file as the raw body of an upload endpoint (XHR, for upload progress). */
export function upload<K extends EndpointName>(
  name: K,
  input: InputOf<K>,
  file: Blob,
  onProgress?: (fraction: number) => void,
): Promise<OutputOf<K>> {
  const e = api[name];
  const { url } = urlOf(name, input);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(e.method, url);
    xhr.withCredentials = false; // same-origin: the session cookie goes along
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress?.(ev.loaded / ev.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'unreachable', 'the upload failed: Loupe is not reachable', name));
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      if (xhr.status >= 200 && xhr.status < 300) res.json().then((v) => resolve(v as OutputOf<K>), reject);
      else errorFrom(res, name).then(reject, reject);
    };
    xhr.send(file);
  });
}

export type { EndpointName, InputOf, OutputOf };
