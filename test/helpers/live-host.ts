// The live routes of test/servers/live-server.mjs: a host whose files a test can change, hide or take offline.

/** One request the live host answered (`status` is 'offline' for a connection it destroyed). */
export interface LiveRequest { path: string; status: number | string; conditional: boolean }

/** The folder URL of a fixture variant served under the live route `id`. */
export const liveFolder = (id: string, variant: string) => new URL(`/__live/${id}/test/fixtures/models/${variant}/`, location.href).href;

/** Sets the live host's modes for `id` (all off unless given). */
export async function setLiveMode(id: string, mode: { spa?: boolean; offline?: boolean; hide?: string[] }): Promise<void> {
  const query = new URLSearchParams({ id, spa: mode.spa ? '1' : '0', offline: mode.offline ? '1' : '0', hide: (mode.hide ?? []).join(',') });
  await fetch(`/__live-control?${query}`, { method: 'POST' });
}

/** Replaces `file` of `variant` under `id` with `bytes` (a new ETag and Last-Modified). */
export async function replaceLiveFile(id: string, variant: string, file: string, bytes: Uint8Array | Blob): Promise<void> {
  await fetch(`${liveFolder(id, variant)}${file}`, { method: 'PUT', body: bytes });
}

/** What the live host answered for `id`, in order. */
export async function liveLog(id: string): Promise<LiveRequest[]> {
  return ((await (await fetch(`/__live-log?id=${id}`)).json()) as { requests: LiveRequest[] }).requests;
}

/** Paths of `files` of `variant`, as the live log names them. */
export const inVariant = (variant: string, files: string[]) => files.map((file) => `test/fixtures/models/${variant}/${file}`);
