// Parameters of the search boxes' suggestions: attribute keys and values of spans and logs,
// and a service's operations.
import { z } from 'zod';
import { TimeRange } from './shared-schemas';

export const AttributeKeysQuery = TimeRange.extend({ service: z.string().optional(), signal: z.enum(['traces', 'logs']).optional() });
export const AttributeValuesQuery = AttributeKeysQuery.extend({ key: z.string(), q: z.string().optional() });
export const OperationsQuery = TimeRange.extend({ service: z.string().optional() });
