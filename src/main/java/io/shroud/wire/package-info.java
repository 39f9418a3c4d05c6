/**
 * Wire formats of the data plane: cell layouts, their strict codecs and the named limits
 * every decoder enforces. Untrusted bytes go through here, never through Kryo.
 *
 * <p>Pure Java; it must not import Pekko (an architecture test checks).
 */
package io.shroud.wire;
