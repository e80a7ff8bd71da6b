// Package teambot holds the domain types shared by every part of the bot:
// teams, members and their roles, audit entries, the messages that reach the
// bot, parsed invocations, replies and the error kinds that decide what a
// user is told. It imports nothing of ours; the subpackages (bot, commands,
// scheduler, storage) talk to each other through these types only, and only
// cmd/teambot knows them all. A few small helpers they all use live here too:
// RandomHex, Sleep and StoreOf.
package teambot
