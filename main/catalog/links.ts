// The links an on-call engineer wants from an entity page: runbook, on-call, dashboards, docs and
// source. They come from metadata.links and from the well-known annotations of Backstage and
// its common plugins (source-location, techdocs-ref, github.com/project-slug,
// pagerduty.com/service-id, grafana/*), turned into URLs.
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CatalogEntity, CatalogLink, CatalogLinkCategory } from '../../common/api/catalog-schemas';

/** Loupe's own annotations: which telemetry service a component is, and where its runbook lives. */
export const SERVICE_NAME_ANNOTATION = 'loupe.dev/service-name';
export const RUNBOOK_ANNOTATION = 'loupe.dev/runbook';

export interface LinkOptions {
  /** Base URL of the team's Grafana; needed to turn grafana/dashboard-selector into a link. */
  grafanaUrl?: string;
  /** PagerDuty web app base URL (an account subdomain, for example). */
  pagerDutyUrl?: string;
}

const CATEGORY_ORDER: readonly CatalogLinkCategory[] = ['runbook', 'oncall', 'dashboard', 'docs', 'source', 'ci', 'chat', 'other'];

/** Guesses a metadata link's category from its type, title, icon and URL. */
function categorize(text: string): CatalogLinkCategory {
  const t = text.toLowerCase();
  if (/runbook|playbook/.test(t)) return 'runbook';
  if (/on-?call|pagerduty|opsgenie|incident/.test(t)) return 'oncall';
  if (/dashboard|grafana|kibana|datadog|monitor/.test(t)) return 'dashboard';
  if (/docs?\b|documentation|wiki|confluence|techdocs/.test(t)) return 'docs';
  if (/github|gitlab|bitbucket|source|repo/.test(t)) return 'source';
  if (/\bci\b|build|jenkins|circleci|pipeline|actions/.test(t)) return 'ci';
  if (/slack|chat|teams|discord|channel/.test(t)) return 'chat';
  return 'other';
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Backstage location reference (`url:https://…`, `dir:./docs`, `file:../x.yaml`) as a URL;
 * relative paths are relative to the descriptor file, as Backstage resolves them.
 */
function locationUrl(value: string, descriptorFile: string): string | null {
  const colon = value.indexOf(':');
  const type = colon > 0 ? value.slice(0, colon) : '';
  const target = colon > 0 ? value.slice(colon + 1) : value;
  if (type === 'url') return isUrl(target) ? target : null;
  if (type === 'dir' || type === 'file') {
    const path = isAbsolute(target) ? target : resolve(dirname(descriptorFile), target);
    return pathToFileURL(path).href;
  }
  return isUrl(value) ? value : null;
}

/** `tags @> 'payments'` selects dashboards by tag; anything else becomes a search query. */
function grafanaSearchUrl(base: string, selector: string): string {
  const root = base.replace(/\/+$/, '');
  const tag = /^\s*tags\s*@>\s*'([^']+)'\s*$/.exec(selector);
  return tag ? `${root}/dashboards?tag=${encodeURIComponent(tag[1])}` : `${root}/dashboards?query=${encodeURIComponent(selector)}`;
}

export function entityLinks(entity: CatalogEntity, options: LinkOptions = {}): CatalogLink[] {
  const links: CatalogLink[] = [];
  const add = (url: string | null, title: string, category: CatalogLinkCategory, from: string, icon: string | null = null) => {
    if (url && isUrl(url) && !links.some((l) => l.url === url)) links.push({ url, title, category, icon, from });
  };

  const metadataLinks = Array.isArray(entity.metadata.links) ? entity.metadata.links : [];
  for (const link of metadataLinks as Array<Record<string, unknown>>) {
    if (typeof link?.url !== 'string') continue;
    const title = typeof link.title === 'string' ? link.title : link.url;
    const icon = typeof link.icon === 'string' ? link.icon : null;
    const hint = [link.type, link.title, link.icon, link.url].filter((x) => typeof x === 'string').join(' ');
    add(link.url, title, categorize(hint), 'metadata.links', icon);
  }

  const annotations = (entity.metadata.annotations ?? {}) as Record<string, unknown>;
  const annotation = (key: string) => (typeof annotations[key] === 'string' ? (annotations[key] as string).trim() : '');
  const file = entity.source.file;

  if (annotation(RUNBOOK_ANNOTATION)) add(annotation(RUNBOOK_ANNOTATION), 'Runbook', 'runbook', RUNBOOK_ANNOTATION);
  const pagerDuty = annotation('pagerduty.com/service-id');
  if (pagerDuty) {
    const base = (options.pagerDutyUrl ?? 'https://app.pagerduty.com').replace(/\/+$/, '');
    add(`${base}/service-directory/${encodeURIComponent(pagerDuty)}`, 'PagerDuty service', 'oncall', 'pagerduty.com/service-id');
  }
  if (annotation('grafana/overview-dashboard')) add(annotation('grafana/overview-dashboard'), 'Grafana dashboard', 'dashboard', 'grafana/overview-dashboard');
  if (annotation('grafana/dashboard-selector') && options.grafanaUrl) {
    add(grafanaSearchUrl(options.grafanaUrl, annotation('grafana/dashboard-selector')), 'Grafana dashboards', 'dashboard', 'grafana/dashboard-selector');
  }
  if (annotation('backstage.io/techdocs-ref')) {
    add(locationUrl(annotation('backstage.io/techdocs-ref'), file), 'Documentation', 'docs', 'backstage.io/techdocs-ref');
  }
  if (annotation('backstage.io/view-url')) add(annotation('backstage.io/view-url'), 'View source', 'source', 'backstage.io/view-url');
  if (annotation('backstage.io/source-location')) {
    add(locationUrl(annotation('backstage.io/source-location'), file), 'Source', 'source', 'backstage.io/source-location');
  }
  if (annotation('github.com/project-slug')) add(`https://github.com/${annotation('github.com/project-slug')}`, 'GitHub repository', 'source', 'github.com/project-slug');
  if (annotation('gitlab.com/project-slug')) add(`https://gitlab.com/${annotation('gitlab.com/project-slug')}`, 'GitLab project', 'source', 'gitlab.com/project-slug');
  if (annotation('backstage.io/edit-url')) add(annotation('backstage.io/edit-url'), 'Edit descriptor', 'source', 'backstage.io/edit-url');
  if (annotation('circleci.com/project-slug')) {
    add(`https://app.circleci.com/pipelines/${annotation('circleci.com/project-slug')}`, 'CircleCI pipelines', 'ci', 'circleci.com/project-slug');
  }
  return links.sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));
}
