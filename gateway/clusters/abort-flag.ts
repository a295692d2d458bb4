/**
 * Aborting without an AbortController. An AbortController with its signal costs about 1 KiB of
 * heap (an EventTarget with its maps and listeners), and a gateway watching 1,000 clusters kept
 * several per cluster: one per watch cache loop and one per request in flight, watches included.
 * The cluster layer's own loops and requests use an AbortFlag instead; its calls accept either.
 */

/** The part of an AbortSignal that the cluster layer uses. An AbortSignal is one. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** An AbortController and its signal in one small object. */
export class AbortFlag implements AbortSignalLike {
  reason: unknown = undefined;
  private abortedValue = false;
  /** One listener as is (the usual case), several in an array. */
  private listeners: (() => void) | (() => void)[] | undefined;

  get aborted(): boolean {
    return this.abortedValue;
  }

  /**
   * Adds a listener called once, when the flag is aborted; as for a signal, not when it already
   * is, and a listener added twice is called once.
   */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.abortedValue) return;
    const ls = this.listeners;
    if (ls === undefined) this.listeners = listener;
    else if (typeof ls === 'function') {
      if (ls !== listener) this.listeners = [ls, listener];
    } else if (!ls.includes(listener)) ls.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const ls = this.listeners;
    if (ls === listener) this.listeners = undefined;
    else if (Array.isArray(ls)) {
      const i = ls.indexOf(listener);
      if (i >= 0) ls.splice(i, 1);
    }
  }

  /** Aborts (once), with an AbortError DOMException as the reason by default, as AbortController.abort() does. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.abortedValue) return;
    this.abortedValue = true;
    this.reason = reason;
    const ls = this.listeners;
    this.listeners = undefined;
    if (typeof ls === 'function') ls();
    else if (ls) for (const l of ls) l();
  }
}
