/**
 * Hidden seeding in a node (docs/protocol.md §11; design.md §8.8): the actors that drive the pure
 * plans of {@code io.shroud.hidden} with real circuits. The seeder's
 * {@link io.shroud.rendezvous.HiddenSeederActor} serves one share hidden: it keeps intro points
 * (circuits to relays, ESTABLISH_INTRO), publishes the sealed descriptor through a circuit
 * ({@code lookup.RecordLookupsActor.StoreRecord}), opens INTRODUCE2 and answers each
 * introduction with its own circuit to the rendezvous point, serving the share's streams end to
 * end. The downloader's side reaches one seeder through an introduction and a rendezvous point.
 *
 * <p>Above {@code io.shroud.lookup} (it publishes and looks up descriptors through it) and
 * {@code io.shroud.circuit}; used by the node. Only the {@code *Actor} classes use Pekko; the
 * bookkeeping they need beyond {@code hidden}'s plans is in plain classes
 * ({@link io.shroud.rendezvous.SeederPlans}).
 */
package io.shroud.rendezvous;
