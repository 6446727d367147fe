// The rooms of docs/ARCHITECTURE.md ("Rooms and their doors"), checked by `npm test` (and
// `npm run rooms`): dependency-cruiser over src, commands and adapters; any violation fails the run.
// Rules name folders, never files, so a new file in a room obeys its room's rules without an edit here.
// Reference: https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
//
// Parser: dependency-cruiser reads TypeScript with the `typescript` compiler API (versions < 7 only) or
// with swc. Our TypeScript 7 is the native compiler and has no JS API, so it parses with @swc/core, which
// keeps type-only imports (`import type`) as dependencies: a type is a door too.

/** Our own code; npm packages and Node built-ins are governed separately. */
const OURS = '^(src|commands|adapters|data)/';

/**
 * A `*-write.ts` file is a script a person runs by hand (e.g. the Slack manifest writer, which builds an
 * app to read the command list), not part of the running platform: it may import what an entry point may.
 */
const SCRIPTS = '-write\\.ts$';

/** A room's rule: from `room`, no import of our own code outside `doors`. */
function room(name, roomPath, doors, comment, scripts) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: roomPath, ...(scripts && { pathNot: scripts }) },
    to: { path: OURS, pathNot: [roomPath, ...doors] },
  };
}

module.exports = {
  forbidden: [
    // The three arrows that never exist.
    {
      name: 'command-imports-platform',
      comment: 'A command never imports a platform: it answers with a Reply (src/core/reply.ts) that every platform renders.',
      severity: 'error',
      from: { path: '^commands/' },
      to: { path: '^adapters/platforms/' },
    },
    {
      name: 'platform-imports-provider-or-service',
      comment: 'A platform never imports a provider or a service: it turns updates into Invocations for the registry (src/core) and renders Replies.',
      severity: 'error',
      from: { path: '^adapters/platforms/', pathNot: SCRIPTS },
      to: { path: '^(adapters/providers|src/services|src/store)/|^src/app\\.ts$' },
    },
    {
      name: 'service-knows-chat',
      comment: 'Services never know which chat a request came from: no platform, no command.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^(adapters/platforms|commands)/' },
    },
    // Who may import whom, room by room.
    room('core-room', '^src/core/', ['^src/domain/', '^src/log\\.ts$'],
      'src/core (the command model, registry, Reply) imports only src/domain and src/log.ts: what it needs from services it declares itself (src/core/ports.ts), and src/app.ts hands them in.'),
    room('domain-room', '^src/domain/', ['^data/'],
      'src/domain is pure logic and shapes: it imports nothing of ours outside src/domain (shipped JSON catalogues in data/ excepted).'),
    {
      name: 'domain-io',
      comment: 'src/domain does no I/O: of Node\'s built-ins it may use only node:crypto (hashing) and node:util.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(crypto|util)$' },
    },
    room('store-room', '^src/store/', ['^src/domain/', '^src/core/errors\\.ts$', '^src/log\\.ts$'],
      'src/store imports src/domain, src/core/errors.ts and src/log.ts; never services or adapters (a list the store shares with adapters belongs in src/domain).'),
    room('services-room', '^src/services/', ['^src/(store|domain|core)/', '^adapters/(providers|notifiers)/', '^src/(log|config)\\.ts$'],
      'src/services import store, domain, core (errors, Actor, Reply), provider adapters and notifiers, src/log.ts and src/config.ts.'),
    room('sim-room', '^src/sim/', ['^src/log\\.ts$'],
      'The simulator speaks the providers\' protocols on its own: nothing of ours but src/log.ts.'),
    room('commands-room', '^commands/', ['^src/(core|services|domain|store)/', '^adapters/providers/', '^src/(log|config)\\.ts$'],
      'A command imports core, services, domain, the store\'s record shapes and the providers\' names and errors; never a platform.'),
    room('providers-room', '^adapters/providers/', ['^src/domain/', '^src/core/errors\\.ts$', '^src/log\\.ts$'],
      'A provider adapter imports domain, src/core/errors.ts (its errors are user errors) and src/log.ts only.'),
    room('notifiers-room', '^adapters/notifiers/', ['^src/domain/', '^src/(log|config)\\.ts$', '^adapters/providers/retry\\.ts$'],
      'A notifier imports domain, src/log.ts, src/config.ts and the providers\' pure retry.ts.'),
    room('platforms-room', '^adapters/platforms/', ['^src/core/', '^src/(log|config)\\.ts$', '^src/domain/(backoff|platform-names)\\.ts$'],
      'A platform imports core (registry, Reply), src/log.ts, src/config.ts, the one backoff formula (src/domain/backoff.ts, shared with providers, which may not import core) and the platform names (src/domain/platform-names.ts, shared with config and services); never providers or services.', SCRIPTS),
    // A door is named, not climbed to: an import into another room uses the room's package.json
    // subpath name (`#core/registry.ts`, `#providers/errors.ts`), so the imports say which rooms a
    // file enters and a moved file keeps its importers. Relative paths stay inside a room.
    {
      name: 'cross-room-import-by-name',
      comment: 'An import into another room uses its package.json "imports" name (#core/…, #domain/…, #providers/…), not a ../ path.',
      severity: 'error',
      from: { path: '^(src/[^/]+|adapters/[^/]+|commands)/' },
      to: { path: OURS, pathNot: '^$1/', dependencyTypesNot: ['aliased-subpath-import'] },
    },
    {
      name: 'cross-room-import-by-name-from-src-root',
      comment: 'A file at the top of src (app.ts, main.ts…) names the rooms it enters with their "imports" names too.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^(src/[^/]+/|adapters/|commands/|data/)', dependencyTypesNot: ['aliased-subpath-import'] },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^test/' },
  },
};
