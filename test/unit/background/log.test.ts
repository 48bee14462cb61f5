// The logger: handled errors are kept (never swallowed), scrubbed of addresses and domains,
// repeated ones counted, the newest kept; the background's log survives a worker restart.
import { describe, expect, it } from 'vitest';
import { LOG_KEY, persistLog } from '../../../src/background/log-store.ts';
import { memoryArea } from '../../../src/background/storage-area.ts';
import { createLog, describeError, scrub } from '../../../src/shared/log.ts';

describe('scrub', () => {
  it('removes addresses, URLs and domain names, keeps API names and plain words', () => {
    expect(scrub('fetch https://mta-sts.example.com/.well-known/mta-sts.txt failed for ann@example.com at mx.example.org'))
      .toBe('fetch <url> failed for <address> at <domain>');
    expect(scrub('Session storage quota bytes exceeded in storage.session, e.g. after 34 writes'))
      .toBe('Session storage quota bytes exceeded in storage.session, e.g. after 34 writes');
    expect(scrub('user@[192.0.2.1] and xn--bcher-kva.test')).toBe('<address> and <domain>');
  });

  it('describes an error in one capped line', () => {
    expect(describeError(new TypeError('bad\nsecond line'))).toBe('TypeError: bad');
    expect(describeError('x'.repeat(500)).length).toBe(200);
    expect(describeError({ code: 42 })).toBe('{"code":42}');
  });
});

describe('createLog', () => {
  it('keeps the newest entries, counts repeats, and scrubs the cause', () => {
    let now = 1_000;
    const log = createLog({ capacity: 3, now: () => now });
    log.error('a.failed', 'A failed.', new Error('for bob@example.com'));
    now = 2_000;
    log.error('a.failed', 'A failed.', new Error('for bob@example.com'));
    expect(log.entries()).toEqual([{ at: 1_000, last: 2_000, level: 'error', code: 'a.failed', message: 'A failed. (Error: for <address>)', count: 2 }]);
    for (const c of ['b', 'c', 'd']) log.warning(`${c}.x`, c);
    expect(log.entries().map((e) => e.code)).toEqual(['b.x', 'c.x', 'd.x']);
  });

  it('restores stored entries before the new ones, scrubbing them again, and ignores junk', () => {
    const log = createLog({ now: () => 5 });
    log.warning('new.one', 'New.');
    log.restore([{ at: 1, last: 1, level: 'error', code: 'old.one', message: 'about ann@example.com', count: 1 }, 'junk', { at: 'x' }]);
    expect(log.entries().map((e) => [e.code, e.message])).toEqual([['old.one', 'about <address>'], ['new.one', 'New.']]);
    log.restore('not a list');
    expect(log.entries()).toHaveLength(2);
  });
});

describe('persistLog', () => {
  it('keeps the log in storage.session so a restarted worker still has it', async () => {
    const area = memoryArea();
    const first = createLog();
    await persistLog(first, area);
    first.error('storage.session-write-failed', 'Saving failed.');
    await Promise.resolve();
    expect((area.data.get(LOG_KEY) as unknown[]).length).toBe(1);

    const second = createLog();
    await persistLog(second, area);
    expect(second.entries().map((e) => e.code)).toEqual(['storage.session-write-failed']);
  });
});
