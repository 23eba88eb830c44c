/**
 * POSTs an alert as JSON to the examiner's webhook. With a shared secret, the body is signed:
 * `X-Sightline-Signature: sha256=<hex HMAC-SHA256 of the body>`, so the receiver can check that
 * the alert came from this watch and was not changed on the way.
 */
import { createHmac } from 'node:crypto';

export interface Delivery {
  ok: boolean;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  error?: string;
}

export const SIGNATURE_HEADER = 'X-Sightline-Signature';

/** The signature header's value for a body and secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function postAlert(
  url: string,
  body: string,
  opts: { secret?: string; id: string; timeoutMs?: number },
): Promise<Delivery> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'sightline-watch',
        'x-sightline-alert-id': opts.id,
        ...(opts.secret ? { [SIGNATURE_HEADER]: signBody(body, opts.secret) } : {}),
      },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok
      ? { ok: true, status: res.status }
      : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, status: 0, error: e.cause?.code ?? e.name ?? 'error' };
  }
}
