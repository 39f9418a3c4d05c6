/**
 * The node process: {@code Main}, {@code NodeGuardian}, settings, the directory of signed
 * descriptors ({@code DirectoryActor}) and the node's keys ({@code KeysActor}).
 */
package io.shroud.node;
