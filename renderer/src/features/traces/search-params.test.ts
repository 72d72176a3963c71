import { describe, expect, it } from 'vitest';
import { filterFromParams, searchInput, writeFilter } from './search-params';

describe('the trace search in the URL', () => {
  it('carries a peer (from the map) through the address and into the search', () => {
    const filter = filterFromParams(new URLSearchParams('from=now-1h&to=now&service=checkout&peer=payment&status=error'));
    expect(filter.peer).toBe('payment');
    expect(searchInput(filter)).toMatchObject({ service: 'checkout', peer: 'payment', status: 'error' });
    expect(writeFilter(new URLSearchParams('from=now-1h&to=now'), filter).toString()).toBe('from=now-1h&to=now&service=checkout&peer=payment&status=error');
  });

  it('drops a peer without a service: it names whose calls to look for', () => {
    const filter = filterFromParams(new URLSearchParams('peer=db%3Apostgresql%2Fshopdb'));
    expect(searchInput(filter).peer).toBeUndefined();
    expect(writeFilter(new URLSearchParams(), filter).has('peer')).toBe(false);
  });
});
