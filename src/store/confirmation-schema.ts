// Pending confirmations: what each preview pinned (the command, its canonical options, the price it
// showed), who asked, until when it may be confirmed, and whether it was. Kept in the store so a
// button survives a restart until it expires; it has a default in schema.ts, so no migration.
// The shape is the domain's (src/domain/confirmations.ts): the registry in src/core carries it out.
export { pendingConfirmationSchema, type PendingConfirmation } from '#domain/confirmations.ts';
