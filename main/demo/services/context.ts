// What every demo service is given, and what it gives back: its routes, plus optional
// background work (the shoppers, a consumer) that starts once the whole shop is listening.
import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { DependencyUnavailable, HttpError, type CallResult, type Reply, type Route, type ServiceClient } from '../http-service';
import type { ActiveFaults } from '../active-faults';
import type { ServiceTelemetry } from '../telemetry';
import type { DemoProcessSpec } from '../topology';

export interface ServiceContext {
  spec: DemoProcessSpec;
  telemetry: ServiceTelemetry;
  /** The faults switched on in the demo; each service acts on those aimed at it. */
  faults: ActiveFaults;
  /** A client for another service, balanced across its versions. Known once the shop starts. */
  peer(service: string): ServiceClient;
  /** Base URL of a service's (first) endpoint. Known once the shop starts. */
  endpoint(service: string): string;
  /** Shopper requests per second, for the service that runs the shoppers. */
  rps: number;
}

export interface ServiceRole {
  routes: Route[];
  /** Background work that needs the other services: called once every service listens. */
  start?(): void;
  /** Finishes background and in-flight work before the process exits. */
  stop?(): Promise<void>;
}

export type ServiceFactory = (ctx: ServiceContext) => ServiceRole;

/** Runs `work` inside an INTERNAL span, recording a thrown failure on it. */
export function internalSpan<T>(ctx: ServiceContext, name: string, work: (span: Span) => Promise<T>, attributes?: Attributes): Promise<T> {
  return ctx.telemetry.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      // A 4xx answer (bad input, a declined card) is an outcome, not this operation failing.
      if (!(err instanceof HttpError && err.status < 500)) {
        const error = err as Error;
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Passes a dependency's answer through unchanged. */
export function relay(result: CallResult): Reply {
  return { status: result.status, body: result.body };
}

/** Rethrows a dependency that did not answer as what the caller answers in turn: 504 on a
 * timeout, 502 otherwise. Meant for `.catch(dependencyFailure)`. */
export function dependencyFailure(err: unknown): never {
  if (err instanceof DependencyUnavailable) throw new HttpError(err.timedOut ? 504 : 502, err.message);
  throw err;
}

export function requireUser(headers: Record<string, string | string[] | undefined>): string {
  const user = headers['x-user-id'];
  if (typeof user !== 'string' || user === '') throw new HttpError(401, 'missing x-user-id');
  return user;
}
