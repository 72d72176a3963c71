// `loupe export --trace <id>`: one trace as an OTLP JSON export request.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { traceToOtlpJson } from '../../common/otlp-export';
import { defaultDataDir } from '../config/paths';
import { ReadStore } from '../query/read-store';
import { getTrace } from '../query/traces';
import { migrate, openDatabase } from '../store/database';

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { trace: { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string', short: 'o' } },
  });
  if (!values.trace) {
    console.error('loupe export: --trace <trace id> is required');
    return 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Bring an older store up to date first, exactly as `loupe serve` would.
  const db = openDatabase(dataDir);
  migrate(db);
  db.close();
  const store = new ReadStore(dataDir);
  try {
    const json = JSON.stringify(traceToOtlpJson(getTrace(store, values.trace)), null, 2) + '\n';
    if (values.out) {
      writeFileSync(values.out, json);
      console.error(`wrote ${values.out}`);
    } else process.stdout.write(json);
    return 0;
  } finally {
    store.close();
  }
}
