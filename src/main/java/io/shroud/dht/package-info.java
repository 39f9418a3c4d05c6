/**
 * Kademlia DHT: node ids, the XOR metric and routing-table logic (pure), and the actors that
 * run it ({@code KBucketActor}, {@code LookupActor}, {@code RecordsActor}). Only the
 * {@code *Actor} classes may use Pekko.
 */
package io.shroud.dht;
