/** Management HTTP routes under {@code /shroud/v1/} and their JSON views. */
package io.shroud.api;
