// `loupe canary`: asks a running Loupe for a canary judgement and prints it, for pipelines:
// exit 0 on Pass, 1 on Marginal or Fail (a gate should not let a doubtful canary through
// silently; use --json and read "classification" to treat Marginal differently), 2 on bad
// usage or when no judgement could be made (unknown service or version, bad canary.yaml).
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_INFO_FILE, defaultDataDir } from '../config/paths';
import { toQueryString } from '../../common/api/contract';
import type { CanaryResult } from '../../common/api/releases-schemas';

export const CANARY_HELP = `  loupe canary --service S --baseline V1 --canary V2 [--from T] [--to T] [--by version|instance] [--json]
               [--url URL --token T | --data-dir DIR]
                                   judge a canary against a running Loupe; exits 1 unless the verdict is Pass`;

export async function canaryCommand(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      service: { type: 'string' },
      baseline: { type: 'string' },
      canary: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      token: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const missing = (['service', 'baseline', 'canary'] as const).filter((k) => !values[k]);
  if (missing.length) {
    console.error(`loupe canary: missing ${missing.map((m) => `--${m}`).join(', ')}\n${CANARY_HELP}`);
    return 2;
  }
  let url = values.url;
  let token = values.token;
  if (!url || !token) {
    const file = join(values['data-dir'] ?? defaultDataDir(), SERVER_INFO_FILE);
    try {
      const info = JSON.parse(readFileSync(file, 'utf8')) as { url: string; token: string };
      url ??= new URL(info.url).origin;
      token ??= info.token;
    } catch {
      console.error(`loupe canary: no running Loupe found (${file} is missing); start \`loupe serve\` or pass --url and --token`);
      return 2;
    }
  }
  const query = toQueryString({ service: values.service, baseline: values.baseline, canary: values.canary, from: values.from, to: values.to, by: values.by });
  let res: Response;
  try {
    res = await fetch(`${url}/api/canary${query}`, { headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    console.error(`loupe canary: cannot reach ${url}: ${(e as Error).message}`);
    return 2;
  }
  const body = (await res.json()) as CanaryResult | { error: { code: string; message: string } };
  if ('error' in body) {
    console.error(`loupe canary: ${body.error.message}`);
    return 2;
  }
  if (values.json) out(JSON.stringify(body, null, 2));
  else for (const line of formatCanary(body)) out(line);
  return body.classification === 'Pass' ? 0 : 1;
}

export function formatCanary(r: CanaryResult): string[] {
  const lines = [
    `${r.service}: canary ${r.canary} against baseline ${r.baseline} (${new Date(r.from).toISOString()} – ${new Date(r.to).toISOString()})`,
    `${r.classification.toUpperCase()}  score ${r.score} (pass ≥ ${r.config.thresholds.pass}, marginal ≥ ${r.config.thresholds.marginal}; config: ${r.config.source})`,
    `  ${r.reason}`,
    '',
  ];
  const w = Math.max(6, ...r.metrics.map((m) => m.name.length));
  for (const m of r.metrics)
    lines.push(
      `  ${m.classification.padEnd(16)} ${m.name.padEnd(w)}  baseline ${num(m.baseline.stats.median)} (n=${m.baseline.stats.count})  canary ${num(m.canary.stats.median)} (n=${m.canary.stats.count})${m.critical ? '  CRITICAL' : ''}`,
    );
  lines.push('', `  groups: ${r.groups.map((g) => `${g.name} ${Math.round(g.score * 100) / 100}`).join(', ')}`);
  return lines;
}

function num(v: number | null): string {
  return v === null ? '–' : String(Number(v.toPrecision(4)));
}
