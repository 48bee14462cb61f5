// src/core/time-limit.ts: the one end of an exchange or a fetch, its time limit or the caller's abort.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { limitTime } from '../../../src/core/time-limit.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('limitTime', () => {
  it('stops once when the time is up, and says so', () => {
    vi.useFakeTimers();
    const stop = vi.fn();
    const limit = limitTime(100, undefined, stop);
    vi.advanceTimersByTime(99);
    expect(stop).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(limit.timedOut).toBe(true);
  });

  it('stops when the caller aborts, which is not a timeout', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const stop = vi.fn();
    const limit = limitTime(100, caller.signal, stop);
    caller.abort();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(limit.timedOut).toBe(false);
  });

  it('after dispose neither the timer nor the caller stops anything', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const stop = vi.fn();
    limitTime(100, caller.signal, stop).dispose();
    caller.abort();
    vi.advanceTimersByTime(200);
    expect(stop).not.toHaveBeenCalled();
  });
});
