// The sections of the Settings page, in order. A feature adds its own section by adding one
// entry here (its component renders the section's body; the page draws the frame and the
// table of contents).
import type { ComponentType } from 'react';
import { SourcesPanel } from '../catalog/SourcesPanel';
import { SourceActivitySection } from './SourceActivitySection';
import { SearchAttributesSection } from './SearchAttributesSection';
import { DataSourcesSection } from '../datasources/DataSourcesSection';
import { AppearanceSection, ListenersSection, RetentionSection, StorageSection, TokenSection } from './CoreSections';

export interface SettingsSection {
  /** Anchor in the URL (`/settings#catalog`). */
  id: string;
  title: string;
  /** One line under the title: what the section is for. */
  about: string;
  component: ComponentType;
}

export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'appearance', title: 'Appearance', about: 'Theme of this window (kept in this browser).', component: AppearanceSection },
  { id: 'storage', title: 'Data directory', about: 'Where telemetry, SLOs and catalog sources are kept.', component: StorageSection },
  { id: 'retention', title: 'Retention', about: 'How much raw data is kept before the oldest is deleted.', component: RetentionSection },
  { id: 'search', title: 'Indexed attributes', about: 'Span attributes trace search finds through an index instead of reading every span.', component: SearchAttributesSection },
  { id: 'listeners', title: 'Ports', about: 'Where Loupe receives telemetry and serves this UI.', component: ListenersSection },
  { id: 'sources', title: 'Telemetry sources', about: 'Who sends data: last seen, usual interval, silent sources and late data, per service.', component: SourceActivitySection },
  { id: 'token', title: 'Session token', about: 'Authenticates scripts calling the API (changes on every start).', component: TokenSection },
  { id: 'datasources', title: 'Data sources', about: 'Backends read where the data lives (Prometheus and compatible), beside this Loupe\'s own store.', component: DataSourcesSection },
  { id: 'catalog', title: 'Catalog sources', about: 'Folders and files holding Backstage descriptors.', component: () => <SourcesPanel /> },
];
