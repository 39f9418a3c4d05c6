/**
 * How a relay is admitted to its network's cluster: the Artery TLS checks against the
 * network's trust root and the revocations the node holds (issue 23; docs/deployment.md).
 */
package io.shroud.node.admission;
