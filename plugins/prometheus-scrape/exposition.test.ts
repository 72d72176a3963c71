import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition';
import { familiesToMetrics, StartTimes } from './to-otlp';

const PAGE = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
# TYPE temperature gauge
temperature{room="a"} NaN
temperature{room="b"} -Inf
`;

describe('the exposition format', () => {
  it('reads the reference example: types, help, escapes, timestamps, NaN and Inf', () => {
    const { families, errors, badLines } = parseExposition(PAGE);
    expect(errors).toEqual([]);
    expect(badLines).toBe(0);
    const byName = Object.fromEntries(families.map((f) => [f.name, f]));
    expect(byName.http_requests_total).toMatchObject({ type: 'counter', help: 'The total number of HTTP requests.' });
    expect(byName.http_requests_total.samples[1]).toMatchObject({ labels: { method: 'post', code: '400' }, value: 3, timestamp: 1395066363000 });
    expect(byName.msdos_file_access_time_seconds.samples[0].labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(byName.metric_without_timestamp_and_labels).toMatchObject({ type: 'untyped', samples: [{ value: 12.47, timestamp: null }] });
    expect(byName.something_weird.samples[0]).toMatchObject({ value: Infinity, timestamp: -3982045 });
    expect(byName.http_request_duration_seconds.samples).toHaveLength(8);
    expect(byName.rpc_duration_seconds).toMatchObject({ type: 'summary' });
    expect(byName.rpc_duration_seconds.samples).toHaveLength(5);
    expect(Number.isNaN(byName.temperature.samples[0].value)).toBe(true);
    expect(byName.temperature.samples[1].value).toBe(-Infinity);
  });

  it('reads OpenMetrics: counters named without _total, _created, units, exemplars, seconds timestamps, EOF', () => {
    const text = `# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
# TYPE foo counter
foo_total 17.0 1520879607.789 # {trace_id="0123456789abcdef0123456789abcdef"} 1 1520879607.5
foo_created 1520430000.123
# TYPE lat histogram
lat_bucket{le="0.5"} 1 # {trace_id="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",span_id="bbbbbbbbbbbbbbbb"} 0.3
lat_bucket{le="+Inf"} 3
lat_count 3
lat_sum 2.5
# EOF
after_eof 1
`;
    const { families, errors } = parseExposition(text, { openMetrics: true });
    expect(errors).toEqual([]);
    expect(families.map((f) => f.name)).toEqual(['acme_http_router_request_seconds', 'foo', 'lat']);
    expect(families[0]).toMatchObject({ unit: 'seconds', help: "Latency though all of ACME's HTTP request router." });
    expect(families[1].samples[0]).toMatchObject({ name: 'foo_total', value: 17, timestamp: 1520879607789, exemplar: { value: 1, timestamp: 1520879607500 } });

    const { metrics, errors: convErrors } = familiesToMetrics(families, 1_700_000_000_000, new StartTimes());
    expect(convErrors).toEqual([]);
    const foo = metrics.find((m) => m.name === 'foo_total') as any;
    expect(foo.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    expect(foo.sum.dataPoints[0]).toMatchObject({ asDouble: 17, startTimeUnixNano: '1520430000123000000', timeUnixNano: '1520879607789000000' });
    expect(foo.sum.dataPoints[0].exemplars[0]).toMatchObject({ traceId: '0123456789abcdef0123456789abcdef', asDouble: 1 });
    const lat = metrics.find((m) => m.name === 'lat') as any;
    expect(lat.histogram.dataPoints[0]).toMatchObject({ count: '3', sum: 2.5, bucketCounts: ['1', '2'], explicitBounds: [0.5] });
    expect(lat.histogram.dataPoints[0].exemplars[0]).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    const summary = metrics.find((m) => m.name === 'acme_http_router_request_seconds') as any;
    expect(summary).toMatchObject({ unit: 'seconds' });
    expect(summary.summary.dataPoints[0]).toMatchObject({ count: '807283', sum: 9036.32, startTimeUnixNano: '1605281325000000000' });
  });

  it('skips each bad line with its line number and what was wrong, and keeps the rest', () => {
    const text = [
      '# TYPE ok gauge',
      'ok 1',
      'ok{a="1" 2', // unclosed labels
      'ok{a=1} 3', // unquoted value
      'ok{a="\\x"} 4', // unknown escape
      'ok{b="1"} twelve', // not a number
      'ok{c="1"}', // no value
      '9starts_with_digit 1',
      'ok{d="1"} 5 6 7', // too many fields
      '# TYPE ok2 bogus',
      'ok{a="1",a="2"} 8', // duplicate label
      'ok{e="1"} 0x1F', // hex is not allowed
      'ok{f="yes"} 9',
    ].join('\n');
    const { families, errors, badLines, sampleLines } = parseExposition(text);
    expect(badLines).toBe(10);
    expect(sampleLines).toBe(11);
    expect(errors[0]).toMatch(/^line 3: /);
    expect(errors.join('\n')).toMatch(/line 4: the value of label a must be in double quotes/);
    expect(errors.join('\n')).toMatch(/line 5: .*unknown escape/);
    expect(errors.join('\n')).toMatch(/line 6: ok: "twelve" is not a number/);
    expect(errors.join('\n')).toMatch(/line 7: ok has no value|line 7: expected a space/);
    expect(errors.join('\n')).toMatch(/line 10: TYPE "bogus"/);
    expect(errors.join('\n')).toMatch(/line 11: label a appears twice/);
    expect(families[0].samples.map((s) => s.value)).toEqual([1, 9]);
  });

  it('turns counters into cumulative sums whose start moves when the counter resets', () => {
    const starts = new StartTimes();
    const page = (v: number) => parseExposition(`# TYPE c_total counter\nc_total{x="1"} ${v}\n`).families;
    const start = (at: number, v: number) => ((familiesToMetrics(page(v), at, starts).metrics[0] as any).sum.dataPoints[0].startTimeUnixNano as string);
    expect(start(1000, 5)).toBe('1000000000');
    expect(start(2000, 9)).toBe('1000000000');
    expect(start(3000, 2)).toBe('3000000000'); // reset: the process restarted
    expect(start(4000, 4)).toBe('3000000000');
  });

  it('refuses a histogram whose buckets go down, and writes NaN as protobuf JSON does', () => {
    const text = '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="2"} 3\nh_bucket{le="+Inf"} 5\nh_count 5\n# TYPE g gauge\ng NaN\n';
    const { metrics, errors } = familiesToMetrics(parseExposition(text).families, 0, new StartTimes());
    expect(errors).toEqual(['h{}: bucket counts go down as "le" grows']);
    expect((metrics[0] as any).gauge.dataPoints[0].asDouble).toBe('NaN');
  });
});
