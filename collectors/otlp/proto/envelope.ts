// The envelope every OTLP export request shares (resource, scope, items), with the resource
// and scope messages.
import type { AttrValue, ResourceGroup, ScopeRecord } from '../../../common/model';
import { makeResource } from '../normalize';
import { DecodeError } from '../proto-reader';
import type { Ctx } from './context';
import { keyValue } from './attributes';

export function resource(c: Ctx, end: number, schemaUrl: string): ReturnType<typeof makeResource> {
  const r = c.r;
  const attrs: Array<[string, AttrValue]> = [];
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) attrs.push(keyValue(r, r.lenEnd(end)));
    else if (tag === ((2 << 3) | 0)) dropped = r.uint32();
    else r.skip(tag, end);
  }
  return makeResource(attrs, dropped, schemaUrl, c.nested);
}

export function scope(c: Ctx, end: number): ScopeRecord {
  const r = c.r;
  const s: ScopeRecord = { name: '', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' };
  c.nested.reset();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        s.name = r.string(end);
        break;
      case (2 << 3) | 2:
        s.version = r.string(end);
        break;
      case (3 << 3) | 2: {
        const [k, v] = keyValue(r, r.lenEnd(end));
        c.nested.add(k, v);
        break;
      }
      case (4 << 3) | 0:
        s.droppedAttributesCount = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  s.droppedAttributesCount += c.nested.dropped;
  s.attributes = c.nested.take();
  return s;
}

/**
 * The envelope every OTLP export request shares:
 *   Request { repeated ResourceX resource_x = 1 }
 *   ResourceX { Resource resource = 1; repeated ScopeX scope_x = 2; string schema_url = 3 }
 *   ScopeX { InstrumentationScope scope = 1; repeated Item items = 2; string schema_url = 3 }
 */
export function envelope<T>(c: Ctx, item: (c: Ctx, end: number) => T | null): ResourceGroup<T>[] {
  const r = c.r;
  const out: ResourceGroup<T>[] = [];
  const total = r.buf.length;
  while (r.pos < total) {
    const tag = r.uint32();
    if (tag !== ((1 << 3) | 2)) {
      r.skip(tag, total);
      continue;
    }
    c.ri++;
    c.si = -1;
    c.ii = -1;
    const rEnd = r.lenEnd(total);
    let resStart = -1;
    let resEnd = -1;
    let schemaUrl = '';
    const group: ResourceGroup<T> = { resource: null as never, scopes: [] };
    while (r.pos < rEnd) {
      const t = r.uint32();
      if (t === ((1 << 3) | 2)) {
        resEnd = r.lenEnd(rEnd);
        resStart = r.pos;
        r.pos = resEnd;
      } else if (t === ((2 << 3) | 2)) {
        c.si++;
        c.ii = -1;
        const sEnd = r.lenEnd(rEnd);
        let sc: ScopeRecord | null = null;
        let scopeSchema = '';
        const items: T[] = [];
        while (r.pos < sEnd) {
          const st = r.uint32();
          if (st === ((2 << 3) | 2)) {
            c.ii++;
            const iEnd = r.lenEnd(sEnd);
            c.itemError = '';
            const it = item(c, iEnd);
            r.pos = iEnd;
            if (it !== null) items.push(it);
          } else if (st === ((1 << 3) | 2)) sc = scope(c, r.lenEnd(sEnd));
          else if (st === ((3 << 3) | 2)) scopeSchema = r.string(sEnd);
          else r.skip(st, sEnd);
        }
        c.ii = -1;
        const scopeRec = sc ?? { name: '', version: '', attributes: '{}', droppedAttributesCount: 0, schemaUrl: '' };
        scopeRec.schemaUrl = scopeSchema;
        if (items.length > 0) group.scopes.push({ scope: scopeRec, items });
      } else if (t === ((3 << 3) | 2)) schemaUrl = r.string(rEnd);
      else r.skip(t, rEnd);
    }
    const after = r.pos;
    if (resStart >= 0) {
      r.pos = resStart;
      try {
        group.resource = resource(c, resEnd, schemaUrl);
      } catch (e) {
        if (e instanceof DecodeError) throw new DecodeError(e.reason, `${c.names[0]}[${c.ri}].resource`);
        throw e;
      }
      r.pos = after;
    } else group.resource = makeResource([], 0, schemaUrl, c.nested);
    if (group.scopes.length > 0) out.push(group);
  }
  return out;
}
