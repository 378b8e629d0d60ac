/** Raised when a call to the Kubernetes API took longer than its bound. */
export class KubeTimeoutError extends Error {
  override name = 'KubeTimeoutError';
}

/** Bounds a promise in time; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KubeTimeoutError(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Told of every Kubernetes API call: its kind (tokenreview, subjectaccessreview, list, watch) and outcome. */
export type KubeCallObserver = (kind: string, result: 'ok' | 'error') => void;

/** Reports a call's outcome to the observer and passes the promise through. */
export async function observed<T>(kind: string, call: Promise<T>, onCall: KubeCallObserver | undefined): Promise<T> {
  try {
    const value = await call;
    onCall?.(kind, 'ok');
    return value;
  } catch (err) {
    onCall?.(kind, 'error');
    throw err;
  }
}
