/**
 * Meridian's core types, shared by every module: identities, source data versions, capabilities, the connector
 * contract and the error model. Nothing here depends on other Meridian modules.
 */
package io.meridian.spi;
