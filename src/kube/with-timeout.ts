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
