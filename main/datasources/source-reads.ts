// The reads every data source answers, the local store and each plugin's source alike: the
// routed read endpoints of the API, with the API's own inputs and answers, so a screen is the
// same whatever source its picker names. The registry resolves a name to its reads
// (`SourceRegistry.reads`): `local` to the store's own handlers, any other to plugin-reads.ts.
import type { OutputOf, ParsedInputOf } from '../../common/api/contract';

export type SourceRead = 'services' | 'serviceMap' | 'goldenSignals' | 'edgeSignals' | 'slos' | 'metrics' | 'metricAttributes' | 'metricPoints';

/** `context` is what the serving side passes along (the HTTP request's, for the local store). */
export type SourceReads<Context = unknown> = {
  [K in SourceRead]: (input: ParsedInputOf<K>, context: Context) => OutputOf<K> | Promise<OutputOf<K>>;
};
