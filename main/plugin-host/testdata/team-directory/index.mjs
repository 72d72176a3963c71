// A catalog provider for tests: a group, a component it owns, and one entity the catalog must
// refuse (a name Backstage does not allow). `down: true` makes it fail like an unreachable
// directory service would.
import { definePlugin, z, PluginError } from '@loupe/plugin-sdk';

export default definePlugin({
  id: 'team-directory',
  name: 'Team directory',
  version: '0.1.0',
  settings: z.object({ team: z.string().default('payments'), down: z.boolean().default(false) }),
})
  .healthCheck((_p, ctx) => ({ status: 'ok', message: `directory of ${ctx.settings.team}` }))
  .catalogProvider({
    entities: (_p, ctx) => {
      if (ctx.settings.down) throw new PluginError('unavailable', 'the directory service is down');
      const team = ctx.settings.team;
      return {
        entities: [
          { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: team }, spec: { type: 'team', children: [] } },
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: `${team}-api`, description: `The ${team} team's API` },
            spec: { type: 'service', lifecycle: 'production', owner: `group:${team}` },
          },
          { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'Not A Valid Name!' }, spec: { type: 'service', lifecycle: 'production', owner: team } },
        ],
      };
    },
  });
