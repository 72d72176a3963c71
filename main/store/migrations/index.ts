// Numbered migrations, applied in order. An applied migration must never be edited: its
// checksum is stored and checked at every start (add a new migration instead).
import { sql as m001 } from './001-initial';
import { sql as m002 } from './002-service-map';
import { sql as m003 } from './003-log-rollups';
import { sql as m004 } from './004-rollups-by-minute';
import { sql as m005 } from './005-span-names-in-service-index';
import { sql as m006 } from './006-instances-and-deploys';
import { sql as m007 } from './007-metric-exemplars';
import { sql as m008 } from './008-source-activity';
import { sql as m010 } from './010-log-marks-index';
import { sql as m012 } from './012-alerts';
import { sql as m013 } from './013-span-links';
import { sql as m014 } from './014-spans-by-trace-ref';
import { sql as m015 } from './015-attribute-search-index';
import { sql as m016 } from './016-traces-by-arrival';
import { sql as m017 } from './017-attribute-parts-by-level';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'initial', sql: m001 },
  { version: 2, name: 'service-map', sql: m002 },
  { version: 3, name: 'log-rollups', sql: m003 },
  { version: 4, name: 'rollups-by-minute', sql: m004 },
  { version: 5, name: 'span-names-in-service-index', sql: m005 },
  { version: 6, name: 'instances-and-deploys', sql: m006 },
  { version: 7, name: 'metric-exemplars', sql: m007 },
  { version: 8, name: 'source-activity', sql: m008 },
  { version: 10, name: 'log-marks-index', sql: m010 },
  { version: 12, name: 'alerts', sql: m012 },
  { version: 13, name: 'span-links', sql: m013 },
  { version: 14, name: 'spans-by-trace-ref', sql: m014 },
  { version: 15, name: 'attribute-search-index', sql: m015 },
  { version: 16, name: 'traces-by-arrival', sql: m016 },
  { version: 17, name: 'attribute-parts-by-level', sql: m017 },
];
