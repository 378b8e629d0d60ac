/** A value now (a cache hit) or later (a call): steps stay synchronous on the hot path and async only on a miss. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `then` to a value now, or when its promise settles; returns what `then` returns (or its promise). */
export function andThen<T, R>(value: MaybePromise<T>, then: (v: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}
